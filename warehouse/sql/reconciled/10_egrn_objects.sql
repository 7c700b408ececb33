-- egrn_objects (temporary): one row per EGRN premise-like object — flat, non-residential premise, common-property
-- room, room inside a flat, parking place — with the keys it is matched on. Its house is attached in 12.
-- Imports: staging.egrn_rooms, staging.egrn_building_rooms, _egrn_addresses_parsed (readable addresses of the
-- extracts without a structured address, parsed by transforms/address).
CREATE OR REPLACE TEMP TABLE egrn_objects AS
WITH
rooms AS (
    SELECT * FROM staging.egrn_rooms
),
building_lists AS (
    SELECT * FROM staging.egrn_building_rooms
),
parsed AS (
    SELECT * FROM _egrn_addresses_parsed
),
-- An object delivered in several extracts counts once: the newest, the current format before the old one.
latest AS (
    SELECT * FROM rooms
    QUALIFY row_number() OVER (
        PARTITION BY cadastral_number
        ORDER BY extract_date DESC NULLS LAST, extract_format = 'current' DESC, source_file, source_row) = 1
),
-- A building extract that lists the room (the only link when the room's own extract has none).
listed AS (
    SELECT room_cadastral_number AS cadastral_number, min(building_cadastral_number) AS building_cadastral_number
    FROM building_lists
    GROUP BY room_cadastral_number
    HAVING count(DISTINCT building_cadastral_number) = 1
),
classified AS (
    SELECT
        r.*,
        sv_egrn_kind(r.parent_room_cadastral_number, r.room_type_code, r.object_type_code, r.extract_root,
                     r.name, lower(r.apartment_type), r.common_property, r.purpose_code) AS kind,
        coalesce(r.building_cadastral_number, l.building_cadastral_number) AS linked_building,
        CASE WHEN r.building_cadastral_number IS NOT NULL THEN 'extract'
             WHEN l.building_cadastral_number IS NOT NULL THEN 'building_list' END AS building_link
    FROM latest AS r
    LEFT JOIN listed AS l USING (cadastral_number)
),
-- Structured address parts when the extract has them, else what the readable address says.
addressed AS (
    SELECT
        c.*,
        coalesce(c.apartment_number, p.premise) AS number_source,
        p.room AS parsed_room,
        CASE WHEN c.street_name IS NOT NULL OR c.house_number IS NOT NULL
             THEN sv_place_key(coalesce(c.locality_name, c.city_name)) ELSE sv_place_key(p.settlement) END AS settlement_key,
        CASE WHEN c.street_name IS NOT NULL OR c.house_number IS NOT NULL
             THEN sv_place_key(c.street_name) ELSE sv_place_key(p.street) END AS street_key,
        CASE WHEN c.street_name IS NOT NULL OR c.house_number IS NOT NULL
             THEN sv_street_type_key(c.street_type) ELSE sv_street_type_key(p.street_type) END AS street_type_key,
        CASE WHEN c.street_name IS NOT NULL OR c.house_number IS NOT NULL
             THEN sv_house_key(c.house_number, c.korpus, c.stroenie, NULL)
             ELSE sv_house_key(p.house, p.korpus, p.stroenie, p.litera) END AS house_key
    FROM classified AS c
    LEFT JOIN parsed AS p ON p.input = c.readable_address
),
final AS (
    SELECT
        cadastral_number,
        source_file,
        extract_format,
        kind,
        name,
        trim(number_source) AS number_text,
        sv_premise_number_norm(number_source) AS number_norm,
        sv_premise_number_key(number_source) AS number_key,
        parsed_room AS room_number,
        area,
        floor,
        linked_building AS building_cadastral_number,
        building_link,
        parent_room_cadastral_number,
        house_fias_guid,
        settlement_key,
        street_key,
        street_type_key,
        house_key,
        readable_address,
        cancel_date IS NOT NULL
            OR regexp_matches(lower(coalesce(status, '')), '(архив|погаш|снят|прекращ)') AS is_retired
    FROM addressed
)
SELECT * FROM final
