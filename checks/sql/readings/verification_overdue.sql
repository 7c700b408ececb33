-- A reading taken after the meter's verification due date (last verification + interval).
SELECT
    s.source_file, s.source_sheet, s.source_row, s.meter_gis_number,
    sv_reading_period(s.period, s.read_on) AS period, s.read_on,
    m.verification_due_on AS due_on,
    m.verified_on,
    m.verification_interval_years AS interval_years
FROM staging.gis_readings AS s
JOIN quality.meter_register AS m USING (meter_gis_number)
WHERE s.read_on > m.verification_due_on
