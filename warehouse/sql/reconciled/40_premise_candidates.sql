-- reconciled.premise_candidates: GIS ZhKKh premise × EGRN object pairs with the evidence of every comparison.
-- Pairs come from the linked EGRN house (same number key; an area within tolerance between the premises and
-- objects that no number pairs with an agreeing area) and from the registry number GIS already carries (wherever
-- Rosreestr puts it). Levels, reasons and weights are generated from transforms/match/levels.py; exclusions from
-- transforms/match/exclusions.py.
--   strong    same house, not excluded, number (exact or format) + kind + area agree: enough for a one-to-one match
CREATE OR REPLACE TABLE reconciled.premise_candidates AS
WITH
gis AS (
    SELECT p.*, h.egrn_house_id
    FROM reconciled.gis_premises AS p
    LEFT JOIN reconciled.houses AS h USING (gis_house_id)
),
egrn AS (
    SELECT * FROM reconciled.egrn_premises WHERE NOT is_retired
),
by_number AS (
    SELECT g.premise_id, e.cadastral_number,
           e.kind = g.kind AND abs(g.area - e.area) <= greatest($area_close, $area_close_share * e.area) AS agrees
    FROM gis AS g
    JOIN egrn AS e ON e.egrn_house_id = g.egrn_house_id AND e.number_key = g.number_key
),
-- A premise whose number (written once in the house) finds an object of its kind and an agreeing area, and that
-- object, are each other's: the premise needs no area search, and the object is no one else's by area. A number
-- written twice in the house (one of the two is a typo) finds nothing here.
found_by_number AS (
    SELECT b.premise_id, b.cadastral_number
    FROM by_number AS b
    JOIN (SELECT premise_id, count(*) OVER (PARTITION BY gis_house_id, number_key) AS written FROM gis) AS w
      USING (premise_id)
    WHERE b.agrees AND w.written = 1
),
-- the rest on both sides (renumbered, swapped, written oddly, on one side only): areas within tolerance, through
-- buckets as wide as the tolerance (an equi-join, not a per-house product)
by_area AS (
    SELECT g.premise_id, e.cadastral_number
    FROM (SELECT premise_id, egrn_house_id, area,
                 unnest([0, -1, 1]) + floor(area / $area_bucket)::BIGINT AS bucket
          FROM gis
          WHERE area > 0 AND egrn_house_id IS NOT NULL
            AND premise_id NOT IN (SELECT premise_id FROM found_by_number)) AS g
    JOIN (SELECT cadastral_number, egrn_house_id, area, floor(area / $area_bucket)::BIGINT AS bucket
          FROM egrn AS e
          WHERE area > 0 AND NOT {{never_paired}}
            AND cadastral_number NOT IN (SELECT cadastral_number FROM found_by_number)) AS e
      ON e.egrn_house_id = g.egrn_house_id AND e.bucket = g.bucket
    WHERE abs(g.area - e.area) <= greatest($area_close, $area_close_share * e.area)
),
by_registry AS (
    SELECT g.premise_id, e.cadastral_number
    FROM gis AS g
    JOIN egrn AS e ON e.cadastral_number = g.registry_cadastral_number
),
pairs AS (
    SELECT DISTINCT premise_id, cadastral_number
    FROM (SELECT premise_id, cadastral_number FROM by_number
          UNION ALL SELECT * FROM by_area
          UNION ALL SELECT * FROM by_registry)
),
compared AS (
    SELECT
        g.premise_id,
        e.cadastral_number,
        g.gis_house_id,
        e.egrn_house_id,
        coalesce(e.egrn_house_id = g.egrn_house_id, FALSE) AS same_house,
        e.kind AS egrn_kind,
        e.number_text AS egrn_number,
        e.room_number AS egrn_room_number,
        e.area AS egrn_area,
        e.floor AS egrn_floor,
        {{levels}},
        {{excluded_by}} AS excluded_by
    FROM pairs
    JOIN gis AS g USING (premise_id)
    JOIN egrn AS e USING (cadastral_number)
),
final AS (
    SELECT
        *,
        same_house AND excluded_by IS NULL AND {{strong}} AS strong,
        {{score}} AS match_score,
        concat_ws('; ', number_reason, area_reason, kind_reason) AS evidence
    FROM compared
)
SELECT * FROM final
ORDER BY premise_id, match_score DESC, cadastral_number
