-- A second (third, …) document for the same account and period; the first one in the sources counts.
SELECT
    b.source_file, b.source_sheet, b.source_row, b.hcs_id, b.document_number, b.period,
    f.document_number AS first_document_number, f.source_file AS first_source_file,
    f.source_row AS first_source_row
FROM quality.bill_documents AS d
JOIN staging.gis_bills AS b ON b.rowid = d.document_id
JOIN staging.gis_bills AS f ON f.rowid = d.first_document_id
WHERE d.is_duplicate
