-- marts.quality_kpis: the data-quality figures a regional housing inspectorate follows, for the whole region,
-- each municipality (OKTMO, 8 digits) and each management organisation (УО):
--   cadastral-number fill rate before reconciliation (premises GIS ZhKKh already carried a number for) and after
--   (confirmed + auto: the premises an owner can see in «Госуслуги.Дом» once the found numbers are written back),
--   the review and conflict backlogs, reading and bill flag rates, meters overdue for verification, and whether
--   the annual report (form 2.8) was published by its deadline (Housing Code art. 162 p. 11).
-- Every source row belongs to the УО whose file it came from (the INN in its path), else to the УО of its house,
-- and to the municipality of its house: a premise's house by its export and address; a meter's and a reading's
-- by the address they name (marts.house_addresses), a reading without one by its meter's; a payment document's
-- by its account's premise; a document line's by its document (same export and document number).
-- Flag rates count rows with at least one error or warning (info flags are notes, not problems).
CREATE OR REPLACE MACRO sv_kpi_level(by_municipality, by_organisation) AS
    CASE WHEN by_municipality THEN 'municipality' WHEN by_organisation THEN 'management_organisation'
         ELSE 'region' END;

-- marts.quality_checked_rows: every source row the reading and bill rules check — meter readings, payment
-- documents («Разделы 1-2») and their lines («Разделы 3-6») — placed in its house, municipality and УО, with
-- whether a rule found a problem on it. The base of the flag figures in marts.quality_kpis and
-- marts.quality_flag_rates.
CREATE OR REPLACE TABLE marts.quality_checked_rows AS
WITH
houses AS (
    SELECT house_id, management_organisation, municipality_oktmo FROM marts.house_management
),

house_of_address AS (
    SELECT * FROM marts.house_addresses
),

meters AS (
    SELECT meter_gis_number, house_address, source_file FROM marts.meters
),

readings AS (
    SELECT source_file, source_sheet, source_row, meter_gis_number, house_address FROM staging.gis_readings
),

documents AS (
    SELECT source_file, source_sheet, source_row, hcs_id, document_number FROM staging.gis_bills
),

document_lines AS (
    SELECT source_file, source_sheet, source_row, document_number FROM staging.gis_bill_lines
),

flags AS (
    SELECT 'readings' AS applies_to, source_file, source_sheet, source_row, rule, severity FROM quality.reading_flags
    UNION ALL
    SELECT 'bills', source_file, source_sheet, source_row, rule, severity FROM quality.bill_flags
),

meter_houses AS (
    SELECT m.meter_gis_number, min(ha.house_id) AS house_id
    FROM meters AS m
    JOIN house_of_address AS ha
        ON ha.management_organisation_inn IS NOT DISTINCT FROM sv_uo_inn(m.source_file)
       AND ha.address = m.house_address AND ha.house_fias_guid IS NULL
    WHERE ha.house_id IS NOT NULL
    GROUP BY m.meter_gis_number
),

-- A reading by the address it names, else by its meter's.
reading_rows AS (
    SELECT 'readings' AS applies_to, 'reading' AS row_kind, r.source_file, r.source_sheet, r.source_row,
           coalesce(ha.house_id, mh.house_id) AS house_id
    FROM readings AS r
    LEFT JOIN house_of_address AS ha
        ON ha.management_organisation_inn IS NOT DISTINCT FROM sv_uo_inn(r.source_file)
       AND ha.address = r.house_address AND ha.house_fias_guid IS NULL
    LEFT JOIN meter_houses AS mh USING (meter_gis_number)
),

-- An account's house: the house of a premise it pays for (marts.premise_accounts, as on the owner cards).
account_houses AS (
    SELECT hcs_id, min(house_id) AS house_id
    FROM marts.premise_accounts
    WHERE hcs_id IS NOT NULL
    GROUP BY hcs_id
),

-- A payment document by its account's premise.
document_rows AS (
    SELECT 'bills' AS applies_to, 'document' AS row_kind, d.source_file, d.source_sheet, d.source_row,
           ah.house_id, d.document_number, sv_workbook(d.source_file, d.source_sheet) AS gis_export
    FROM documents AS d
    LEFT JOIN account_houses AS ah USING (hcs_id)
),

document_houses AS (
    SELECT gis_export, document_number, min(house_id) AS house_id
    FROM document_rows
    WHERE house_id IS NOT NULL
    GROUP BY ALL
),

-- A document line by its document: same export, same document number.
line_rows AS (
    SELECT 'bills' AS applies_to, 'line' AS row_kind, l.source_file, l.source_sheet, l.source_row, dh.house_id
    FROM document_lines AS l
    LEFT JOIN document_houses AS dh
        ON dh.gis_export = sv_workbook(l.source_file, l.source_sheet) AND dh.document_number = l.document_number
),

checked_rows AS (
    SELECT * FROM reading_rows
    UNION ALL
    SELECT * EXCLUDE (document_number, gis_export) FROM document_rows
    UNION ALL
    SELECT * FROM line_rows
),

row_flags AS (
    SELECT applies_to, source_file, source_sheet, source_row,
           list(rule ORDER BY rule) AS flags,
           bool_or(severity IN ('error', 'warning')) AS has_problem,
           bool_or(severity = 'error') AS has_error
    FROM flags
    GROUP BY ALL
),

final AS (
    SELECT
        c.applies_to,
        c.row_kind,
        c.source_file,
        c.source_sheet,
        c.source_row,
        c.house_id,
        h.municipality_oktmo,
        coalesce(sv_uo_inn(c.source_file), h.management_organisation) AS management_organisation,
        coalesce(f.flags, []) AS flags,
        coalesce(f.has_problem, FALSE) AS has_problem,
        coalesce(f.has_error, FALSE) AS has_error
    FROM checked_rows AS c
    LEFT JOIN houses AS h USING (house_id)
    LEFT JOIN row_flags AS f
        ON f.applies_to = c.applies_to AND f.source_file = c.source_file
       AND f.source_sheet IS NOT DISTINCT FROM c.source_sheet AND f.source_row = c.source_row
)

SELECT * FROM final
ORDER BY applies_to DESC, source_file, source_sheet, source_row;

COMMENT ON TABLE marts.quality_checked_rows IS 'Every source row the validation rules check (meter readings, payment documents «Разделы 1-2» and their lines «Разделы 3-6») with its house, municipality, УО and flags. The base of marts.quality_kpis and marts.quality_flag_rates.';
COMMENT ON COLUMN marts.quality_checked_rows.applies_to IS 'readings (meter readings) or bills (payment documents)';
COMMENT ON COLUMN marts.quality_checked_rows.row_kind IS 'reading, document («Разделы 1-2») or line («Разделы 3-6»)';
COMMENT ON COLUMN marts.quality_checked_rows.source_file IS 'File of the row';
COMMENT ON COLUMN marts.quality_checked_rows.source_sheet IS 'Sheet of the row (NULL for CSV)';
COMMENT ON COLUMN marts.quality_checked_rows.source_row IS 'Row number in the file';
COMMENT ON COLUMN marts.quality_checked_rows.house_id IS 'House (marts.house_management): a reading by its address, else its meter''s; a document by its account''s premise; a line by its document; NULL when not found';
COMMENT ON COLUMN marts.quality_checked_rows.municipality_oktmo IS 'Municipality OKTMO of the house (8 digits)';
COMMENT ON COLUMN marts.quality_checked_rows.management_organisation IS 'УО: the INN in the row''s file path, else the house''s УО';
COMMENT ON COLUMN marts.quality_checked_rows.flags IS 'Codes of the rules that fired (all severities)';
COMMENT ON COLUMN marts.quality_checked_rows.has_problem IS 'Has an error or a warning (info flags do not count)';
COMMENT ON COLUMN marts.quality_checked_rows.has_error IS 'Has an error (severity = error)';


CREATE OR REPLACE TABLE marts.quality_kpis AS
WITH
run AS (
    SELECT as_of, sv_report_year_due(as_of) AS report_year FROM quality.validation_run
),

houses AS (
    SELECT house_id, gis_export, house_address, management_organisation, municipality_oktmo
    FROM marts.house_management
),

house_of_address AS (
    SELECT * FROM marts.house_addresses
),

premises AS (
    SELECT house_id, registry_cadastral_number, cadastral_number, match_status FROM marts.premises
),

meters AS (
    SELECT meter_gis_number, house_address, verification_status, source_file FROM marts.meters
),

checked_rows AS (
    SELECT * FROM marts.quality_checked_rows
),

annual_reports AS (
    SELECT source_file, house_address, house_fias_guid, report_year, published_on
    FROM staging.gis_management_reports
),

quarantine AS (
    SELECT source_file FROM quality.quarantine
),

-- Step 1: every fact placed in its municipality and УО.
premise_facts AS (
    SELECT h.municipality_oktmo, h.management_organisation,
           p.registry_cadastral_number IS NOT NULL AS had_registry_number,
           p.match_status IN ('confirmed', 'auto') AND p.cadastral_number IS NOT NULL AS visible,
           p.match_status
    FROM premises AS p
    LEFT JOIN houses AS h USING (house_id)
),

meter_facts AS (
    SELECT h.municipality_oktmo,
           coalesce(sv_uo_inn(m.source_file), h.management_organisation) AS management_organisation,
           m.verification_status
    FROM meters AS m
    LEFT JOIN house_of_address AS ha
        ON ha.management_organisation_inn IS NOT DISTINCT FROM sv_uo_inn(m.source_file)
       AND ha.address = m.house_address AND ha.house_fias_guid IS NULL
    LEFT JOIN houses AS h ON h.house_id = ha.house_id
),

-- What the owner cards show (marts.owner_premise_cards reads the same links): the accounts that pay for a GIS
-- premise (marts.premise_accounts), their meters (by Идентификатор ЖКУ or account number) and payment documents,
-- each placed in the УО and municipality of the premise's house.
account_card_facts AS (
    SELECT DISTINCT pa.management_organisation, h.municipality_oktmo, pa.hcs_id, pa.account_number
    FROM marts.premise_accounts AS pa
    LEFT JOIN houses AS h USING (house_id)
),

meter_card_facts AS (
    SELECT DISTINCT a.management_organisation, a.municipality_oktmo, m.meter_gis_number, m.verification_status
    FROM account_card_facts AS a
    JOIN marts.meters AS m ON m.hcs_id = a.hcs_id OR m.hcs_id = a.account_number
),

bill_card_facts AS (
    SELECT DISTINCT a.management_organisation, a.municipality_oktmo, b.hcs_id, b.period, b.document_number
    FROM account_card_facts AS a
    JOIN marts.bills AS b ON b.hcs_id = a.hcs_id
),

-- Every account and payment document of a УО: the УО whose file it came from (INN in the path), else the УО of
-- a premise it pays for.
account_facts AS (
    SELECT coalesce(sv_uo_inn(a.source_file), any_value(c.management_organisation)) AS management_organisation,
           any_value(c.municipality_oktmo) AS municipality_oktmo
    FROM marts.accounts AS a
    LEFT JOIN account_card_facts AS c ON c.hcs_id = a.hcs_id
    GROUP BY a.source_file, a.source_sheet, a.source_row
),

bill_facts AS (
    SELECT coalesce(sv_uo_inn(b.source_file), any_value(c.management_organisation)) AS management_organisation,
           any_value(c.municipality_oktmo) AS municipality_oktmo
    FROM marts.bills AS b
    LEFT JOIN account_card_facts AS c ON c.hcs_id = b.hcs_id
    GROUP BY b.source_file, b.source_sheet, b.source_row
),

checked_facts AS (
    SELECT applies_to, municipality_oktmo, management_organisation, has_problem, has_error FROM checked_rows
),

reports_in_houses AS (
    SELECT ha.house_id, r.report_year, min(r.published_on) AS published_on
    FROM annual_reports AS r
    JOIN house_of_address AS ha
        ON ha.management_organisation_inn IS NOT DISTINCT FROM sv_uo_inn(r.source_file)
       AND ha.address IS NOT DISTINCT FROM r.house_address
       AND ha.house_fias_guid IS NOT DISTINCT FROM r.house_fias_guid
    WHERE ha.house_id IS NOT NULL
    GROUP BY ALL
),

report_facts AS (
    SELECT h.municipality_oktmo, h.management_organisation, run.report_year,
           CASE WHEN r.published_on IS NULL THEN 'missing'
                WHEN r.published_on <= sv_report_deadline(run.report_year) THEN 'on_time'
                ELSE 'late' END AS report_status
    FROM houses AS h
    CROSS JOIN run
    LEFT JOIN reports_in_houses AS r ON r.house_id = h.house_id AND r.report_year = run.report_year
),

-- Step 2: the figures at the three levels.
premise_kpis AS (
    SELECT sv_kpi_level(grouping(municipality_oktmo) = 0, grouping(management_organisation) = 0) AS level,
           municipality_oktmo, management_organisation,
           count(*) AS premises,
           count(*) FILTER (had_registry_number) AS premises_with_registry_number,
           count(*) FILTER (visible) AS premises_visible,
           count(*) FILTER (match_status = 'review') AS review_backlog,
           count(*) FILTER (match_status = 'conflict') AS conflict_backlog,
           count(*) FILTER (match_status = 'unmatched') AS unmatched,
           count(*) FILTER (match_status IS NULL) AS not_reconciled
    FROM premise_facts
    GROUP BY GROUPING SETS ((), (municipality_oktmo), (management_organisation))
),

check_kpis AS (
    SELECT sv_kpi_level(grouping(municipality_oktmo) = 0, grouping(management_organisation) = 0) AS level,
           municipality_oktmo, management_organisation,
           count(*) FILTER (applies_to = 'readings') AS readings,
           count(*) FILTER (applies_to = 'readings' AND has_problem) AS readings_flagged,
           count(*) FILTER (applies_to = 'readings' AND has_error) AS readings_with_errors,
           count(*) FILTER (applies_to = 'bills') AS bill_rows,
           count(*) FILTER (applies_to = 'bills' AND has_problem) AS bill_rows_flagged,
           count(*) FILTER (applies_to = 'bills' AND has_error) AS bill_rows_with_errors
    FROM checked_facts
    GROUP BY GROUPING SETS ((), (municipality_oktmo), (management_organisation))
),

meter_kpis AS (
    SELECT sv_kpi_level(grouping(municipality_oktmo) = 0, grouping(management_organisation) = 0) AS level,
           municipality_oktmo, management_organisation,
           count(*) AS meters,
           count(*) FILTER (verification_status = 'overdue') AS meters_overdue,
           count(*) FILTER (verification_status = 'due_soon') AS meters_due_soon
    FROM meter_facts
    GROUP BY GROUPING SETS ((), (municipality_oktmo), (management_organisation))
),

card_kpis AS (
    SELECT sv_kpi_level(grouping(municipality_oktmo) = 0, grouping(management_organisation) = 0) AS level,
           municipality_oktmo, management_organisation,
           count(*) AS accounts_on_cards
    FROM account_card_facts
    GROUP BY GROUPING SETS ((), (municipality_oktmo), (management_organisation))
),

meter_card_kpis AS (
    SELECT sv_kpi_level(grouping(municipality_oktmo) = 0, grouping(management_organisation) = 0) AS level,
           municipality_oktmo, management_organisation,
           count(DISTINCT meter_gis_number) AS meters_on_cards,
           count(DISTINCT meter_gis_number) FILTER (verification_status = 'overdue') AS meters_overdue_on_cards
    FROM meter_card_facts
    GROUP BY GROUPING SETS ((), (municipality_oktmo), (management_organisation))
),

bill_card_kpis AS (
    SELECT sv_kpi_level(grouping(municipality_oktmo) = 0, grouping(management_organisation) = 0) AS level,
           municipality_oktmo, management_organisation,
           count(DISTINCT (hcs_id, period, document_number)) AS bills_on_cards
    FROM bill_card_facts
    GROUP BY GROUPING SETS ((), (municipality_oktmo), (management_organisation))
),

account_kpis AS (
    SELECT sv_kpi_level(grouping(municipality_oktmo) = 0, grouping(management_organisation) = 0) AS level,
           municipality_oktmo, management_organisation, count(*) AS accounts
    FROM account_facts
    GROUP BY GROUPING SETS ((), (municipality_oktmo), (management_organisation))
),

bill_kpis AS (
    SELECT sv_kpi_level(grouping(municipality_oktmo) = 0, grouping(management_organisation) = 0) AS level,
           municipality_oktmo, management_organisation, count(*) AS bills
    FROM bill_facts
    GROUP BY GROUPING SETS ((), (municipality_oktmo), (management_organisation))
),

report_kpis AS (
    SELECT sv_kpi_level(grouping(municipality_oktmo) = 0, grouping(management_organisation) = 0) AS level,
           municipality_oktmo, management_organisation,
           any_value(report_year) AS annual_report_year,
           count(*) AS houses,
           count(*) FILTER (report_status = 'on_time') AS houses_report_on_time,
           count(*) FILTER (report_status = 'late') AS houses_report_late,
           count(*) FILTER (report_status = 'missing') AS houses_report_missing
    FROM report_facts
    GROUP BY GROUPING SETS ((), (municipality_oktmo), (management_organisation))
),

-- A quarantined row has no readable house: counted for the region and the УО of its file only.
quarantine_kpis AS (
    SELECT sv_kpi_level(FALSE, grouping(management_organisation) = 0) AS level,
           NULL::VARCHAR AS municipality_oktmo, management_organisation,
           count(*) AS quarantined_rows
    FROM (SELECT sv_uo_inn(source_file) AS management_organisation FROM quarantine)
    GROUP BY GROUPING SETS ((), (management_organisation))
),

groups AS (
    SELECT level, municipality_oktmo, management_organisation FROM premise_kpis
    UNION SELECT level, municipality_oktmo, management_organisation FROM check_kpis
    UNION SELECT level, municipality_oktmo, management_organisation FROM meter_kpis
    UNION SELECT level, municipality_oktmo, management_organisation FROM report_kpis
    UNION SELECT level, municipality_oktmo, management_organisation FROM quarantine_kpis
    UNION SELECT level, municipality_oktmo, management_organisation FROM account_kpis
    UNION SELECT level, municipality_oktmo, management_organisation FROM bill_kpis
    UNION SELECT level, municipality_oktmo, management_organisation FROM card_kpis
    -- the region row exists even in an empty warehouse
    UNION SELECT 'region', NULL, NULL
),

final AS (
    SELECT
        g.level,
        g.municipality_oktmo,
        g.management_organisation,
        sv_uo_inn(g.management_organisation) AS management_organisation_inn,
        o.management_organisation_name,
        coalesce(p.premises, 0) AS premises,
        coalesce(p.premises_with_registry_number, 0) AS premises_with_registry_number,
        p.premises_with_registry_number / nullif(p.premises, 0) AS fill_rate_before,
        coalesce(p.premises_visible, 0) AS premises_visible,
        p.premises_visible / nullif(p.premises, 0) AS fill_rate_after,
        coalesce(p.review_backlog, 0) AS review_backlog,
        coalesce(p.conflict_backlog, 0) AS conflict_backlog,
        coalesce(p.unmatched, 0) AS unmatched,
        coalesce(p.not_reconciled, 0) AS not_reconciled,
        coalesce(c.readings, 0) AS readings,
        coalesce(c.readings_flagged, 0) AS readings_flagged,
        coalesce(c.readings_with_errors, 0) AS readings_with_errors,
        c.readings_flagged / nullif(c.readings, 0) AS reading_flag_rate,
        coalesce(c.bill_rows, 0) AS bill_rows,
        coalesce(c.bill_rows_flagged, 0) AS bill_rows_flagged,
        coalesce(c.bill_rows_with_errors, 0) AS bill_rows_with_errors,
        c.bill_rows_flagged / nullif(c.bill_rows, 0) AS bill_flag_rate,
        coalesce(m.meters, 0) AS meters,
        coalesce(m.meters_overdue, 0) AS meters_overdue,
        coalesce(m.meters_due_soon, 0) AS meters_due_soon,
        coalesce(r.annual_report_year, (SELECT report_year FROM run)) AS annual_report_year,
        coalesce(r.houses, 0) AS houses,
        coalesce(r.houses_report_on_time, 0) AS houses_report_on_time,
        coalesce(r.houses_report_late, 0) AS houses_report_late,
        coalesce(r.houses_report_missing, 0) AS houses_report_missing,
        CASE WHEN coalesce(r.houses, 0) = 0 THEN NULL
             WHEN r.houses_report_missing > 0 THEN 'missing'
             WHEN r.houses_report_late > 0 THEN 'late'
             ELSE 'on_time' END AS annual_report_status,
        CASE WHEN g.level = 'municipality' THEN NULL ELSE coalesce(q.quarantined_rows, 0) END AS quarantined_rows,
        coalesce(ak.accounts, 0) AS accounts,
        coalesce(ck.accounts_on_cards, 0) AS accounts_on_cards,
        coalesce(mc.meters_on_cards, 0) AS meters_on_cards,
        coalesce(mc.meters_overdue_on_cards, 0) AS meters_overdue_on_cards,
        coalesce(bk.bills, 0) AS bills,
        coalesce(bc.bills_on_cards, 0) AS bills_on_cards
    FROM groups AS g
    LEFT JOIN marts.management_organisations AS o
        ON g.level = 'management_organisation' AND o.management_organisation = g.management_organisation
    LEFT JOIN premise_kpis AS p
        ON p.level = g.level AND p.municipality_oktmo IS NOT DISTINCT FROM g.municipality_oktmo
       AND p.management_organisation IS NOT DISTINCT FROM g.management_organisation
    LEFT JOIN check_kpis AS c
        ON c.level = g.level AND c.municipality_oktmo IS NOT DISTINCT FROM g.municipality_oktmo
       AND c.management_organisation IS NOT DISTINCT FROM g.management_organisation
    LEFT JOIN meter_kpis AS m
        ON m.level = g.level AND m.municipality_oktmo IS NOT DISTINCT FROM g.municipality_oktmo
       AND m.management_organisation IS NOT DISTINCT FROM g.management_organisation
    LEFT JOIN report_kpis AS r
        ON r.level = g.level AND r.municipality_oktmo IS NOT DISTINCT FROM g.municipality_oktmo
       AND r.management_organisation IS NOT DISTINCT FROM g.management_organisation
    LEFT JOIN quarantine_kpis AS q
        ON q.level = g.level AND q.municipality_oktmo IS NOT DISTINCT FROM g.municipality_oktmo
       AND q.management_organisation IS NOT DISTINCT FROM g.management_organisation
    LEFT JOIN account_kpis AS ak
        ON ak.level = g.level AND ak.municipality_oktmo IS NOT DISTINCT FROM g.municipality_oktmo
       AND ak.management_organisation IS NOT DISTINCT FROM g.management_organisation
    LEFT JOIN card_kpis AS ck
        ON ck.level = g.level AND ck.municipality_oktmo IS NOT DISTINCT FROM g.municipality_oktmo
       AND ck.management_organisation IS NOT DISTINCT FROM g.management_organisation
    LEFT JOIN meter_card_kpis AS mc
        ON mc.level = g.level AND mc.municipality_oktmo IS NOT DISTINCT FROM g.municipality_oktmo
       AND mc.management_organisation IS NOT DISTINCT FROM g.management_organisation
    LEFT JOIN bill_kpis AS bk
        ON bk.level = g.level AND bk.municipality_oktmo IS NOT DISTINCT FROM g.municipality_oktmo
       AND bk.management_organisation IS NOT DISTINCT FROM g.management_organisation
    LEFT JOIN bill_card_kpis AS bc
        ON bc.level = g.level AND bc.municipality_oktmo IS NOT DISTINCT FROM g.municipality_oktmo
       AND bc.management_organisation IS NOT DISTINCT FROM g.management_organisation
)

SELECT * FROM final
ORDER BY CASE level WHEN 'region' THEN 0 WHEN 'municipality' THEN 1 ELSE 2 END,
         municipality_oktmo NULLS LAST, management_organisation NULLS LAST;

COMMENT ON TABLE marts.quality_kpis IS 'Data-quality KPIs for the housing inspectorate: one row for the region (level = region), each municipality (municipality, by OKTMO) and each management organisation (management_organisation). A source row belongs to the УО of its file (INN in the path), else to the УО of its house, and to its house''s municipality.';
COMMENT ON COLUMN marts.quality_kpis.level IS 'region, municipality or management_organisation';
COMMENT ON COLUMN marts.quality_kpis.municipality_oktmo IS 'Municipality OKTMO (8 digits) at level municipality; NULL at other levels and for houses without OKTMO';
COMMENT ON COLUMN marts.quality_kpis.management_organisation IS 'УО key at level management_organisation: the INN, else the export file name; NULL when unknown';
COMMENT ON COLUMN marts.quality_kpis.management_organisation_inn IS 'INN of the management organisation, when known';
COMMENT ON COLUMN marts.quality_kpis.management_organisation_name IS 'Name of the management organisation at level management_organisation (marts.management_organisations); NULL when no source names it';
COMMENT ON COLUMN marts.quality_kpis.accounts IS 'Personal accounts (marts.accounts) of the group: the УО of the accounts file, else of a premise the account pays for';
COMMENT ON COLUMN marts.quality_kpis.accounts_on_cards IS 'Accounts that pay for a GIS premise of the group (marts.premise_accounts): the accounts owner cards show';
COMMENT ON COLUMN marts.quality_kpis.meters_on_cards IS 'Meters of those accounts: the meters owner cards show (a meter whose account pays for no GIS premise is in meters only)';
COMMENT ON COLUMN marts.quality_kpis.meters_overdue_on_cards IS 'Of meters_on_cards, those overdue for verification on the as-of date';
COMMENT ON COLUMN marts.quality_kpis.bills IS 'Payment documents that count (marts.bills) of the group: the УО of the file, else of a premise the account pays for';
COMMENT ON COLUMN marts.quality_kpis.bills_on_cards IS 'Payment documents of accounts that pay for a GIS premise of the group: the documents owner cards show';
COMMENT ON COLUMN marts.quality_kpis.premises IS 'GIS ZhKKh premises (rows of marts.premises)';
COMMENT ON COLUMN marts.quality_kpis.premises_with_registry_number IS 'Premises GIS ZhKKh carried a cadastral number for before reconciliation';
COMMENT ON COLUMN marts.quality_kpis.fill_rate_before IS 'Cadastral-number fill rate before reconciliation: premises_with_registry_number / premises (0..1)';
COMMENT ON COLUMN marts.quality_kpis.premises_visible IS 'Premises confirmed or auto: their owners see them in «Госуслуги.Дом» (auto once the found number is written back)';
COMMENT ON COLUMN marts.quality_kpis.fill_rate_after IS 'Fill rate after reconciliation: premises_visible / premises (0..1)';
COMMENT ON COLUMN marts.quality_kpis.review_backlog IS 'Premises awaiting a person''s decision (review)';
COMMENT ON COLUMN marts.quality_kpis.conflict_backlog IS 'Premises whose GIS ZhKKh number contradicts EGRN (conflict)';
COMMENT ON COLUMN marts.quality_kpis.unmatched IS 'Premises not found in EGRN (unmatched)';
COMMENT ON COLUMN marts.quality_kpis.not_reconciled IS 'Premises without a reconciliation result (e.g. house not linked)';
COMMENT ON COLUMN marts.quality_kpis.readings IS 'Meter reading rows loaded';
COMMENT ON COLUMN marts.quality_kpis.readings_flagged IS 'Reading rows with at least one error or warning (quality.reading_flags)';
COMMENT ON COLUMN marts.quality_kpis.readings_with_errors IS 'Reading rows with at least one error';
COMMENT ON COLUMN marts.quality_kpis.reading_flag_rate IS 'Share of reading rows flagged: readings_flagged / readings (0..1)';
COMMENT ON COLUMN marts.quality_kpis.bill_rows IS 'Payment document rows: documents («Разделы 1-2») and service lines («Разделы 3-6»)';
COMMENT ON COLUMN marts.quality_kpis.bill_rows_flagged IS 'Of which with at least one error or warning (quality.bill_flags)';
COMMENT ON COLUMN marts.quality_kpis.bill_rows_with_errors IS 'Of which with at least one error';
COMMENT ON COLUMN marts.quality_kpis.bill_flag_rate IS 'Share of payment document rows flagged: bill_rows_flagged / bill_rows (0..1)';
COMMENT ON COLUMN marts.quality_kpis.meters IS 'Meters (marts.meters) of the group: the УО of the meters file, else of the meter''s house';
COMMENT ON COLUMN marts.quality_kpis.meters_overdue IS 'Meters overdue for verification on the as-of date';
COMMENT ON COLUMN marts.quality_kpis.meters_due_soon IS 'Meters due for verification within quality.validation_run.due_soon_days';
COMMENT ON COLUMN marts.quality_kpis.annual_report_year IS 'Year of the form 2.8 report whose deadline (31 March of the next year) has passed on the as-of date';
COMMENT ON COLUMN marts.quality_kpis.houses IS 'Houses (marts.house_management)';
COMMENT ON COLUMN marts.quality_kpis.houses_report_on_time IS 'Houses whose annual_report_year report was published on time (Housing Code art. 162 p. 11)';
COMMENT ON COLUMN marts.quality_kpis.houses_report_late IS 'Houses whose report was published late';
COMMENT ON COLUMN marts.quality_kpis.houses_report_missing IS 'Houses without a report for annual_report_year';
COMMENT ON COLUMN marts.quality_kpis.annual_report_status IS 'on_time (all on time), late (all published, some late), missing (some houses have none); NULL without houses';
COMMENT ON COLUMN marts.quality_kpis.quarantined_rows IS 'Source rows in quarantine (quality.quarantine), for the region and the УО of the file; NULL at municipality level';


-- marts.quality_flag_rates: reading and bill flag rates by rule, at the same three levels as marts.quality_kpis.
-- A rule's rate is the rows it flagged over the rows of the kind it looks at: readings for reading rules; for bill
-- rules, payment documents («Разделы 1-2») or their lines («Разделы 3-6») — whichever its flags sit on
-- (CONTRACT.md §3). Rules that flagged nothing are absent: their rate is 0.
CREATE OR REPLACE TABLE marts.quality_flag_rates AS
WITH
checked_rows AS (
    SELECT * FROM marts.quality_checked_rows
),

flags AS (
    SELECT 'readings' AS applies_to, source_file, source_sheet, source_row, rule, severity FROM quality.reading_flags
    UNION ALL
    SELECT 'bills', source_file, source_sheet, source_row, rule, severity FROM quality.bill_flags
),

flag_facts AS (
    SELECT f.applies_to, f.rule, f.severity, c.row_kind, c.municipality_oktmo,
           coalesce(c.management_organisation, sv_uo_inn(f.source_file)) AS management_organisation
    FROM flags AS f
    LEFT JOIN checked_rows AS c
        ON c.applies_to = f.applies_to AND c.source_file = f.source_file
       AND c.source_sheet IS NOT DISTINCT FROM f.source_sheet AND c.source_row = f.source_row
),

rule_kinds AS (
    SELECT applies_to, rule, any_value(severity) AS severity, coalesce(mode(row_kind), 'document') AS row_kind
    FROM flag_facts
    GROUP BY ALL
),

rows_checked AS (
    SELECT sv_kpi_level(grouping(municipality_oktmo) = 0, grouping(management_organisation) = 0) AS level,
           municipality_oktmo, management_organisation, applies_to, row_kind, count(*) AS rows_checked
    FROM checked_rows
    GROUP BY GROUPING SETS ((applies_to, row_kind), (applies_to, row_kind, municipality_oktmo),
                            (applies_to, row_kind, management_organisation))
),

rows_flagged AS (
    SELECT sv_kpi_level(grouping(municipality_oktmo) = 0, grouping(management_organisation) = 0) AS level,
           municipality_oktmo, management_organisation, applies_to, rule, count(*) AS rows_flagged
    FROM flag_facts
    GROUP BY GROUPING SETS ((applies_to, rule), (applies_to, rule, municipality_oktmo),
                            (applies_to, rule, management_organisation))
),

final AS (
    SELECT
        c.level,
        c.municipality_oktmo,
        c.management_organisation,
        sv_uo_inn(c.management_organisation) AS management_organisation_inn,
        c.applies_to,
        k.rule,
        k.severity,
        k.row_kind,
        c.rows_checked,
        coalesce(f.rows_flagged, 0) AS rows_flagged,
        coalesce(f.rows_flagged, 0) / c.rows_checked AS flag_rate
    FROM rows_checked AS c
    JOIN rule_kinds AS k USING (applies_to, row_kind)
    LEFT JOIN rows_flagged AS f
        ON f.level = c.level AND f.municipality_oktmo IS NOT DISTINCT FROM c.municipality_oktmo
       AND f.management_organisation IS NOT DISTINCT FROM c.management_organisation
       AND f.applies_to = c.applies_to AND f.rule = k.rule
)

SELECT * FROM final
ORDER BY CASE level WHEN 'region' THEN 0 WHEN 'municipality' THEN 1 ELSE 2 END,
         municipality_oktmo NULLS LAST, management_organisation NULLS LAST, applies_to DESC, rule;

COMMENT ON TABLE marts.quality_flag_rates IS 'Share of rows flagged by each reading and payment-document rule, for the region, municipalities and management organisations (the levels of marts.quality_kpis). Rules that flagged nothing are absent: their rate is 0.';
COMMENT ON COLUMN marts.quality_flag_rates.level IS 'region, municipality or management_organisation';
COMMENT ON COLUMN marts.quality_flag_rates.municipality_oktmo IS 'Municipality OKTMO (8 digits) at level municipality';
COMMENT ON COLUMN marts.quality_flag_rates.management_organisation IS 'УО key at level management_organisation (INN or export file name)';
COMMENT ON COLUMN marts.quality_flag_rates.management_organisation_inn IS 'INN of the management organisation, when known';
COMMENT ON COLUMN marts.quality_flag_rates.applies_to IS 'readings (meter readings) or bills (payment documents)';
COMMENT ON COLUMN marts.quality_flag_rates.rule IS 'Rule code (CONTRACT.md §3), e.g. below_previous, lines_sum_mismatch';
COMMENT ON COLUMN marts.quality_flag_rates.severity IS 'Rule severity: error, warning, info';
COMMENT ON COLUMN marts.quality_flag_rates.row_kind IS 'Rows the rule checks: reading, document («Разделы 1-2»), line («Разделы 3-6»)';
COMMENT ON COLUMN marts.quality_flag_rates.rows_checked IS 'Rows of that kind in the group';
COMMENT ON COLUMN marts.quality_flag_rates.rows_flagged IS 'Rows the rule flagged';
COMMENT ON COLUMN marts.quality_flag_rates.flag_rate IS 'rows_flagged / rows_checked (0..1)';
