-- premise_decisions (temporary): the decision for every GIS ZhKKh premise, narrow (ids, numbers, statuses); the
-- words people read are put together in 51_premise_matches.sql for the pairs shown only.
-- Decision rules, in order (CONTRACT.md §3 statuses):
--   one-to-one  a premise and an EGRN object that are each other's only strong candidate, in a trusted house link
--               that two pieces of evidence support or whose premises mostly agree (a wrong house link shows as
--               few agreements)
--   confirmed   the registry number GIS carries is the one-to-one match — or, with no one-to-one match, it is an
--               object of the same house and kind that no other premise is, whose number agrees (at most one
--               character apart or renumbered 12~112) and whose area agrees
--   conflict    the registry number is something else: another premise of the house (the one-to-one match says
--               which), a room inside a flat, a parking place, the building, another house, or no object at all;
--               cadastral_number is then the one-to-one match when there is one
--   elimination what is left in a house after the above: leftover GIS premise × leftover EGRN premise, mutual
--               single best by (registry, near number, area); accepted for a doubtful GIS number near the EGRN one
--               (typo, renumbering, swap), for the registry number, or for the only leftover of that area. It makes
--               the premise auto, confirmed (its registry number) or gives a conflict the number to offer
--   auto        no registry number, and a one-to-one (or elimination) match
--   review      candidates, but none unambiguous (two renumbered flats of one area, an untrusted house link, a
--               number used twice)
--   unmatched   nothing in EGRN: the house is not found, or no object of this number or area (a flat registered only
--               as its rooms is said so)
CREATE OR REPLACE TEMP TABLE premise_decisions AS
WITH
premises AS (
    SELECT p.premise_id, p.gis_house_id, p.kind, p.area, p.number_key, p.number_text, p.registry_cadastral_number,
           h.egrn_house_id, h.link_evidence, h.trusted, g.several_houses
    FROM reconciled.gis_premises AS p
    JOIN reconciled.houses AS h USING (gis_house_id)
    JOIN reconciled.gis_houses AS g USING (gis_house_id)
),
candidates AS NOT MATERIALIZED (
    SELECT * FROM reconciled.premise_candidates
),
egrn AS NOT MATERIALIZED (
    SELECT * FROM reconciled.egrn_premises
),
building_numbers AS (
    SELECT egrn_house_id FROM reconciled.egrn_houses WHERE is_building_number
),
-- EGRN houses at the GIS house's address besides the one it is linked to (a house delivered as two, or two
-- houses an export writes alike): a registry number there is weighed like one of the linked house
same_address_houses AS (
    SELECT gis_house_id, egrn_house_id FROM reconciled.house_candidates
    WHERE address_agreement IN ('exact', 'street~')
),
-- the share of a house's premises with strong evidence in the EGRN house it is linked to
house_agreement AS (
    SELECT p.gis_house_id,
           count(DISTINCT c.premise_id) / count(DISTINCT p.premise_id) AS agreement
    FROM premises AS p
    LEFT JOIN candidates AS c ON c.premise_id = p.premise_id AND c.strong
    GROUP BY p.gis_house_id
),
strong AS (
    SELECT *,
           count(*) OVER (PARTITION BY premise_id) AS strong_for_premise,
           count(*) OVER (PARTITION BY cadastral_number) AS strong_for_object
    FROM candidates
    WHERE strong
),
one_to_one AS (
    SELECT s.*
    FROM strong AS s
    JOIN premises AS p USING (premise_id)
    JOIN house_agreement AS a ON a.gis_house_id = p.gis_house_id
    WHERE s.strong_for_premise = 1 AND s.strong_for_object = 1
      AND p.trusted AND (a.agreement >= $min_house_agreement OR p.link_evidence >= 2)
),
-- what Rosreestr says about the number GIS ZhKKh already carries
registry AS (
    SELECT
        p.premise_id,
        CASE
            WHEN b.egrn_house_id IS NOT NULL THEN 'building'
            WHEN p.egrn_house_id IS NULL THEN 'unknown'
            WHEN e.cadastral_number IS NULL THEN 'not_found'
            WHEN e.is_retired THEN 'retired'
            WHEN e.egrn_house_id <> p.egrn_house_id AND s.egrn_house_id IS NULL THEN 'other_house'
            WHEN c.excluded_by IS NOT NULL THEN 'excluded'
            WHEN t.premise_id IS NOT NULL THEN 'taken'
            WHEN c.kind_level = 'different' THEN 'kind'
            WHEN c.area_level = 'far' THEN 'area'
            -- the number agrees (a renumbering or typo at most) and so does the area when both are known
            WHEN c.kind_level = 'same'
             AND ((c.number_level IN ('exact', 'format') AND c.area_level <> 'far')
                  OR (c.number_level = 'fuzzy' AND c.area_level IN ('equal', 'rounding', 'close')))
                THEN 'plausible'
            ELSE 'uncertain'
        END AS verdict,
        -- what the words of the verdict (51) name: the exclusion, the premise that has the number, the areas
        CASE verdict WHEN 'excluded' THEN c.excluded_by
                     WHEN 'taken' THEN t_p.number_text
                     WHEN 'area' THEN c.area_reason END AS verdict_detail,
        exists(SELECT 1 FROM strong AS o
               WHERE o.premise_id = p.premise_id AND o.cadastral_number <> p.registry_cadastral_number) AS other_strong,
    FROM premises AS p
    LEFT JOIN building_numbers AS b ON b.egrn_house_id = p.registry_cadastral_number
    LEFT JOIN egrn AS e ON e.cadastral_number = p.registry_cadastral_number
    LEFT JOIN same_address_houses AS s ON s.gis_house_id = p.gis_house_id AND s.egrn_house_id = e.egrn_house_id
    LEFT JOIN candidates AS c ON c.premise_id = p.premise_id AND c.cadastral_number = p.registry_cadastral_number
    LEFT JOIN one_to_one AS t ON t.cadastral_number = p.registry_cadastral_number AND t.premise_id <> p.premise_id
    LEFT JOIN premises AS t_p ON t_p.premise_id = t.premise_id
    WHERE p.registry_cadastral_number IS NOT NULL
),
-- candidates in the linked house not already another premise's one-to-one match
reachable AS (
    SELECT c.premise_id, count(*) AS candidates
    FROM candidates AS c
    LEFT JOIN one_to_one AS t ON t.cadastral_number = c.cadastral_number AND t.premise_id <> c.premise_id
    WHERE c.same_house AND c.excluded_by IS NULL AND t.premise_id IS NULL
    GROUP BY c.premise_id
),
excluded_only AS (
    SELECT premise_id, string_agg(DISTINCT excluded_by, ', ' ORDER BY excluded_by) AS excluded
    FROM candidates
    WHERE same_house AND excluded_by IS NOT NULL AND number_level IN ('exact', 'format')
    GROUP BY premise_id
),
decided AS (
    SELECT
        p.*,
        m.cadastral_number AS matched_number,
        r.verdict AS registry_verdict,
        r.verdict_detail,
        x.excluded,
        CASE
            WHEN m.cadastral_number IS NOT NULL AND p.registry_cadastral_number = m.cadastral_number THEN 'confirmed'
            -- the registry number and the one-to-one match both hold up: a person decides, nothing is a conflict
            WHEN m.cadastral_number IS NOT NULL AND r.verdict = 'plausible' THEN 'review'
            WHEN m.cadastral_number IS NOT NULL AND p.registry_cadastral_number IS NOT NULL THEN 'conflict'
            WHEN r.verdict = 'plausible' AND NOT r.other_strong THEN 'confirmed'
            WHEN r.verdict IN ('building', 'not_found', 'retired', 'other_house', 'excluded', 'taken', 'kind', 'area')
                THEN 'conflict'
            WHEN m.cadastral_number IS NOT NULL THEN 'auto'
            -- a house the export describes twice: the premise may be in the other one
            WHEN b.candidates > 0 OR p.registry_cadastral_number IS NOT NULL OR p.several_houses THEN 'review'
            ELSE 'unmatched'
        END AS status
    FROM premises AS p
    LEFT JOIN one_to_one AS m USING (premise_id)
    LEFT JOIN registry AS r USING (premise_id)
    LEFT JOIN reachable AS b USING (premise_id)
    LEFT JOIN excluded_only AS x USING (premise_id)
),
numbered AS (
    SELECT
        *,
        CASE status WHEN 'confirmed' THEN registry_cadastral_number
                    WHEN 'auto' THEN matched_number
                    WHEN 'conflict' THEN matched_number END AS chosen_number
    FROM decided
),
-- no cadastral number for two premises: should two still share one, both go to a person
shared_numbers AS (
    SELECT chosen_number FROM numbered WHERE chosen_number IS NOT NULL GROUP BY chosen_number HAVING count(*) > 1
),
guarded AS (
    SELECT
        n.* REPLACE (
            CASE WHEN shared AND n.status IN ('confirmed', 'auto') THEN 'review' ELSE n.status END AS status,
            CASE WHEN shared THEN NULL ELSE n.chosen_number END AS chosen_number),
        shared
    FROM (SELECT n.*, s.chosen_number IS NOT NULL AS shared
          FROM numbered AS n LEFT JOIN shared_numbers AS s USING (chosen_number)) AS n
),
-- Elimination within a house, as a person does it: the GIS premises still without a number and the EGRN objects
-- nobody has taken, in a trusted house link. A leftover pair is accepted when each is the other's single best
-- leftover (mutual best, ties go to a person) and the evidence is enough on its own terms:
--   near number   a doubtful GIS number and a typo or a renumbering (neighbouring numbers, transposed digits,
--                 a doubled or dropped digit, a letter, 104/4, two numbers swapped) and an agreeing area
--   registry      the number GIS carries points at it, and the area agrees
--   elimination   a doubtful GIS number, the last premise of its kind left on both sides of the house, the area
--                 equal or rounded
-- the decided rows, narrow, read several times below
decisions AS MATERIALIZED (
    SELECT premise_id, gis_house_id, egrn_house_id, kind, area, number_key, number_text, registry_cadastral_number,
           registry_verdict, status, chosen_number, shared, excluded, trusted, link_evidence
    FROM guarded
),
left_base AS MATERIALIZED (
    SELECT g.*
    FROM decisions AS g
    JOIN house_agreement AS a ON a.gis_house_id = g.gis_house_id
    WHERE g.chosen_number IS NULL AND g.status IN ('review', 'conflict') AND NOT g.shared
      AND g.excluded IS NULL  -- a flat Rosreestr knows only as its rooms (or a parking place) has no leftover
      AND g.trusted AND (a.agreement >= $min_house_agreement OR g.link_evidence >= 2)
),
left_houses AS (
    SELECT DISTINCT egrn_house_id FROM left_base
),
leftover_premises AS MATERIALIZED (
    SELECT g.premise_id, g.registry_cadastral_number, g.number_key, g.number_text, g.egrn_house_id, g.kind, g.area,
           coalesce(g.registry_verdict = 'plausible', FALSE) AS registry_plausible,
           -- why a person would doubt the GIS number: written twice in the house, beyond the house's numbers in
           -- EGRN, or the EGRN premise of that number has another area
           coalesce(t.premises > 1, FALSE) AS number_twice,
           TRY_CAST(g.number_key AS BIGINT) > n.max_number AS number_beyond,
           o.premise_id IS NOT NULL AS number_other_area
    FROM left_base AS g
    LEFT JOIN (SELECT gis_house_id, number_key, count(*) AS premises FROM reconciled.gis_premises
               WHERE gis_house_id IN (SELECT gis_house_id FROM left_base) GROUP BY ALL) AS t
      ON t.gis_house_id = g.gis_house_id AND t.number_key = g.number_key
    LEFT JOIN (SELECT DISTINCT premise_id FROM candidates
               WHERE premise_id IN (SELECT premise_id FROM left_base)
                 AND same_house AND number_level IN ('exact', 'format') AND excluded_by IS NULL
                 AND kind_level = 'same' AND area_level = 'far') AS o
      ON o.premise_id = g.premise_id
    LEFT JOIN (SELECT egrn_house_id, kind, max(TRY_CAST(number_key AS BIGINT)) AS max_number
               FROM egrn WHERE NOT is_retired AND egrn_house_id IN (SELECT egrn_house_id FROM left_houses)
               GROUP BY ALL) AS n
      ON n.egrn_house_id = g.egrn_house_id AND n.kind = g.kind
),
taken_numbers AS (
    SELECT DISTINCT chosen_number AS cadastral_number FROM decisions WHERE chosen_number IS NOT NULL
    -- an EGRN premise whose number and area some GIS premise shares is that premise's, not a leftover
    UNION SELECT cadastral_number FROM candidates WHERE strong
),
-- how many premises of a kind each side of a house has left: «the one flat left» is literal
left_in_gis_house AS (
    SELECT g.egrn_house_id, g.kind, count(*) AS premises
    FROM decisions AS g
    WHERE g.chosen_number IS NULL AND g.egrn_house_id IN (SELECT egrn_house_id FROM left_houses)
    GROUP BY ALL
),
left_in_egrn_house AS (
    SELECT egrn_house_id, kind, count(*) AS premises
    FROM egrn
    WHERE NOT is_retired AND egrn_house_id IN (SELECT egrn_house_id FROM left_houses)
      AND cadastral_number NOT IN (SELECT cadastral_number FROM taken_numbers)
    GROUP BY ALL
),
leftover_pairs AS (
    SELECT l.premise_id, c.cadastral_number, c.area_level, c.registry_level = 'same' AS registry_same,
           l.registry_plausible,
           coalesce(lg.premises = 1 AND le.premises = 1, FALSE) AS last_in_house,
           l.number_twice OR coalesce(l.number_beyond, FALSE) OR l.number_other_area AS number_doubtful,
           -- a number with a letter that EGRN does not know at all in the house («5а» for 5)
           l.number_key <> regexp_replace(l.number_key, '[^0-9]', '', 'g') AND u.number_key IS NULL AS letter_unknown,
           l.number_text AS gis_number, c.egrn_number, c.egrn_area, l.area AS gis_area,
           CASE WHEN l.number_key IS NULL OR e.number_key IS NULL OR l.number_key = e.number_key THEN NULL
                -- two flats carrying each other's numbers: each number's EGRN premise has the other one's area
                WHEN l.number_other_area AND sw.number_key IS NOT NULL THEN 'swapped'
                WHEN abs(TRY_CAST(l.number_key AS BIGINT) - TRY_CAST(e.number_key AS BIGINT)) = 1 THEN 'adjacent'
                WHEN length(l.number_key) = length(e.number_key) AND length(l.number_key) >= 2
                 AND damerau_levenshtein(l.number_key, e.number_key) = 1
                 AND levenshtein(l.number_key, e.number_key) = 2 THEN 'transposed'
                WHEN regexp_replace(l.number_key, '[^0-9]', '', 'g') = regexp_replace(e.number_key, '[^0-9]', '', 'g')
                    THEN 'letter'
                WHEN length(e.number_key) = length(l.number_key) + 1
                 AND (length(l.number_key) >= 2 OR l.number_twice OR l.number_other_area)
                 AND levenshtein(l.number_key, e.number_key) = 1
                 AND NOT starts_with(l.number_key, e.number_key) THEN 'dropped'
                WHEN length(l.number_key) = length(e.number_key) + 1
                 AND list_bool_or([left(e.number_key, i) || substr(e.number_key, i, 1) || substr(e.number_key, i + 1)
                                   = l.number_key FOR i IN range(1, length(e.number_key) + 1)]) THEN 'doubled'
                -- renumbered upwards (104 for 4, 2922 for 292, 223 for 23), and only with an equal or rounded area
                WHEN c.area_level IN ('equal', 'rounding')
                 AND length(l.number_key) - length(e.number_key) BETWEEN 1 AND 2
                 AND (starts_with(l.number_key, e.number_key) OR ends_with(l.number_key, e.number_key))
                    THEN 'renumbered'
                WHEN c.area_level IN ('equal', 'rounding')
                 AND TRY_CAST(l.number_key AS BIGINT) % 100 = TRY_CAST(e.number_key AS BIGINT) % 100
                 AND TRY_CAST(l.number_key AS BIGINT) > TRY_CAST(e.number_key AS BIGINT) THEN 'renumbered'
           END AS number_near,
           CASE c.area_level WHEN 'equal' THEN 3 WHEN 'rounding' THEN 2 WHEN 'close' THEN 1 END AS area_rank
    FROM leftover_premises AS l
    JOIN candidates AS c ON c.premise_id = l.premise_id
    JOIN egrn AS e ON e.cadastral_number = c.cadastral_number
    LEFT JOIN (SELECT DISTINCT egrn_house_id, number_key FROM egrn
               WHERE egrn_house_id IN (SELECT egrn_house_id FROM left_houses)) AS u
      ON u.egrn_house_id = l.egrn_house_id AND u.number_key = l.number_key
    LEFT JOIN (SELECT DISTINCT egrn_house_id, number_key FROM leftover_premises WHERE number_other_area) AS sw
      ON sw.egrn_house_id = l.egrn_house_id AND sw.number_key = e.number_key
    LEFT JOIN left_in_gis_house AS lg ON lg.egrn_house_id = l.egrn_house_id AND lg.kind = l.kind
    LEFT JOIN left_in_egrn_house AS le ON le.egrn_house_id = l.egrn_house_id AND le.kind = l.kind
    WHERE c.same_house AND c.excluded_by IS NULL AND c.kind_level = 'same'
      AND c.area_level IN ('equal', 'rounding', 'close')
      AND c.cadastral_number NOT IN (SELECT cadastral_number FROM taken_numbers)
      -- the plausible registry number of another premise is that premise's to claim
      AND NOT exists(SELECT 1 FROM decisions AS o
                     WHERE o.registry_cadastral_number = c.cadastral_number AND o.registry_verdict = 'plausible'
                       AND o.premise_id <> l.premise_id)
),
leftover_ranked AS (
    SELECT *,
           count(*) OVER (PARTITION BY premise_id) AS left_for_premise,
           count(*) OVER (PARTITION BY cadastral_number) AS left_for_object,
           max(rank) OVER (PARTITION BY premise_id) AS best_for_premise,
           max(rank) OVER (PARTITION BY cadastral_number) AS best_for_object,
           count(*) OVER (PARTITION BY premise_id, rank) AS ties_for_premise,
           count(*) OVER (PARTITION BY cadastral_number, rank) AS ties_for_object
    FROM (SELECT *, registry_same::INT * 16 + coalesce(number_near = 'swapped', FALSE)::INT * 8 + (number_near IS NOT NULL)::INT * 4
                    + area_rank AS rank
          FROM leftover_pairs)
),
eliminated AS (
    SELECT r.*,
           CASE WHEN registry_same THEN 'registry'
                WHEN number_near IS NOT NULL THEN 'near'
                ELSE 'elimination' END AS rule,
           concat_ws(', ',
               CASE WHEN registry_same
                    THEN 'кадастровый номер из ГИС ЖКХ указывает на помещение ' || egrn_number
                         || ' в ЕГРН, у которого нет другой пары в доме'
                    WHEN number_near IS NULL
                    THEN 'единственное оставшееся без пары помещение дома, площадь та же (номер '
                         || gis_number || ' в ГИС ЖКХ, ' || egrn_number || ' в ЕГРН)' END,
               CASE number_near
                   WHEN 'swapped' THEN 'номера двух квартир переставлены местами'
                   WHEN 'adjacent' THEN 'соседний номер'
                   WHEN 'transposed' THEN 'в номере переставлены цифры'
                   WHEN 'doubled' THEN 'в номере задвоена цифра'
                   WHEN 'dropped' THEN 'в номере пропущена цифра'
                   WHEN 'letter' THEN 'номер отличается буквой'
                   WHEN 'renumbered' THEN 'номер перенумерован' END
                   || ' (' || gis_number || ' в ГИС ЖКХ, ' || egrn_number || ' в ЕГРН)',
               CASE WHEN area_level = 'equal' THEN 'площадь совпадает: ' || {{gis_area_ru}} || ' м²'
                    ELSE 'площадь близка: ' || {{gis_area_ru}} || ' и ' || {{egrn_area_ru}} || ' м²' END,
               CASE WHEN NOT registry_same AND number_near IS NOT NULL
                    THEN 'других свободных помещений с похожим номером и такой площадью нет' END
           ) AS reason_ru
    FROM leftover_ranked AS r
    WHERE rank = best_for_premise AND rank = best_for_object
      AND ties_for_premise = 1 AND ties_for_object = 1
      -- a premise whose registry number holds up takes that number or nothing
      AND (registry_same OR NOT registry_plausible)
      AND (registry_same
           OR (number_near IS NOT NULL AND number_doubtful)
           OR (number_near = 'letter' AND letter_unknown)
           OR (number_doubtful AND last_in_house AND area_rank >= 2))
),
resolved AS (
    SELECT g.* REPLACE (
               CASE WHEN x.premise_id IS NULL THEN g.status
                    WHEN g.registry_cadastral_number = x.cadastral_number THEN 'confirmed'
                    WHEN g.registry_cadastral_number IS NOT NULL THEN 'conflict'
                    ELSE 'auto' END AS status,
               coalesce(g.chosen_number, x.cadastral_number) AS chosen_number),
           x.rule AS elimination_rule, x.number_near, x.gis_number AS elim_gis_number,
           x.egrn_number AS elim_egrn_number, x.gis_area AS elim_gis_area, x.egrn_area AS elim_egrn_area,
           x.area_level AS elim_area_level, x.reason_ru AS elim_reason
    FROM guarded AS g
    LEFT JOIN eliminated AS x USING (premise_id)
),
-- what a person is asked to check: the best candidate no other premise has been given
open_candidates AS (
    SELECT c.premise_id,
           count(*) AS candidates,
           arg_max(c.cadastral_number, (c.match_score, c.cadastral_number)) AS best_number
    FROM candidates AS c
    WHERE c.same_house AND c.excluded_by IS NULL
      AND NOT exists(SELECT 1 FROM resolved AS t
                     WHERE t.chosen_number = c.cadastral_number AND t.premise_id <> c.premise_id)
    GROUP BY c.premise_id
),
settled AS (
    SELECT
        g.* REPLACE (
            CASE WHEN g.status = 'review' AND o.candidates IS NULL AND g.registry_cadastral_number IS NULL
                      AND NOT g.several_houses
                 THEN 'unmatched' ELSE g.status END AS status),
        coalesce(o.candidates, 0) AS candidates,
        o.best_number
    FROM resolved AS g
    LEFT JOIN open_candidates AS o USING (premise_id)
)
SELECT premise_id, status, chosen_number, matched_number, registry_cadastral_number, registry_verdict, verdict_detail,
       shared, excluded, several_houses, candidates, best_number, elimination_rule, number_near, elim_reason
FROM settled
