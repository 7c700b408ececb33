-- A value that breaks the GIS ZhKKh pattern (up to 15 digits, up to 7 decimals, non-negative), or no value.
SELECT
    source_file, source_sheet, source_row, meter_gis_number, sv_reading_period(period, read_on) AS period, read_on,
    coalesce(sv_reading_bad_values(value_t1, value_t1_raw, value_t2, value_t2_raw, value_t3, value_t3_raw),
             'значение не заполнено (Т1–Т3 пусты)') AS bad_values
FROM staging.gis_readings
WHERE sv_reading_bad_values(value_t1, value_t1_raw, value_t2, value_t2_raw, value_t3, value_t3_raw) IS NOT NULL
   OR sv_reading_empty(value_t1_raw, value_t2_raw, value_t3_raw)
