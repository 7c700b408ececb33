-- reconciled.house_candidates: the evidence for every GIS ZhKKh house × EGRN house pair worth comparing.
--   by_fias            the FIAS house GUID GIS carries is one the EGRN house's extracts carry
--   by_building_number the building cadastral number GIS carries is the EGRN house's
--   address_agreement  exact | street~ (same settlement and house, street similar) | partial (same settlement and
--                      street, korpus given on one side only) | unknown | different (settlement, street or house
--                      differ: the pair contradicts itself)
--   by_registry        most registry numbers the house's premises carry belong to this EGRN house
-- Imports: house_pairs, street_similarity (rapidfuzz over the distinct street names, transforms/match/streets.py).
CREATE OR REPLACE TABLE reconciled.house_candidates AS
WITH
pairs AS (
    SELECT * FROM house_pairs
),
gis AS (
    SELECT * FROM reconciled.gis_houses
),
egrn_keys AS (
    SELECT * FROM reconciled.egrn_house_keys
),
similar_streets AS (
    SELECT * FROM street_similarity
),
registry_votes AS (
    SELECT p.gis_house_id, e.egrn_house_id, count(*) AS votes
    FROM reconciled.gis_premises AS p
    JOIN reconciled.egrn_premises AS e ON e.cadastral_number = p.registry_cadastral_number
    GROUP BY ALL
),
registry_found AS (
    SELECT gis_house_id, sum(votes) AS found FROM registry_votes GROUP BY gis_house_id
),
-- each pair against each address the EGRN house is known by
graded AS (
    SELECT
        p.gis_house_id,
        p.egrn_house_id,
        coalesce(k.house_fias_guid = g.house_fias_guid, FALSE) AS fias_equal,
        CASE WHEN k.street_key = g.street_key THEN 1.0 ELSE s.similarity END AS street_similarity,
        coalesce(g.street_type_key <> k.street_type_key, FALSE) AS street_types_differ,
        CASE
            WHEN g.house_key IS NULL OR g.settlement_key IS NULL OR g.street_key IS NULL
              OR k.house_key IS NULL OR k.settlement_key IS NULL OR k.street_key IS NULL THEN 0
            WHEN k.settlement_key <> g.settlement_key THEN -1
            WHEN k.street_key = g.street_key AND k.house_key = g.house_key THEN 3
            WHEN k.house_key = g.house_key AND s.similarity >= $street_similarity
             AND NOT coalesce(g.street_type_key <> k.street_type_key, FALSE) THEN 2
            WHEN (k.street_key = g.street_key
                  OR (s.similarity >= $street_similarity AND NOT coalesce(g.street_type_key <> k.street_type_key, FALSE)))
             AND sv_house_base(k.house_key) = sv_house_base(g.house_key)
             AND (k.house_key = sv_house_base(k.house_key) OR g.house_key = sv_house_base(g.house_key)) THEN 1
            ELSE -1
        END AS address_grade
    FROM pairs AS p
    JOIN gis AS g USING (gis_house_id)
    JOIN egrn_keys AS k USING (egrn_house_id)
    LEFT JOIN similar_streets AS s ON s.gis_street_key = g.street_key AND s.egrn_street_key = k.street_key
),
evidence AS (
    SELECT
        gis_house_id,
        egrn_house_id,
        bool_or(fias_equal) AS by_fias,
        coalesce(max(address_grade) FILTER (WHERE address_grade <> 0), 0) AS address_grade,
        max(street_similarity) AS street_similarity
    FROM graded
    GROUP BY gis_house_id, egrn_house_id
),
final AS (
    SELECT
        e.gis_house_id,
        e.egrn_house_id,
        e.by_fias,
        coalesce(g.building_cadastral_number = e.egrn_house_id, FALSE) AS by_building_number,
        CASE e.address_grade WHEN 3 THEN 'exact' WHEN 2 THEN 'street~' WHEN 1 THEN 'partial'
                             WHEN 0 THEN 'unknown' ELSE 'different' END AS address_agreement,
        round(e.street_similarity, 3) AS street_similarity,
        coalesce(v.votes, 0) AS registry_votes,
        coalesce(f.found, 0) AS registry_found,
        coalesce(v.votes >= 2 AND 2 * v.votes > f.found, FALSE) AS by_registry
    FROM evidence AS e
    JOIN gis AS g USING (gis_house_id)
    LEFT JOIN registry_votes AS v USING (gis_house_id, egrn_house_id)
    LEFT JOIN registry_found AS f USING (gis_house_id)
)
SELECT * FROM final
ORDER BY gis_house_id, egrn_house_id
