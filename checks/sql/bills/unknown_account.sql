-- A document for an «Идентификатор ЖКУ» that no personal account carries.
SELECT
    b.source_file, b.source_sheet, b.source_row, b.hcs_id, b.document_number, b.period
FROM quality.bill_documents AS d
JOIN staging.gis_bills AS b ON b.rowid = d.document_id
WHERE NOT d.account_known
