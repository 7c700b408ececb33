-- Layers of the warehouse, in the order data flows through them.
CREATE SCHEMA IF NOT EXISTS landing;    -- raw text exactly as read, with lineage; one table per source kind
CREATE SCHEMA IF NOT EXISTS staging;    -- typed rows that passed the required-value rules
CREATE SCHEMA IF NOT EXISTS reconciled; -- houses and premises linked across GIS ZhKKh and EGRN
CREATE SCHEMA IF NOT EXISTS marts;      -- what owners, authorities and analysts read
CREATE SCHEMA IF NOT EXISTS quality;    -- load accounting, quarantine, flags

-- Every file found under the landing directory (zip members included), once per path.
CREATE TABLE IF NOT EXISTS landing.files (
    source_file   VARCHAR PRIMARY KEY,
    file_sha256   VARCHAR,
    size_bytes    BIGINT,
    kind          VARCHAR,
    status        VARCHAR,   -- parsed | rejected | unrecognised | duplicate | signature
    reason        VARCHAR,
    first_loaded_at TIMESTAMP
);

-- Every sheet (or CSV/XML file) that was read: one row per (source_file, source_sheet).
CREATE TABLE IF NOT EXISTS landing.sheets (
    source_file   VARCHAR,
    source_sheet  VARCHAR,
    kind          VARCHAR,
    status        VARCHAR,
    reason        VARCHAR,
    rows_read     BIGINT
);

-- Rows rejected while reading, before typing (e.g. all rows of a sheet without a required column).
CREATE TABLE IF NOT EXISTS landing.rejected_rows (
    source_file   VARCHAR,
    source_sheet  VARCHAR,
    source_row    BIGINT,
    reason        VARCHAR
);

CREATE TABLE IF NOT EXISTS quality.quarantine (
    source_file   VARCHAR,
    source_sheet  VARCHAR,
    source_row    BIGINT,
    kind          VARCHAR,
    reason        VARCHAR
);

CREATE TABLE IF NOT EXISTS quality.value_issues (
    source_file   VARCHAR,
    source_sheet  VARCHAR,
    source_row    BIGINT,
    kind          VARCHAR,
    "column"      VARCHAR,
    raw_value     VARCHAR,
    reason        VARCHAR
);

-- Filled by reconciliation; empty until it runs so that marts always build.
CREATE TABLE IF NOT EXISTS reconciled.premise_matches (
    source_file       VARCHAR,
    source_sheet      VARCHAR,
    source_row        BIGINT,
    cadastral_number  VARCHAR,
    cadastral_source  VARCHAR,
    match_status      VARCHAR,
    match_score       DOUBLE,
    match_reason      VARCHAR,
    -- filled by transforms/match (reconcile): evidence for the marts and the review queues
    premise_id        BIGINT,
    gis_house_id      BIGINT,
    egrn_house_id     VARCHAR,
    management_organisation VARCHAR,
    house_address     VARCHAR,
    premise_number_normalised VARCHAR,
    house_fias_guid   VARCHAR,
    house_link_method VARCHAR,
    candidate_cadastral_number VARCHAR,
    candidates        BIGINT,
    registry_verdict  VARCHAR,
    egrn_premise_number VARCHAR,
    egrn_area         DOUBLE
);
