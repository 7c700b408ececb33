-- reconciled.premise_matches: one row per GIS ZhKKh premise with the cadastral number Sverka stands behind, the
-- decision of 50_premise_decisions.sql in words: how the house was found, the evidence of the pair shown (the
-- chosen number, the registry number confirmed, or the best open candidate), what is wrong with the registry
-- number, and why nothing could be chosen.
CREATE OR REPLACE TABLE reconciled.premise_matches AS
WITH
decisions AS (
    SELECT * FROM premise_decisions
),
premises AS (
    SELECT * FROM reconciled.gis_premises
),
houses AS (
    SELECT h.gis_house_id, h.egrn_house_id, h.link_status, h.link_method, h.contradictions, g.house_fias_guid
    FROM reconciled.houses AS h
    JOIN reconciled.gis_houses AS g USING (gis_house_id)
),
candidates AS (
    SELECT premise_id, cadastral_number, match_score, evidence FROM reconciled.premise_candidates
),
egrn AS (
    SELECT cadastral_number, number_text, area FROM reconciled.egrn_premises
),
-- how each house was found, in words (once per house, not per premise); for a house not found, what contradicts
-- the candidates there were
house_reasons AS (
    SELECT gis_house_id,
           CASE link_status
             WHEN 'not_found' THEN 'дом в ЕГРН не найден' || coalesce(' (' || contradictions || ')', '')
             WHEN 'ambiguous' THEN 'дом в ЕГРН не определён однозначно: одинаково подходят несколько домов'
                                   || coalesce(' (' || contradictions || ')', '')
             ELSE 'дом найден по: ' || array_to_string([
                 CASE t WHEN 'fias' THEN 'ФИАС' WHEN 'building' THEN 'кадастровому номеру здания'
                        WHEN 'address' THEN 'адресу' WHEN 'street~' THEN 'адресу (улица написана иначе)'
                        WHEN 'address~' THEN 'адресу (корпус указан только с одной стороны)'
                        WHEN 'registry' THEN 'кадастровым номерам помещений' ELSE t END
                 FOR t IN string_split(link_method, '+')], ', ') END AS house_reason
    FROM houses
),
-- what Rosreestr says about the registry number, in words
verdict_words AS (
    SELECT premise_id,
           CASE registry_verdict
               WHEN 'building' THEN 'это номер здания'
               WHEN 'unknown' THEN 'дом не найден в ЕГРН'
               WHEN 'not_found' THEN 'нет в выписках ЕГРН'
               WHEN 'retired' THEN 'снят с учёта'
               WHEN 'other_house' THEN 'помещение другого дома'
               WHEN 'excluded' THEN verdict_detail
               WHEN 'taken' THEN 'это помещение ' || verdict_detail || ' в ГИС ЖКХ'
               WHEN 'kind' THEN 'другой вид помещения'
               WHEN 'area' THEN verdict_detail
               ELSE 'требует проверки' END AS verdict_ru
    FROM decisions
    WHERE registry_verdict IS NOT NULL
),
-- the pair whose evidence is shown: the registry number confirmed, the number chosen, else the best candidate
-- (a number found by elimination has its own words)
shown AS (
    SELECT
        d.*,
        CASE WHEN d.elimination_rule IS NOT NULL THEN NULL
             WHEN d.status = 'confirmed' THEN d.registry_cadastral_number
             ELSE coalesce(d.chosen_number, d.best_number) END AS shown_number
    FROM decisions AS d
),
final AS (
    SELECT
        p.source_file,
        p.source_sheet,
        p.source_row,
        s.chosen_number AS cadastral_number,
        CASE WHEN s.status = 'confirmed' THEN 'registry'
             WHEN s.chosen_number IS NOT NULL THEN 'matched' END AS cadastral_source,
        s.status AS match_status,
        CASE s.elimination_rule WHEN 'registry' THEN $elimination_score_registry
                                WHEN 'near' THEN $elimination_score_near
                                WHEN 'elimination' THEN $elimination_score_only
             ELSE coalesce(c.match_score, 0.0) END AS match_score,
        concat_ws('; ',
            r.house_reason,
            coalesce(s.elim_reason, c.evidence),
            CASE WHEN s.status = 'confirmed' THEN 'кадастровый номер из ГИС ЖКХ подтверждён'
                 WHEN s.registry_verdict = 'unknown'
                     THEN 'кадастровый номер из ГИС ЖКХ ' || s.registry_cadastral_number || ' не проверен: '
                          || v.verdict_ru
                 WHEN s.registry_verdict <> 'plausible'
                     THEN 'кадастровый номер из ГИС ЖКХ ' || s.registry_cadastral_number || ' не подходит: '
                          || v.verdict_ru
                 WHEN s.registry_verdict = 'plausible'
                     THEN 'кадастровый номер из ГИС ЖКХ ' || s.registry_cadastral_number
                          || ' похож на верный, но есть другие кандидаты' END,
            CASE WHEN s.status IN ('review', 'conflict') AND s.chosen_number IS NULL AND s.candidates > 1
                 THEN 'подходящих помещений в доме: ' || s.candidates || ', выбрать однозначно нельзя' END,
            CASE WHEN s.shared THEN 'номер достался двум помещениям' END,
            CASE WHEN s.several_houses AND s.chosen_number IS NULL
                 THEN 'этим адресом в выгрузке описаны разные дома: помещение может быть в любом из них' END,
            CASE WHEN s.status = 'unmatched' AND h.egrn_house_id IS NOT NULL AND s.excluded IS NOT NULL
                 THEN 'в ЕГРН только: ' || s.excluded END,
            CASE WHEN s.status = 'unmatched' AND h.egrn_house_id IS NOT NULL AND s.excluded IS NULL
                 THEN 'в ЕГРН нет свободного помещения с таким номером или площадью' END
        ) AS match_reason,
        -- beyond the contract: what the review queue and analysts need
        p.premise_id,
        p.gis_house_id,
        h.egrn_house_id,
        p.management_organisation,
        p.house_address,
        p.number_norm AS premise_number_normalised,
        h.house_fias_guid,
        h.link_method AS house_link_method,
        coalesce(s.chosen_number, s.best_number) AS candidate_cadastral_number,
        s.candidates,
        s.registry_verdict,
        e.number_text AS egrn_premise_number,
        e.area AS egrn_area,
        CASE WHEN s.elimination_rule IS NOT NULL
                 THEN 'elimination_' || s.elimination_rule || coalesce('_' || s.number_near, '')
             WHEN s.matched_number IS NOT NULL AND s.chosen_number = s.matched_number THEN 'one_to_one'
             WHEN s.status = 'confirmed' THEN 'registry' END AS match_rule
    FROM shown AS s
    JOIN premises AS p USING (premise_id)
    JOIN houses AS h ON h.gis_house_id = p.gis_house_id
    JOIN house_reasons AS r ON r.gis_house_id = p.gis_house_id
    LEFT JOIN verdict_words AS v ON v.premise_id = s.premise_id
    LEFT JOIN candidates AS c ON c.premise_id = s.premise_id AND c.cadastral_number = s.shown_number
    LEFT JOIN egrn AS e ON e.cadastral_number = coalesce(s.chosen_number, s.best_number)
)
SELECT * FROM final
ORDER BY premise_id  -- the order of the sources (premise_id is numbered in it)
