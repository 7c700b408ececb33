"""GAR type dictionary: every spelling of an address-part type → its GAR short name and the slot it fills.

Built from the GAR dictionaries copied into `data/` (full names and short names, current and historical)
plus the informal spellings real registries use (`VARIANTS`). The canonical form is the current GAR
SHORTNAME without its trailing dot (`ул.` → `ул`, `пр-кт` stays `пр-кт`), as CONTRACT §1 asks.

Two readings per spelling: as an address object (region … street) and as a building-level part (house …
room). `д` is both деревня and дом, `с` both село and строение; `parse` picks one by position and shape.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

# Slots an address object can fill, in address order.
REGION, DISTRICT, SETTLEMENT, PLANNING, STREET = "region", "district", "settlement", "planning", "street"
# Building-level slots.
HOUSE, KORPUS, STROENIE, LITERA, PREMISE, ROOM = "house", "korpus", "stroenie", "litera", "premise", "room"

OBJECT_KINDS = (REGION, DISTRICT, SETTLEMENT, PLANNING, STREET)
BUILDING_KINDS = (HOUSE, KORPUS, STROENIE, LITERA, PREMISE, ROOM)

# GAR levels are ambiguous (Территория exists on 8 levels); where the level rule in `_kind_from_levels`
# would put a type in the wrong slot, say so here. Keys are canonical short names.
KIND_OVERRIDES: dict[str, str] = {
    "а.окр": REGION, "г.ф.з": REGION, "Чувашия": REGION, "округ": REGION,
    "мкр": PLANNING, "тер": PLANNING, "кв-л": PLANNING, "промзона": PLANNING, "ж/р": PLANNING,
    "жилрайон": PLANNING, "жилзона": PLANNING, "гск": PLANNING, "массив": PLANNING, "зона": PLANNING,
    "пл.р-н": PLANNING, "п/р": PLANNING, "местность": PLANNING,
    "снт": SETTLEMENT, "днп": SETTLEMENT, "с/т": SETTLEMENT, "н/п": SETTLEMENT,
    "с.п": DISTRICT, "г.п": DISTRICT, "с/с": DISTRICT, "с/а": DISTRICT, "с/о": DISTRICT, "с/мо": DISTRICT,
    "с/п": DISTRICT, "волость": DISTRICT,
    "автодорога": STREET,
}

# Informal spellings seen in GIS ZhKKh, EGRN and Reforma text → canonical short name. Keys are matched
# case-insensitively with ё folded to е and the trailing dot ignored.
VARIANTS: dict[str, str] = {
    # objects
    "область": "обл", "обл": "обл", "респ": "респ", "республика": "респ", "край": "край",
    "автономный округ": "а.окр", "ао": "а.окр", "авт. окр": "а.окр",
    "городской округ": "г.о", "го": "г.о", "г.о": "г.о", "г. о": "г.о",
    "муниципальный район": "м.р-н", "м. р-н": "м.р-н", "муниципальный округ": "м.о",
    "район": "р-н", "р-н": "р-н", "р-он": "р-н",
    "сельское поселение": "с.п", "городское поселение": "г.п", "с/п": "с.п",
    "г": "г", "гор": "г", "город": "г",
    "п": "п", "пос": "п", "поселок": "п", "посёлок": "п",
    "пгт": "пгт", "п.г.т": "пгт", "поселок городского типа": "пгт",
    "рп": "рп", "р.п": "рп", "р/п": "рп", "рабочий поселок": "рп",
    "с": "с", "село": "с", "д": "д", "дер": "д", "деревня": "д",
    "ст-ца": "ст-ца", "станица": "ст-ца", "х": "х", "хут": "х", "хутор": "х",
    "снт": "снт", "днп": "днп", "нп": "нп",
    "ул": "ул", "улица": "ул",
    "пр-кт": "пр-кт", "пр-т": "пр-кт", "пр": "пр-кт", "просп": "пр-кт", "пр-кт.": "пр-кт", "проспект": "пр-кт",
    "пркт": "пр-кт",
    "пер": "пер", "пер-к": "пер", "переулок": "пер",
    "б-р": "б-р", "бул": "б-р", "бульв": "б-р", "бульвар": "б-р",
    "ш": "ш", "шоссе": "ш", "наб": "наб", "набережная": "наб", "пл": "пл", "площадь": "пл",
    "пр-д": "пр-д", "проезд": "пр-д", "туп": "туп", "тупик": "туп", "ал": "ал", "аллея": "ал",
    "лн": "лн", "линия": "лн", "мкр": "мкр", "мкрн": "мкр", "мкр-н": "мкр", "микр": "мкр", "микрорайон": "мкр",
    "кв-л": "кв-л", "квартал": "кв-л", "тер": "тер", "территория": "тер", "км": "км", "тракт": "тракт",
    "ж/д_ст": "ж/д ст", "ж/д ст": "ж/д ст",
    # building level
    "д": "д", "дом": "д", "домовладение": "двлд", "влд": "влд", "владение": "влд", "зд": "зд", "здание": "зд",
    "к": "к", "кор": "к", "корп": "к", "корпус": "к",
    "стр": "стр", "строение": "стр", "соор": "соор", "сооружение": "соор",
    "лит": "литера", "литер": "литера", "литера": "литера",
    "кв": "кв", "квартира": "кв", "кварт": "кв",
    "пом": "помещ", "помещ": "помещ", "помещение": "помещ", "нежилое помещение": "помещ",
    "оф": "офис", "офис": "офис",
    "ком": "ком", "комн": "ком", "комната": "ком",
    "м/м": "м/м", "машино-место": "м/м", "машиноместо": "м/м",
}

# Spellings that read as building-level parts (house, korpus …); the rest are address objects. Some
# spellings are in both (`д`: деревня / дом, `с`: село / строение).
BUILDING_VARIANTS: set[str] = {
    "д", "дом", "домовладение", "влд", "владение", "зд", "здание", "к", "кор", "корп", "корпус", "стр",
    "строение", "соор", "сооружение", "лит", "литер", "литера", "кв", "квартира", "кварт", "пом", "помещ",
    "помещение", "нежилое помещение", "оф", "офис", "ком", "комн", "комната", "с", "м/м", "машино-место",
    "машиноместо",
}

# Building-level slot of each canonical short name (GAR house, apartment and room types).
BUILDING_KIND_BY_SHORT: dict[str, str] = {
    "д": HOUSE, "двлд": HOUSE, "влд": HOUSE, "зд": HOUSE, "соор": HOUSE, "шахта": HOUSE,
    "к": KORPUS, "стр": STROENIE, "литера": LITERA,
    "кв": PREMISE, "помещ": PREMISE, "офис": PREMISE, "раб.уч": PREMISE, "скл": PREMISE, "торг. зал": PREMISE,
    "цех": PREMISE, "пав": PREMISE, "г-ж": PREMISE, "м/м": PREMISE,
    "ком": ROOM,
}
# `с.` after a house is строение, never село.
BUILDING_ALTERNATIVES: dict[str, str] = {"с": "стр"}

# One-letter GAR spellings too ambiguous to trust (`м.` местечко, `у.` улус, `ю.` юрты).
EXCLUDED_ALIASES = {"м", "у", "ю", "п/о", "а/я", "з/у", "жт"}

FEDERAL_CITIES = ("москва", "санкт-петербург", "севастополь", "байконур")


@dataclass(frozen=True)
class TypeEntry:
    """One spelling of a type and its two readings (either may be None)."""

    alias: str
    object_short: str | None
    object_kind: str | None
    building_short: str | None
    building_kind: str | None


def alias_key(spelling: str) -> str:
    """Lookup key of a type spelling: lower-case, ё→е, no spaces, no trailing dot."""
    return "".join(spelling.lower().replace("ё", "е").split()).rstrip(".")


def spelling_form(spelling: str) -> str:
    """How a spelling is matched in text: lower-case, ё→е, single spaces, no trailing dot."""
    return " ".join(spelling.lower().replace("ё", "е").split()).rstrip(".")


def canonical_short(gar_shortname: str) -> str:
    return gar_shortname.strip().rstrip(".")


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _kind_from_levels(levels: set[int]) -> str | None:
    if levels & {5, 6}:
        return SETTLEMENT
    if levels & {2, 3, 4}:
        return DISTRICT
    if 8 in levels:
        return STREET
    if 7 in levels:
        return PLANNING
    if 1 in levels:
        return REGION
    return None


def _kind_of(short: str, levels: set[int]) -> str | None:
    if short in KIND_OVERRIDES:
        return KIND_OVERRIDES[short]
    if short.startswith("тер"):  # тер. СНТ, тер. ГСК …: planning-structure elements
        return PLANNING
    return _kind_from_levels(levels)


@lru_cache(maxsize=1)
def gar_object_types() -> dict[str, tuple[str, str]]:
    """alias key → (canonical short, kind) for every GAR address-object type name and short name."""
    # Levels 13-16 are the obsolete FIAS levels; their spellings are still aliases but never canonical.
    rows = [r for r in _read("AS_ADDR_OBJ_TYPES.csv") if r["ISACTIVE"] == "true"]
    by_name: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_name.setdefault(alias_key(r["NAME"]), []).append(r)
    canon: dict[str, str] = {}
    kinds: dict[str, str | None] = {}
    for name, rs in by_name.items():
        current = [r for r in rs if int(r["LEVEL"]) < 13] or rs
        latest = max(current, key=lambda r: (r["ENDDATE"], int(r["LEVEL"])))
        short = canonical_short(latest["SHORTNAME"])
        canon[name] = short
        kinds[name] = _kind_of(short, {int(r["LEVEL"]) for r in current})
    out: dict[str, tuple[str, str]] = {}
    # A short name used by several GAR names belongs to the name whose canonical short it is.
    for name, rs in by_name.items():
        kind = kinds[name]
        if kind is None or "(" in name:
            continue
        out.setdefault(name, (canon[name], kind))
        for r in sorted(rs, key=lambda r: r["ENDDATE"], reverse=True):
            key = alias_key(r["SHORTNAME"])
            owner = next((n for n in by_name if canon[n].lower() == key), None)
            if owner is None or owner == name:
                out.setdefault(key, (canon[name], kind))
    return out


def _building_shorts() -> dict[str, str]:
    """alias key → canonical short for GAR house, apartment and room types."""
    out: dict[str, str] = {}
    for fname in ("AS_HOUSE_TYPES.csv", "AS_APARTMENT_TYPES.csv", "AS_ROOM_TYPES.csv"):
        for r in _read(fname):
            if not r["SHORTNAME"]:
                continue
            short = canonical_short(r["SHORTNAME"])
            out.setdefault(alias_key(r["NAME"]), short)
            out.setdefault(alias_key(r["SHORTNAME"]), short)
    return out


@lru_cache(maxsize=1)
def type_dictionary() -> dict[str, TypeEntry]:
    """Every known spelling (alias key) → its object and building readings."""
    objects = dict(gar_object_types())
    kind_of_short = {short: kind for short, kind in objects.values()}
    for spelling, short in VARIANTS.items():
        if spelling in BUILDING_VARIANTS:
            continue
        kind = KIND_OVERRIDES.get(short) or kind_of_short.get(short)
        if kind is not None:
            objects[alias_key(spelling)] = (short, kind)

    buildings = {k: s for k, s in _building_shorts().items() if s in BUILDING_KIND_BY_SHORT}
    for spelling in BUILDING_VARIANTS:
        short = BUILDING_ALTERNATIVES.get(spelling) or VARIANTS[spelling]
        buildings[alias_key(spelling)] = short
    # GAR object short names that are also building words (`стр` Строение) read as building parts only.
    for key in list(objects):
        if key in buildings and key not in ("д", "с", "г-ж"):
            del objects[key]

    out: dict[str, TypeEntry] = {}
    for key in sorted(set(objects) | set(buildings)):
        if key in EXCLUDED_ALIASES or not key:
            continue
        o_short, o_kind = objects.get(key, (None, None))
        b_short = buildings.get(key)
        out[key] = TypeEntry(key, o_short, o_kind, b_short, BUILDING_KIND_BY_SHORT.get(b_short) if b_short else None)
    return out


@lru_cache(maxsize=1)
def type_spellings() -> dict[str, str]:
    """Every written form (with its spaces, e.g. `городской округ`) → its alias key."""
    forms: list[str] = []
    for fname in ("AS_ADDR_OBJ_TYPES.csv", "AS_HOUSE_TYPES.csv", "AS_APARTMENT_TYPES.csv", "AS_ROOM_TYPES.csv"):
        forms += [r["NAME"] for r in _read(fname)] + [r["SHORTNAME"] for r in _read(fname)]
    forms += list(VARIANTS)
    known = type_dictionary()
    out: dict[str, str] = {}
    for form in forms:
        key = alias_key(form)
        if key in known and "(" not in form:
            out.setdefault(spelling_form(form), key)
            out.setdefault(key, key)
    return out


def gar_short_names() -> set[str]:
    """All canonical short names present in the GAR files (for checking our hand-written tables)."""
    names = {canonical_short(r["SHORTNAME"]) for r in _read("AS_ADDR_OBJ_TYPES.csv")}
    for fname in ("AS_HOUSE_TYPES.csv", "AS_APARTMENT_TYPES.csv", "AS_ROOM_TYPES.csv"):
        names |= {canonical_short(r["SHORTNAME"]) for r in _read(fname) if r["SHORTNAME"]}
    return names
