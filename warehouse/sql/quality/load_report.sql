-- One row per source file and sheet: what was read, loaded and quarantined (CONTRACT.md §3).
-- status: loaded | partial | rejected | unrecognised | duplicate | signature (see the COMMENTs below).
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
            WHEN read_status IN ('duplicate', 'unrecognised', 'rejected', 'signature') THEN read_status
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

COMMENT ON TABLE quality.load_report IS 'Одна строка на файл источника и лист: прочитано, загружено, в карантине (rows_read = rows_loaded + rows_quarantined)';
COMMENT ON COLUMN quality.load_report.status IS 'loaded — загружен полностью; partial — часть строк в карантине; rejected — не загружен (строки в карантине); unrecognised — неизвестный формат; duplicate — повтор уже загруженного файла; signature — файл электронной подписи (.sig, .sgn, .p7s, PKCS#7) рядом с выпиской: ожидаем, 0 строк, проблемой не считается';
COMMENT ON COLUMN quality.load_report.reason IS 'Причина статуса или замечание по-русски (например, «нет обязательного столбца «Номер помещения»»)';
