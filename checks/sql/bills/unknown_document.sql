-- A service line whose document number matches no document in «Разделы 1-2».
SELECT
    l.source_file, l.source_sheet, l.source_row, NULL::VARCHAR AS hcs_id, l.document_number, NULL::DATE AS period,
    l.service
FROM quality.bill_line_items AS i
JOIN staging.gis_bill_lines AS l ON l.rowid = i.line_id
WHERE i.document_id IS NULL
