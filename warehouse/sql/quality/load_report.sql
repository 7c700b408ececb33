-- One row per source file and sheet: what was read, loaded and quarantined (CONTRACT.md §3).
-- The loaded_counts placeholder is filled with per-(file, sheet) row counts over the staging tables.
CREATE OR REPLACE TABLE quality.load_report AS
WITH
sheets AS (
    SELECT * FROM landing.sheets
),
loaded AS (
    SELECT source_file, source_sheet, sum(n) AS rows_loaded
    FROM ({loaded_counts}) AS per_table
    GROUP BY ALL
),
quarantined AS (
    SELECT source_file, source_sheet, count(*) AS rows_quarantined
    FROM quality.quarantine
    GROUP BY ALL
),
counted AS (
    SELECT
        sheets.source_file,
        sheets.source_sheet,
        sheets.kind,
        sheets.status AS read_status,
        sheets.reason AS read_reason,
        sheets.rows_read,
        coalesce(loaded.rows_loaded, 0) AS rows_loaded,
        coalesce(quarantined.rows_quarantined, 0) AS rows_quarantined
    FROM sheets
    LEFT JOIN loaded
        ON loaded.source_file = sheets.source_file
       AND loaded.source_sheet IS NOT DISTINCT FROM sheets.source_sheet
    LEFT JOIN quarantined
        ON quarantined.source_file = sheets.source_file
       AND quarantined.source_sheet IS NOT DISTINCT FROM sheets.source_sheet
),
final AS (
    SELECT
        source_file,
        source_sheet,
        kind,
        CASE
            WHEN read_status IN ('duplicate', 'unrecognised', 'rejected') THEN read_status
            WHEN rows_quarantined = 0 THEN 'loaded'
            WHEN rows_loaded = 0 THEN 'rejected'
            ELSE 'partial'
        END AS status,
        CASE
            WHEN read_reason IS NOT NULL THEN read_reason
            WHEN rows_quarantined > 0 AND rows_loaded = 0 THEN 'все строки помещены в карантин'
            WHEN rows_quarantined > 0 THEN 'часть строк помещена в карантин'
        END AS reason,
        rows_read,
        rows_loaded,
        rows_quarantined
    FROM counted
)
SELECT * FROM final
ORDER BY source_file, source_sheet NULLS FIRST;
