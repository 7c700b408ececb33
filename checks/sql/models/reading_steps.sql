-- quality.reading_steps: every loaded reading row (by `reading_id`, its row id in staging.gis_readings),
-- placed in its meter's history, stored narrow; the view quality.reading_history adds what follows from it.
--
-- What counts (docs in checks/rules.py):
--   usable    the meter is known, every value given follows the GIS pattern, at least one value is given,
--             the reading is not dated after as-of, and its period is known (from the period or the date);
--   counted   the latest usable submission of its meter and period (earlier submissions are superseded);
--   accepted  counted, and no tariff zone below the last accepted value of that zone (or the base reading).
-- Each zone is a counter of its own: a zone's value is accepted when it is not below the zone's last accepted
-- value, whatever the other zones do. Accepted values only grow, so the last accepted value of a zone is the
-- running maximum of the counted values before it (a value below it is rejected and cannot raise it).
-- Consumption is per accepted zone; a reading's total only when all its zones are accepted.
--
-- Built for ten million readings: narrow rows keyed by the staging row id (lineage stays in staging) and
-- one sort. For a meter that submits once a period and whose values never go down (nearly all of them)
-- the previous submission is the previous counted reading and holds every zone's maximum; only the
-- other meters need the exact windows. Submissions of a day are ordered by their place in the sources:
-- staging is written ordered by source file, sheet and row, so the row id follows that order.
CREATE OR REPLACE TABLE quality.reading_steps AS
WITH
meters AS (
    SELECT meter_id, meter_gis_number, base_value_t1, base_value_t2, base_value_t3
    FROM quality.meter_register
),

readings AS (
    SELECT
        r.rowid AS reading_id,
        m.meter_id,
        sv_reading_period(r.period, r.read_on) AS reading_period,
        r.read_on,
        r.value_t1, r.value_t2, r.value_t3,
        m.base_value_t1, m.base_value_t2, m.base_value_t3,
        m.meter_id IS NOT NULL
            AND sv_reading_bad_values(r.value_t1, r.value_t1_raw, r.value_t2, r.value_t2_raw,
                                      r.value_t3, r.value_t3_raw) IS NULL
            AND NOT sv_reading_empty(r.value_t1_raw, r.value_t2_raw, r.value_t3_raw)
            AND NOT sv_reading_future(r.read_on, r.period, $as_of)
            AND sv_reading_period(r.period, r.read_on) IS NOT NULL AS is_usable
    FROM staging.gis_readings AS r
    LEFT JOIN meters AS m USING (meter_gis_number)
),

-- Usable submissions of each meter in order (period, reading date, place in the sources), with their
-- neighbours: the last one of a period counts, each earlier one is replaced by the next.
ordered AS (
    SELECT
        * EXCLUDE (is_usable),
        lead(reading_period) OVER submissions AS next_period,
        lead(read_on) OVER submissions AS next_read_on,
        lag(reading_period) OVER submissions AS lag_period,
        lag(value_t1) OVER submissions AS lag_t1,
        lag(value_t2) OVER submissions AS lag_t2,
        lag(value_t3) OVER submissions AS lag_t3
    FROM readings
    WHERE is_usable
    WINDOW submissions AS (PARTITION BY meter_id ORDER BY reading_period, read_on NULLS FIRST, reading_id)
),

-- Meters where the previous submission need not be the previous counted reading holding every zone's
-- maximum: a period submitted twice, a value going down, a zone appearing after a submission without it.
irregular_meters AS (
    SELECT DISTINCT meter_id
    FROM ordered
    WHERE next_period = reading_period OR lag_period = reading_period
       OR value_t1 < coalesce(lag_t1, base_value_t1) OR (value_t1 IS NOT NULL AND lag_t1 IS NULL AND lag_period IS NOT NULL)
       OR value_t2 < coalesce(lag_t2, base_value_t2) OR (value_t2 IS NOT NULL AND lag_t2 IS NULL AND lag_period IS NOT NULL)
       OR value_t3 < coalesce(lag_t3, base_value_t3) OR (value_t3 IS NOT NULL AND lag_t3 IS NULL AND lag_period IS NOT NULL)
),

regular AS (
    SELECT
        reading_id, meter_id, reading_period, value_t1, value_t2, value_t3,
        coalesce(lag_t1, base_value_t1) AS previous_t1,
        coalesce(lag_t2, base_value_t2) AS previous_t2,
        coalesce(lag_t3, base_value_t3) AS previous_t3,
        lag_period AS previous_period
    FROM ordered
    WHERE meter_id NOT IN (SELECT meter_id FROM irregular_meters)
),

-- The exact windows for the other meters, over their counted readings: the largest earlier value of each
-- zone …
irregular_counted AS (
    SELECT
        reading_id, meter_id, reading_period, value_t1, value_t2, value_t3,
        greatest(base_value_t1, max(value_t1) OVER earlier) AS previous_t1,
        greatest(base_value_t2, max(value_t2) OVER earlier) AS previous_t2,
        greatest(base_value_t3, max(value_t3) OVER earlier) AS previous_t3
    FROM ordered
    WHERE meter_id IN (SELECT meter_id FROM irregular_meters)
      AND next_period IS DISTINCT FROM reading_period
    WINDOW earlier AS (PARTITION BY meter_id ORDER BY reading_period ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),

-- … and the period of the last accepted reading (some zone not below its previous value).
irregular AS (
    SELECT
        *,
        max(CASE WHEN sv_zone_accepted(value_t1, previous_t1) OR sv_zone_accepted(value_t2, previous_t2)
                      OR sv_zone_accepted(value_t3, previous_t3) THEN reading_period END) OVER (
            PARTITION BY meter_id ORDER BY reading_period ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS previous_period
    FROM irregular_counted
),

counted AS (
    SELECT * FROM regular
    UNION ALL BY NAME
    SELECT * FROM irregular
),

compared AS (
    SELECT
        *,
        nullif(concat_ws('; ',
            CASE WHEN value_t1 < previous_t1 THEN 'Т1: ' || sv_ru_number(value_t1) || ' < ' || sv_ru_number(previous_t1) END,
            CASE WHEN value_t2 < previous_t2 THEN 'Т2: ' || sv_ru_number(value_t2) || ' < ' || sv_ru_number(previous_t2) END,
            CASE WHEN value_t3 < previous_t3 THEN 'Т3: ' || sv_ru_number(value_t3) || ' < ' || sv_ru_number(previous_t3) END
        ), '') AS below_previous
    FROM counted
),

-- The meter's usual month: the median consumption per month between two accepted readings (the base
-- reading may be years old, so the first interval does not count).
usual AS (
    SELECT
        meter_id,
        median(monthly_consumption) AS median_monthly_consumption,
        count(monthly_consumption) AS history_months
    FROM (
        SELECT
            meter_id,
            sv_reading_consumption(sv_zone_consumption(value_t1, previous_t1), sv_zone_consumption(value_t2, previous_t2),
                                   sv_zone_consumption(value_t3, previous_t3))
                / nullif(datediff('month', previous_period, reading_period), 0) AS monthly_consumption
        FROM compared
        WHERE below_previous IS NULL
    )
    GROUP BY meter_id
),

counted_steps AS (
    SELECT c.*, u.median_monthly_consumption, coalesce(u.history_months, 0) AS history_months, true AS is_counted
    FROM compared AS c
    LEFT JOIN usual AS u USING (meter_id)
),

superseded_usable AS (
    SELECT reading_id, meter_id, reading_period, value_t1, value_t2, value_t3,
           next_read_on AS later_read_on, true AS is_superseded
    FROM ordered
    WHERE next_period = reading_period
),

-- An unusable submission (rare) is replaced when the counted one of its period came after it.
not_usable AS (
    SELECT reading_id, meter_id, reading_period, read_on, value_t1, value_t2, value_t3
    FROM readings
    WHERE NOT is_usable
),

superseded_unusable AS (
    SELECT n.reading_id, c.read_on AS later_read_on
    FROM not_usable AS n
    JOIN ordered AS c USING (meter_id, reading_period)
    WHERE c.next_period IS DISTINCT FROM c.reading_period
      AND (coalesce(n.read_on, DATE '0001-01-01'), n.reading_id) < (coalesce(c.read_on, DATE '0001-01-01'), c.reading_id)
),

final AS (
    SELECT * FROM counted_steps
    UNION ALL BY NAME
    SELECT * FROM superseded_usable
    UNION ALL BY NAME
    SELECT n.* EXCLUDE (read_on), s.later_read_on, s.reading_id IS NOT NULL AS is_superseded
    FROM not_usable AS n
    LEFT JOIN superseded_unusable AS s USING (reading_id)
)

SELECT
    reading_id, meter_id, reading_period, value_t1, value_t2, value_t3,
    coalesce(is_counted, false) AS is_counted,
    coalesce(is_superseded, false) AS is_superseded,
    later_read_on,
    previous_t1, previous_t2, previous_t3, previous_period, below_previous,
    median_monthly_consumption, history_months
FROM final;
