-- The document's «Сумма к оплате за расчетный период» differs from the sum of its lines beyond rounding.
SELECT
    b.source_file, b.source_sheet, b.source_row, b.hcs_id, b.document_number, b.period,
    b.amount_due, d.expected_amount_due AS lines_total, d.lines_count, d.amount_difference AS difference
FROM quality.bill_documents AS d
JOIN staging.gis_bills AS b ON b.rowid = d.document_id
WHERE round(abs(d.amount_difference), 6) > $sum_tolerance
