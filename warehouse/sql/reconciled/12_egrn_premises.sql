-- reconciled.egrn_premises: one row per EGRN premise-like object with the EGRN house it belongs to.
-- The house is the building named in the extract (or listing the premise); failing that, the one house whose
-- FIAS GUID or address the extract carries; failing that, a house of its own address.
CREATE OR REPLACE TABLE reconciled.egrn_premises AS
WITH
objects AS (
    SELECT * FROM egrn_objects
),
addresses AS (
    SELECT * FROM egrn_house_addresses
),
by_fias AS (
    SELECT house_fias_guid, min(egrn_house_id) AS fias_house
    FROM addresses
    WHERE house_fias_guid IS NOT NULL
    GROUP BY house_fias_guid
    HAVING count(DISTINCT egrn_house_id) = 1
),
by_address AS (
    SELECT settlement_key, street_key, house_key, min(egrn_house_id) AS address_house
    FROM addresses
    WHERE street_key IS NOT NULL AND house_key IS NOT NULL
    GROUP BY settlement_key, street_key, house_key
    HAVING count(DISTINCT egrn_house_id) = 1
),
attached AS (
    SELECT
        o.*,
        coalesce(o.building_cadastral_number, f.fias_house, a.address_house,
                 CASE WHEN o.house_key IS NOT NULL
                      THEN 'адрес:' || concat_ws('|', o.settlement_key, o.street_key, o.house_key) END,
                 'объект:' || o.cadastral_number) AS egrn_house_id,
        CASE WHEN o.building_cadastral_number IS NOT NULL THEN o.building_link
             WHEN f.fias_house IS NOT NULL THEN 'fias'
             WHEN a.address_house IS NOT NULL THEN 'address'
             ELSE 'own_address' END AS house_attached_by
    FROM objects AS o
    LEFT JOIN by_fias AS f ON f.house_fias_guid = o.house_fias_guid
    LEFT JOIN by_address AS a
           ON a.settlement_key IS NOT DISTINCT FROM o.settlement_key
          AND a.street_key = o.street_key AND a.house_key = o.house_key
),
final AS (
    SELECT * FROM attached
)
SELECT * FROM final
ORDER BY egrn_house_id, cadastral_number
