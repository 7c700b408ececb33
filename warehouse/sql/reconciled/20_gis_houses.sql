-- reconciled.gis_houses: one row per GIS ZhKKh house — an address in one management organisation's export
-- (premise rows name their house by that «Адрес» text) — with its keys. A premise address without a house row
-- still makes a house, so that every premise has one.
-- Imports: staging.gis_houses, the premise sheets, _gis_addresses_parsed (transforms/address over the addresses).
CREATE OR REPLACE TABLE reconciled.gis_houses AS
WITH
house_rows AS (
    SELECT source_file, source_sheet, source_row, sv_workbook(source_file, source_sheet) AS workbook, address,
           house_fias_guid, cadastral_number, oktmo
    FROM staging.gis_houses
),
premise_addresses AS (
    SELECT sv_workbook(source_file, source_sheet) AS workbook, house_address AS address, count(*) AS premises
    FROM (SELECT source_file, source_sheet, house_address FROM staging.gis_residential_premises
          UNION ALL
          SELECT source_file, source_sheet, house_address FROM staging.gis_nonresidential_premises)
    GROUP BY ALL
),
parsed AS (
    SELECT * FROM _gis_addresses_parsed
),
-- the first row of an address in an export describes the house; rows of one address that name different FIAS
-- houses or buildings describe different houses, which the premise rows (naming their house by address) cannot
-- tell apart
first_rows AS (
    SELECT *,
           count(DISTINCT house_fias_guid) OVER (PARTITION BY workbook, address) > 1
               OR count(DISTINCT cadastral_number) OVER (PARTITION BY workbook, address) > 1 AS several_houses
    FROM house_rows
    QUALIFY row_number() OVER (PARTITION BY workbook, address ORDER BY source_file, source_row) = 1
),
houses AS (
    SELECT coalesce(h.workbook, p.workbook) AS workbook, coalesce(h.address, p.address) AS address,
           h.source_file, h.source_sheet, h.source_row, h.house_fias_guid, h.cadastral_number, h.oktmo,
           coalesce(h.several_houses, FALSE) AS several_houses, coalesce(p.premises, 0) AS premises
    FROM first_rows AS h
    FULL JOIN premise_addresses AS p ON p.workbook = h.workbook AND p.address = h.address
),
final AS (
    SELECT
        dense_rank() OVER (ORDER BY h.workbook, h.address) AS gis_house_id,
        h.workbook,
        sv_management_organisation(h.workbook) AS management_organisation,
        h.address,
        h.source_file,
        h.source_sheet,
        h.source_row,
        h.house_fias_guid,
        h.cadastral_number AS building_cadastral_number,
        h.oktmo,
        h.several_houses,
        h.premises,
        p.settlement_type,
        p.settlement,
        p.street_type,
        p.street,
        p.house,
        p.korpus,
        p.litera,
        sv_place_key(p.settlement) AS settlement_key,
        sv_place_key(p.street) AS street_key,
        sv_street_type_key(p.street_type) AS street_type_key,
        sv_house_key(p.house, p.korpus, p.stroenie, p.litera) AS house_key
    FROM houses AS h
    LEFT JOIN parsed AS p ON p.input = h.address
)
SELECT * FROM final
ORDER BY gis_house_id
