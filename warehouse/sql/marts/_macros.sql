-- Macros the publishing marts share (house_management, house_cards, owner_premise_cards, quality_kpis).
-- Stored in the warehouse (not TEMP) so analysts can use them in their own SQL; built before any mart.

-- The house, premise and УО keys (sv_workbook, sv_uo_inn, sv_management_organisation, sv_house_key,
-- sv_house_address_key, sv_premise_number_key …) are defined once, in transforms/match/keys.py: reconciliation uses
-- them as temporary macros and warehouse/marts.py stores them in the warehouse before this file runs.

-- OKTMO of a municipality (муниципальное образование): the first 8 digits of an 8- or 11-digit OKTMO code.
CREATE OR REPLACE MACRO sv_municipality_oktmo(oktmo) AS
    CASE WHEN regexp_full_match(trim(oktmo), '[0-9]{8}([0-9]{3})?') THEN left(trim(oktmo), 8) END;

-- The annual report (form 2.8) a УО must have published by `as_of`: Housing Code art. 162 p. 11 gives the first
-- quarter, so the report for year Y is due by 31 March of Y+1; the latest year whose deadline has passed.
CREATE OR REPLACE MACRO sv_report_year_due(as_of) AS
    CASE WHEN as_of >= make_date(year(as_of), 4, 1) THEN year(as_of) - 1 ELSE year(as_of) - 2 END;

CREATE OR REPLACE MACRO sv_report_deadline(report_year) AS make_date(report_year + 1, 3, 31);
