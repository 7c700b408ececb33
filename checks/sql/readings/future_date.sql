-- A reading dated after as-of, or for a period that has not begun by then.
SELECT
    source_file, source_sheet, source_row, meter_gis_number, sv_reading_period(period, read_on) AS period, read_on,
    CAST($as_of AS DATE) AS as_of
FROM staging.gis_readings
WHERE sv_reading_future(read_on, period, $as_of)
