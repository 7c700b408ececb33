-- marts.house_management: one row per GIS ZhKKh house — an address in one management organisation's houses
-- export — with the organisation that manages it and its municipality.
-- Rule: a house is managed by the УО whose export lists it; the УО is named by the INN in the export's path
-- (sv_uo_inn), else by the export's file name (sv_uo_label). A premise row names its house by the house's
-- «Адрес» text in the same export; an address that only premise rows name still makes a house, so every
-- premise has one. The same building listed by two organisations (a change of management) is two rows.
CREATE OR REPLACE TABLE marts.house_management AS
WITH
house_rows AS (
    SELECT
        sv_gis_export(source_file, source_sheet) AS gis_export,
        address AS house_address,
        house_fias_guid,
        cadastral_number,
        oktmo,
        total_area,
        year_commissioned,
        floors,
        source_file,
        source_sheet,
        source_row
    FROM staging.gis_houses
),

premise_rows AS (
    SELECT source_file, source_sheet, house_address, 'residential' AS premise_kind
    FROM staging.gis_residential_premises
    UNION ALL
    SELECT source_file, source_sheet, house_address, 'non_residential' AS premise_kind
    FROM staging.gis_nonresidential_premises
),

-- The first row of an address in an export describes the house (a repeated row adds nothing).
first_house_rows AS (
    SELECT * FROM house_rows
    QUALIFY row_number() OVER (PARTITION BY gis_export, house_address ORDER BY source_file, source_row) = 1
),

premises_per_house AS (
    SELECT
        sv_gis_export(source_file, source_sheet) AS gis_export,
        house_address,
        count(*) AS premises,
        count(*) FILTER (premise_kind = 'residential') AS residential_premises
    FROM premise_rows
    GROUP BY ALL
),

houses AS (
    SELECT
        coalesce(h.gis_export, p.gis_export) AS gis_export,
        coalesce(h.house_address, p.house_address) AS house_address,
        h.house_fias_guid,
        h.cadastral_number,
        h.oktmo,
        h.total_area,
        h.year_commissioned,
        h.floors,
        coalesce(p.premises, 0) AS premises,
        coalesce(p.residential_premises, 0) AS residential_premises,
        h.source_file,
        h.source_sheet,
        h.source_row
    FROM first_house_rows AS h
    FULL JOIN premises_per_house AS p USING (gis_export, house_address)
),

-- Each distinct address parsed once.
addresses AS (
    SELECT
        house_address,
        sv_house_address_key(house_address) AS house_address_key,
        address_parse(house_address) AS parts
    FROM (SELECT DISTINCT house_address FROM houses)
),

final AS (
    SELECT
        dense_rank() OVER (ORDER BY h.gis_export, h.house_address) AS house_id,
        sv_uo_inn(h.gis_export) AS management_organisation_inn,
        sv_uo_label(h.gis_export) AS management_organisation,
        h.house_address,
        a.house_address_key,
        a.parts.region AS region,
        nullif(concat_ws(' ', a.parts.settlement_type || '.', a.parts.settlement), '') AS settlement,
        h.house_fias_guid,
        h.cadastral_number AS building_cadastral_number,
        h.oktmo,
        sv_municipality_oktmo(h.oktmo) AS municipality_oktmo,
        h.total_area,
        h.year_commissioned,
        h.floors,
        h.premises,
        h.residential_premises,
        h.gis_export,
        h.source_file,
        h.source_sheet,
        h.source_row
    FROM houses AS h
    LEFT JOIN addresses AS a USING (house_address)
)

SELECT * FROM final
ORDER BY house_id;

COMMENT ON TABLE marts.house_management IS 'Одна строка на дом ГИС ЖКХ (адрес в выгрузке одной управляющей организации): кто управляет домом, его ОКТМО и ключи. УО — по ИНН в имени файла выгрузки (houses_uo_<ИНН>_…, uo_<ИНН>_export.zip), иначе по имени файла. Адрес, который называют только строки помещений, тоже даёт дом.';
COMMENT ON COLUMN marts.house_management.house_id IS 'Номер дома в хранилище (по выгрузке и адресу); ключ для marts.house_cards, marts.owner_premise_cards, marts.house_addresses';
COMMENT ON COLUMN marts.house_management.management_organisation_inn IS 'ИНН управляющей организации из пути файла выгрузки; NULL, если путь ИНН не содержит';
COMMENT ON COLUMN marts.house_management.management_organisation IS 'Управляющая организация: ИНН, а без него — имя файла выгрузки без расширения';
COMMENT ON COLUMN marts.house_management.house_address IS 'Адрес дома, как он записан в выгрузке (столбец «Адрес»)';
COMMENT ON COLUMN marts.house_management.house_address_key IS 'Ключ адреса для сопоставления с другими источниками: населённый пункт|улица|номер дома (sv_house_address_key)';
COMMENT ON COLUMN marts.house_management.region IS 'Субъект РФ из разобранного адреса, без типа (например «Свердловская»); NULL, если адрес его не называет';
COMMENT ON COLUMN marts.house_management.settlement IS 'Населённый пункт из разобранного адреса, например «г. Екатеринбург»';
COMMENT ON COLUMN marts.house_management.house_fias_guid IS 'Глобальный уникальный идентификатор дома по ФИАС из выгрузки';
COMMENT ON COLUMN marts.house_management.building_cadastral_number IS 'Кадастровый номер здания из выгрузки ГИС ЖКХ';
COMMENT ON COLUMN marts.house_management.oktmo IS 'Код ОКТМО дома из выгрузки, как записан';
COMMENT ON COLUMN marts.house_management.municipality_oktmo IS 'ОКТМО муниципального образования: первые 8 цифр кода ОКТМО дома';
COMMENT ON COLUMN marts.house_management.total_area IS 'Общая площадь здания, кв. м';
COMMENT ON COLUMN marts.house_management.year_commissioned IS 'Год ввода в эксплуатацию';
COMMENT ON COLUMN marts.house_management.floors IS 'Количество этажей';
COMMENT ON COLUMN marts.house_management.premises IS 'Строк помещений (жилых и нежилых) с этим адресом дома в той же выгрузке';
COMMENT ON COLUMN marts.house_management.residential_premises IS 'Из них жилых помещений';
COMMENT ON COLUMN marts.house_management.gis_export IS 'Выгрузка: файл xlsx или папка CSV-файлов внутри архива выгрузки';
COMMENT ON COLUMN marts.house_management.source_file IS 'Файл строки дома («Характеристики МКД»); NULL, если дом назван только строками помещений';
COMMENT ON COLUMN marts.house_management.source_sheet IS 'Лист строки дома (NULL для CSV)';
COMMENT ON COLUMN marts.house_management.source_row IS 'Номер строки дома в файле';


-- marts.house_addresses: every way a GIS ZhKKh source names a house (its file's УО, address text, FIAS GUID),
-- linked to one house of marts.house_management. Meters, readings, account premises, annual reports (form 2.8)
-- and the capital-repair programme write addresses in their own styles; the link prefers a house of the same
-- УО, then the same address text, then the same address key, then the same FIAS GUID (GIS ZhKKh exports carry
-- wrong GUIDs now and then, so a GUID never overrides an address that agrees).
CREATE OR REPLACE TABLE marts.house_addresses AS
WITH
houses AS (
    SELECT house_id, management_organisation_inn, house_address, house_address_key, house_fias_guid
    FROM marts.house_management
),

mentions AS (
    SELECT sv_uo_inn(source_file) AS management_organisation_inn, house_address AS address,
           NULL::VARCHAR AS house_fias_guid
    FROM staging.gis_meters
    UNION
    SELECT sv_uo_inn(source_file), house_address, NULL FROM staging.gis_readings
    UNION
    SELECT sv_uo_inn(source_file), premise_address, house_fias_guid FROM staging.gis_account_premises
    UNION
    SELECT sv_uo_inn(source_file), house_address, house_fias_guid FROM staging.gis_management_reports
    UNION
    SELECT sv_uo_inn(source_file), house_address, house_fias_guid FROM staging.gis_capital_repair_works
),

mention_keys AS (
    SELECT address, sv_house_address_key(address) AS address_key
    FROM (SELECT DISTINCT address FROM mentions WHERE address IS NOT NULL)
),

keyed_mentions AS (
    SELECT m.*, k.address_key
    FROM mentions AS m
    LEFT JOIN mention_keys AS k USING (address)
    WHERE m.address IS NOT NULL OR m.house_fias_guid IS NOT NULL
),

-- Three equi-joins rather than one OR-join: each stays a hash join on a large region.
candidates AS (
    SELECT m.*, h.house_id, h.management_organisation_inn AS house_inn, 1 AS method_rank, 'address' AS link_method
    FROM keyed_mentions AS m JOIN houses AS h ON h.house_address = m.address
    UNION ALL
    SELECT m.*, h.house_id, h.management_organisation_inn, 2, 'address_key'
    FROM keyed_mentions AS m JOIN houses AS h ON h.house_address_key = m.address_key
    UNION ALL
    SELECT m.*, h.house_id, h.management_organisation_inn, 3, 'fias'
    FROM keyed_mentions AS m JOIN houses AS h ON h.house_fias_guid = m.house_fias_guid
),

best AS (
    SELECT * FROM candidates
    QUALIFY row_number() OVER (
        PARTITION BY management_organisation_inn, address, house_fias_guid
        ORDER BY (house_inn IS NOT DISTINCT FROM management_organisation_inn) DESC, method_rank, house_id
    ) = 1
),

final AS (
    SELECT
        m.management_organisation_inn,
        m.address,
        m.house_fias_guid,
        b.house_id,
        b.link_method
    FROM keyed_mentions AS m
    LEFT JOIN best AS b
        ON b.management_organisation_inn IS NOT DISTINCT FROM m.management_organisation_inn
       AND b.address IS NOT DISTINCT FROM m.address
       AND b.house_fias_guid IS NOT DISTINCT FROM m.house_fias_guid
)

SELECT * FROM final
ORDER BY management_organisation_inn, address, house_fias_guid;

COMMENT ON TABLE marts.house_addresses IS 'Как источники ГИС ЖКХ называют дом (ИНН УО из пути файла, текст адреса, ФИАС) и какой дом marts.house_management это. Сначала дом той же УО, затем совпадение текста адреса, ключа адреса, ФИАС.';
COMMENT ON COLUMN marts.house_addresses.management_organisation_inn IS 'ИНН из пути файла, в котором встретился адрес (NULL — путь без ИНН, например региональная программа капремонта)';
COMMENT ON COLUMN marts.house_addresses.address IS 'Адрес дома, как он записан в источнике';
COMMENT ON COLUMN marts.house_addresses.house_fias_guid IS 'ФИАС дома, как он записан в источнике (NULL, если источник его не содержит)';
COMMENT ON COLUMN marts.house_addresses.house_id IS 'Дом marts.house_management; NULL — дом не найден';
COMMENT ON COLUMN marts.house_addresses.link_method IS 'Чем найден дом: address (тот же текст адреса), address_key (тот же ключ адреса), fias (тот же ФИАС); NULL — не найден';
