-- marts.premise_accounts: which personal account pays for which GIS ZhKKh premise — the one link the owner cards
-- (marts.owner_premise_cards) and the quality figures (marts.quality_kpis) both read, so that their totals per
-- management organisation (УО) agree whatever shape the УО's houses export came in (xlsx, CSV zip, zip in zip).
-- An account's premise («Помещения» sheet) → the house it names (marts.house_addresses: same УО first, then the
-- address text, its key, the FIAS GUID) → the premise of that house (reconciled.gis_premises) whose matching key
-- agrees (sv_premise_number_key: «46 кв.» = 46, 1Н = 1-Н, 032 = 32) and, when the account says, of the same kind.
-- An account of several premises links to each of them.
CREATE OR REPLACE TABLE marts.premise_accounts AS
WITH
premises AS (
    SELECT premise_id, gis_house_id AS house_id, management_organisation, number_key,
           CASE kind WHEN 'flat' THEN 'residential' ELSE 'non_residential' END AS premise_kind
    FROM reconciled.gis_premises
),

accounts AS (
    SELECT sv_workbook(source_file, source_sheet) AS workbook, record_number, hcs_id, account_number, account_type
    FROM staging.gis_accounts
),

account_premise_rows AS (
    SELECT
        sv_workbook(source_file, source_sheet) AS workbook,
        sv_uo_inn(source_file) AS management_organisation_inn,
        account_record_number,
        premise_address,
        house_fias_guid,
        sv_premise_number_key(premise_number) AS number_key,
        CASE WHEN premise_type ILIKE 'нежил%' THEN 'non_residential'
             WHEN premise_type ILIKE 'жил%' THEN 'residential' END AS premise_kind,
        share_percent
    FROM staging.gis_account_premises
),

house_of_address AS (
    SELECT * FROM marts.house_addresses
),

-- Each account's premise placed in a house.
account_links AS (
    SELECT a.hcs_id, a.account_number, a.account_type, r.share_percent, r.premise_kind, r.number_key, ha.house_id
    FROM account_premise_rows AS r
    JOIN accounts AS a ON a.workbook = r.workbook AND a.record_number = r.account_record_number
    JOIN house_of_address AS ha
        ON ha.management_organisation_inn IS NOT DISTINCT FROM r.management_organisation_inn
       AND ha.address IS NOT DISTINCT FROM r.premise_address
       AND ha.house_fias_guid IS NOT DISTINCT FROM r.house_fias_guid
    WHERE ha.house_id IS NOT NULL
),

final AS (
    SELECT DISTINCT
        p.premise_id,
        p.house_id,
        p.management_organisation,
        l.hcs_id,
        l.account_number,
        l.account_type,
        l.share_percent
    FROM premises AS p
    JOIN account_links AS l
        ON l.house_id = p.house_id AND l.number_key = p.number_key
       AND (l.premise_kind IS NULL OR l.premise_kind = p.premise_kind)
)

SELECT * FROM final
ORDER BY premise_id, hcs_id, account_number;

COMMENT ON TABLE marts.premise_accounts IS 'Which personal account pays for which GIS ZhKKh premise: one row per (premise, account) link. The owner cards and the quality KPIs both read it, so their per-УО totals agree.';
COMMENT ON COLUMN marts.premise_accounts.premise_id IS 'Premise (marts.premises.premise_id, reconciled.gis_premises)';
COMMENT ON COLUMN marts.premise_accounts.house_id IS 'House of the premise (marts.house_management.house_id)';
COMMENT ON COLUMN marts.premise_accounts.management_organisation IS 'УО key of the premise''s house (marts.management_organisations)';
COMMENT ON COLUMN marts.premise_accounts.hcs_id IS 'Account''s housing-and-utility-services ID (Идентификатор ЖКУ)';
COMMENT ON COLUMN marts.premise_accounts.account_number IS 'Personal account number as the УО writes it';
COMMENT ON COLUMN marts.premise_accounts.account_type IS 'Account type as written (e.g. «ЛС УО»)';
COMMENT ON COLUMN marts.premise_accounts.share_percent IS 'Share of the payment for this premise carried by the account, %';
