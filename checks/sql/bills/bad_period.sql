-- A settlement period that is missing, not ММ.ГГГГ, or not yet begun at as-of.
SELECT
    b.source_file, b.source_sheet, b.source_row, b.hcs_id, b.document_number, b.period,
    CASE WHEN d.period_raw IS NOT NULL THEN '«' || d.period_raw || '» не читается как ММ.ГГГГ'
         WHEN b.period IS NULL THEN 'не заполнен'
         ELSE sv_ru_period(b.period) || ' ещё не наступил на ' || sv_ru_date($as_of) END AS problem
FROM quality.bill_documents AS d
JOIN staging.gis_bills AS b ON b.rowid = d.document_id
WHERE d.has_bad_period
