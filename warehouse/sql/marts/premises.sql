-- marts.premises: one row for every GIS ZhKKh premise row loaded (CONTRACT.md §3).
CREATE OR REPLACE TABLE marts.premises AS
WITH
residential AS (
    SELECT source_file, source_sheet, source_row, house_address, premise_number, total_area,
           cadastral_number, 'residential' AS premise_kind
    FROM staging.gis_residential_premises
),
non_residential AS (
    SELECT source_file, source_sheet, source_row, house_address, premise_number, total_area,
           cadastral_number, 'non_residential' AS premise_kind
    FROM staging.gis_nonresidential_premises
),
gis_premises AS (
    SELECT * FROM residential
    UNION ALL
    SELECT * FROM non_residential
),
-- A premise row names its house by the house's «Адрес» text.
houses AS (
    SELECT address, min(house_fias_guid) AS house_fias_guid
    FROM staging.gis_houses
    GROUP BY address
),
match AS (
    SELECT * FROM reconciled.premise_matches
),
final AS (
    SELECT
        p.source_file,
        p.source_sheet,
        p.source_row,
        h.house_fias_guid,
        p.house_address,
        upper(regexp_replace(p.premise_number, '[\s\-]', '', 'g')) AS premise_number,
        p.premise_kind,
        p.total_area,
        m.cadastral_number,
        p.cadastral_number AS registry_cadastral_number,
        m.cadastral_source,
        m.match_status,
        m.match_score,
        m.match_reason
    FROM gis_premises AS p
    LEFT JOIN houses AS h ON h.address = p.house_address
    LEFT JOIN match AS m USING (source_file, source_sheet, source_row)
)
SELECT * FROM final
ORDER BY source_file, source_sheet, source_row;
