-- Empty stand-ins for the validation models (checks/sql/models), so that the marts that read them
-- (meters, readings, bills, bill_lines) still build, empty, in a build where checks.run_rules has not run.
-- Nothing here touches a model that exists; tests/test_reading_rules.py keeps the shapes equal to the models'.
CREATE TABLE IF NOT EXISTS quality.meter_register (
    meter_id BIGINT, meter_gis_number VARCHAR, serial_number VARCHAR, meter_kind VARCHAR, brand VARCHAR,
    model VARCHAR, resource VARCHAR, tariff_kind VARCHAR, house_address VARCHAR, premise_number VARCHAR,
    account_id VARCHAR, base_value_t1 DOUBLE, base_value_t2 DOUBLE, base_value_t3 DOUBLE, installed_on DATE,
    commissioned_on DATE, last_verified_on DATE, verified_on DATE, verification_interval_years INTEGER,
    verification_due_on DATE, listings BIGINT, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT
);

CREATE TABLE IF NOT EXISTS quality.reading_steps (
    reading_id BIGINT, meter_id BIGINT, reading_period DATE, value_t1 DOUBLE, value_t2 DOUBLE, value_t3 DOUBLE,
    is_counted BOOLEAN, is_superseded BOOLEAN, later_read_on DATE, previous_t1 DOUBLE, previous_t2 DOUBLE,
    previous_t3 DOUBLE, previous_period DATE, below_previous VARCHAR, median_monthly_consumption DOUBLE,
    history_months BIGINT
);

-- The shape of the view checks/sql/models/reading_history.sql, over the (then empty) steps.
CREATE VIEW IF NOT EXISTS quality.reading_history AS
SELECT
    *,
    NULL::BOOLEAN AS is_accepted, NULL::BOOLEAN AS has_accepted_value, NULL::DOUBLE AS consumption_t1,
    NULL::DOUBLE AS consumption_t2, NULL::DOUBLE AS consumption_t3, NULL::DOUBLE AS consumption_total,
    NULL::BIGINT AS months_since_previous, NULL::DOUBLE AS monthly_consumption, NULL::DOUBLE AS period_consumption
FROM quality.reading_steps;

CREATE TABLE IF NOT EXISTS quality.bill_line_items (
    line_id BIGINT, document_id BIGINT, line_charge DOUBLE, line_volume DOUBLE, expected_charge DOUBLE,
    charge_difference DOUBLE, line_payable DOUBLE, lowest_amount DOUBLE, is_negative_without_recalculation BOOLEAN
);

CREATE TABLE IF NOT EXISTS quality.bill_documents (
    document_id BIGINT, lines_count BIGINT, lines_total DOUBLE, expected_amount_due DOUBLE,
    amount_difference DOUBLE, account_known BOOLEAN, period_raw VARCHAR, has_bad_period BOOLEAN,
    first_document_id BIGINT, is_duplicate BOOLEAN
);

CREATE TABLE IF NOT EXISTS quality.reading_flags (
    source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, rule VARCHAR, severity VARCHAR, message VARCHAR,
    meter_gis_number VARCHAR, period DATE, read_on DATE
);

CREATE TABLE IF NOT EXISTS quality.bill_flags (
    source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, rule VARCHAR, severity VARCHAR, message VARCHAR,
    hcs_id VARCHAR, document_number VARCHAR, period DATE
);

CREATE TABLE IF NOT EXISTS quality.validation_run (
    as_of DATE, spike_factor DOUBLE, spike_min_history INTEGER, due_soon_days INTEGER, charge_tolerance DOUBLE,
    sum_tolerance DOUBLE
);
