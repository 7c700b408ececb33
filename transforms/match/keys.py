"""SQL macros that turn what each source writes into the keys premises and houses are matched on.

They build on the address normaliser's macros (`premise_number_key`, `address_number`, `street_key`) and add
what matching needs on top:
    sv_premise_number_text(t)     «Подвал № 3» → «3», «13 кв.» → «13»: words around a premise number dropped
    sv_premise_number_key(t)      the matching key: 1Н = 1-Н = Н1, 032 = 32, IV = 4, «кв. 5» = 5
    sv_premise_number_norm(t)     the number as written, normalised (case, spaces, №): «exact» means equal here
    sv_house_key(house, korpus, stroenie, litera)
                                  «21, к. 3» → 21К3; a one-letter korpus or a litera joins the number:
                                  «5, корп. А» = «5А» = «5, лит. А» (EGRN writes them all as 5А)
    sv_house_base(house_key)      the house number alone (21К3 → 21), for extracts that drop the korpus
    sv_place_key(name)            settlement and street names folded (ё/е, «им.», ordinals, case)
    sv_street_type_key(t)         «улица» → ул, «проспект» → пр-кт (GAR short names)
    sv_house_address_key(address) a whole house address as one key: «екатеринбург|щорса|23А» (settlement|street|
                                  sv_house_key); NULL when no house number can be read
    sv_workbook(file, sheet)      the GIS export a row came from: the xlsx, or the folder of its CSV files
    sv_uo_inn(path)               the УО's INN in a file's path: the first 10-digit (organisation) or 12-digit
                                  (sole trader) number (houses_uo_<INN>_….xlsx, uo_<INN>_export.zip/…,
                                  accounts_<INN>_….xlsx, payments/<INN>/…); NULL when the path names none
    sv_management_organisation(workbook)
                                  the УО key: its INN (sv_uo_inn), else the export's file name without extension

These are the only definitions of the house, premise and УО keys: reconciliation registers them as temporary
macros, the marts store them in the warehouse (`register_match_functions(con, temporary=False)`), so
reconciled.* and marts.* cannot drift apart.
    sv_egrn_kind(…)               flat | nonres | common | room_in_flat | parking | unknown
"""

from __future__ import annotations

import duckdb

from transforms.address import register_address_functions

# Words EGRN uses for common-property rooms (their `name`), lower-case stems.
COMMON_PROPERTY_NAMES = (
    "подвал", "подпол", "технический", "техническое", "техэтаж", "чердак", "электрощитов", "колясочн",
    "мусорокамер", "мусоросборн", "лестничн", "тамбур", "узел", "насосн", "венткамер", "бойлерн",
    "общего пользования", "общее имущество", "коридор", "холл", "вестибюл",
)

# Street types as GAR short names, for the few full or informal spellings structured extracts carry.
STREET_TYPES = {
    "улица": "ул", "переулок": "пер", "проспект": "пр-кт", "пр-т": "пр-кт", "пр": "пр-кт", "просп": "пр-кт",
    "бульвар": "б-р", "бул": "б-р", "шоссе": "ш", "набережная": "наб", "площадь": "пл", "проезд": "пр-д",
    "тупик": "туп", "микрорайон": "мкр", "мкрн": "мкр", "аллея": "ал", "квартал": "кв-л",
}

# The matching key of a premise number ignores words written around it.
TRAILING_TYPE_RE = r"[\s.,]+(кв|квартира|пом|помещ|помещение|комн|ком|комната|оф|офис)\.?\s*$"
LEADING_WORDS_RE = r"^\s*([А-Яа-яЁё]{2,}\.?\s+)+№?\s*([0-9IVXivxХх].*)$"

MACROS = (
    f"""CREATE OR REPLACE TEMP MACRO sv_premise_number_text(t) AS
        nullif(trim(regexp_replace(regexp_replace(trim(t), '{TRAILING_TYPE_RE}', '', 'i'),
                                   '{LEADING_WORDS_RE}', '\\2')), '')""",
    "CREATE OR REPLACE TEMP MACRO sv_premise_number_key(t) AS premise_number_key(sv_premise_number_text(t))",
    "CREATE OR REPLACE TEMP MACRO sv_premise_number_norm(t) AS address_number(sv_premise_number_text(t))",
    """CREATE OR REPLACE TEMP MACRO sv_house_key(house, korpus, stroenie, litera) AS
        CASE WHEN address_number(house) IS NOT NULL THEN
            address_number(house)
            || CASE WHEN regexp_full_match(coalesce(address_number(korpus), ''), '[А-ЯA-Z]') THEN address_number(korpus) ELSE '' END
            || coalesce(address_number(litera), '')
            || CASE WHEN regexp_matches(coalesce(address_number(korpus), ''), '^[0-9]') THEN 'К' || address_number(korpus) ELSE '' END
            || CASE WHEN address_number(stroenie) IS NOT NULL THEN 'С' || address_number(stroenie) ELSE '' END
        END""",
    "CREATE OR REPLACE TEMP MACRO sv_house_base(house_key) AS nullif(regexp_extract(house_key, '^[0-9]+'), '')",
    "CREATE OR REPLACE TEMP MACRO sv_place_key(name) AS street_key(name)",
    f"""CREATE OR REPLACE TEMP MACRO sv_street_type_key(t) AS
        CASE lower(trim(t, ' .')) {" ".join(f"WHEN '{k}' THEN '{v}'" for k, v in STREET_TYPES.items())}
             ELSE nullif(lower(trim(t, ' .')), '') END""",
    """CREATE OR REPLACE TEMP MACRO sv_house_address_key(address_text) AS (
        SELECT CASE WHEN sv_house_key(a.house, a.korpus, a.stroenie, a.litera) IS NOT NULL THEN
            concat_ws('|', sv_place_key(a.settlement), sv_place_key(a.street),
                      sv_house_key(a.house, a.korpus, a.stroenie, a.litera)) END
        FROM (SELECT address_parse(address_text) AS a))""",
    """CREATE OR REPLACE TEMP MACRO sv_workbook(file, sheet) AS
        CASE WHEN sheet IS NULL AND regexp_matches(lower(file), '\\.csv$') THEN regexp_replace(file, '/[^/]*$', '')
             ELSE file END""",
    """CREATE OR REPLACE TEMP MACRO sv_uo_inn(path) AS
        nullif(regexp_extract(path, '(?:^|[^0-9])([0-9]{10}|[0-9]{12})(?:[^0-9]|$)', 1), '')""",
    """CREATE OR REPLACE TEMP MACRO sv_management_organisation(workbook) AS
        coalesce(sv_uo_inn(workbook), regexp_replace(regexp_extract(workbook, '[^/]*$'), '\\.(xlsx|zip|csv)$', ''))""",
    f"""CREATE OR REPLACE TEMP MACRO sv_egrn_kind(parent_room, room_type_code, object_type_code, extract_root,
                                             name, apartment_type, common_property, purpose_code) AS
        CASE WHEN parent_room IS NOT NULL OR room_type_code = '205002000000' THEN 'room_in_flat'
             WHEN object_type_code = '002001009000' OR extract_root ILIKE '%parking%'
                  OR lower(coalesce(name, '')) LIKE 'машино%' OR apartment_type IN ('м/м', 'мм', 'машино-место')
                  THEN 'parking'
             WHEN coalesce(common_property, FALSE)
                  OR regexp_matches(lower(coalesce(name, '')), '({"|".join(COMMON_PROPERTY_NAMES)})') THEN 'common'
             WHEN purpose_code = '206002000000' OR room_type_code = '205001000000'
                  OR apartment_type IN ('кв', 'квартира') THEN 'flat'
             WHEN purpose_code = '206001000000' OR apartment_type IN ('пом', 'помещ', 'помещение', 'офис')
                  THEN 'nonres'
             ELSE 'unknown' END""",
)


def register_match_functions(con: duckdb.DuckDBPyConnection, *, temporary: bool = True) -> None:
    """The address normaliser's macros and the matching keys above on `con`: temporary macros, or stored in the
    database with `temporary=False` (the marts do, so analysts can call them)."""
    register_address_functions(con, temporary=temporary)
    for statement in MACROS:
        if not temporary:
            statement = statement.replace("CREATE OR REPLACE TEMP MACRO", "CREATE OR REPLACE MACRO", 1)
        con.execute(statement)
