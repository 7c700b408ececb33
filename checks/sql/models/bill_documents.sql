-- quality.bill_documents: every payment document («Разделы 1-2») by `document_id` (its row id in
-- staging.gis_bills), with the sum of its lines, the raw text of an unreadable period, whether its account is
-- known, and the first document of its account and period (the one that counts; later ones are duplicates,
-- in the order of the sources — staging is written ordered by source file, sheet and row).
CREATE OR REPLACE TABLE quality.bill_documents AS
WITH
documents AS (
    SELECT
        rowid AS document_id, source_file, source_sheet, source_row, hcs_id, period, amount_due,
        capital_repair_payable
    FROM staging.gis_bills
),

period_texts AS (
    SELECT source_file, source_sheet, source_row, any_value(raw_value) AS period_raw
    FROM quality.value_issues
    WHERE kind = 'gis_bills' AND "column" = $period_column
    GROUP BY ALL
),

accounts AS (
    SELECT DISTINCT hcs_id FROM staging.gis_accounts WHERE hcs_id IS NOT NULL
),

line_totals AS (
    SELECT document_id, count(*) AS lines_count, sum(line_payable) AS lines_total
    FROM quality.bill_line_items
    WHERE document_id IS NOT NULL
    GROUP BY document_id
),

first_of_period AS (
    SELECT hcs_id, period, min(document_id) AS first_document_id
    FROM documents
    WHERE period IS NOT NULL
    GROUP BY hcs_id, period
),

final AS (
    SELECT
        d.document_id,
        coalesce(t.lines_count, 0) AS lines_count,
        coalesce(t.lines_total, 0) AS lines_total,
        -- The capital-repair contribution is billed beside the service lines, in the same total.
        coalesce(t.lines_total, 0) + coalesce(d.capital_repair_payable, 0) AS expected_amount_due,
        d.amount_due - (coalesce(t.lines_total, 0) + coalesce(d.capital_repair_payable, 0)) AS amount_difference,
        a.hcs_id IS NOT NULL AS account_known,
        p.period_raw,
        d.period IS NULL OR d.period > date_trunc('month', CAST($as_of AS DATE)) AS has_bad_period,
        f.first_document_id,
        coalesce(f.first_document_id <> d.document_id, false) AS is_duplicate
    FROM documents AS d
    LEFT JOIN line_totals AS t USING (document_id)
    LEFT JOIN accounts AS a USING (hcs_id)
    LEFT JOIN period_texts AS p
        ON p.source_file = d.source_file
       AND p.source_sheet IS NOT DISTINCT FROM d.source_sheet
       AND p.source_row = d.source_row
    LEFT JOIN first_of_period AS f
        ON f.hcs_id = d.hcs_id AND f.period = d.period
)

SELECT * FROM final;
