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
