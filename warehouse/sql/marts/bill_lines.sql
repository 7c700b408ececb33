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

COMMENT ON TABLE marts.bill_lines IS 'One row per service line of a counted payment document (marts.bills), with its rule codes.';
COMMENT ON COLUMN marts.bill_lines.hcs_id IS 'Account (Идентификатор ЖКУ)';
COMMENT ON COLUMN marts.bill_lines.period IS 'Billing period';
COMMENT ON COLUMN marts.bill_lines.document_number IS 'Payment document number';
COMMENT ON COLUMN marts.bill_lines.service IS 'Service billed';
COMMENT ON COLUMN marts.bill_lines.unit IS 'Unit of measure';
COMMENT ON COLUMN marts.bill_lines.volume_method_individual IS 'How the individual volume was determined (meter, norm …)';
COMMENT ON COLUMN marts.bill_lines.volume_individual IS 'Individual consumption volume';
COMMENT ON COLUMN marts.bill_lines.volume_method_common IS 'How the common-property volume was determined';
COMMENT ON COLUMN marts.bill_lines.volume_common IS 'Common-property consumption volume';
COMMENT ON COLUMN marts.bill_lines.tariff IS 'Tariff, roubles per unit';
COMMENT ON COLUMN marts.bill_lines.charge_individual IS 'Charge for individual consumption, roubles';
COMMENT ON COLUMN marts.bill_lines.charge_common IS 'Charge for common-property consumption, roubles';
COMMENT ON COLUMN marts.bill_lines.charged_total IS 'Total charged for the period, roubles';
COMMENT ON COLUMN marts.bill_lines.recalculation IS 'Recalculations, roubles';
COMMENT ON COLUMN marts.bill_lines.benefits IS 'Benefits and subsidies, roubles';
COMMENT ON COLUMN marts.bill_lines.payable_total IS 'Total payable for the line, roubles';
COMMENT ON COLUMN marts.bill_lines.flags IS 'Codes of the rules flagged on the line (quality.bill_flags)';
COMMENT ON COLUMN marts.bill_lines.source_file IS 'File the row was read from, relative to the landing dir (inside a zip: archive.zip/inner/path)';
COMMENT ON COLUMN marts.bill_lines.source_sheet IS 'Sheet the row was read from (NULL for CSV)';
COMMENT ON COLUMN marts.bill_lines.source_row IS 'Row number a spreadsheet program shows for the row (CSV: 1-based physical line)';
