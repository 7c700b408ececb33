-- Value parsing rules shared by every staging model. Each macro returns NULL when the text cannot
-- be read as its type; the staging SQL then tells "missing" (NULL/blank/placeholder) from "unreadable".

-- Empty cells and the template's own placeholder are missing values.
CREATE OR REPLACE MACRO sv_blank(t) AS
    t IS NULL OR trim(t) = '' OR lower(replace(trim(t), 'ё', 'е')) IN ('не заполнено', 'незаполнено');

-- Identifier columns (cadastral number, FIAS GUID) also use dashes and words for "none".
CREATE OR REPLACE MACRO sv_blank_identifier(t) AS
    sv_blank(t) OR lower(trim(t)) IN ('нет', '-', '—', '–', 'отсутствует', 'н/д', 'нет данных', 'б/н', 'null', 'none');

-- 1 234,56 / 1234.56 / 1 234.56 (NBSP as thousands separator) -> DOUBLE
CREATE OR REPLACE MACRO sv_decimal(t) AS
    TRY_CAST(replace(regexp_replace(trim(t), '[\s\x{00A0}\x{202F}]', '', 'g'), ',', '.') AS DOUBLE);

CREATE OR REPLACE MACRO sv_integer(t) AS
    CASE WHEN sv_decimal(t) = floor(sv_decimal(t)) THEN CAST(sv_decimal(t) AS BIGINT) END;

-- ДД.ММ.ГГГГ (the templates' format); ISO dates are accepted too.
CREATE OR REPLACE MACRO sv_date(t) AS
    COALESCE(
        CAST(try_strptime(trim(t), '%d.%m.%Y') AS DATE),
        CAST(try_strptime(trim(t), '%d.%m.%Y %H:%M:%S') AS DATE),
        TRY_CAST(trim(t) AS DATE),
        CAST(TRY_CAST(trim(t) AS TIMESTAMP) AS DATE)
    );

-- Periods are ММ.ГГГГ; stored as the first day of the month.
CREATE OR REPLACE MACRO sv_period(t) AS
    CASE WHEN regexp_full_match(trim(t), '(0?[1-9]|1[0-2])\.(19|20)\d\d')
         THEN CAST(try_strptime('01.' || lpad(trim(t), 7, '0'), '%d.%m.%Y') AS DATE) END;

-- Cadastral numbers: NN:NN:NNNNNN(N):N..., spaces removed, no leading zeros in the object number.
CREATE OR REPLACE MACRO sv_cadastral_number(t) AS
    CASE WHEN regexp_full_match(regexp_replace(trim(t), '\s', '', 'g'), '\d{2}:\d{2}:\d{6,7}:\d+')
         THEN regexp_replace(regexp_replace(trim(t), '\s', '', 'g'), ':0+(\d+)$', ':\1') END;

CREATE OR REPLACE MACRO sv_guid(t) AS
    CASE WHEN regexp_full_match(lower(trim(t)), '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')
         THEN lower(trim(t)) END;

CREATE OR REPLACE MACRO sv_flag(t) AS
    CASE WHEN lower(trim(t)) IN ('да', 'true', '1', 'yes') THEN TRUE
         WHEN lower(trim(t)) IN ('нет', 'false', '0', 'no') THEN FALSE END;

-- Meter values follow the GIS ZhKKh pattern \d{1,15}(\.\d{1,7})? ; decimal comma accepted.
CREATE OR REPLACE MACRO sv_reading_ok(t) AS
    regexp_full_match(replace(trim(t), ',', '.'), '\d{1,15}(\.\d{1,7})?');
CREATE OR REPLACE MACRO sv_reading(t) AS
    CASE WHEN sv_reading_ok(t) THEN TRY_CAST(replace(trim(t), ',', '.') AS DOUBLE) END;

-- "4 года", "16 лет", "5" -> years
CREATE OR REPLACE MACRO sv_years(t) AS
    TRY_CAST(regexp_extract(trim(t), '^(\d{1,2})(\s*(год|года|лет))?$', 1) AS INTEGER);

CREATE OR REPLACE MACRO sv_text(t) AS
    CASE WHEN NOT sv_blank(t) THEN regexp_replace(trim(t), '\s+', ' ', 'g') END;
