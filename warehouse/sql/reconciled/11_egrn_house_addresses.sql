-- egrn_house_addresses (temporary): every address and FIAS house GUID an EGRN house is known by — its building
-- extract's and those of the premises that name the building. Used to attach premises without a building link.
CREATE OR REPLACE TEMP TABLE egrn_house_addresses AS
WITH
buildings AS (
    SELECT * FROM staging.egrn_buildings
    QUALIFY row_number() OVER (
        PARTITION BY cadastral_number
        ORDER BY extract_date DESC NULLS LAST, extract_format = 'current' DESC, source_file, source_row) = 1
),
objects AS (
    SELECT * FROM egrn_objects
),
parsed AS (
    SELECT * FROM _egrn_addresses_parsed
),
building_addresses AS (
    SELECT
        b.cadastral_number AS egrn_house_id,
        TRUE AS from_building,
        b.house_fias_guid,
        CASE WHEN b.street_name IS NOT NULL OR b.house_number IS NOT NULL
             THEN sv_place_key(coalesce(b.locality_name, b.city_name)) ELSE sv_place_key(p.settlement) END AS settlement_key,
        CASE WHEN b.street_name IS NOT NULL OR b.house_number IS NOT NULL
             THEN sv_place_key(b.street_name) ELSE sv_place_key(p.street) END AS street_key,
        CASE WHEN b.street_name IS NOT NULL OR b.house_number IS NOT NULL
             THEN sv_street_type_key(b.street_type) ELSE sv_street_type_key(p.street_type) END AS street_type_key,
        CASE WHEN b.street_name IS NOT NULL OR b.house_number IS NOT NULL
             THEN sv_house_key(b.house_number, b.korpus, b.stroenie, NULL)
             ELSE sv_house_key(p.house, p.korpus, p.stroenie, p.litera) END AS house_key,
        b.readable_address
    FROM buildings AS b
    LEFT JOIN parsed AS p ON p.input = b.readable_address
),
premise_addresses AS (
    SELECT building_cadastral_number AS egrn_house_id, FALSE AS from_building, house_fias_guid, settlement_key,
           street_key, street_type_key, house_key, NULL AS readable_address
    FROM objects
    WHERE building_cadastral_number IS NOT NULL
),
final AS (
    SELECT egrn_house_id, house_fias_guid, settlement_key, street_key, street_type_key, house_key,
           count(*) AS extracts, bool_or(from_building) AS from_building, min(readable_address) AS readable_address
    FROM (SELECT * FROM building_addresses UNION ALL SELECT * FROM premise_addresses)
    GROUP BY egrn_house_id, house_fias_guid, settlement_key, street_key, street_type_key, house_key
)
SELECT * FROM final
