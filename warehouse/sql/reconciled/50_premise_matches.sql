-- reconciled.premise_matches: one row per GIS ZhKKh premise with the cadastral number Sverka stands behind.
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
--   auto        no registry number, and a one-to-one match
--   review      candidates, but none unambiguous (a renumbered flat matched by area alone, two flats of one area,
--               a swap, an untrusted house link, a number used twice)
--   unmatched   nothing in EGRN: the house is not found, or no object of this number or area (a flat registered only
--               as its rooms is said so)
CREATE OR REPLACE TABLE reconciled.premise_matches AS
WITH
premises AS (
    SELECT p.*, h.egrn_house_id, h.link_status, h.link_method, h.link_evidence, h.trusted, h.contradictions
    FROM reconciled.gis_premises AS p
    JOIN reconciled.houses AS h USING (gis_house_id)
),
candidates AS (
    SELECT * FROM reconciled.premise_candidates
),
egrn AS (
    SELECT * FROM reconciled.egrn_premises
),
building_numbers AS (
    SELECT egrn_house_id FROM reconciled.egrn_houses WHERE is_building_number
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
            WHEN e.egrn_house_id <> p.egrn_house_id THEN 'other_house'
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
        CASE
            WHEN b.egrn_house_id IS NOT NULL THEN 'это номер здания'
            WHEN p.egrn_house_id IS NULL THEN 'дом не найден в ЕГРН'
            WHEN e.cadastral_number IS NULL THEN 'нет в выписках ЕГРН'
            WHEN e.is_retired THEN 'снят с учёта'
            WHEN e.egrn_house_id <> p.egrn_house_id THEN 'помещение другого дома'
            WHEN c.excluded_by IS NOT NULL THEN c.excluded_by
            WHEN t.premise_id IS NOT NULL THEN 'это помещение ' || t_p.number_text || ' в ГИС ЖКХ'
            WHEN c.kind_level = 'different' THEN 'другой вид помещения'
            WHEN c.area_level = 'far' THEN c.area_reason
            ELSE 'требует проверки'
        END AS verdict_ru,
        exists(SELECT 1 FROM strong AS o
               WHERE o.premise_id = p.premise_id AND o.cadastral_number <> p.registry_cadastral_number) AS other_strong,
        c.match_score AS registry_score,
        c.evidence AS registry_evidence
    FROM premises AS p
    LEFT JOIN building_numbers AS b ON b.egrn_house_id = p.registry_cadastral_number
    LEFT JOIN egrn AS e ON e.cadastral_number = p.registry_cadastral_number
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
        m.match_score AS matched_score,
        m.evidence AS matched_evidence,
        r.verdict AS registry_verdict,
        r.verdict_ru,
        r.registry_score,
        r.registry_evidence,
        x.excluded,
        CASE
            WHEN m.cadastral_number IS NOT NULL AND p.registry_cadastral_number = m.cadastral_number THEN 'confirmed'
            WHEN m.cadastral_number IS NOT NULL AND p.registry_cadastral_number IS NOT NULL THEN 'conflict'
            WHEN r.verdict = 'plausible' AND NOT r.other_strong THEN 'confirmed'
            WHEN r.verdict IN ('building', 'not_found', 'retired', 'other_house', 'excluded', 'taken', 'kind', 'area')
                THEN 'conflict'
            WHEN m.cadastral_number IS NOT NULL THEN 'auto'
            WHEN b.candidates > 0 OR p.registry_cadastral_number IS NOT NULL THEN 'review'
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
guarded AS (
    SELECT
        * REPLACE (
            CASE WHEN shared AND status IN ('confirmed', 'auto') THEN 'review' ELSE status END AS status,
            CASE WHEN shared THEN NULL ELSE chosen_number END AS chosen_number),
        shared
    FROM (SELECT *, chosen_number IS NOT NULL AND count(*) OVER (PARTITION BY chosen_number) > 1 AS shared
          FROM numbered)
),
-- what a person is asked to check: the best candidate no other premise has been given
open_candidates AS (
    SELECT c.premise_id,
           count(*) AS candidates,
           arg_max(c.cadastral_number, (c.match_score, c.cadastral_number)) AS best_number,
           max(c.match_score) AS best_score,
           arg_max(c.evidence, (c.match_score, c.cadastral_number)) AS best_evidence
    FROM candidates AS c
    WHERE c.same_house AND c.excluded_by IS NULL
      AND NOT exists(SELECT 1 FROM guarded AS t
                     WHERE t.chosen_number = c.cadastral_number AND t.premise_id <> c.premise_id)
    GROUP BY c.premise_id
),
settled AS (
    SELECT
        g.* REPLACE (
            CASE WHEN g.status = 'review' AND o.candidates IS NULL AND g.registry_cadastral_number IS NULL
                 THEN 'unmatched' ELSE g.status END AS status),
        coalesce(o.candidates, 0) AS candidates,
        o.best_number,
        o.best_score,
        o.best_evidence
    FROM guarded AS g
    LEFT JOIN open_candidates AS o USING (premise_id)
),
final AS (
    SELECT
        s.source_file,
        s.source_sheet,
        s.source_row,
        chosen_number AS cadastral_number,
        CASE WHEN status = 'confirmed' THEN 'registry'
             WHEN chosen_number IS NOT NULL THEN 'matched' END AS cadastral_source,
        status AS match_status,
        CASE WHEN status = 'confirmed' THEN coalesce(CASE WHEN matched_number IS NOT NULL THEN matched_score END,
                                                     registry_score)
             WHEN chosen_number IS NOT NULL THEN matched_score
             ELSE coalesce(best_score, 0.0) END AS match_score,
        concat_ws('; ',
            'house=' || coalesce(link_method, 'нет'),
            CASE WHEN status = 'confirmed' THEN coalesce(CASE WHEN matched_number IS NOT NULL THEN matched_evidence END,
                                                         registry_evidence)
                 WHEN chosen_number IS NOT NULL THEN matched_evidence
                 ELSE best_evidence END,
            CASE WHEN status = 'confirmed' THEN 'registry=ok'
                 WHEN registry_verdict IS NOT NULL AND registry_verdict <> 'plausible'
                     THEN 'registry ' || registry_cadastral_number || ' ≠ ЕГРН: ' || verdict_ru
                 WHEN registry_verdict = 'plausible' THEN 'registry ' || registry_cadastral_number || ': есть другие кандидаты' END,
            CASE WHEN status IN ('review', 'conflict') AND chosen_number IS NULL AND candidates > 1
                 THEN 'кандидатов: ' || candidates END,
            CASE WHEN shared THEN 'номер достался двум помещениям' END,
            CASE WHEN status = 'unmatched' AND s.egrn_house_id IS NULL
                 THEN 'дом не найден в ЕГРН' || coalesce(' (' || contradictions || ')', '') END,
            CASE WHEN status = 'unmatched' AND s.egrn_house_id IS NOT NULL AND excluded IS NOT NULL
                 THEN 'в ЕГРН только: ' || excluded END,
            CASE WHEN status = 'unmatched' AND s.egrn_house_id IS NOT NULL AND excluded IS NULL
                 THEN 'в ЕГРН нет свободного помещения с таким номером или площадью' END
        ) AS match_reason,
        -- beyond the contract: what the review queue and analysts need
        s.premise_id,
        s.gis_house_id,
        s.egrn_house_id,
        s.management_organisation,
        s.house_address,
        s.number_norm AS premise_number_normalised,
        h.house_fias_guid,
        s.link_method AS house_link_method,
        coalesce(s.chosen_number, s.best_number) AS candidate_cadastral_number,
        s.candidates,
        s.registry_verdict,
        e.number_text AS egrn_premise_number,
        e.area AS egrn_area
    FROM settled AS s
    JOIN reconciled.gis_houses AS h USING (gis_house_id)
    LEFT JOIN egrn AS e ON e.cadastral_number = coalesce(s.chosen_number, s.best_number)
)
SELECT * FROM final
ORDER BY source_file, source_sheet NULLS FIRST, source_row
