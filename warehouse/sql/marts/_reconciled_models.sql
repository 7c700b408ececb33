-- Empty stand-ins for the reconciled GIS tables (warehouse/sql/reconciled/20_gis_houses.sql, 21_gis_premises.sql),
-- so that the marts that read them still build, empty, in a build where reconciliation has not run. Nothing here
-- touches a table that exists.
CREATE SCHEMA IF NOT EXISTS reconciled;

CREATE TABLE IF NOT EXISTS reconciled.gis_houses (
    gis_house_id BIGINT, workbook VARCHAR, management_organisation VARCHAR, address VARCHAR, source_file VARCHAR,
    source_sheet VARCHAR, source_row BIGINT, house_fias_guid VARCHAR, building_cadastral_number VARCHAR,
    oktmo VARCHAR, premises BIGINT, settlement_type VARCHAR, settlement VARCHAR, street_type VARCHAR, street VARCHAR,
    house VARCHAR, korpus VARCHAR, litera VARCHAR, settlement_key VARCHAR, street_key VARCHAR,
    street_type_key VARCHAR, house_key VARCHAR
);

CREATE TABLE IF NOT EXISTS reconciled.gis_premises (
    premise_id BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, gis_house_id BIGINT,
    management_organisation VARCHAR, house_address VARCHAR, kind VARCHAR, number_text VARCHAR, number_norm VARCHAR,
    number_key VARCHAR, area DOUBLE, registry_cadastral_number VARCHAR
);
