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
