-- marts.bills: payment documents that count, one per account (Идентификатор ЖКУ) and period: the account
-- is known, the period readable, and it is the first document of its account and period. The rule codes
-- flagged on a document (e.g. lines_sum_mismatch) are listed beside it.
CREATE OR REPLACE TABLE marts.bills AS
WITH
counting AS (
    SELECT document_id, lines_count, lines_total
    FROM quality.bill_documents
    WHERE account_known AND NOT has_bad_period AND NOT is_duplicate
),

documents AS (
    SELECT rowid AS document_id, * FROM staging.gis_bills
),

accounts AS (
    SELECT hcs_id, min(account_number) AS account_number
    FROM staging.gis_accounts
    WHERE hcs_id IS NOT NULL
    GROUP BY hcs_id
),

document_flags AS (
    SELECT source_file, source_sheet, source_row, list(rule ORDER BY rule) AS flags
    FROM quality.bill_flags
    GROUP BY ALL
),

final AS (
    SELECT
        d.hcs_id,
        a.account_number,
        d.period,
        d.document_number,
        d.document_type,
        d.total_area,
        d.living_area,
        d.heated_area,
        d.residents,
        d.amount_due,
        d.previous_debt,
        d.advance,
        d.paid,
        d.total_payable,
        d.capital_repair_rate,
        d.capital_repair_charged,
        d.capital_repair_payable,
        c.lines_count,
        c.lines_total,
        coalesce(f.flags, []) AS flags,
        d.source_file,
        d.source_sheet,
        d.source_row
    FROM counting AS c
    JOIN documents AS d USING (document_id)
    LEFT JOIN accounts AS a USING (hcs_id)
    LEFT JOIN document_flags AS f
        ON f.source_file = d.source_file
       AND f.source_sheet IS NOT DISTINCT FROM d.source_sheet
       AND f.source_row = d.source_row
)

SELECT * FROM final
ORDER BY hcs_id, period;

COMMENT ON TABLE marts.bills IS 'Payment documents that count: one per account and period (the account is known, the period readable, the first document of its account and period), with the rule codes flagged on it.';
COMMENT ON COLUMN marts.bills.hcs_id IS 'Account (Идентификатор ЖКУ)';
COMMENT ON COLUMN marts.bills.account_number IS 'Personal account number';
COMMENT ON COLUMN marts.bills.period IS 'Billing period (first day of the month)';
COMMENT ON COLUMN marts.bills.document_number IS 'Payment document number';
COMMENT ON COLUMN marts.bills.document_type IS 'Document type as written (current, corrective …)';
COMMENT ON COLUMN marts.bills.total_area IS 'Total area billed, m²';
COMMENT ON COLUMN marts.bills.living_area IS 'Living area, m²';
COMMENT ON COLUMN marts.bills.heated_area IS 'Heated area, m²';
COMMENT ON COLUMN marts.bills.residents IS 'Number of residents billed';
COMMENT ON COLUMN marts.bills.amount_due IS 'Amount due for the period, roubles';
COMMENT ON COLUMN marts.bills.previous_debt IS 'Debt from previous periods, roubles';
COMMENT ON COLUMN marts.bills.advance IS 'Advance at the start of the period, roubles';
COMMENT ON COLUMN marts.bills.paid IS 'Amount paid, roubles';
COMMENT ON COLUMN marts.bills.total_payable IS 'Total payable including debt, roubles';
COMMENT ON COLUMN marts.bills.capital_repair_rate IS 'Capital-repair contribution rate, roubles per m²';
COMMENT ON COLUMN marts.bills.capital_repair_charged IS 'Capital-repair contribution charged for the period, roubles';
COMMENT ON COLUMN marts.bills.capital_repair_payable IS 'Capital-repair contribution payable, roubles';
COMMENT ON COLUMN marts.bills.lines_count IS 'Number of service lines of the document';
COMMENT ON COLUMN marts.bills.lines_total IS 'Sum of the lines'' payable amounts, roubles';
COMMENT ON COLUMN marts.bills.flags IS 'Codes of the rules flagged on the document (quality.bill_flags)';
COMMENT ON COLUMN marts.bills.source_file IS 'File the row was read from, relative to the landing dir (inside a zip: archive.zip/inner/path)';
COMMENT ON COLUMN marts.bills.source_sheet IS 'Sheet the row was read from (NULL for CSV)';
COMMENT ON COLUMN marts.bills.source_row IS 'Row number a spreadsheet program shows for the row (CSV: 1-based physical line)';
