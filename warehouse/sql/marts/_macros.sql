-- Macros the publishing marts share (house_management, house_cards, owner_premise_cards, quality_kpis).
-- Stored in the warehouse (not TEMP) so analysts can use them in their own SQL; built before any mart.

-- The management organisation (УО) a GIS ZhKKh file comes from: GIS ZhKKh exports and the folders they are
-- filed in carry the organisation's INN (houses_uo_<INN>_….xlsx, uo_<INN>_export.zip, accounts_<INN>_….xlsx,
-- meters_info_<INN>_….xlsx, payments/<INN>/…, readings/<INN>/…, reports/<INN>/…). The first 10-digit
-- (organisation) or 12-digit (sole trader) number in the path; NULL when the path names none.
CREATE OR REPLACE MACRO sv_uo_inn(source_file) AS
    nullif(regexp_extract(source_file, '(?:^|[^0-9])([0-9]{10}|[0-9]{12})(?:[^0-9]|$)', 1), '');

-- One export: an xlsx workbook, or the folder of the per-sheet CSV files GIS ZhKKh puts in its export zip.
CREATE OR REPLACE MACRO sv_gis_export(source_file, source_sheet) AS
    CASE WHEN source_sheet IS NULL AND lower(source_file) LIKE '%.csv' THEN regexp_replace(source_file, '/[^/]*$', '')
         ELSE source_file END;

-- The УО's label when its export names no INN: the export's file name without its extension.
CREATE OR REPLACE MACRO sv_uo_label(export) AS
    coalesce(sv_uo_inn(export), regexp_replace(regexp_extract(export, '[^/]*$'), '\.(xlsx|zip|csv)$', ''));

-- A house address as a comparable key, whichever way a source writes it: «г. Екатеринбург, ул. Щорса, 23 кА» and
-- «обл. Свердловская, г. Екатеринбург, ул. Щорса, д. 23, к. А» both give «екатеринбург|щорса|23А». Settlement and
-- street folded by street_key (ё/е, «им.», ordinals); a one-letter korpus or a litera joins the house number, a
-- numeric korpus is «К<n>», a stroenie «С<n>». NULL when no house number can be read.
CREATE OR REPLACE MACRO sv_house_address_key(address_text) AS (
    SELECT CASE WHEN address_number(a.house) IS NOT NULL THEN
        concat_ws('|', street_key(a.settlement), street_key(a.street),
            address_number(a.house)
            || CASE WHEN regexp_full_match(coalesce(address_number(a.korpus), ''), '[А-ЯA-Z]')
                    THEN address_number(a.korpus) ELSE '' END
            || coalesce(address_number(a.litera), '')
            || CASE WHEN regexp_matches(coalesce(address_number(a.korpus), ''), '^[0-9]')
                    THEN 'К' || address_number(a.korpus) ELSE '' END
            || CASE WHEN address_number(a.stroenie) IS NOT NULL THEN 'С' || address_number(a.stroenie) ELSE '' END)
    END
    FROM (SELECT address_parse(address_text) AS a)
);

-- OKTMO of a municipality (муниципальное образование): the first 8 digits of an 8- or 11-digit OKTMO code.
CREATE OR REPLACE MACRO sv_municipality_oktmo(oktmo) AS
    CASE WHEN regexp_full_match(trim(oktmo), '[0-9]{8}([0-9]{3})?') THEN left(trim(oktmo), 8) END;

-- The annual report (form 2.8) a УО must have published by `as_of`: Housing Code art. 162 p. 11 gives the first
-- quarter, so the report for year Y is due by 31 March of Y+1; the latest year whose deadline has passed.
CREATE OR REPLACE MACRO sv_report_year_due(as_of) AS
    CASE WHEN as_of >= make_date(year(as_of), 4, 1) THEN year(as_of) - 1 ELSE year(as_of) - 2 END;

CREATE OR REPLACE MACRO sv_report_deadline(report_year) AS make_date(report_year + 1, 3, 31);
