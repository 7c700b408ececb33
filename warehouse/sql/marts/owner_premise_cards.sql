-- marts.owner_premise_cards: one row per GIS ZhKKh premise (the rows of marts.premises) — what its owner sees
-- about it: the cadastral number and whether the flat shows in «Госуслуги.Дом», the house and its management
-- organisation, the personal accounts, the meters with their next verification and reading history, and the
-- payment documents with their lines. Nested LISTs of STRUCTs keep a card one row: an app reads one premise
-- with one query. No personal data: accounts carry identifiers only (no payer names, SNILS, OGRN/KPP).
-- Links: premise → house as reconciliation placed it (marts.premises.house_id = reconciled.gis_premises); premise →
-- its accounts by marts.premise_accounts (the link marts.quality_kpis counts too); meters and payment documents →
-- their account (Идентификатор ЖКУ, or the account number a meter names instead). An account of several premises
-- shows on each of their cards. Rows are joined on premise_id, never on (file, sheet, row): a CSV row has no sheet.
CREATE OR REPLACE TABLE marts.owner_premise_cards AS
WITH
premises AS (
    SELECT * FROM marts.premises
),

houses AS (
    SELECT house_id, management_organisation_inn, management_organisation, management_organisation_name,
           municipality_oktmo
    FROM marts.house_management
),

meters AS (
    SELECT * FROM marts.meters
),

readings AS (
    SELECT * FROM marts.readings
),

bills AS (
    SELECT * FROM marts.bills
),

bill_lines AS (
    SELECT * FROM marts.bill_lines
),

-- Each premise with its house.
premise_houses AS (
    SELECT p.* EXCLUDE (management_organisation), h.management_organisation_inn,
           h.management_organisation, h.management_organisation_name, h.municipality_oktmo
    FROM premises AS p
    LEFT JOIN houses AS h USING (house_id)
),

premise_accounts AS (
    SELECT premise_id, hcs_id, account_number, account_type, share_percent FROM marts.premise_accounts
),

reading_history AS (
    SELECT meter_gis_number,
           list({'period': period, 'read_on': read_on, 'value_t1': value_t1, 'value_t2': value_t2,
                 'value_t3': value_t3, 'consumption_t1': consumption_t1, 'consumption_t2': consumption_t2,
                 'consumption_t3': consumption_t3, 'consumption_total': consumption_total, 'flags': flags}
                ORDER BY period) AS readings
    FROM readings
    GROUP BY meter_gis_number
),

-- A meter names its account by Идентификатор ЖКУ or by the account number.
account_meters AS (
    SELECT a.premise_id, m.meter_gis_number
    FROM premise_accounts AS a JOIN meters AS m ON m.hcs_id = a.hcs_id
    UNION
    SELECT a.premise_id, m.meter_gis_number
    FROM premise_accounts AS a JOIN meters AS m ON m.hcs_id = a.account_number
),

premise_meters AS (
    SELECT
        am.premise_id,
        list({'meter_gis_number': m.meter_gis_number, 'resource': m.resource, 'serial_number': m.serial_number,
              'brand': m.brand, 'model': m.model, 'tariff_kind': m.tariff_kind,
              'last_verified_on': m.last_verified_on, 'next_verification_on': m.next_verification_on,
              'verification_status': m.verification_status,
              'readings': coalesce(h.readings, [])}
             ORDER BY m.resource, m.meter_gis_number) AS meters,
        min(m.next_verification_on) AS next_verification_on,
        count(*) FILTER (m.verification_status = 'overdue') AS meters_overdue
    FROM account_meters AS am
    JOIN meters AS m USING (meter_gis_number)
    LEFT JOIN reading_history AS h USING (meter_gis_number)
    GROUP BY am.premise_id
),

document_lines AS (
    SELECT hcs_id, period, document_number,
           list({'service': service, 'unit': unit, 'volume_individual': volume_individual,
                 'volume_common': volume_common, 'tariff': tariff, 'charged_total': charged_total,
                 'recalculation': recalculation, 'benefits': benefits, 'payable_total': payable_total,
                 'flags': flags}
                ORDER BY source_file, source_sheet, source_row) AS lines
    FROM bill_lines
    GROUP BY ALL
),

premise_bills AS (
    SELECT
        a.premise_id,
        list({'period': b.period, 'hcs_id': b.hcs_id, 'document_number': b.document_number,
              'document_type': b.document_type, 'amount_due': b.amount_due, 'previous_debt': b.previous_debt,
              'advance': b.advance, 'paid': b.paid, 'total_payable': b.total_payable,
              'capital_repair_charged': b.capital_repair_charged, 'flags': b.flags,
              'lines': coalesce(l.lines, [])}
             ORDER BY b.period, b.hcs_id) AS bills,
        max(b.period) AS last_bill_period
    FROM premise_accounts AS a
    JOIN bills AS b ON b.hcs_id = a.hcs_id
    LEFT JOIN document_lines AS l
        ON l.hcs_id = b.hcs_id AND l.period = b.period AND l.document_number = b.document_number
    GROUP BY a.premise_id
),

premise_account_lists AS (
    SELECT premise_id,
           list({'hcs_id': hcs_id, 'account_number': account_number, 'account_type': account_type,
                 'share_percent': share_percent} ORDER BY hcs_id, account_number) AS accounts
    FROM premise_accounts
    GROUP BY ALL
),

final AS (
    SELECT
        p.source_file,
        p.source_sheet,
        p.source_row,
        p.house_id,
        p.management_organisation_inn,
        p.management_organisation,
        p.management_organisation_name,
        p.municipality_oktmo,
        p.house_address,
        p.house_fias_guid,
        p.premise_number,
        p.premise_kind,
        p.total_area,
        p.cadastral_number,
        p.registry_cadastral_number,
        p.match_status AS cadastral_status,
        CASE p.match_status
            WHEN 'confirmed' THEN 'кадастровый номер подтверждён Росреестром'
            WHEN 'auto' THEN 'кадастровый номер найден в ЕГРН, готов к записи в ГИС ЖКХ'
            WHEN 'review' THEN 'кадастровый номер проверяет специалист'
            WHEN 'conflict' THEN 'кадастровый номер в ГИС ЖКХ расходится с ЕГРН'
            WHEN 'unmatched' THEN 'помещение не найдено в ЕГРН'
            ELSE 'сверка с ЕГРН не проводилась'
        END AS cadastral_status_text,
        coalesce(p.match_status IN ('confirmed', 'auto') AND p.cadastral_number IS NOT NULL, FALSE)
            AS visible_in_app,
        coalesce(a.accounts, []) AS accounts,
        coalesce(m.meters, []) AS meters,
        m.next_verification_on,
        coalesce(m.meters_overdue, 0) AS meters_overdue,
        coalesce(b.bills, []) AS bills,
        b.last_bill_period
    FROM premise_houses AS p
    LEFT JOIN premise_account_lists AS a USING (premise_id)
    LEFT JOIN premise_meters AS m USING (premise_id)
    LEFT JOIN premise_bills AS b USING (premise_id)
)

SELECT * FROM final
ORDER BY source_file, source_sheet, source_row;

COMMENT ON TABLE marts.owner_premise_cards IS 'Owner''s premise card: one row per GIS ZhKKh premise (as marts.premises) with its cadastral number and status, house and management organisation, personal accounts, meters with next verification date and reading history, payment documents with their lines (nested lists). No personal data.';
COMMENT ON COLUMN marts.owner_premise_cards.source_file IS 'File of the premise row in the GIS ZhKKh export (key with source_sheet and source_row, as in marts.premises)';
COMMENT ON COLUMN marts.owner_premise_cards.source_sheet IS 'Sheet of the premise row (NULL for CSV)';
COMMENT ON COLUMN marts.owner_premise_cards.source_row IS 'Row number of the premise row in its file';
COMMENT ON COLUMN marts.owner_premise_cards.house_id IS 'House (marts.house_management, marts.house_cards)';
COMMENT ON COLUMN marts.owner_premise_cards.management_organisation_inn IS 'INN of the house''s management organisation (from the export path)';
COMMENT ON COLUMN marts.owner_premise_cards.management_organisation IS 'УО key: the INN, else the export file name';
COMMENT ON COLUMN marts.owner_premise_cards.management_organisation_name IS 'Name of the management organisation (marts.management_organisations); NULL when no source names it';
COMMENT ON COLUMN marts.owner_premise_cards.municipality_oktmo IS 'Municipality OKTMO of the house (8 digits)';
COMMENT ON COLUMN marts.owner_premise_cards.house_address IS 'House address as in the GIS ZhKKh export';
COMMENT ON COLUMN marts.owner_premise_cards.house_fias_guid IS 'House FIAS GUID';
COMMENT ON COLUMN marts.owner_premise_cards.premise_number IS 'Premise number (upper case, no spaces or hyphens)';
COMMENT ON COLUMN marts.owner_premise_cards.premise_kind IS 'residential or non_residential';
COMMENT ON COLUMN marts.owner_premise_cards.total_area IS 'Premise total area from its passport, m²';
COMMENT ON COLUMN marts.owner_premise_cards.cadastral_number IS 'Cadastral number Sverka stands behind (marts.premises.cadastral_number)';
COMMENT ON COLUMN marts.owner_premise_cards.registry_cadastral_number IS 'Cadastral number GIS ZhKKh carried before reconciliation';
COMMENT ON COLUMN marts.owner_premise_cards.cadastral_status IS 'Reconciliation status: confirmed, auto, review, conflict, unmatched; NULL when not reconciled';
COMMENT ON COLUMN marts.owner_premise_cards.cadastral_status_text IS 'The status in words, for the owner (Russian)';
COMMENT ON COLUMN marts.owner_premise_cards.visible_in_app IS 'The owner sees the premise in «Госуслуги.Дом» (number confirmed, or found and ready to write back to GIS ZhKKh)';
COMMENT ON COLUMN marts.owner_premise_cards.accounts IS 'Personal accounts of the premise (marts.premise_accounts): LIST(STRUCT(hcs_id — Идентификатор ЖКУ, account_number, account_type, share_percent — share of the payment, %))';
COMMENT ON COLUMN marts.owner_premise_cards.meters IS 'Meters of the premise''s accounts: LIST(STRUCT(meter_gis_number, resource, serial_number, brand, model, tariff_kind, last_verified_on, next_verification_on, verification_status — ok/due_soon/overdue, readings — LIST(STRUCT(period, read_on, value_t1..value_t3, consumption_t1..consumption_t3 — since the previous accepted reading, consumption_total, flags — rule codes)))) from marts.meters and marts.readings';
COMMENT ON COLUMN marts.owner_premise_cards.next_verification_on IS 'Earliest next verification date among the premise''s meters';
COMMENT ON COLUMN marts.owner_premise_cards.meters_overdue IS 'Meters of the premise overdue for verification on the as-of date';
COMMENT ON COLUMN marts.owner_premise_cards.bills IS 'Payment documents of the premise''s accounts: LIST(STRUCT(period, hcs_id, document_number, document_type, amount_due — due for the period, previous_debt, advance, paid, total_payable, capital_repair_charged, flags, lines — LIST(STRUCT(service, unit, volume_individual, volume_common, tariff, charged_total, recalculation, benefits, payable_total, flags)))) from marts.bills and marts.bill_lines';
COMMENT ON COLUMN marts.owner_premise_cards.last_bill_period IS 'Latest billing period with a payment document';
