-- reconciled.premise_evidence(file, row): for analysts, every candidate of one GIS premise row with the evidence
-- of each comparison, best first, and whether it was chosen. Stored in the warehouse:
--   SELECT * FROM reconciled.premise_evidence('gis/houses/houses_uo_6607299142_2024-12.xlsx', 15);
CREATE OR REPLACE MACRO reconciled.premise_evidence(file, row) AS TABLE
    SELECT
        g.source_file, g.source_sheet, g.source_row, g.house_address, g.number_text AS premise_number, g.area,
        g.registry_cadastral_number,
        c.cadastral_number, c.egrn_number, c.egrn_area, c.egrn_kind, c.same_house,
        c.number_level, c.area_level, c.kind_level, c.registry_level, c.excluded_by, c.strong,
        c.match_score, c.evidence,
        c.cadastral_number IS NOT DISTINCT FROM m.cadastral_number AS chosen,
        m.match_status, m.match_reason
    FROM reconciled.gis_premises AS g
    JOIN reconciled.premise_matches AS m USING (premise_id)
    LEFT JOIN reconciled.premise_candidates AS c USING (premise_id)
    WHERE g.source_file = file AND g.source_row = row
    ORDER BY g.source_sheet NULLS FIRST, c.match_score DESC NULLS LAST, c.cadastral_number
