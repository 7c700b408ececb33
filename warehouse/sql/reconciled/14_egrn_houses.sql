-- reconciled.egrn_houses: one row per EGRN house (a building cadastral number, or an address when no extract
-- names the building), with what Rosreestr registered in it.
CREATE OR REPLACE TABLE reconciled.egrn_houses AS
WITH
keys AS (
    SELECT * FROM reconciled.egrn_house_keys
),
premises AS (
    SELECT * FROM reconciled.egrn_premises
),
buildings AS (
    SELECT DISTINCT cadastral_number AS egrn_house_id, TRUE AS has_building_extract FROM staging.egrn_buildings
),
addresses AS (
    SELECT
        egrn_house_id,
        arg_max(house_fias_guid, (extracts, settlement_key, street_key, house_key, house_fias_guid)) FILTER (WHERE house_fias_guid IS NOT NULL) AS house_fias_guid,
        arg_max(settlement_key, (extracts, settlement_key, street_key, house_key, house_fias_guid)) FILTER (WHERE house_key IS NOT NULL) AS settlement_key,
        arg_max(street_key, (extracts, settlement_key, street_key, house_key, house_fias_guid)) FILTER (WHERE house_key IS NOT NULL) AS street_key,
        arg_max(house_key, (extracts, settlement_key, street_key, house_key, house_fias_guid)) FILTER (WHERE house_key IS NOT NULL) AS house_key,
        min(readable_address) AS readable_address
    FROM keys
    GROUP BY egrn_house_id
),
contents AS (
    SELECT
        egrn_house_id,
        count(*) FILTER (WHERE kind = 'flat') AS flats,
        count(*) FILTER (WHERE kind = 'nonres') AS non_residential,
        count(*) FILTER (WHERE kind = 'common') AS common_property,
        count(*) FILTER (WHERE kind = 'room_in_flat') AS rooms_in_flats,
        count(*) FILTER (WHERE kind = 'parking') AS parking_places,
        count(*) AS objects
    FROM premises
    GROUP BY egrn_house_id
),
final AS (
    SELECT
        a.egrn_house_id,
        NOT starts_with(a.egrn_house_id, 'адрес:') AND NOT starts_with(a.egrn_house_id, 'объект:') AS is_building_number,
        coalesce(b.has_building_extract, FALSE) AS has_building_extract,
        a.house_fias_guid,
        a.settlement_key,
        a.street_key,
        a.house_key,
        a.readable_address,
        coalesce(c.flats, 0) AS flats,
        coalesce(c.non_residential, 0) AS non_residential,
        coalesce(c.common_property, 0) AS common_property,
        coalesce(c.rooms_in_flats, 0) AS rooms_in_flats,
        coalesce(c.parking_places, 0) AS parking_places,
        coalesce(c.objects, 0) AS objects
    FROM addresses AS a
    LEFT JOIN buildings AS b USING (egrn_house_id)
    LEFT JOIN contents AS c USING (egrn_house_id)
)
SELECT * FROM final
ORDER BY egrn_house_id
