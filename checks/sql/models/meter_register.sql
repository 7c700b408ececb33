-- quality.meter_register: one row per meter number («Номер ПУ в ГИС ЖКХ») listed in «Сведения о ПУ».
-- Readings name their meter by this number. When several device rows share a number (the same meter in
-- several exports), the row with the latest verification counts: a re-verification updates the due date.
CREATE OR REPLACE TABLE quality.meter_register AS
WITH
devices AS (
    SELECT
        *,
        rowid AS device_id,
        -- The interval runs from the last verification; a meter never re-verified counts from the
        -- factory verification (sealing), else from commissioning or installation.
        coalesce(last_verified_on, factory_sealed_on, commissioned_on, installed_on) AS verified_on
    FROM staging.gis_meters
    WHERE meter_gis_number IS NOT NULL
),

listing AS (
    SELECT
        meter_gis_number,
        count(*) AS listings,
        -- latest verification first, then the latest place in the sources
        arg_max(device_id, (coalesce(verified_on, DATE '0001-01-01'), source_file, coalesce(source_sheet, ''),
                            source_row)) AS device_id
    FROM devices
    GROUP BY meter_gis_number
),

numbered AS (
    -- A compact key for the reading history's windows.
    SELECT *, row_number() OVER (ORDER BY meter_gis_number) AS meter_id FROM listing
),

final AS (
    SELECT
        l.meter_id,
        d.meter_gis_number,
        d.serial_number,
        d.meter_kind,
        d.brand,
        d.model,
        d.resource,
        d.tariff_kind,
        d.house_address,
        d.premise_number,
        d.account_id,
        d.base_value_t1,
        d.base_value_t2,
        d.base_value_t3,
        d.installed_on,
        d.commissioned_on,
        d.last_verified_on,
        d.verified_on,
        d.verification_interval_years,
        CAST(d.verified_on + to_years(d.verification_interval_years) AS DATE) AS verification_due_on,
        l.listings,
        d.source_file,
        d.source_sheet,
        d.source_row
    FROM numbered AS l
    JOIN devices AS d USING (device_id)
)

SELECT * FROM final;
