-- An earlier submission for a meter and period: the latest usable one counts.
SELECT
    s.source_file, s.source_sheet, s.source_row, s.meter_gis_number, h.reading_period AS period, s.read_on,
    h.later_read_on
FROM quality.reading_history AS h
JOIN staging.gis_readings AS s ON s.rowid = h.reading_id
WHERE h.is_superseded
