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
-- An object delivered in several extracts counts once: the newest, the current format before the old one. Only
-- the objects delivered more than once are ranked (a window over every object's whole row costs seconds).
superseded AS (
    SELECT cadastral_number, source_file, source_row
    FROM rooms
    WHERE cadastral_number IN (SELECT cadastral_number FROM rooms GROUP BY cadastral_number HAVING count(*) > 1)
    QUALIFY row_number() OVER (
        PARTITION BY cadastral_number
        ORDER BY extract_date DESC NULLS LAST, extract_format = 'current' DESC, source_file, source_row) > 1
),
latest AS (
    SELECT * FROM rooms
    ANTI JOIN superseded USING (cadastral_number, source_file, source_row)
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
        c.street_name IS NOT NULL OR c.house_number IS NOT NULL AS structured,
        CASE WHEN structured THEN coalesce(c.locality_name, c.city_name) ELSE p.settlement END AS settlement_text,
        CASE WHEN structured THEN c.street_name ELSE p.street END AS street_text,
        CASE WHEN structured THEN sv_street_type_key(c.street_type) ELSE sv_street_type_key(p.street_type) END
            AS street_type_key,
        CASE WHEN structured THEN c.house_number ELSE p.house END AS house_text,
        CASE WHEN structured THEN c.korpus ELSE p.korpus END AS korpus_text,
        CASE WHEN structured THEN c.stroenie ELSE p.stroenie END AS stroenie_text,
        CASE WHEN structured THEN NULL ELSE p.litera END AS litera_text
    FROM classified AS c
    LEFT JOIN parsed AS p ON p.input = c.readable_address
),
-- Keys are computed once per distinct spelling (thousands in a region), not once per object (a million).
place_keys AS (
    SELECT name, sv_place_key(name) AS place_key
    FROM (SELECT settlement_text AS name FROM addressed UNION SELECT street_text FROM addressed)
    WHERE name IS NOT NULL
),
house_keys AS (
    SELECT house_text, korpus_text, stroenie_text, litera_text,
           sv_house_key(house_text, korpus_text, stroenie_text, litera_text) AS house_key
    FROM (SELECT DISTINCT house_text, korpus_text, stroenie_text, litera_text FROM addressed)
),
number_keys AS (
    SELECT number_source, sv_premise_number_norm(number_source) AS number_norm,
           sv_premise_number_key(number_source) AS number_key
    FROM (SELECT DISTINCT number_source FROM addressed WHERE number_source IS NOT NULL)
),
final AS (
    SELECT
        a.cadastral_number,
        a.source_file,
        a.extract_format,
        a.kind,
        a.name,
        trim(a.number_source) AS number_text,
        n.number_norm,
        n.number_key,
        a.parsed_room AS room_number,
        a.area,
        a.floor,
        a.linked_building AS building_cadastral_number,
        a.building_link,
        a.parent_room_cadastral_number,
        a.house_fias_guid,
        settlement.place_key AS settlement_key,
        street.place_key AS street_key,
        a.street_type_key,
        h.house_key,
        a.readable_address,
        a.cancel_date IS NOT NULL
            OR regexp_matches(lower(coalesce(a.status, '')), '(архив|погаш|снят|прекращ)') AS is_retired
    FROM addressed AS a
    LEFT JOIN number_keys AS n USING (number_source)
    LEFT JOIN place_keys AS settlement ON settlement.name = a.settlement_text
    LEFT JOIN place_keys AS street ON street.name = a.street_text
    LEFT JOIN house_keys AS h
      ON h.house_text IS NOT DISTINCT FROM a.house_text AND h.korpus_text IS NOT DISTINCT FROM a.korpus_text
     AND h.stroenie_text IS NOT DISTINCT FROM a.stroenie_text AND h.litera_text IS NOT DISTINCT FROM a.litera_text
)
SELECT * FROM final
