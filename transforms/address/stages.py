"""The address parse as an ordered list of named stages, each a small SELECT (chained as CTEs).

    addresses      each distinct address once, numbered
    parts          its comma-separated parts, with their position
    part_texts     each distinct part text once — the typing below runs per distinct text, so the
                   thousands of `обл. Свердловская` cost one parse
    cleaned        text fixes that make the comma structure reliable (`д.25 кор.1` → `д. 25, кор. 1`)
    pieces         the cleaned text split again where the fixes added commas
    spelled        each piece's type spelling, before the name (`ул. Ленина`) or after it (`Ленина ул`)
    typed          the spelling looked up in the GAR type dictionary; numbers in normal form
    piece_values   what each typed piece would write into an output column
    address_pieces the typed pieces back on their addresses, in order
    positions      where each address's first street, settlement and bare name are
    resolved       the slot each piece fills (`д.` after a street is дом)
    assigned       per address, the candidate pieces for each output column
    parsed         the output columns, one row per input row, in input order

`source` (the rows to parse: `address_row`, `input`) is the only input. `parse_addresses` and the SQL table
macro `address_parse_table` run the stages over a whole column; the scalar macro `address_parse(text)`
runs the very same SQL over a one-row source as a correlated subquery. No Python runs per row.

Decisions (CONTRACT §1 leaves them open):
- names are kept as written — ё, «им.», ordinal place — and folded only by `street_key`;
- `д.` is дом when its value starts with a digit or it follows a street, else деревня; `с.` likewise
  строение / село;
- with a street present, the settlement is the last settlement part before it (an earlier city goes to
  `district` when that is empty: `г. Березовский, п. Монетный, ул. …`); without a street, the first
  settlement part is the settlement and a second one fills the street slot (`г. Екатеринбург, снт. Медный`);
- a room written after a flat (`кв. 28, комн. 1`) is reported as `room` (not a contract column); a room
  alone is the premise (`premise_type` `ком`);
- household notations: a house then a bare number after a space or spaced dash is house and flat
  (`д.14 10`, `д. 8 - 47`; an unspaced `16-18` is a double house number); `кв./оф.`, `корп./стр.` keep the
  first word; `Дом: 24;` colons and bracketed notes (`Квартира (офис)`) go; entrances and floors are dropped;
  a settlement type after a capitalised name or a district word starts a new part (`Хабаровский р-н с. Калинка`);
- house/premise numbers: upper-case, no spaces/hyphens/dots/`№`, leading zeros dropped, Latin look-alikes
  in Cyrillic, letters where written (`Н1` stays `Н1`), Roman numerals kept (`I`); `premise_number_key`
  folds the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.address import types as T
from transforms.address.premise_number import EXOTIC_SPACES, number_normal_form_steps
from transforms.address.sqltext import Steps, chain, q

PARSED_COLUMNS = (
    "region", "district", "settlement_type", "settlement", "street_type", "street",
    "house", "korpus", "stroenie", "litera", "premise_type", "premise",
)
EXTRA_COLUMNS = ("room",)

# Building-level words that may follow a house number in the same comma part (`д. 25 кор. 1`).
MARKERS = (
    "дом", "д", "корпус", "корп", "кор", "к", "строение", "стр", "литера", "литер", "лит",
    "квартира", "кв", "помещение", "помещ", "пом", "комната", "комн", "ком", "офис", "оф",
)
STREET_WORDS = ("ул", "улица", "пер", "переулок", "пр-кт", "проспект", "б-р", "бульвар", "ш", "шоссе")
STREET_ABBREVIATIONS = ", ".join(q(a) for a in (
    "пер", "пр-кт", "пр-т", "просп", "пр", "б-р", "ш", "пл", "наб", "туп", "пр-д", "ал", "лн", "мкр", "тер", "кв-л"))
GLUED_MARKERS = ("дом", "д", "корп", "к", "стр", "лит", "кв", "пом", "оф")
LETTERS = "А-Яа-яЁёA-Za-z"
NUMBER_LIKE_RE = f"[0-9]+ ?-?[{LETTERS}]?( ?/ ?[0-9]+ ?-?[{LETTERS}]?)?"
TRAILING_HOUSE_RE = f"^(.*[^ ]) ([0-9]+ ?[{LETTERS}]?( ?/ ?[0-9]+ ?[{LETTERS}]?)?)$"
# Reforma noise: a stray `д.` before the city (`д. г. Екатеринбург`)
STRAY_D_RE = "(?i)^ ?д\\.? ((г|гор|город|п|пос|с)\\.? )"
REGION_TYPE_TWICE_RE = "(?i) (область|обл|край|республика|респ)\\.?$"
COUNTRY_NAMES = ("российская федерация", "россия", "рф")
BUILDING = ", ".join(q(k) for k in T.BUILDING_KINDS)  # SQL list of the building-level slots
# Every slot a piece can be given, as a one-byte ENUM: pieces are many, and compare by byte, not string.
KIND = "ENUM(" + ", ".join(q(k) for k in (
    *T.OBJECT_KINDS, *T.BUILDING_KINDS, "federal", "number", "name", "marker")) + ")"
NO_STREET = "1000000000"  # an `ord` after every piece (ord < 10^6: part position · 100 + piece)


def _alias_regex() -> str:
    """Alternation of every type spelling, longest first (RE2 takes the first alternative that fits)."""
    spelled = []
    for form in sorted(T.type_spellings(), key=lambda k: (-len(k), k)):
        # A dot inside a spelling may be followed by a space (`г. о.`, `тер. СНТ`).
        spelled.append(re.escape(form).replace(r"\.", r"\. ?").replace(r"\ ", " "))
    return "(" + "|".join(spelled) + ")"


def _types_values() -> str:
    """The GAR type dictionary as an inline table (alias, os, ok, bs, bk): object and building readings."""
    def lit(v):
        return q(v) if v is not None else "NULL"
    rows = ", ".join(
        f"({q(k)}, {lit(e.object_short)}, {lit(e.object_kind)}, {lit(e.building_short)}, {lit(e.building_kind)})"
        for k, e in T.type_dictionary().items()
    )
    return f"SELECT * FROM (VALUES {rows}) AS v(alias, os, ok, bs, bk)"


@dataclass(frozen=True)
class Stage:
    """One named step of the parse: a SELECT over earlier stages (referred to by name)."""

    name: str
    select: str
    materialized: bool | None = None  # False: recompute where used rather than hold it in memory

    def cte(self) -> str:
        hint = {None: "", False: "NOT MATERIALIZED ", True: "MATERIALIZED "}[self.materialized]
        return f"{self.name} AS {hint}({self.select})"


# Settlement types that may follow a district (or a region) in the same comma part, lower-case as written
# there (`Хабаровский р-н с. Калинка`, `городской округ город Екатеринбург поселок Шабровский`).
SETTLEMENT_WORDS = ("г", "город", "п", "пос", "поселок", "посёлок", "пгт", "рп", "с", "село", "д", "дер",
                    "деревня", "ст-ца", "станица", "х", "хутор", "снт", "ст", "станция")
REGION_DISTRICT_WORDS = ("край", "обл", "область", "р-н", "район")
# Parts that name no address object: entrance and floor (`подъезд 2`, `3 подъезд`, `эт. 5`).
DROPPED_RE = ("(?i)(^|[ ,])(подъезд|под|этаж|эт)\\.? ?[0-9]+|(^|,) ?[0-9]+ ?-?й? (подъезд|этаж)"
              "|(^|[ ,])(корпус|корп|к|строение|стр|литер|лит)\\.? нет([ ,]|$)")


def clean_passes() -> list[tuple[str, str]]:
    """The cleaning rewrites, in order, as (RE2 pattern, rewrite)."""
    # Alternatives are listed longest first: RE2 takes the first one that fits (`кв` must not be read as `к`).
    markers = "|".join(sorted(MARKERS, key=len, reverse=True))
    glued = "|".join(sorted(GLUED_MARKERS, key=len, reverse=True))
    streets = "|".join(sorted(STREET_WORDS, key=len, reverse=True))
    settlements = "|".join(sorted(SETTLEMENT_WORDS, key=len, reverse=True))
    regions = "|".join(sorted(REGION_DISTRICT_WORDS, key=len, reverse=True))
    korpus_stroenie = "корпус|корп|кор|к|строение|стр|с|литера|литер|лит"
    # a building-level number: `14`, `14а`, `14/2`, `52/1б` (a letter only attached: `к. 1 и 2` is a list)
    house = f"[0-9]+[{LETTERS}]?(?:/[0-9]+[{LETTERS}]?)?"
    # a comma before a building-level word that continues a part: `д. 13 кв. 7`, `пом.I`, `д. 25 лит. А`
    # (a letter value needs a dot or space before it: `Коми респ` is not `ком. и`). Run twice: a letter
    # value takes the space after it, which the next word (`литер А кв. 3`) needs; the comma goes in
    # without a space so that the second run does not take the first word again.
    marker_comma = (f"(?i) +({markers})\\.? ?([0-9]|[IVX]+(?:[ ,]|$))"
                    f"| +({markers})(?:\\. ?| )([{LETTERS}][0-9]?(?:[ ,]|$))", ",\\1\\3 \\2\\4")
    # Where one pass holds several rules as alternatives, unmatched groups rewrite to '', so one rewrite
    # string serves them all. (Cleaning runs once per distinct part text, so it is cheap either way.)
    return [
        # odd spaces, `№`, key-value colons (`Дом: 24`), notes in brackets («(дубль 1)», «Квартира (офис)»,
        # cut by a comma: «(Цветаевой») → one space
        (f" *(?:[{EXOTIC_SPACES}№#:)]|\\([^)]*(?:\\)|$))+ *| {{2,}}", " "),
        # a backslash between numbers is a slash (`д. 29\2`)
        ("\\\\", "/"),
        # a space where a type is glued to what follows: `г.Екатеринбург`, `д.25` (not `г.о.`), `кв5`
        (f"([{LETTERS}]\\.)([{LETTERS}]{{2,}}|[0-9])|(?i:(^|[ ,])({glued}))([0-9])", "\\1\\3\\4 \\2\\5"),
        # two building words for one value: the first is kept (`кв./оф. 12` flat, `корп./стр. 1` korpus);
        # a doubled `д.д. 12` is дом
        (f"(?i)(^|[ ,])({markers})\\.? ?/ ?(?:{markers})\\.? ?([0-9]|[{LETTERS}](?:[ ,]|$)|$)", "\\1\\2 \\3"),
        ("(?i)(^|[ ,])д\\. ?д\\.? ?([0-9])", "\\1д. \\2"),
        # `литерА`: the letter glued to the word (upper-case, so not the word `литера`)
        ("(^|[ ,])([Лл]итер|[Лл]ит)\\.?([А-ЯЁ])([ ,]|$)", "\\1\\2 \\3\\4"),
        marker_comma,
        marker_comma,
        # korpus/stroenie/litera glued to the house number: `5к2`, `12 стр 3`, `21 кА`, `5литер А`
        # (a letter only at the end)
        (f"(?i)([0-9]) ?({korpus_stroenie})\\.? ?([0-9]|[{LETTERS}](?:,|$))", "\\1, \\2 \\3"),
        # entrance, floor, `к. нет`: dropped (an empty piece is skipped)
        (DROPPED_RE, ","),
        # a house with its flat after a space or a spaced dash, no flat word: `д.14 10`, `д. 8 - 47`,
        # `14а -10`. A dash without spaces is not read so: registries write double house numbers that way
        # (`д. 16-18`, `д. 21-23`)
        # (also after a korpus or stroenie: `д. 14 к. 2 - 10`)
        (f"(?i)(^ ?|, ?)((?:дом|д|корпус|корп|к|строение|стр)\\.? ?)?({house})(?: +-? *| *- +)([0-9]+)$",
         "\\1\\2\\3, кв \\4"),
        # a street type inside a settlement part: `г Екатеринбург ул Ольховская`
        (f"([а-яё]{{2}}) ({streets})\\.? ([А-ЯЁ0-9])", "\\1, \\2 \\3"),
        # a settlement type after a district or region in one part: `Хабаровский р-н с. Калинка`
        # (after a capitalised name or a district/region word only: `городской округ город Екатеринбург`
        # is one name)
        (f"([А-ЯЁ][а-яё-]+|р-н|р-он|район|обл|область|край) ({settlements})\\.? ?([А-ЯЁ])", "\\1, \\2. \\3"),
        # a district after a region written type-last in one part: `Хабаровский край Хабаровский р-н`
        # (after a capitalised name only: `муниципальный район Тюменский` is one part)
        (f"([А-ЯЁ][а-яё-]+) ({regions})\\.? ([А-ЯЁ])", "\\1 \\2, \\3"),
        # Reforma noise: a stray `д.` before the city (`д. г. Екатеринбург`)
        (STRAY_D_RE, "\\1"),
    ]


def _clean_text(col: str) -> str:
    text = col
    for pattern, rewrite in clean_passes():
        text = f"regexp_replace({text}, {q(pattern)}, {q(rewrite)}, 'g')"
    return text


def type_patterns() -> tuple[str, str]:
    """RE2 patterns finding a piece's type spelling before the name (with an ordinal that may precede it)
    and after the name; both on the lower-cased, ё-folded piece."""
    aliases = _alias_regex()
    return f"^([0-9]+-?[а-я]{{0,3}} )?{aliases}(\\. ?| |$)", f" {aliases}\\.?$"


def _spelled_steps() -> Steps:
    # Group 0 only: RE2 finds match bounds with its fast DFA; sub-groups over ~700 alternatives are slow.
    prefix, suffix = type_patterns()
    return [
        ("low", "replace(lower(piece), 'ё', 'е')"),
        ("head", f"regexp_extract(low, {q(prefix)})"),
        ("tail_any", f"regexp_extract(low, {q(suffix)})"),
        # Both ends can spell a type (`Набережная ул`, `улица Набережная`): the name is the other word.
        # The end written as `ул`/`улица`, or a street abbreviation against a full word, is the type.
        ("tail", f"CASE WHEN head = '' THEN tail_any "
                 f"WHEN tail_any <> '' AND (trim(tail_any, ' .') IN ('ул', 'улица') "
                 f"  OR (NOT contains(head, '.') AND trim(head) NOT IN ('улица', 'ул') AND length(trim(head)) >= 5 "
                 f"      AND trim(tail_any, ' .') IN ({STREET_ABBREVIATIONS}))) "
                 f"THEN tail_any ELSE '' END"),
        ("head_used", "CASE WHEN tail <> '' THEN '' ELSE head END"),
        # an ordinal before the type (`8-я улица Соколиной Горы`) belongs to the name
        ("ord", "CASE WHEN regexp_matches(head_used, '^[0-9]') "
                "THEN regexp_extract(head_used, '^[0-9]+-?[а-я]{0,3} ') ELSE '' END"),
        ("alias", "replace(CASE WHEN head_used <> '' THEN rtrim(substr(head_used, length(ord) + 1), ' .') "
                  "WHEN tail <> '' THEN trim(tail, ' .') END, ' ', '')"),
        ("name", "trim(CASE WHEN head_used <> '' THEN concat_ws(' ', nullif(trim(substr(piece, 1, length(ord))), ''), "
                 "substr(piece, length(head_used) + 1)) "
                 "WHEN tail <> '' THEN substr(piece, 1, length(piece) - length(tail)) ELSE piece END, ' .')"),
    ]


def _typed_steps() -> Steps:
    countries = ", ".join(q(c) for c in COUNTRY_NAMES)
    federal = ", ".join(q(c) for c in T.FEDERAL_CITIES)
    return [
        ("skip", f"regexp_full_match(piece, '[0-9]{{6}}') OR low IN ({countries})"),
        ("digit_start", "regexp_matches(name, '^[0-9]')"),
        ("number_like", f"regexp_full_match(name, {q(NUMBER_LIKE_RE)})"),
        ("number_text", "CASE WHEN bk IS NOT NULL OR digit_start THEN name END"),
        *number_normal_form_steps("number_text", "num"),
        # The slot by the piece's own shape: `д. 5` дом, `д. Гора` деревня. `after_street_kind` is the
        # reading a non-numeric `д.`/`с.` takes after a street (дом/строение).
        # A type with no name (`ул. ,`) fills nothing but still marks where the street is.
        ("shape_kind", "CASE WHEN name = '' THEN 'marker' "
                       "WHEN bk IS NOT NULL AND ok IS NOT NULL THEN CASE WHEN digit_start THEN bk ELSE ok END "
                       "WHEN bk IS NOT NULL THEN bk WHEN ok IS NOT NULL THEN ok "
                       "WHEN number_like THEN 'number' ELSE 'name' END"),
        ("kind", f"CASE WHEN shape_kind IN ('settlement', 'region', 'name') "
                 f"AND replace(lower(name), 'ё', 'е') IN ({federal}) AND coalesce(os, 'г') IN ('г', 'г.ф.з') "
                 f"THEN 'federal' ELSE shape_kind END"),
        ("short", f"CASE WHEN shape_kind IN ({BUILDING}) THEN bs ELSE os END"),
        ("after_street_kind", "CASE WHEN bk IS NOT NULL AND ok IS NOT NULL AND NOT digit_start AND name <> '' "
                              "AND num IS NOT NULL THEN bk END"),
        # `Московская область обл`: the type written twice
        ("clean_name", f"CASE WHEN kind = 'region' THEN regexp_replace(name, {q(REGION_TYPE_TWICE_RE)}, '') "
                       f"ELSE name END"),
    ]



def stages() -> list[Stage]:
    """The parse, in order. Each stage reads only stages above it."""
    return [
        Stage("addresses",
              "SELECT input, (row_number() OVER ())::INTEGER AS aid "
              "FROM (SELECT DISTINCT input FROM source WHERE input IS NOT NULL)"),
        Stage("parts",
              "SELECT aid, unnest(l) AS raw, generate_subscripts(l, 1) AS pos "
              "FROM (SELECT aid, string_split(replace(input, ';', ','), ',') AS l FROM addresses)",
              materialized=False),
        Stage("part_texts", "SELECT DISTINCT raw FROM parts"),
        Stage("cleaned", f"SELECT raw, string_split({_clean_text('raw')}, ',') AS l FROM part_texts"),
        Stage("pieces",
              "SELECT * FROM (SELECT raw, trim(unnest(l), ' .') AS piece, generate_subscripts(l, 1) AS sub "
              "FROM cleaned) WHERE piece <> ''"),
        Stage("spelled", chain("SELECT * FROM pieces", _spelled_steps())),
        Stage("typed", f"SELECT (row_number() OVER ())::INTEGER AS tid, raw, sub, clean_name AS name, num, kind::{KIND} AS kind, "
                       f"short, after_street_kind::{KIND} AS after_street_kind, bs AS after_street_short, "
                       f"ok = 'street' AS is_street FROM ("
                       + chain(f"SELECT s.*, t.os, t.ok, t.bs, t.bk FROM spelled s "
                               f"LEFT JOIN ({_types_values()}) t USING (alias)", _typed_steps())
                       + f") WHERE NOT skip AND (num IS NOT NULL OR kind NOT IN ({BUILDING}, 'number'))"),
        # What a chosen piece writes: its plain reading (pid = 2·tid) and, for `д.`/`с.` after a street,
        # its дом/строение reading (pid = 2·tid + 1). Slots carry only pids until the end.
        Stage("piece_values",
              f"SELECT tid * 2 AS pid, kind, short, CASE WHEN kind IN ({BUILDING}, 'number') THEN num ELSE name END "
              f"AS value FROM typed UNION ALL "
              f"SELECT tid * 2 + 1, after_street_kind, after_street_short, num FROM typed "
              f"WHERE after_street_kind IS NOT NULL"),
        Stage("address_pieces",
              "SELECT p.aid, (least(p.pos, 9999) * 100 + least(t.sub, 99))::INTEGER AS ord, t.tid, t.kind, "
              "t.after_street_kind, t.is_street "
              "FROM parts p JOIN typed t USING (raw)"),
        # Where the first street, settlement, bare name and federal city are.
        Stage("positions",
              f"SELECT aid, coalesce(min(CASE WHEN is_street THEN ord END), {NO_STREET}) AS street_ord, "
              "min(CASE WHEN kind = 'settlement' THEN ord END) AS settlement_ord, "
              "min(CASE WHEN kind = 'name' THEN ord END) AS name_ord, "
              "min(CASE WHEN kind = 'federal' THEN ord END) AS federal_ord "
              "FROM address_pieces GROUP BY aid"),
        Stage("resolved", chain(
            "SELECT aid, ord, street_ord, settlement_ord, name_ord, federal_ord, "
            "CASE WHEN switched THEN after_street_kind ELSE kind END AS kind, "
            "tid * 2 + CASE WHEN switched THEN 1 ELSE 0 END AS pid "
            "FROM (SELECT a.*, f.street_ord, f.settlement_ord, f.name_ord, f.federal_ord, "
            "  a.after_street_kind IS NOT NULL AND a.ord > f.street_ord AS switched "
            "  FROM address_pieces a JOIN positions f USING (aid))",
            _rank_steps())),
        Stage("assigned", _assigned()),
        Stage("parsed", _parsed()),
    ]


# Rank bands: within a band pieces keep address order; a lower band wins. Everything stays INTEGER (4 bytes
# per value over millions of pieces).
BAND = "10000000"


def _rank_steps() -> Steps:
    """Per piece, its rank as candidate for each output column (NULL: not a candidate), so that each
    column is one `arg_min` over integers — cheap, where a FILTERed aggregate per rule was not.

    Settlement: with a street, the last settlement piece before it, else a later settlement piece, else a
    bare name before the street (`Москва г, Троицк, ул. Нагорная`), else the federal city; without a
    street, the first settlement piece, else the federal city, else the first bare name.
    Street: the first street piece; without one a planning piece (`мкр.`, `тер.`), else the settlement
    piece after the first one (`г. Екатеринбург, снт. Медный, д. 1`), else a bare name the settlement did
    not take. District: a district piece, else — with a street and two settlement pieces before it — the
    first of them (`г. Березовский, п. Монетный, ул. …`). House: a house piece, else a bare number."""
    has_street = f"street_ord < {NO_STREET}"
    name_is_settlement = "settlement_ord IS NULL AND federal_ord IS NULL AND ord = name_ord"
    return [
        ("region_rank", f"CASE kind WHEN 'region' THEN ord WHEN 'federal' THEN {BAND} + ord END"),
        ("district_rank", f"CASE WHEN kind = 'district' THEN ord "
                          f"WHEN kind = 'settlement' AND {has_street} AND ord < street_ord THEN {BAND} + ord END"),
        ("settlements_before", "kind = 'settlement' AND ord < street_ord"),
        ("settlement_rank", f"CASE WHEN {has_street} THEN CASE "
                            f"WHEN kind = 'settlement' AND ord < street_ord THEN {BAND} - ord "
                            f"WHEN kind = 'settlement' THEN {BAND} + ord "
                            f"WHEN kind = 'name' AND ord < street_ord THEN 2 * {BAND} + ord "
                            f"WHEN kind = 'federal' THEN 3 * {BAND} + ord END "
                            f"ELSE CASE kind WHEN 'settlement' THEN ord WHEN 'federal' THEN {BAND} + ord "
                            f"WHEN 'name' THEN 2 * {BAND} + ord END END"),
        ("street_rank", f"CASE WHEN kind = 'street' THEN ord WHEN {has_street} THEN NULL "
                        f"WHEN kind = 'planning' THEN {BAND} + ord "
                        f"WHEN kind = 'settlement' AND ord > settlement_ord THEN 2 * {BAND} + ord "
                        f"WHEN kind = 'name' AND NOT ({name_is_settlement}) THEN 3 * {BAND} + ord END"),
        ("house_rank", f"CASE kind WHEN 'house' THEN ord WHEN 'number' THEN {BAND} + ord END"),
        ("premise_rank", f"CASE kind WHEN 'premise' THEN ord WHEN 'room' THEN {BAND} + ord END"),
    ]


SLOTS = {  # output slot → its rank
    "region": "region_rank",
    "district": "district_rank",
    "settlement": "settlement_rank",
    "street": "street_rank",
    "house": "house_rank",
    "korpus": "CASE WHEN kind = 'korpus' THEN ord END",
    "stroenie": "CASE WHEN kind = 'stroenie' THEN ord END",
    "litera": "CASE WHEN kind = 'litera' THEN ord END",
    "premise": "premise_rank",
    "room": "CASE WHEN kind = 'room' THEN ord END",
}


def _assigned() -> str:
    """Per address, the winning piece (pid) for each output column: one integer `arg_min` each."""
    select = ", ".join(f"arg_min(pid, {rank}) AS {slot}" for slot, rank in SLOTS.items())
    return (f"SELECT aid, {select}, count(CASE WHEN settlements_before THEN 1 END) AS settlements_before "
            f"FROM resolved GROUP BY aid")


def _parsed() -> str:
    """The output columns, one row per input row. A number ending the street name is the house when no
    other is given (`ул.Ольховская 25 /1`)."""
    joins = " ".join(f"LEFT JOIN piece_values {slot}_v ON {slot}_v.pid = a.{slot}" for slot in SLOTS)
    values = ", ".join(f"{slot}_v.kind AS {slot}_kind, {slot}_v.short AS {slot}_short, {slot}_v.value AS {slot}_value"
                       for slot in SLOTS)
    slots = chain(f"SELECT a.aid, a.settlements_before, {values} FROM assigned a {joins}", [
        ("tail", f"CASE WHEN house_value IS NULL THEN "
                 f"regexp_extract(street_value, {q(TRAILING_HOUSE_RE)}, ['name', 'house']) END"),
        ("tail_text", "nullif(tail.house, '')"),
        *number_normal_form_steps("tail_text", "tail_house"),
    ])
    return (
        "SELECT s.address_row, s.input, a.region_value AS region, "
        "CASE WHEN a.district_kind = 'district' OR a.settlements_before >= 2 THEN a.district_value END AS district, "
        "CASE a.settlement_kind WHEN 'federal' THEN 'г' ELSE a.settlement_short END AS settlement_type, "
        "a.settlement_value AS settlement, a.street_short AS street_type, "
        "CASE WHEN a.tail_house IS NOT NULL THEN a.tail.name ELSE a.street_value END AS street, "
        "coalesce(a.house_value, a.tail_house) AS house, a.korpus_value AS korpus, a.stroenie_value AS stroenie, "
        "a.litera_value AS litera, a.premise_short AS premise_type, a.premise_value AS premise, "
        "CASE WHEN a.premise_kind = 'premise' THEN a.room_value END AS room "
        f"FROM source s LEFT JOIN addresses d ON d.input = s.input LEFT JOIN ({slots}) a ON a.aid = d.aid"
    )


def pipeline_sql(source: str, *, ordered: bool = True) -> str:
    """The stages as one query over `source` (a SELECT giving `address_row`, `input`); rows in
    `address_row` order unless `ordered=False` (the caller sorts)."""
    ctes = ", ".join(st.cte() for st in stages())
    # `source` is read twice (distinct addresses, then every row): re-reading beats holding a copy.
    return (f"WITH source AS NOT MATERIALIZED ({source}), {ctes} SELECT * FROM parsed"
            + (" ORDER BY address_row" if ordered else ""))


def stage_rows(con, address: str) -> dict[str, list[dict]]:
    """Each stage's rows for one address — for debugging a parse (`con` needs the address macros)."""
    out: dict[str, list[dict]] = {}
    done: list[str] = ["source AS (SELECT 1 AS address_row, ?::VARCHAR AS input)"]
    for st in stages():
        done.append(st.cte())
        cur = con.execute(f"WITH {', '.join(done)} SELECT * FROM {st.name}", [address])
        cols = [d[0] for d in cur.description]
        out[st.name] = [dict(zip(cols, r)) for r in cur.fetchall()]
    return out
