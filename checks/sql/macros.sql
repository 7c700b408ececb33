-- Formatting for Russian flag messages: decimal comma, ДД.ММ.ГГГГ dates, ММ.ГГГГ periods.

-- 442.2610000 -> 442,261 ; 17882.0 -> 17882 (up to 7 decimals, as the GIS value pattern allows)
CREATE OR REPLACE MACRO sv_ru_number(x) AS
    replace(rtrim(rtrim(printf('%.7f', x), '0'), '.'), '.', ',');

-- Rubles always with two decimals: 1227.9 -> 1227,90
CREATE OR REPLACE MACRO sv_ru_money(x) AS
    replace(printf('%.2f', round(x, 2)), '.', ',');

CREATE OR REPLACE MACRO sv_ru_date(d) AS strftime(CAST(d AS DATE), '%d.%m.%Y');

CREATE OR REPLACE MACRO sv_ru_period(d) AS strftime(CAST(d AS DATE), '%m.%Y');

-- What makes a reading row usable, shared by the reading history and the row-level rules.
-- The values given that break the GIS pattern (staging keeps the raw text of a value it could not read),
-- as «Т1 «-5»; Т2 «…»», or NULL when every value given is readable.
CREATE OR REPLACE MACRO sv_reading_bad_values(v1, raw1, v2, raw2, v3, raw3) AS
    nullif(concat_ws('; ',
        CASE WHEN raw1 IS NOT NULL AND v1 IS NULL THEN 'Т1 «' || raw1 || '»' END,
        CASE WHEN raw2 IS NOT NULL AND v2 IS NULL THEN 'Т2 «' || raw2 || '»' END,
        CASE WHEN raw3 IS NOT NULL AND v3 IS NULL THEN 'Т3 «' || raw3 || '»' END), '');

CREATE OR REPLACE MACRO sv_reading_empty(raw1, raw2, raw3) AS
    raw1 IS NULL AND raw2 IS NULL AND raw3 IS NULL;

-- Dated after as-of, or for a period that has not begun by then.
CREATE OR REPLACE MACRO sv_reading_future(read_on, period, as_of) AS
    coalesce(read_on > as_of OR period > as_of, false);

-- The period a reading is for: its own, else the month it was taken in.
CREATE OR REPLACE MACRO sv_reading_period(period, read_on) AS
    CAST(coalesce(period, date_trunc('month', read_on)) AS DATE);

-- A tariff zone's reading against the zone's last accepted value (or the base reading): accepted when not
-- below it; its consumption is the difference (NULL when rejected or when there is nothing to compare with).
CREATE OR REPLACE MACRO sv_zone_accepted(value, previous) AS
    coalesce(value >= previous OR (value IS NOT NULL AND previous IS NULL), false);

CREATE OR REPLACE MACRO sv_zone_consumption(value, previous) AS
    CASE WHEN value >= previous THEN value - previous END;

-- A reading's consumption over its zones, when some zone has one.
CREATE OR REPLACE MACRO sv_reading_consumption(c1, c2, c3) AS
    CASE WHEN c1 IS NOT NULL OR c2 IS NOT NULL OR c3 IS NOT NULL
         THEN coalesce(c1, 0) + coalesce(c2, 0) + coalesce(c3, 0) END;

-- 1 год, 4 года, 6 лет, 11 лет, 21 год
CREATE OR REPLACE MACRO sv_ru_years(n) AS
    CAST(n AS VARCHAR) || ' ' || CASE
        WHEN n % 10 = 1 AND n % 100 <> 11 THEN 'год'
        WHEN n % 10 BETWEEN 2 AND 4 AND n % 100 NOT BETWEEN 12 AND 14 THEN 'года'
        ELSE 'лет' END;
