-- marts.house_management: one row per GIS ZhKKh house — an address in one management organisation's houses
-- export — with the organisation that manages it and its municipality.
-- The houses are reconciled.gis_houses (one definition of the house, premise and УО keys: transforms/match/keys.py):
-- a house is managed by the УО whose export lists it; the УО key is the INN in the export's path (sv_uo_inn), else
-- the export's file name (sv_management_organisation). A premise row names its house by the house's «Адрес» text
-- in the same export; an address that only premise rows name still makes a house, so every premise has one. The
-- same building listed by two organisations (a change of management) is two rows. house_id is
-- reconciled.gis_houses.gis_house_id.
-- This file also builds marts.house_addresses (how every source names a house) and marts.management_organisations
-- (each УО with its name), in that order: house_management carries the УО's name.

-- marts.house_addresses: every way a GIS ZhKKh source names a house (its file's УО, address text, FIAS GUID),
-- linked to one house of reconciled.gis_houses (= marts.house_management). Meters, readings, account premises,
-- annual reports (form 2.8) and the capital-repair programme write addresses in their own styles; the link prefers
-- a house of the same УО, then the same address text, then the same address key, then the same FIAS GUID (GIS ZhKKh
-- exports carry wrong GUIDs now and then, so a GUID never overrides an address that agrees).
CREATE OR REPLACE TABLE marts.house_addresses AS
WITH
houses AS (
    SELECT gis_house_id AS house_id, sv_uo_inn(workbook) AS management_organisation_inn, address AS house_address,
           CASE WHEN house_key IS NOT NULL THEN concat_ws('|', settlement_key, street_key, house_key) END
               AS house_address_key,
           house_fias_guid
    FROM reconciled.gis_houses
),

mentions AS (
    SELECT sv_uo_inn(source_file) AS management_organisation_inn, house_address AS address,
           NULL::VARCHAR AS house_fias_guid
    FROM staging.gis_meters
    UNION
    SELECT sv_uo_inn(source_file), house_address, NULL FROM staging.gis_readings
    UNION
    SELECT sv_uo_inn(source_file), premise_address, house_fias_guid FROM staging.gis_account_premises
    UNION
    SELECT sv_uo_inn(source_file), house_address, house_fias_guid FROM staging.gis_management_reports
    UNION
    SELECT sv_uo_inn(source_file), house_address, house_fias_guid FROM staging.gis_capital_repair_works
),

mention_keys AS (
    SELECT address, sv_house_address_key(address) AS address_key
    FROM (SELECT DISTINCT address FROM mentions WHERE address IS NOT NULL)
),

keyed_mentions AS (
    SELECT m.*, k.address_key
    FROM mentions AS m
    LEFT JOIN mention_keys AS k USING (address)
    WHERE m.address IS NOT NULL OR m.house_fias_guid IS NOT NULL
),

-- Three equi-joins rather than one OR-join: each stays a hash join on a large region.
candidates AS (
    SELECT m.*, h.house_id, h.management_organisation_inn AS house_inn, 1 AS method_rank, 'address' AS link_method
    FROM keyed_mentions AS m JOIN houses AS h ON h.house_address = m.address
    UNION ALL
    SELECT m.*, h.house_id, h.management_organisation_inn, 2, 'address_key'
    FROM keyed_mentions AS m JOIN houses AS h ON h.house_address_key = m.address_key
    UNION ALL
    SELECT m.*, h.house_id, h.management_organisation_inn, 3, 'fias'
    FROM keyed_mentions AS m JOIN houses AS h ON h.house_fias_guid = m.house_fias_guid
),

best AS (
    SELECT * FROM candidates
    QUALIFY row_number() OVER (
        PARTITION BY management_organisation_inn, address, house_fias_guid
        ORDER BY (house_inn IS NOT DISTINCT FROM management_organisation_inn) DESC, method_rank, house_id
    ) = 1
),

final AS (
    SELECT
        m.management_organisation_inn,
        m.address,
        m.house_fias_guid,
        b.house_id,
        b.link_method
    FROM keyed_mentions AS m
    LEFT JOIN best AS b
        ON b.management_organisation_inn IS NOT DISTINCT FROM m.management_organisation_inn
       AND b.address IS NOT DISTINCT FROM m.address
       AND b.house_fias_guid IS NOT DISTINCT FROM m.house_fias_guid
)

SELECT * FROM final
ORDER BY management_organisation_inn, address, house_fias_guid;

COMMENT ON TABLE marts.house_addresses IS 'Every way a GIS ZhKKh source names a house (the УО INN in the file path, the address text, the FIAS GUID) and which house of marts.house_management it is: a house of the same УО first, then the same address text, address key, FIAS GUID.';
COMMENT ON COLUMN marts.house_addresses.management_organisation_inn IS 'INN in the path of the file the address came from (NULL: a path without an INN, e.g. the regional capital-repair programme)';
COMMENT ON COLUMN marts.house_addresses.address IS 'House address as the source writes it';
COMMENT ON COLUMN marts.house_addresses.house_fias_guid IS 'House FIAS GUID as the source writes it (NULL when the source has none)';
COMMENT ON COLUMN marts.house_addresses.house_id IS 'House in marts.house_management; NULL when no house was found';
COMMENT ON COLUMN marts.house_addresses.link_method IS 'How the house was found: address (same text), address_key (same address key), fias (same FIAS GUID); NULL when not found';


-- marts.management_organisations: one row per management organisation (УО) any GIS ZhKKh file names — by its
-- houses export or by the INN in the path of its accounts, meters, readings, payment documents or reports — with
-- its name where a source gives one. The GIS ZhKKh templates Sverka reads carry no organisation name column; the
-- regional capital-repair programme does: «Владелец специального счета» of a house on a special account is the
-- organisation that holds it, normally the house's УО. The name is the one written most often for the УО's houses
-- (a regional operator is not a name of a УО). Without a name, people read the INN and the note
-- «наименование не указано в выгрузке».
CREATE OR REPLACE TABLE marts.management_organisations AS
WITH
houses AS (
    SELECT gis_house_id AS house_id, management_organisation, sv_uo_inn(workbook) AS management_organisation_inn
    FROM reconciled.gis_houses
),

file_organisations AS (
    SELECT sv_uo_inn(source_file) AS management_organisation FROM staging.gis_accounts
    UNION SELECT sv_uo_inn(source_file) FROM staging.gis_meters
    UNION SELECT sv_uo_inn(source_file) FROM staging.gis_readings
    UNION SELECT sv_uo_inn(source_file) FROM staging.gis_bills
    UNION SELECT sv_uo_inn(source_file) FROM staging.gis_management_reports
),

organisations AS (
    SELECT DISTINCT management_organisation, management_organisation_inn FROM houses
    UNION
    SELECT management_organisation, management_organisation FROM file_organisations
    WHERE management_organisation IS NOT NULL
),

-- Names written for a house: the special-account holders of its capital-repair works.
written_names AS (
    SELECT h.management_organisation, trim(w.special_account_owner) AS name
    FROM staging.gis_capital_repair_works AS w
    JOIN marts.house_addresses AS ha
        ON ha.management_organisation_inn IS NOT DISTINCT FROM sv_uo_inn(w.source_file)
       AND ha.address IS NOT DISTINCT FROM w.house_address
       AND ha.house_fias_guid IS NOT DISTINCT FROM w.house_fias_guid
    JOIN houses AS h ON h.house_id = ha.house_id
    WHERE nullif(trim(w.special_account_owner), '') IS NOT NULL
      AND NOT regexp_matches(lower(w.special_account_owner), 'регионал\S*\s+оператор')
      AND NOT regexp_full_match(trim(w.special_account_owner), '[0-9 ]*')
),

names AS (
    SELECT management_organisation, name, count(*) AS mentions
    FROM written_names
    GROUP BY management_organisation, name
    QUALIFY row_number() OVER (PARTITION BY management_organisation ORDER BY count(*) DESC, name) = 1
),

house_counts AS (
    SELECT management_organisation, count(*) AS houses FROM houses GROUP BY ALL
),

final AS (
    SELECT
        o.management_organisation,
        o.management_organisation_inn,
        n.name AS management_organisation_name,
        CASE WHEN n.name IS NOT NULL THEN 'capital_repair_programme' END AS name_source,
        CASE WHEN n.name IS NOT NULL AND o.management_organisation_inn IS NOT NULL
                 THEN n.name || ' (ИНН ' || o.management_organisation_inn || ')'
             WHEN n.name IS NOT NULL THEN n.name
             ELSE coalesce('ИНН ' || o.management_organisation_inn, o.management_organisation)
                  || ' (наименование не указано в выгрузке)'
        END AS management_organisation_label,
        coalesce(c.houses, 0) AS houses
    FROM organisations AS o
    LEFT JOIN names AS n USING (management_organisation)
    LEFT JOIN house_counts AS c USING (management_organisation)
)

SELECT * FROM final
ORDER BY management_organisation;

COMMENT ON TABLE marts.management_organisations IS 'One row per management organisation (УО) named by any GIS ZhKKh file (houses export, or the INN in the path of accounts, meters, readings, payment documents, reports), with its name where a source gives one. Join on management_organisation.';
COMMENT ON COLUMN marts.management_organisations.management_organisation IS 'УО key used in every mart: the INN from the file path, else the export file name without extension';
COMMENT ON COLUMN marts.management_organisations.management_organisation_inn IS 'INN of the УО (10 digits, 12 for a sole trader); NULL when no file path names one';
COMMENT ON COLUMN marts.management_organisations.management_organisation_name IS 'Name of the УО as a source writes it (the special-account holder in the capital-repair programme, most frequent over its houses); NULL when no source names it';
COMMENT ON COLUMN marts.management_organisations.name_source IS 'Where the name comes from: capital_repair_programme; NULL when there is no name';
COMMENT ON COLUMN marts.management_organisations.management_organisation_label IS 'What reports show: «name (ИНН …)», or «ИНН … (наименование не указано в выгрузке)» when no source gives a name';
COMMENT ON COLUMN marts.management_organisations.houses IS 'Houses in the УО''s houses export (marts.house_management)';


CREATE OR REPLACE TABLE marts.house_management AS
WITH
houses AS (
    SELECT * FROM reconciled.gis_houses
),

-- House attributes beyond the keys, from the house's own row («Характеристики МКД»).
house_rows AS (
    SELECT source_file, source_sheet, source_row, total_area, year_commissioned, floors
    FROM staging.gis_houses
),

premises_per_house AS (
    SELECT gis_house_id, count(*) FILTER (kind = 'flat') AS residential_premises
    FROM reconciled.gis_premises
    GROUP BY ALL
),

organisations AS (
    SELECT management_organisation, management_organisation_name FROM marts.management_organisations
),

-- Each distinct address parsed once (region and settlement for people; the keys come from reconciliation).
addresses AS (
    SELECT address, address_parse(address) AS parts
    FROM (SELECT DISTINCT address FROM houses)
),

final AS (
    SELECT
        h.gis_house_id AS house_id,
        sv_uo_inn(h.workbook) AS management_organisation_inn,
        h.management_organisation,
        o.management_organisation_name,
        h.address AS house_address,
        CASE WHEN h.house_key IS NOT NULL THEN concat_ws('|', h.settlement_key, h.street_key, h.house_key) END
            AS house_address_key,
        a.parts.region AS region,
        nullif(concat_ws(' ', a.parts.settlement_type || '.', a.parts.settlement), '') AS settlement,
        h.house_fias_guid,
        h.building_cadastral_number,
        h.oktmo,
        sv_municipality_oktmo(h.oktmo) AS municipality_oktmo,
        r.total_area,
        r.year_commissioned,
        r.floors,
        h.premises,
        coalesce(p.residential_premises, 0) AS residential_premises,
        h.workbook AS gis_export,
        h.source_file,
        h.source_sheet,
        h.source_row
    FROM houses AS h
    LEFT JOIN house_rows AS r
        ON r.source_file = h.source_file AND r.source_sheet IS NOT DISTINCT FROM h.source_sheet
       AND r.source_row = h.source_row
    LEFT JOIN premises_per_house AS p USING (gis_house_id)
    LEFT JOIN organisations AS o USING (management_organisation)
    LEFT JOIN addresses AS a USING (address)
)

SELECT * FROM final
ORDER BY house_id;

COMMENT ON TABLE marts.house_management IS 'One row per GIS ZhKKh house (an address in one management organisation''s export, = reconciled.gis_houses): who manages it, its OKTMO and keys. The УО is the INN in the export''s path (houses_uo_<INN>_…, uo_<INN>_export.zip), else the export file name. An address only premise rows name is a house too.';
COMMENT ON COLUMN marts.house_management.house_id IS 'House key (by export and address, = reconciled.gis_houses.gis_house_id); joins marts.house_cards, marts.owner_premise_cards, marts.house_addresses, marts.premises';
COMMENT ON COLUMN marts.house_management.management_organisation_inn IS 'INN of the management organisation from the export''s path; NULL when the path has none';
COMMENT ON COLUMN marts.house_management.management_organisation IS 'УО key: the INN, else the export file name without extension (marts.management_organisations)';
COMMENT ON COLUMN marts.house_management.management_organisation_name IS 'Name of the management organisation (marts.management_organisations); NULL when no source names it';
COMMENT ON COLUMN marts.house_management.house_address IS 'House address as the export writes it (column «Адрес»)';
COMMENT ON COLUMN marts.house_management.house_address_key IS 'Address key for linking other sources: settlement|street|house number (sv_house_address_key, transforms/match/keys.py)';
COMMENT ON COLUMN marts.house_management.region IS 'Region (subject of the RF) from the parsed address, without its type (e.g. «Свердловская»); NULL when the address names none';
COMMENT ON COLUMN marts.house_management.settlement IS 'Settlement from the parsed address, e.g. «г. Екатеринбург»';
COMMENT ON COLUMN marts.house_management.house_fias_guid IS 'House FIAS GUID from the export';
COMMENT ON COLUMN marts.house_management.building_cadastral_number IS 'Building cadastral number from the GIS ZhKKh export';
COMMENT ON COLUMN marts.house_management.oktmo IS 'House OKTMO code as written in the export';
COMMENT ON COLUMN marts.house_management.municipality_oktmo IS 'Municipality OKTMO: the first 8 digits of the house OKTMO';
COMMENT ON COLUMN marts.house_management.total_area IS 'Total building area, m²';
COMMENT ON COLUMN marts.house_management.year_commissioned IS 'Year the building was commissioned';
COMMENT ON COLUMN marts.house_management.floors IS 'Number of floors';
COMMENT ON COLUMN marts.house_management.premises IS 'Premise rows (residential and non-residential) naming this house in the same export';
COMMENT ON COLUMN marts.house_management.residential_premises IS 'Of which residential';
COMMENT ON COLUMN marts.house_management.gis_export IS 'The export: an xlsx file, or the folder of CSV files inside the export archive';
COMMENT ON COLUMN marts.house_management.source_file IS 'File of the house row («Характеристики МКД»); NULL when only premise rows name the house';
COMMENT ON COLUMN marts.house_management.source_sheet IS 'Sheet of the house row (NULL for CSV)';
COMMENT ON COLUMN marts.house_management.source_row IS 'Row number of the house row in its file';
