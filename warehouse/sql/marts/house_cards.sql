-- marts.house_cards: one row per house (marts.house_management) with what its owners see about it:
--   «Куда были потрачены деньги» — the management organisation's annual reports (form 2.8): balances at the start
--     and end of the year, what was charged by category (maintenance, current repair, management), what was
--     received by source, and whether the report was published on time (Housing Code art. 162 p. 11: within the
--     first quarter, i.e. by 31 March of the next year);
--   «Как изменится ваш дом» — the works of the regional capital-repair programme for the house, with their
--     planned years and cost, their status by plan on the reference date, and where the owners' contributions
--     accumulate: the regional operator's common fund or the house's special account.
-- Report and programme rows find their house through marts.house_addresses. A house with two report rows for a
-- year keeps the first published (its date decides timeliness). The programme sheet has no completion data, so a
-- work's status is by its planned dates only.
CREATE OR REPLACE TABLE marts.house_cards AS
WITH
run AS (
    SELECT as_of FROM quality.validation_run
),

houses AS (
    SELECT * FROM marts.house_management
),

house_of_address AS (
    SELECT * FROM marts.house_addresses
),

premises AS (
    SELECT house_id, match_status, cadastral_number FROM marts.premises
),

annual_reports AS (
    SELECT * FROM staging.gis_management_reports
),

programme_works AS (
    SELECT * FROM staging.gis_capital_repair_works
),

premises_visible AS (
    SELECT house_id,
           count(*) FILTER (match_status IN ('confirmed', 'auto') AND cadastral_number IS NOT NULL)
               AS premises_visible_in_app
    FROM premises
    WHERE house_id IS NOT NULL
    GROUP BY house_id
),

reports_in_houses AS (
    SELECT r.*, ha.house_id
    FROM annual_reports AS r
    JOIN house_of_address AS ha
        ON ha.management_organisation_inn IS NOT DISTINCT FROM sv_uo_inn(r.source_file)
       AND ha.address IS NOT DISTINCT FROM r.house_address
       AND ha.house_fias_guid IS NOT DISTINCT FROM r.house_fias_guid
    WHERE ha.house_id IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY ha.house_id, r.report_year
        ORDER BY r.published_on NULLS LAST, r.source_file, r.source_row
    ) = 1
),

house_reports AS (
    SELECT
        house_id,
        list({
            'report_year': report_year,
            'period_start': period_start,
            'period_end': period_end,
            'published_on': published_on,
            'deadline': sv_report_deadline(report_year),
            'published_on_time': published_on <= sv_report_deadline(report_year),
            'opening_advance_payments': opening_advance_payments,
            'opening_balance': opening_balance,
            'opening_arrears': opening_arrears,
            'charged_total': charged_total,
            'charged': [
                {'category': 'Содержание дома', 'amount': charged_maintenance},
                {'category': 'Текущий ремонт', 'amount': charged_current_repair},
                {'category': 'Услуги управления', 'amount': charged_management}
            ],
            'received_total': received_total,
            'received': [
                {'source': 'От собственников и нанимателей', 'amount': received_from_owners},
                {'source': 'Целевые взносы', 'amount': received_target_payments},
                {'source': 'Субсидии', 'amount': received_subsidies},
                {'source': 'От использования общего имущества', 'amount': received_from_common_property},
                {'source': 'Прочие поступления', 'amount': received_other}
            ],
            'cash_total': cash_total,
            'closing_advance_payments': closing_advance_payments,
            'closing_balance': closing_balance,
            'closing_arrears': closing_arrears
        } ORDER BY report_year) AS annual_reports,
        max(report_year) AS latest_report_year
    FROM reports_in_houses
    GROUP BY house_id
),

works_in_houses AS (
    SELECT
        w.*,
        ha.house_id,
        CASE WHEN w.fund_holder ILIKE '%специальн%' THEN 'special_account'
             WHEN w.fund_holder ILIKE '%регионал%' THEN 'regional_operator' END AS fund,
        -- the planned end is a month: the work is due by that month's last day
        last_day(w.planned_end) AS planned_end_day
    FROM programme_works AS w
    JOIN house_of_address AS ha
        ON ha.management_organisation_inn IS NOT DISTINCT FROM sv_uo_inn(w.source_file)
       AND ha.address IS NOT DISTINCT FROM w.house_address
       AND ha.house_fias_guid IS NOT DISTINCT FROM w.house_fias_guid
    WHERE ha.house_id IS NOT NULL
),

works_with_status AS (
    SELECT
        w.*,
        CASE WHEN w.planned_start IS NULL OR w.planned_end IS NULL THEN 'unknown'
             WHEN run.as_of < w.planned_start THEN 'planned'
             WHEN run.as_of <= w.planned_end_day THEN 'in_progress'
             ELSE 'deadline_passed' END AS status
    FROM works_in_houses AS w
    CROSS JOIN run
),

house_works AS (
    SELECT
        house_id,
        list({
            'work_type': work_type,
            'planned_start': planned_start,
            'planned_end': planned_end,
            'planned_start_year': year(planned_start),
            'planned_end_year': year(planned_end),
            'planned_cost': planned_cost,
            'status': status,
            'status_text': CASE status
                WHEN 'planned' THEN 'запланировано'
                WHEN 'in_progress' THEN 'идут работы (по плану)'
                WHEN 'deadline_passed' THEN 'плановый срок окончания прошёл'
                ELSE 'сроки не указаны' END,
            'fund_holder': fund,
            'note': note
        } ORDER BY planned_start NULLS LAST, work_type, source_row) AS capital_repair_works,
        sum(planned_cost) AS capital_repair_planned_cost,
        min(planned_start) FILTER (status = 'planned') AS next_work_start,
        CASE WHEN count(DISTINCT fund) > 1 THEN 'mixed' ELSE any_value(fund) END AS fund_holder,
        mode(special_account_owner) AS special_account_owner
    FROM works_with_status
    GROUP BY house_id
),

final AS (
    SELECT
        h.house_id,
        h.management_organisation_inn,
        h.management_organisation,
        h.management_organisation_name,
        h.municipality_oktmo,
        h.settlement,
        h.house_address,
        h.house_fias_guid,
        h.building_cadastral_number,
        h.year_commissioned,
        h.floors,
        h.total_area,
        h.premises,
        coalesce(v.premises_visible_in_app, 0) AS premises_visible_in_app,
        coalesce(r.annual_reports, []) AS annual_reports,
        r.latest_report_year,
        coalesce(w.capital_repair_works, []) AS capital_repair_works,
        w.capital_repair_planned_cost,
        w.next_work_start,
        w.fund_holder,
        CASE w.fund_holder
            WHEN 'regional_operator' THEN 'взносы копятся у регионального оператора (общий котёл)'
            WHEN 'special_account' THEN 'взносы копятся на специальном счёте дома'
            WHEN 'mixed' THEN 'в программе указаны оба способа: уточните у регионального оператора'
        END AS fund_holder_text,
        w.special_account_owner
    FROM houses AS h
    LEFT JOIN premises_visible AS v USING (house_id)
    LEFT JOIN house_reports AS r USING (house_id)
    LEFT JOIN house_works AS w USING (house_id)
)

SELECT * FROM final
ORDER BY house_id;

COMMENT ON TABLE marts.house_cards IS 'House card: one row per house of marts.house_management. «Куда были потрачены деньги»: the management organisation''s annual reports (form 2.8); «Как изменится ваш дом»: the regional capital-repair programme''s works and how the repair fund is held.';
COMMENT ON COLUMN marts.house_cards.house_id IS 'House (marts.house_management)';
COMMENT ON COLUMN marts.house_cards.management_organisation_inn IS 'INN of the management organisation (from the houses export path)';
COMMENT ON COLUMN marts.house_cards.management_organisation IS 'УО key: the INN, else the export file name';
COMMENT ON COLUMN marts.house_cards.management_organisation_name IS 'Name of the management organisation (marts.management_organisations); NULL when no source names it';
COMMENT ON COLUMN marts.house_cards.municipality_oktmo IS 'Municipality OKTMO (8 digits)';
COMMENT ON COLUMN marts.house_cards.settlement IS 'Settlement';
COMMENT ON COLUMN marts.house_cards.house_address IS 'House address as in the GIS ZhKKh export';
COMMENT ON COLUMN marts.house_cards.house_fias_guid IS 'House FIAS GUID';
COMMENT ON COLUMN marts.house_cards.building_cadastral_number IS 'Building cadastral number from GIS ZhKKh';
COMMENT ON COLUMN marts.house_cards.year_commissioned IS 'Year the building was commissioned';
COMMENT ON COLUMN marts.house_cards.floors IS 'Number of floors';
COMMENT ON COLUMN marts.house_cards.total_area IS 'Total building area, m²';
COMMENT ON COLUMN marts.house_cards.premises IS 'Premises of the house in GIS ZhKKh';
COMMENT ON COLUMN marts.house_cards.premises_visible_in_app IS 'Of which visible to owners in «Госуслуги.Дом» after reconciliation (confirmed or auto)';
COMMENT ON COLUMN marts.house_cards.annual_reports IS '«Куда были потрачены деньги»: LIST(STRUCT(report_year, period_start, period_end, published_on, deadline — 31 March of the next year, published_on_time, opening_advance_payments, opening_balance, opening_arrears, charged_total, charged — LIST(STRUCT(category, amount)) by maintenance, current repair, management, received_total, received — LIST(STRUCT(source, amount)), cash_total, closing_advance_payments, closing_balance, closing_arrears)), roubles';
COMMENT ON COLUMN marts.house_cards.latest_report_year IS 'Latest year with a form 2.8 report';
COMMENT ON COLUMN marts.house_cards.capital_repair_works IS '«Как изменится ваш дом»: LIST(STRUCT(work_type, planned_start, planned_end — planned months, planned_start_year, planned_end_year, planned_cost — roubles, status — planned/in_progress/deadline_passed/unknown by plan on the as-of date, status_text, fund_holder — regional_operator/special_account, note))';
COMMENT ON COLUMN marts.house_cards.capital_repair_planned_cost IS 'Planned cost of all the house''s works in the programme, roubles';
COMMENT ON COLUMN marts.house_cards.next_work_start IS 'Planned start of the next work not yet started';
COMMENT ON COLUMN marts.house_cards.fund_holder IS 'Where capital-repair contributions accumulate: regional_operator, special_account, mixed (both in the programme); NULL when the house is not in the programme';
COMMENT ON COLUMN marts.house_cards.fund_holder_text IS 'The same in words, for the owner (Russian)';
COMMENT ON COLUMN marts.house_cards.special_account_owner IS 'Holder of the special account (an organisation), when the programme names one';
