-- marts.accounts: one row per personal account (by Идентификатор ЖКУ, else by account number), without
-- payer data: the specs never read names or SNILS, and payer OGRN/KPP (an OGRNIP names a person) stay out.
CREATE OR REPLACE TABLE marts.accounts AS
WITH
accounts AS (
    SELECT * FROM staging.gis_accounts
),

premise_links AS (
    SELECT
        source_file,
        account_record_number,
        count(*) AS premises,
        -- The account's first premise, kept whole (arg_min alone would skip empty cells).
        arg_min({'address': premise_address, 'guid': house_fias_guid, 'number': premise_number}, source_row)
            AS first_premise
    FROM staging.gis_account_premises
    GROUP BY ALL
),

latest AS (
    SELECT
        a.*,
        p.premises,
        p.first_premise.address AS house_address,
        p.first_premise.guid AS house_fias_guid,
        p.first_premise.number AS premise_number,
        row_number() OVER (
            PARTITION BY coalesce(a.hcs_id, a.account_number)
            ORDER BY a.source_file DESC, a.source_sheet DESC, a.source_row DESC
        ) AS listing_rank
    FROM accounts AS a
    LEFT JOIN premise_links AS p
        ON p.source_file = a.source_file AND p.account_record_number = a.record_number
),

final AS (
    SELECT
        hcs_id,
        account_number,
        account_type,
        total_area,
        living_area,
        heated_area,
        residents,
        coalesce(premises, 0) AS premises,
        house_address,
        house_fias_guid,
        upper(regexp_replace(premise_number, '[\s\-]', '', 'g')) AS premise_number,
        source_file,
        source_sheet,
        source_row
    FROM latest
    WHERE listing_rank = 1
)

SELECT * FROM final
ORDER BY hcs_id, account_number;

COMMENT ON TABLE marts.accounts IS 'One row per personal account (by Идентификатор ЖКУ, else account number), without payer data.';
COMMENT ON COLUMN marts.accounts.hcs_id IS 'Housing-and-utility-services ID (Идентификатор ЖКУ)';
COMMENT ON COLUMN marts.accounts.account_number IS 'Personal account number as the УО writes it';
COMMENT ON COLUMN marts.accounts.account_type IS 'Account type as written (e.g. «ЛС УО»)';
COMMENT ON COLUMN marts.accounts.total_area IS 'Total area the account pays for, m²';
COMMENT ON COLUMN marts.accounts.living_area IS 'Living area, m²';
COMMENT ON COLUMN marts.accounts.heated_area IS 'Heated area, m²';
COMMENT ON COLUMN marts.accounts.residents IS 'Number of residents';
COMMENT ON COLUMN marts.accounts.premises IS 'Number of premises the account lists';
COMMENT ON COLUMN marts.accounts.house_address IS 'Address of the account''s first premise';
COMMENT ON COLUMN marts.accounts.house_fias_guid IS 'FIAS GUID of the account''s first premise''s house';
COMMENT ON COLUMN marts.accounts.premise_number IS 'Number of the account''s first premise, as written';
COMMENT ON COLUMN marts.accounts.source_file IS 'File the row was read from, relative to the landing dir (inside a zip: archive.zip/inner/path)';
COMMENT ON COLUMN marts.accounts.source_sheet IS 'Sheet the row was read from (NULL for CSV)';
COMMENT ON COLUMN marts.accounts.source_row IS 'Row number a spreadsheet program shows for the row (CSV: 1-based physical line)';
