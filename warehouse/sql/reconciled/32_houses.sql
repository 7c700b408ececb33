-- reconciled.houses: one row per GIS ZhKKh house with the EGRN house it is linked to, and how.
--   link_status   linked | ambiguous (two EGRN houses with equal evidence) | not_found
--   link_method   the agreeing evidence: fias, building, address, street~ (fuzzy street), address~ (korpus on one
--                 side only), registry (the premises' registry numbers) — e.g. «fias+address»
--   trusted       the address agrees, or two independent identifiers do, and the export describes one house at
--                 this address (rows of one address naming different FIAS houses or buildings make it untrusted):
--                 premises of an untrusted link are never matched automatically
-- A pair whose address contradicts it (another settlement, street or house) is rejected unless two identifiers
-- agree; so a wrong FIAS GUID in GIS never links a house to the neighbour it names, nor across settlements.
CREATE OR REPLACE TABLE reconciled.houses AS
WITH
candidates AS (
    SELECT * FROM reconciled.house_candidates
),
gis AS (
    SELECT * FROM reconciled.gis_houses
),
egrn AS (
    SELECT * FROM reconciled.egrn_houses
),
scored AS (
    SELECT
        *,
        by_fias::INT + by_building_number::INT + by_registry::INT AS identifiers,
        CASE address_agreement WHEN 'exact' THEN 3 WHEN 'street~' THEN 2 WHEN 'partial' THEN 1 ELSE 0 END
            + 2 * (by_fias::INT + by_building_number::INT + by_registry::INT) AS link_score,
        concat_ws('+',
            CASE WHEN by_fias THEN 'fias' END,
            CASE WHEN by_building_number THEN 'building' END,
            CASE address_agreement WHEN 'exact' THEN 'address' WHEN 'street~' THEN 'street~'
                                   WHEN 'partial' THEN 'address~' END,
            CASE WHEN by_registry THEN 'registry' END) AS link_method
    FROM candidates
),
judged AS (
    SELECT
        *,
        address_agreement = 'different' AND identifiers < 2 AS contradicted,
        address_agreement IN ('exact', 'street~') OR identifiers + (address_agreement = 'partial')::INT >= 2 AS trusted
    FROM scored
),
accepted AS (
    SELECT *, count(*) OVER (PARTITION BY gis_house_id, link_score) AS tied
    FROM judged
    WHERE NOT contradicted AND link_score >= 2
    QUALIFY rank() OVER (PARTITION BY gis_house_id ORDER BY link_score DESC) = 1
),
rejected AS (
    SELECT gis_house_id,
           string_agg(CASE WHEN by_fias THEN 'ФИАС' WHEN by_building_number THEN 'кадастровый номер здания'
                           ELSE 'номера помещений' END || ' указывает на ' || egrn_house_id
                      || ' с другим адресом', '; ' ORDER BY egrn_house_id) AS contradictions
    FROM judged
    WHERE contradicted AND identifiers >= 1
    GROUP BY gis_house_id
),
final AS (
    SELECT
        g.gis_house_id,
        g.management_organisation,
        g.workbook,
        g.address,
        g.house_fias_guid,
        g.building_cadastral_number,
        CASE WHEN a.tied = 1 THEN a.egrn_house_id END AS egrn_house_id,
        CASE WHEN a.tied = 1 THEN 'linked' WHEN a.tied > 1 THEN 'ambiguous' ELSE 'not_found' END AS link_status,
        CASE WHEN a.tied = 1 THEN a.link_method END AS link_method,
        CASE WHEN a.tied = 1 THEN a.identifiers + (a.address_agreement IN ('exact', 'street~'))::INT ELSE 0 END
            AS link_evidence,
        coalesce(a.link_score, 0) AS link_score,
        coalesce(a.tied = 1 AND a.trusted AND NOT g.several_houses, FALSE) AS trusted,
        CASE WHEN a.tied = 1 THEN a.address_agreement END AS address_agreement,
        CASE WHEN a.tied = 1 THEN a.street_similarity END AS street_similarity,
        e.readable_address AS egrn_address,
        nullif(concat_ws('; ',
            CASE WHEN g.several_houses
                 THEN 'этим адресом в выгрузке описаны разные дома (разные ФИАС или кадастровые номера здания)' END,
            r.contradictions), '') AS contradictions
    FROM gis AS g
    LEFT JOIN (SELECT * FROM accepted QUALIFY row_number() OVER (PARTITION BY gis_house_id ORDER BY egrn_house_id) = 1)
        AS a USING (gis_house_id)
    LEFT JOIN egrn AS e ON e.egrn_house_id = a.egrn_house_id AND a.tied = 1
    LEFT JOIN rejected AS r USING (gis_house_id)
)
SELECT * FROM final
ORDER BY gis_house_id
