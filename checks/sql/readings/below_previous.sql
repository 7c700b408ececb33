-- A tariff zone's value below the last accepted value of that zone, or below the meter's base reading
-- while the meter has no accepted reading yet.
SELECT
    s.source_file, s.source_sheet, s.source_row, s.meter_gis_number, h.reading_period AS period, s.read_on,
    h.below_previous AS comparison,
    CASE WHEN h.previous_period IS NULL THEN 'базового показания ПУ'
         ELSE 'последнего принятого показания (за ' || sv_ru_period(h.previous_period) || ')' END AS compared_with
FROM quality.reading_history AS h
JOIN staging.gis_readings AS s ON s.rowid = h.reading_id
WHERE h.is_counted AND h.below_previous IS NOT NULL
