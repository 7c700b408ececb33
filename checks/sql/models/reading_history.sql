-- quality.reading_history: every loaded reading row placed in its meter's history (quality.reading_steps)
-- with what follows from it, computed when read: acceptance, consumption per zone and in total, months
-- since the previous accepted reading, and the consumption of the reading's own period.
CREATE OR REPLACE VIEW quality.reading_history AS
SELECT
    *,
    is_counted AND below_previous IS NULL AS is_accepted,
    is_counted AND (sv_zone_accepted(value_t1, previous_t1) OR sv_zone_accepted(value_t2, previous_t2)
                    OR sv_zone_accepted(value_t3, previous_t3)) AS has_accepted_value,
    sv_zone_consumption(value_t1, previous_t1) AS consumption_t1,
    sv_zone_consumption(value_t2, previous_t2) AS consumption_t2,
    sv_zone_consumption(value_t3, previous_t3) AS consumption_t3,
    CASE WHEN below_previous IS NULL THEN sv_reading_consumption(consumption_t1, consumption_t2, consumption_t3)
    END AS consumption_total,
    datediff('month', previous_period, reading_period) AS months_since_previous,
    consumption_total / nullif(months_since_previous, 0) AS monthly_consumption,
    -- Missed months before a reading are assumed usual; the rest is this period's consumption.
    consumption_total - (months_since_previous - 1) * median_monthly_consumption AS period_consumption
FROM quality.reading_steps;
