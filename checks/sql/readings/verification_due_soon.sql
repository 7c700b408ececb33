-- The latest reading of a meter whose verification falls due within the notice window after as-of.
WITH
due_soon AS (
    SELECT meter_gis_number, verification_due_on
    FROM quality.meter_register
    WHERE verification_due_on > $as_of
      AND verification_due_on <= $as_of + to_days($due_soon_days)
),

readings AS (
    SELECT
        s.rowid AS reading_id, s.source_file, s.source_sheet, s.source_row, s.meter_gis_number, s.read_on,
        sv_reading_period(s.period, s.read_on) AS period
    FROM staging.gis_readings AS s
    JOIN due_soon USING (meter_gis_number)
    WHERE NOT sv_reading_future(s.read_on, s.period, $as_of)
),

latest AS (
    -- The submission order of the reading history: period, date, place in the sources. A struct keeps the
    -- row whole (arg_max alone would skip a CSV row's NULL sheet and take another row's).
    SELECT
        meter_gis_number,
        arg_max(
            {'source_file': source_file, 'source_sheet': source_sheet, 'source_row': source_row,
             'period': period, 'read_on': read_on},
            (coalesce(period, DATE '0001-01-01'), coalesce(read_on, DATE '0001-01-01'), reading_id)
        ) AS reading
    FROM readings
    GROUP BY meter_gis_number
)

SELECT
    l.reading.source_file, l.reading.source_sheet, l.reading.source_row, l.meter_gis_number,
    l.reading.period, l.reading.read_on,
    d.verification_due_on AS due_on,
    datediff('day', $as_of, d.verification_due_on) AS days_left
FROM latest AS l
JOIN due_soon AS d USING (meter_gis_number)
