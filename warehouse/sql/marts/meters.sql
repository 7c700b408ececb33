-- marts.meters: one row per meter (its number in GIS ZhKKh) with its next verification date and a summary
-- of its accepted readings. Needs the validation models (checks.run_rules runs before the marts).
CREATE OR REPLACE TABLE marts.meters AS
WITH
register AS (
    SELECT * FROM quality.meter_register
),

run AS (
    SELECT as_of, due_soon_days FROM quality.validation_run
),

accepted_readings AS (
    SELECT
        h.meter_id,
        count(*) AS accepted_readings,
        min(h.reading_period) AS first_period,
        max(h.reading_period) AS last_period,
        -- A struct keeps the latest reading whole (arg_max alone would skip its empty zones).
        arg_max({'read_on': r.read_on, 't1': h.value_t1, 't2': h.value_t2, 't3': h.value_t3}, h.reading_period)
            AS latest,
        any_value(h.median_monthly_consumption) AS median_monthly_consumption
    FROM quality.reading_history AS h
    JOIN staging.gis_readings AS r ON r.rowid = h.reading_id
    WHERE h.is_accepted
    GROUP BY h.meter_id
),

final AS (
    SELECT
        m.meter_gis_number,
        m.serial_number,
        m.meter_kind,
        m.brand,
        m.model,
        m.resource,
        m.tariff_kind,
        m.house_address,
        m.premise_number,
        m.account_id AS hcs_id,
        m.base_value_t1,
        m.base_value_t2,
        m.base_value_t3,
        m.installed_on,
        m.commissioned_on,
        m.last_verified_on,
        m.verification_interval_years,
        m.verification_due_on AS next_verification_on,
        CASE WHEN m.verification_due_on IS NULL OR run.as_of IS NULL THEN NULL
             WHEN m.verification_due_on <= run.as_of THEN 'overdue'
             WHEN m.verification_due_on <= run.as_of + to_days(run.due_soon_days) THEN 'due_soon'
             ELSE 'ok' END AS verification_status,
        coalesce(r.accepted_readings, 0) AS accepted_readings,
        r.first_period,
        r.last_period,
        r.latest.read_on AS last_read_on,
        r.latest.t1 AS last_value_t1,
        r.latest.t2 AS last_value_t2,
        r.latest.t3 AS last_value_t3,
        r.median_monthly_consumption,
        m.source_file,
        m.source_sheet,
        m.source_row
    FROM register AS m
    LEFT JOIN run ON true
    LEFT JOIN accepted_readings AS r USING (meter_id)
)

SELECT * FROM final
ORDER BY meter_gis_number;

COMMENT ON TABLE marts.meters IS 'One row per meter (its number in GIS ZhKKh) with its next verification date and a summary of its accepted readings.';
COMMENT ON COLUMN marts.meters.meter_gis_number IS 'Meter number in GIS ZhKKh (the key readings name)';
COMMENT ON COLUMN marts.meters.serial_number IS 'Manufacturer''s serial number';
COMMENT ON COLUMN marts.meters.meter_kind IS 'Meter type as written (individual, common-house …)';
COMMENT ON COLUMN marts.meters.brand IS 'Meter brand';
COMMENT ON COLUMN marts.meters.model IS 'Meter model';
COMMENT ON COLUMN marts.meters.resource IS 'Utility resource metered (cold water, hot water, electricity …)';
COMMENT ON COLUMN marts.meters.tariff_kind IS 'Single-, two- or three-tariff meter';
COMMENT ON COLUMN marts.meters.house_address IS 'House address the meter record names';
COMMENT ON COLUMN marts.meters.premise_number IS 'Premise number the meter record names';
COMMENT ON COLUMN marts.meters.hcs_id IS 'Account the meter belongs to: Идентификатор ЖКУ, or the account number the record gives instead';
COMMENT ON COLUMN marts.meters.base_value_t1 IS 'Base (initial) reading, tariff zone 1';
COMMENT ON COLUMN marts.meters.base_value_t2 IS 'Base reading, tariff zone 2';
COMMENT ON COLUMN marts.meters.base_value_t3 IS 'Base reading, tariff zone 3';
COMMENT ON COLUMN marts.meters.installed_on IS 'Installation date';
COMMENT ON COLUMN marts.meters.commissioned_on IS 'Commissioning date';
COMMENT ON COLUMN marts.meters.last_verified_on IS 'Date of the last verification';
COMMENT ON COLUMN marts.meters.verification_interval_years IS 'Verification interval, years';
COMMENT ON COLUMN marts.meters.next_verification_on IS 'Next verification due date (last verification + interval)';
COMMENT ON COLUMN marts.meters.verification_status IS 'ok, due_soon or overdue on the as-of date; NULL when no due date is known';
COMMENT ON COLUMN marts.meters.accepted_readings IS 'Number of accepted readings of the meter';
COMMENT ON COLUMN marts.meters.first_period IS 'First period with an accepted reading';
COMMENT ON COLUMN marts.meters.last_period IS 'Last period with an accepted reading';
COMMENT ON COLUMN marts.meters.last_read_on IS 'Date of the latest accepted reading';
COMMENT ON COLUMN marts.meters.last_value_t1 IS 'Latest accepted value, tariff zone 1';
COMMENT ON COLUMN marts.meters.last_value_t2 IS 'Latest accepted value, tariff zone 2';
COMMENT ON COLUMN marts.meters.last_value_t3 IS 'Latest accepted value, tariff zone 3';
COMMENT ON COLUMN marts.meters.median_monthly_consumption IS 'Median monthly consumption over the accepted readings (the spike rule''s base)';
COMMENT ON COLUMN marts.meters.source_file IS 'File the row was read from, relative to the landing dir (inside a zip: archive.zip/inner/path)';
COMMENT ON COLUMN marts.meters.source_sheet IS 'Sheet the row was read from (NULL for CSV)';
COMMENT ON COLUMN marts.meters.source_row IS 'Row number a spreadsheet program shows for the row (CSV: 1-based physical line)';
