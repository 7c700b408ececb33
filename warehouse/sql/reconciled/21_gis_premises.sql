-- reconciled.gis_premises: one row per GIS ZhKKh premise row loaded, with its house and matching keys.
-- kind: flat («Жилые помещения»), nonres («Нежилые помещения»), common (nonres marked «общее имущество»).
CREATE OR REPLACE TABLE reconciled.gis_premises AS
WITH
residential AS (
    SELECT source_file, source_sheet, source_row, house_address, premise_number, total_area, cadastral_number,
           'flat' AS kind
    FROM staging.gis_residential_premises
),
non_residential AS (
    SELECT source_file, source_sheet, source_row, house_address, premise_number, total_area, cadastral_number,
           CASE WHEN is_common_property THEN 'common' ELSE 'nonres' END AS kind
    FROM staging.gis_nonresidential_premises
),
premises AS (
    SELECT * FROM residential
    UNION ALL
    SELECT * FROM non_residential
),
houses AS (
    SELECT gis_house_id, workbook, address, management_organisation FROM reconciled.gis_houses
),
final AS (
    SELECT
        row_number() OVER (ORDER BY p.source_file, p.source_sheet NULLS FIRST, p.source_row) AS premise_id,
        p.source_file,
        p.source_sheet,
        p.source_row,
        h.gis_house_id,
        h.management_organisation,
        p.house_address,
        p.kind,
        trim(p.premise_number) AS number_text,
        sv_premise_number_norm(p.premise_number) AS number_norm,
        sv_premise_number_key(p.premise_number) AS number_key,
        p.total_area AS area,
        p.cadastral_number AS registry_cadastral_number
    FROM premises AS p
    JOIN houses AS h ON h.workbook = sv_workbook(p.source_file, p.source_sheet) AND h.address = p.house_address
)
SELECT * FROM final
ORDER BY premise_id
