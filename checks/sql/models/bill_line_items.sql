-- quality.bill_line_items: every service line («Разделы 3-6») by `line_id` (its row id in
-- staging.gis_bill_lines), with its document (`document_id`, the row id in staging.gis_bills) and the amounts
-- the rules compare. A line belongs to the document of the same number in the same workbook; lines exported
-- as a separate CSV find their document by a number that is unique across all sources. Narrow rows keyed by
-- row ids: lineage stays in staging.
CREATE OR REPLACE TABLE quality.bill_line_items AS
WITH
documents AS (
    SELECT rowid AS document_id, source_file, document_number FROM staging.gis_bills
),

in_same_file AS (
    SELECT source_file, document_number, min(document_id) AS document_id
    FROM documents
    GROUP BY source_file, document_number
),

unique_numbers AS (
    SELECT document_number, min(document_id) AS document_id
    FROM documents
    GROUP BY document_number
    HAVING count(*) = 1
),

lines AS (
    SELECT
        l.rowid AS line_id,
        coalesce(f.document_id, u.document_id) AS document_id,
        l.service, l.volume_individual, l.volume_common, l.tariff, l.charge_individual, l.charge_common,
        l.charged_total, l.recalculation, l.payable_total
    FROM staging.gis_bill_lines AS l
    LEFT JOIN in_same_file AS f
        ON f.source_file = l.source_file AND f.document_number = l.document_number
    LEFT JOIN unique_numbers AS u
        ON u.document_number = l.document_number
),

amounts AS (
    SELECT
        *,
        -- The charge is split into individual and common-property parts when the sheet has them.
        CASE WHEN charge_individual IS NOT NULL OR charge_common IS NOT NULL
             THEN coalesce(charge_individual, 0) + coalesce(charge_common, 0)
             ELSE charged_total END AS line_charge,
        CASE WHEN volume_individual IS NOT NULL OR volume_common IS NOT NULL
             THEN coalesce(volume_individual, 0) + coalesce(volume_common, 0) END AS line_volume
    FROM lines
),

final AS (
    SELECT
        line_id,
        document_id,
        line_charge,
        line_volume,
        line_volume * tariff AS expected_charge,
        line_charge - line_volume * tariff AS charge_difference,
        coalesce(payable_total, charged_total + coalesce(recalculation, 0)) AS line_payable,
        least(charge_individual, charge_common, charged_total, payable_total) AS lowest_amount,
        -- Negative money is fine on a recalculation; anywhere else it is a sign error.
        NOT coalesce(lower(service) LIKE '%перерасч%', false) AND coalesce(
            least(charge_individual, charge_common, charged_total) < 0
            OR (payable_total < 0 AND coalesce(recalculation, 0) >= 0),
            false
        ) AS is_negative_without_recalculation
    FROM amounts
)

SELECT * FROM final;
