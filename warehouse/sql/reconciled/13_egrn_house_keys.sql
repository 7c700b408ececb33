-- reconciled.egrn_house_keys: every (FIAS GUID, settlement, street, house) an EGRN house is known by, with how
-- many extracts say so. The house linkage joins GIS ZhKKh houses on these.
CREATE OR REPLACE TABLE reconciled.egrn_house_keys AS
WITH
known AS (
    SELECT * FROM egrn_house_addresses
),
-- premises attached by FIAS GUID or address add what they carry to their house
attached AS (
    SELECT egrn_house_id, house_fias_guid, settlement_key, street_key, street_type_key, house_key
    FROM reconciled.egrn_premises
    WHERE house_attached_by NOT IN ('extract', 'building_list')
),
final AS (
    SELECT egrn_house_id, house_fias_guid, settlement_key, street_key, street_type_key, house_key,
           sum(extracts) AS extracts, bool_or(from_building) AS from_building, min(readable_address) AS readable_address
    FROM (SELECT * FROM known
          UNION ALL
          SELECT egrn_house_id, house_fias_guid, settlement_key, street_key, street_type_key, house_key, count(*), FALSE, NULL
          FROM attached GROUP BY ALL)
    GROUP BY egrn_house_id, house_fias_guid, settlement_key, street_key, street_type_key, house_key
)
SELECT * FROM final
ORDER BY egrn_house_id, extracts DESC
