-- marts.premises: one row for every GIS ZhKKh premise row loaded (CONTRACT.md §3). The contract's columns come
-- first, in the contract's order; the columns after them are evidence for people and analysts.
CREATE OR REPLACE TABLE marts.premises AS
WITH
residential AS (
    SELECT source_file, source_sheet, source_row, house_address, premise_number, total_area,
           cadastral_number, 'residential' AS premise_kind
    FROM staging.gis_residential_premises
),
non_residential AS (
    SELECT source_file, source_sheet, source_row, house_address, premise_number, total_area,
           cadastral_number, 'non_residential' AS premise_kind
    FROM staging.gis_nonresidential_premises
),
gis_premises AS (
    SELECT * FROM residential
    UNION ALL
    SELECT * FROM non_residential
),
-- A premise row names its house by the house's «Адрес» text; reconciliation resolves it within the same
-- export (house_fias_guid below), this is the fallback when reconciliation has not run.
houses AS (
    SELECT address, min(house_fias_guid) AS house_fias_guid
    FROM staging.gis_houses
    GROUP BY address
),
match AS (
    SELECT * FROM reconciled.premise_matches
),

final AS (
    SELECT
        p.source_file,
        p.source_sheet,
        p.source_row,
        coalesce(m.house_fias_guid, h.house_fias_guid) AS house_fias_guid,
        coalesce(m.premise_number_normalised, upper(regexp_replace(p.premise_number, '[\s\-]', '', 'g')))
            AS premise_number,
        p.premise_kind,
        p.total_area,
        m.cadastral_number,
        p.cadastral_number AS registry_cadastral_number,
        m.cadastral_source,
        m.match_status,
        m.match_score,
        m.match_reason,
        -- beyond the contract
        p.house_address,
        m.premise_id,                         -- the premise in reconciled.gis_premises (a key for joins)
        m.gis_house_id AS house_id,           -- its house as reconciliation placed it: marts.house_management.house_id
        m.management_organisation,            -- the УО key: INN from the houses export's path, else its file name
        m.house_link_method,                  -- how the house was found in EGRN: fias, building, address, street~, registry
        m.egrn_house_id,                      -- the EGRN building's cadastral number (or «адрес:…» when no extract names it)
        m.candidate_cadastral_number,         -- the number Sverka stands behind, or the best candidate for a person
        m.candidates,
        m.egrn_premise_number,
        m.egrn_area,
        m.registry_verdict
    FROM gis_premises AS p
    LEFT JOIN houses AS h ON h.address = p.house_address
    LEFT JOIN match AS m
           ON m.source_file = p.source_file AND m.source_sheet IS NOT DISTINCT FROM p.source_sheet
          AND m.source_row = p.source_row
)
SELECT * FROM final
ORDER BY source_file, source_sheet, source_row;

COMMENT ON TABLE marts.premises IS 'One row for every GIS ZhKKh premise row loaded: the cadastral number Sverka stands behind, its status, score and evidence (CONTRACT §3), with the house and УО.';
COMMENT ON COLUMN marts.premises.house_fias_guid IS 'FIAS GUID of the premise''s house (from reconciliation, else the houses export)';
COMMENT ON COLUMN marts.premises.premise_number IS 'Premise number, normalised (upper case, no spaces or hyphens)';
COMMENT ON COLUMN marts.premises.premise_kind IS 'residential or non_residential';
COMMENT ON COLUMN marts.premises.total_area IS 'Total area from the premise''s passport, m²';
COMMENT ON COLUMN marts.premises.cadastral_number IS 'Cadastral number Sverka stands behind (canonical); for conflict, the number Rosreestr supports when found';
COMMENT ON COLUMN marts.premises.registry_cadastral_number IS 'Cadastral number GIS ZhKKh carried before reconciliation, canonicalised';
COMMENT ON COLUMN marts.premises.cadastral_source IS 'registry (already in GIS ZhKKh and confirmed by EGRN), matched (found by Sverka), NULL';
COMMENT ON COLUMN marts.premises.match_status IS 'confirmed, auto (safe to write back), review (a person decides), conflict, unmatched';
COMMENT ON COLUMN marts.premises.match_score IS 'Match confidence, 0..1';
COMMENT ON COLUMN marts.premises.match_reason IS 'Short evidence for the decision, e.g. house=fias; number=1Н~1-Н; area 54.2~54.3';
COMMENT ON COLUMN marts.premises.house_address IS 'House address as the premise row writes it («Адрес МКД»)';
COMMENT ON COLUMN marts.premises.premise_id IS 'Premise key in reconciled.gis_premises (reconciled.premise_matches); joins marts.premise_accounts';
COMMENT ON COLUMN marts.premises.house_id IS 'House of the premise (marts.house_management.house_id)';
COMMENT ON COLUMN marts.premises.management_organisation IS 'УО key of the premise''s house: INN from the export path, else the export file name';
COMMENT ON COLUMN marts.premises.house_link_method IS 'How the house was found in EGRN: fias, building, address, street~, registry';
COMMENT ON COLUMN marts.premises.egrn_house_id IS 'EGRN building the house links to (its cadastral number, or «адрес:…» when no extract names it)';
COMMENT ON COLUMN marts.premises.candidate_cadastral_number IS 'Number Sverka stands behind, or the best candidate for a person to check';
COMMENT ON COLUMN marts.premises.candidates IS 'Number of EGRN candidates considered for the premise';
COMMENT ON COLUMN marts.premises.egrn_premise_number IS 'Premise number as the matched EGRN object writes it';
COMMENT ON COLUMN marts.premises.egrn_area IS 'Area of the matched EGRN object, m²';
COMMENT ON COLUMN marts.premises.registry_verdict IS 'What EGRN says about the number GIS ZhKKh carried (e.g. agrees, building, not_found)';
COMMENT ON COLUMN marts.premises.source_file IS 'File the row was read from, relative to the landing dir (inside a zip: archive.zip/inner/path)';
COMMENT ON COLUMN marts.premises.source_sheet IS 'Sheet the row was read from (NULL for CSV)';
COMMENT ON COLUMN marts.premises.source_row IS 'Row number a spreadsheet program shows for the row (CSV: 1-based physical line)';
