-- house_pairs (temporary): GIS ZhKKh house × EGRN house pairs worth comparing — found by FIAS house GUID, by the
-- building cadastral number, by the address, by the house number within the same settlement (for streets
-- written differently), and by the registry numbers the GIS premises already carry. Never across settlements
-- by address alone: every address-based pair shares the settlement.
CREATE OR REPLACE TEMP TABLE house_pairs AS
WITH
gis AS (
    SELECT * FROM reconciled.gis_houses
),
egrn AS (
    SELECT * FROM reconciled.egrn_house_keys
),
by_fias AS (
    SELECT g.gis_house_id, e.egrn_house_id
    FROM gis AS g JOIN egrn AS e ON e.house_fias_guid = g.house_fias_guid
),
by_building_number AS (
    SELECT g.gis_house_id, e.egrn_house_id
    FROM gis AS g JOIN egrn AS e ON e.egrn_house_id = g.building_cadastral_number
),
by_house_number AS (
    -- the same house in the same settlement: the street is compared afterwards (exactly or fuzzily). An extract
    -- that drops the korpus (old KVOKS/KPOKS addresses) still pairs with the korpus.
    SELECT g.gis_house_id, e.egrn_house_id
    FROM gis AS g
    JOIN egrn AS e ON e.settlement_key = g.settlement_key AND sv_house_base(e.house_key) = sv_house_base(g.house_key)
    WHERE e.house_key = g.house_key OR e.house_key = sv_house_base(e.house_key) OR g.house_key = sv_house_base(g.house_key)
),
by_registry AS (
    SELECT p.gis_house_id, e.egrn_house_id
    FROM reconciled.gis_premises AS p
    JOIN reconciled.egrn_premises AS e ON e.cadastral_number = p.registry_cadastral_number
),
final AS (
    SELECT DISTINCT gis_house_id, egrn_house_id
    FROM (SELECT * FROM by_fias
          UNION ALL SELECT * FROM by_building_number
          UNION ALL SELECT * FROM by_house_number
          UNION ALL SELECT * FROM by_registry)
)
SELECT * FROM final
