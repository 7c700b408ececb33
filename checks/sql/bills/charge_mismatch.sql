-- A line's charge differs from volume × tariff by more than the rounding tolerance.
SELECT
    l.source_file, l.source_sheet, l.source_row, b.hcs_id, l.document_number, b.period,
    l.service, i.line_charge AS charge, i.line_volume AS volume, l.tariff, i.expected_charge AS expected,
    i.charge_difference AS difference
FROM quality.bill_line_items AS i
JOIN staging.gis_bill_lines AS l ON l.rowid = i.line_id
LEFT JOIN staging.gis_bills AS b ON b.rowid = i.document_id
WHERE round(abs(i.charge_difference), 6) > $charge_tolerance
