-- marts.bill_lines: the service lines of the documents in marts.bills, keyed to their document by
-- (hcs_id, period); line-level rule codes (charge_mismatch, negative_amount) are listed beside each line.
CREATE OR REPLACE TABLE marts.bill_lines AS
WITH
counting AS (
    SELECT document_id
    FROM quality.bill_documents
    WHERE account_known AND NOT has_bad_period AND NOT is_duplicate
),

documents AS (
    SELECT rowid AS document_id, hcs_id, period FROM staging.gis_bills
),

lines AS (
    SELECT i.document_id, l.*
    FROM quality.bill_line_items AS i
    JOIN staging.gis_bill_lines AS l ON l.rowid = i.line_id
),

line_flags AS (
    SELECT source_file, source_sheet, source_row, list(rule ORDER BY rule) AS flags
    FROM quality.bill_flags
    GROUP BY ALL
),

final AS (
    SELECT
        d.hcs_id,
        d.period,
        l.document_number,
        l.service,
        l.unit,
        l.volume_method_individual,
        l.volume_individual,
        l.volume_method_common,
        l.volume_common,
        l.tariff,
        l.charge_individual,
        l.charge_common,
        l.charged_total,
        l.recalculation,
        l.benefits,
        l.payable_total,
        coalesce(f.flags, []) AS flags,
        l.source_file,
        l.source_sheet,
        l.source_row
    FROM lines AS l
    JOIN counting AS c USING (document_id)
    JOIN documents AS d USING (document_id)
    LEFT JOIN line_flags AS f
        ON f.source_file = l.source_file
       AND f.source_sheet IS NOT DISTINCT FROM l.source_sheet
       AND f.source_row = l.source_row
)

SELECT * FROM final
ORDER BY hcs_id, period, source_file, source_sheet, source_row;
