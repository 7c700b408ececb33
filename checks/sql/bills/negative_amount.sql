-- A negative charge or payable amount on a line that is not a recalculation.
SELECT
    l.source_file, l.source_sheet, l.source_row, b.hcs_id, l.document_number, b.period,
    l.service, i.lowest_amount AS amount, coalesce(l.recalculation, 0) AS recalculation
FROM quality.bill_line_items AS i
JOIN staging.gis_bill_lines AS l ON l.rowid = i.line_id
LEFT JOIN staging.gis_bills AS b ON b.rowid = i.document_id
WHERE i.is_negative_without_recalculation
