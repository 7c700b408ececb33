-- The period's consumption far above the meter's usual month: judged only between two accepted readings
-- and only when the meter has enough monthly history for its median to mean something.
SELECT
    s.source_file, s.source_sheet, s.source_row, s.meter_gis_number, h.reading_period AS period, s.read_on,
    h.period_consumption AS consumption,
    h.median_monthly_consumption AS usual,
    h.period_consumption / h.median_monthly_consumption AS ratio,
    h.history_months
FROM quality.reading_history AS h
JOIN staging.gis_readings AS s ON s.rowid = h.reading_id
WHERE h.is_accepted
  AND h.previous_period IS NOT NULL
  AND h.history_months >= $spike_min_history
  AND h.median_monthly_consumption > 0
  AND h.period_consumption >= $spike_factor * h.median_monthly_consumption
