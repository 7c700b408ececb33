"""Address texts: the spellings GIS ZhKKh exports and EGRN extracts use for the same house.

The model keeps one canonical address per house; this module renders it per management organisation style
(GIS) and per extract (EGRN), and makes the street-name differences real data has: «ё» vs «е», typos, «им.»,
ordinals, type before or after the name.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .reference import type_full_names

# Streets whose official name has «ё» while many exports write «е».
YO = {"Пугачев": "Пугачёв", "Озерн": "Озёрн", "Зелен": "Зелён", "Березов": "Берёзов", "Звездн": "Звёздн",
      "Новосел": "Новосёл", "Королев": "Королёв", "Федоров": "Фёдоров", "Семенов": "Семёнов", "Артем": "Артём",
      "Соловьев": "Соловьёв", "Черемуш": "Черёмуш", "Хрущев": "Хрущёв", "Дежнев": "Дежнёв",
      "Ковалев": "Ковалёв"}

_PERSON_END = re.compile(r"(ого|ова|ева|ёва|ина|ына|ича)$")
_PERSON_TWO = re.compile(r"^(Розы|Карла|Академика|Маршала|Адмирала|Героев|Генерала|Космонавта|Летчика|Степана|Ивана|"
                         r"Вали|Зои|Павлика|Николая|Максима|Петра|Сони|Ольги|Мусы|Юлиуса|Мамина)\b")
_LEADING_NUMBER = re.compile(r"^(\d{1,3}) ([А-ЯЁа-яё].*)$")
_TRAILING_ORDINAL = re.compile(r"^(.+) (\d{1,2}-[яй])$")

ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
         "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV", "XXVI", "XXVII", "XXVIII", "XXIX", "XXX"]

SETTLEMENT_DOTTED = {"г": "г.", "п": "п.", "с": "с.", "рп": "рп.", "пгт": "пгт.", "д": "д.", "мкр": "мкр."}
SETTLEMENT_POS = {"г": "г.", "п": "пос.", "с": "с.", "рп": "р.п.", "пгт": "пгт", "д": "дер.", "мкр": "мкр."}


def has_yo_variant(street: str) -> bool:
    return any(key in street for key in YO)


def with_yo(street: str) -> str:
    for plain, dotted in YO.items():
        if plain in street:
            return street.replace(plain, dotted)
    return street


def is_person_street(street: str) -> bool:
    return bool(_PERSON_END.search(street) or _PERSON_TWO.search(street)) and not street[0].isdigit()


def ordinal_variant(street: str, choice: int) -> str | None:
    """«8 Марта» → «8-го Марта» / «VIII Марта»; «Строительная 2-я» → «2-я Строительная»; None if not numbered."""
    if m := _LEADING_NUMBER.match(street):
        number, rest = int(m.group(1)), m.group(2)
        variants = [f"{number}-го {rest}", f"{number}-е {rest}"]
        if number < len(ROMAN):
            variants.append(f"{ROMAN[number]} {rest}")
        return variants[choice % len(variants)]
    if m := _TRAILING_ORDINAL.match(street):
        return f"{m.group(2)} {m.group(1)}"
    return None


def typo(street: str, choice: int) -> str:
    """A realistic slip: «Озерный» → «Озернй», a dropped or doubled letter, two letters swapped."""
    if "ый" in street and choice % 4 == 0:
        return street.replace("ый", "й", 1)
    letters = [i for i, ch in enumerate(street) if ch.isalpha() and ch.islower()]
    if len(letters) < 4:
        return street + street[-1]
    i = letters[1 + choice % (len(letters) - 2)]
    kind = choice % 3
    if kind == 0:
        return street[:i] + street[i + 1:]
    if kind == 1:
        return street[:i] + street[i] + street[i:]
    j = i + 1 if i + 1 < len(street) and street[i + 1].isalpha() else i - 1
    a, b = sorted((i, j))
    return street[:a] + street[b] + street[a] + street[b + 1:]


def street_variants(rng: np.random.Generator, houses: pd.DataFrame, rates: dict[str, float],
                    force: bool = False) -> pd.DataFrame:
    """Columns street_gis, street_egrn and the house-level street noise tags (list per house).

    `force`: every kind of street noise with a non-zero rate shows on at least one eligible house."""
    n = len(houses)
    street = houses["street"].to_numpy(object)
    gis = street.copy()
    egrn = street.copy()
    tags = [[] for _ in range(n)]
    u = rng.random((n, 5))
    choice = rng.integers(0, 1000, size=n)
    if force:
        for column, rate, eligible in ((0, "street_yo", has_yo_variant), (1, "street_im", is_person_street),
                                       (2, "street_ordinal", lambda s: ordinal_variant(s, 0) is not None),
                                       (3, "street_typo", lambda s: len(s) >= 5)):
            hits = [i for i in range(n) if eligible(street[i])]
            if rates[rate] > 0 and hits and not any(u[i, column] < rates[rate] for i in hits):
                u[hits[0], column] = 0.0
    for i in range(n):
        name = street[i]
        if has_yo_variant(name) and u[i, 0] < rates["street_yo"]:
            egrn[i] = with_yo(name)
            tags[i].append("street_yo")
        if is_person_street(name) and u[i, 1] < rates["street_im"]:
            gis[i] = "им. " + gis[i]
            tags[i].append("street_im")
        if (variant := ordinal_variant(name, choice[i])) and u[i, 2] < rates["street_ordinal"]:
            gis[i] = variant
            tags[i].append("street_ordinal")
        if u[i, 3] < rates["street_typo"] and len(name) >= 5:
            if u[i, 4] < 0.6:
                egrn[i] = typo(egrn[i], choice[i])
            else:
                gis[i] = typo(gis[i], choice[i])
            tags[i].append("street_typo")
    return pd.DataFrame({"street_gis": gis, "street_egrn": egrn, "street_tags": tags}, index=houses.index)


# ---------------------------------------------------------------------------------------------------------------
# GIS house addresses, one style per management organisation

GIS_STYLES = 5


def _region_prefix(info, style: int) -> str:
    if style == 0:                                   # Reforma: «обл. Свердловская», «край. Приморский», «Респ. Татарстан»
        return f"{info.type_short}. {info.name}"
    if style == 1:
        return f"{info.name} {info.type_short}" if info.type_short != "Респ" else f"Респ {info.name}"
    return info.full_name


def gis_house_address(info, house, style: int, number_variant: int) -> str:
    """The «Адрес» text of a house in a GIS export written in the organisation's style."""
    types = type_full_names()
    st, sname = house["settlement_type"], house["settlement"]
    tt, tname = house["street_type"], house["street_gis"]
    number = gis_house_number(house, style, number_variant)
    if style == 0:
        return f"{_region_prefix(info, 0)}, {SETTLEMENT_DOTTED.get(st, st + '.')} {sname}, {tt}. {tname}, {number}"
    if style == 1:
        return (f"{house['postal_code']}, {_region_prefix(info, 1)}, {SETTLEMENT_POS.get(st, st + '.')} {sname}, "
                f"{tt} {tname}, {number}")
    if style == 2:
        return f"{info.full_name}, {sname} {st}, {tname} {tt}, {number}"
    if style == 3:
        return f"{SETTLEMENT_DOTTED.get(st, st + '.')} {sname}, {tt}. {tname}, {number}"
    municipality = f"городской округ город {info.capital_as}"
    return (f"Российская Федерация, {info.full_name}, {municipality}, {types.get(st, st)} {sname}, "
            f"{types.get(tt, tt)} {tname}, {number}")


def gis_house_number(house, style: int, variant: int) -> str:
    """«д. 21, к. А», «д. 21А», «дом 21 корпус А», «д. 6, лит. а» depending on style and noise variant."""
    num, korpus, litera = house["house_num"], house["korpus"], house["litera"]
    word = {0: "д.", 1: "д.", 2: "дом", 3: "", 4: "дом"}[style]
    base = f"{word} {num}".strip()
    if variant == 1 and num[-1:].isalpha():              # letter written apart: «д. 6 А», «д. 6, лит. А»
        base = f"{word} {num[:-1]} {num[-1].upper()}".strip() if style != 0 else f"{word} {num[:-1]}, лит. {num[-1]}"
    if korpus:
        if variant == 1 and korpus.isalpha():
            return f"{base}{korpus}"
        sep = {0: ", к. ", 1: ", корп. ", 2: " корпус ", 3: " к", 4: ", корпус "}[style]
        base += sep + korpus
    if litera:
        base += (", лит. " if variant != 1 else "") + litera
    return base


# ---------------------------------------------------------------------------------------------------------------
# EGRN readable addresses

EGRN_STYLES = 4


def egrn_house_text(info, house, style: int) -> str:
    """The house part of an EGRN readable_address."""
    types = type_full_names()
    st, sname = house["settlement_type"], house["settlement"]
    tt, tname = house["street_type"], house["street_egrn"]
    number = egrn_house_number(house)
    if style == 0:
        municipality = f"городской округ город {info.capital_as}"
        return (f"Российская Федерация, {info.full_name}, {municipality}, {types.get(st, st)} {sname}, "
                f"{types.get(tt, tt)} {tname}, дом {number}")
    if style == 1:
        return f"{house['postal_code']}, {info.name} {info.type_short}, {sname} {SETTLEMENT_POS.get(st, st)}, {tname} {tt}, д. {number}"
    if style == 2:
        return f"{info.full_name}, {SETTLEMENT_POS.get(st, st)} {sname}, {tt} {tname}, д {number}"
    return f"{info.type_short}. {info.name}, {SETTLEMENT_DOTTED.get(st, st)} {sname}, {tt}. {tname}, д. {number}"


def egrn_house_number(house) -> str:
    """House number as EGRN writes it: letters attached upper-case («21А»), корпус after «к.»."""
    num = house["house_num"]
    num = num[:-1] + num[-1].upper() if num[-1:].isalpha() else num
    if house["litera"]:
        num += house["litera"].upper()
    if house["korpus"]:
        num += f" к. {house['korpus']}" if not house["korpus"].isalpha() else house["korpus"].upper()
    return num


PREMISE_WORDS = {
    # style → (flat, non-residential, room in flat, parking)
    0: ("квартира {n}", "помещение {n}", "квартира {n}, комната {r}", "машино-место {n}"),
    1: ("кв. {n}", "пом. {n}", "кв. {n}, комн. {r}", "м/м {n}"),
    2: ("кв {n}", "пом {n}", "кв {n}, ком {r}", "м/м {n}"),
    3: ("кв. № {n}", "пом. {n}", "кв. № {n}, комн. {r}", "машино-место № {n}"),
}
