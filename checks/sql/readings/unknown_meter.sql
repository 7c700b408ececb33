-- A reading for a meter number that «Сведения о ПУ» does not list.
SELECT
    source_file, source_sheet, source_row, meter_gis_number, sv_reading_period(period, read_on) AS period, read_on
FROM staging.gis_readings
WHERE meter_gis_number NOT IN (SELECT meter_gis_number FROM quality.meter_register)
