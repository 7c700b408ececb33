-- marts.readings: accepted meter readings, one row per meter and period, with the consumption since the
-- previous accepted reading (or since the base reading for a meter's first one) per tariff zone. A zone
-- below its previous value is left empty (its flag says why) while the other zones of the reading stay.
-- Superseded, unreadable, future and unknown-meter readings stay in quality.reading_flags only.
CREATE OR REPLACE TABLE marts.readings AS
WITH
history AS (
    SELECT * FROM quality.reading_history WHERE has_accepted_value
),

readings AS (
    SELECT rowid AS reading_id, source_file, source_sheet, source_row, meter_gis_number, resource, read_on
    FROM staging.gis_readings
),

meters AS (
    SELECT meter_gis_number, account_id AS hcs_id, house_address FROM quality.meter_register
),

-- Warnings that leave a reading accepted but worth a look.
warnings AS (
    SELECT source_file, source_sheet, source_row, list(rule ORDER BY rule) AS flags
    FROM quality.reading_flags
    GROUP BY ALL
),

final AS (
    SELECT
        r.meter_gis_number,
        m.hcs_id,
        m.house_address,
        r.resource,
        h.reading_period AS period,
        r.read_on,
        CASE WHEN h.consumption_t1 IS NOT NULL OR h.previous_t1 IS NULL THEN h.value_t1 END AS value_t1,
        CASE WHEN h.consumption_t2 IS NOT NULL OR h.previous_t2 IS NULL THEN h.value_t2 END AS value_t2,
        CASE WHEN h.consumption_t3 IS NOT NULL OR h.previous_t3 IS NULL THEN h.value_t3 END AS value_t3,
        h.previous_period,
        h.previous_period IS NULL AS is_first_reading,
        h.months_since_previous,
        h.consumption_t1,
        h.consumption_t2,
        h.consumption_t3,
        coalesce(h.consumption_t1, 0) + coalesce(h.consumption_t2, 0) + coalesce(h.consumption_t3, 0)
            AS consumption_total,
        coalesce(w.flags, []) AS flags,
        r.source_file,
        r.source_sheet,
        r.source_row
    FROM history AS h
    JOIN readings AS r USING (reading_id)
    LEFT JOIN meters AS m USING (meter_gis_number)
    LEFT JOIN warnings AS w
        ON w.source_file = r.source_file
       AND w.source_sheet IS NOT DISTINCT FROM r.source_sheet
       AND w.source_row = r.source_row
)

SELECT * FROM final
ORDER BY meter_gis_number, period;

COMMENT ON TABLE marts.readings IS 'One row per accepted meter reading with its consumption since the previous accepted reading.';
COMMENT ON COLUMN marts.readings.meter_gis_number IS 'Meter number in GIS ZhKKh (marts.meters)';
COMMENT ON COLUMN marts.readings.hcs_id IS 'Account of the meter (Идентификатор ЖКУ)';
COMMENT ON COLUMN marts.readings.house_address IS 'House address the reading row names';
COMMENT ON COLUMN marts.readings.resource IS 'Utility resource';
COMMENT ON COLUMN marts.readings.period IS 'Period the reading is for (first day of the month)';
COMMENT ON COLUMN marts.readings.read_on IS 'Date the reading was taken';
COMMENT ON COLUMN marts.readings.value_t1 IS 'Reading, tariff zone 1';
COMMENT ON COLUMN marts.readings.value_t2 IS 'Reading, tariff zone 2';
COMMENT ON COLUMN marts.readings.value_t3 IS 'Reading, tariff zone 3';
COMMENT ON COLUMN marts.readings.previous_period IS 'Period of the previous accepted reading';
COMMENT ON COLUMN marts.readings.is_first_reading IS 'TRUE for the meter''s first accepted reading (consumption from the base reading)';
COMMENT ON COLUMN marts.readings.months_since_previous IS 'Months since the previous accepted reading';
COMMENT ON COLUMN marts.readings.consumption_t1 IS 'Consumption since the previous accepted reading, zone 1';
COMMENT ON COLUMN marts.readings.consumption_t2 IS 'Consumption since the previous accepted reading, zone 2';
COMMENT ON COLUMN marts.readings.consumption_t3 IS 'Consumption since the previous accepted reading, zone 3';
COMMENT ON COLUMN marts.readings.consumption_total IS 'Consumption over all tariff zones';
COMMENT ON COLUMN marts.readings.flags IS 'Codes of the rules that fired on the reading row (quality.reading_flags)';
COMMENT ON COLUMN marts.readings.source_file IS 'File the row was read from, relative to the landing dir (inside a zip: archive.zip/inner/path)';
COMMENT ON COLUMN marts.readings.source_sheet IS 'Sheet the row was read from (NULL for CSV)';
COMMENT ON COLUMN marts.readings.source_row IS 'Row number a spreadsheet program shows for the row (CSV: 1-based physical line)';
