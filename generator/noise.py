"""Noise: how the GIS ZhKKh side is written compared with the truth, with the category of every change.

Rates are shares of premises (or houses, readings, bills) unless named otherwise. `resolve_noise` merges a caller's
overrides into the defaults; the special key `scale` multiplies every rate (0 gives a clean region where every
registry number is present and right and no reading or bill is anomalous).

Each GIS premise row carries the `;`-joined list of the categories that apply to it (truth/premises.csv `noise`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import cadastral
from .rng import pick

NOISE_DEFAULTS: dict[str, float] = {
    # which objects exist on one side only
    "gis_only": 0.03,                 # flat in GIS, never registered in EGRN
    "egrn_only_flat": 0.02,           # flat registered in EGRN, missing from the GIS houses workbook
    "egrn_only_nonres": 0.30,         # non-residential premises missing from GIS
    "common_in_gis": 0.10,            # common-property rooms that GIS also lists («общее имущество» = Да)
    "communal_flat": 0.02,            # flats with rooms registered inside them
    "rooms_only": 0.25,               # communal flats registered only as their rooms
    # registry cadastral number (GIS column «Кадастровый номер»), shares of GIS premises with a true number.
    # A third carry none, so that ~61% of GIS premises carry their right number (the national figure, April 2023);
    # ~3% carry a wrong one (~5% of the numbers present). A wrong number must surface as `conflict`, so this
    # share also bounds the recall of confirmed+auto; the tests' harsh mix raises it to ~18%.
    "cad_missing": 0.33,
    "cad_neighbour": 0.012,
    "cad_typo": 0.01,
    "cad_other_house": 0.005,
    "cad_building": 0.003,
    "cad_spaces": 0.03,               # right number with stray spaces around it
    # premise numbers
    "number_format": 0.06,            # 1Н/1-Н/Н1/«пом. 1Н», №13, «квартира 9», leading zeros, 5а/5А
    "renumbered": 0.012,              # GIS number differs from the EGRN number
    "renumbered_swap": 0.004,         # two flats of a house carry each other's numbers in GIS
    "number_typo": 0.01,              # a typo in a GIS flat number: ±1, two digits transposed, a digit dropped or
                                      # doubled, a letter added (31→30, 12→21, 123→13, 46→466, 5→5а)
    "egrn_leading_zeros": 0.01,       # EGRN writes «032»
    "letter_flat_house": 0.04,        # houses with one «5а»-style flat
    # areas
    "area_drift": 0.10,               # passport area differs from EGRN by 0.1–1.5 m²
    "area_rounding": 0.05,            # EGRN has two decimals, GIS rounds (to 0.1 or to whole m²)
    "area_text": 0.02,                # area cell written as text with a decimal comma
    # house level
    "house_fias_missing": 0.20,
    "house_fias_wrong": 0.04,
    "building_cad_missing": 0.25,
    "building_cad_wrong": 0.03,
    "building_extract_missing": 0.06,
    "street_typo": 0.05,
    "street_yo": 1.0,                 # share of houses on «ё» streets written with «е» in GIS
    "street_im": 0.5,                 # share of houses on streets named after people written with «им.»
    "street_ordinal": 0.6,            # share of houses on numbered streets written with an ordinal
    "house_number_format": 0.3,       # share of houses with a letter/корпус written another way
    "stray_spaces": 0.02,             # premise cells with stray spaces
    "placeholder": 0.03,              # «Не заполнено» in optional premise cells
    "blank_rows": 0.004,              # blank rows inside premise sheets (per row)
    "formula_text": 0.003,            # text cells starting with = + - @ in free-text columns
    # EGRN side
    "old_format": 0.12,               # KPOKS/KVOKS extracts (registered before 2017)
    "personal_data": 0.35,            # extracts carrying owners' personal data
    "duplicate_extract": 0.005,       # the same extract delivered twice (same bytes)
    "signature_file": 0.05,           # «.sig» files beside extracts
    # readings (shares of reading rows unless noted)
    "below_previous": 0.006,
    "spike": 0.004,
    "verification_overdue_meters": 0.02,   # share of meters whose verification is overdue
    "verification_due_soon_meters": 0.01,  # share of meters due within 30 days after as-of
    "bad_value": 0.004,
    "future_date": 0.003,
    "unknown_meter": 0.003,
    "superseded": 0.004,
    "missed_reading": 0.03,           # months without a reading (not an anomaly)
    "replaced_meter": 0.02,           # meters replaced during the period (share of meters)
    "text_value": 0.08,               # reading values written as text with a decimal comma (format only)
    # bills (shares of payment documents)
    "lines_sum_mismatch": 0.004,
    "charge_mismatch": 0.004,         # share of lines
    "duplicate_document": 0.003,
    "unknown_account": 0.003,
    "negative_amount": 0.003,         # share of lines
    "recalculation": 0.01,            # legitimate negative recalculations (share of lines, not an anomaly)
    "bad_period": 0.002,
    # publications
    "report_late_uo": 0.25,           # share of management organisations publishing form 2.8 late
    "report_missing_uo": 0.15,        # … or not at all
}


def resolve_noise(overrides: dict | None) -> dict[str, float]:
    """Defaults merged with overrides; `scale` multiplies every rate (clipped to [0, 1])."""
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(NOISE_DEFAULTS) - {"scale"}
    if unknown:
        raise ValueError(f"unknown noise keys: {sorted(unknown)}")
    scale = float(overrides.pop("scale", 1.0))
    rates = {**NOISE_DEFAULTS, **overrides}
    return {key: float(min(1.0, max(0.0, value * scale))) for key, value in rates.items()}


# ---------------------------------------------------------------------------------------------------------------
# premise numbers

_CYR_UPPER = str.maketrans("абвгдежзийклмнопрстуфхцчшщэюя", "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _flat_variant(number: str, choice: int) -> str:
    """One of the ways a flat number is written in GIS exports."""
    if number[-1:].isalpha():                       # «5а»
        return [number.translate(_CYR_UPPER), number[:-1] + " " + number[-1], number[:-1] + "-" + number[-1],
                number.translate(_CYR_UPPER), "кв. " + number][choice % 5]
    return ["0" + number, "№" + number, "№ " + number, "квартира " + number, number + " кв.",
            "кв. " + number, "00" + number][choice % 7]


def typo_number(number: str, choice: int) -> str:
    """One typo in a flat number made only of digits: `choice` picks the kind and where it falls."""
    kind, at = choice % 5, choice // 5
    if kind == 1 and len(number) >= 2:                    # two neighbouring digits transposed
        i = at % (len(number) - 1)
        swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
        if swapped != number and not swapped.startswith("0"):
            return swapped
    if kind == 2 and len(number) >= 2:                    # a digit dropped
        i = at % len(number)
        dropped = number[:i] + number[i + 1:]
        if not dropped.startswith("0"):
            return dropped
    if kind == 3:                                         # a digit doubled
        i = at % len(number)
        return number[:i + 1] + number[i] + number[i + 1:]
    if kind == 4:                                         # a letter added
        return number + "а"
    value = int(number)                                   # ±1 (and every typo that would not take)
    return str(value - 1 if value > 1 and at % 2 else value + 1)


def _nonres_variant(number: str, choice: int) -> str:
    """«1Н» written as «1-Н», «Н1», «пом. 1Н», «1н», «Н-1», «1 Н»."""
    if not number.endswith("Н"):
        return ["пом. " + number, "помещение " + number, "0" + number][choice % 3]
    digits = number[:-1]
    return [f"{digits}-Н", f"Н{digits}", f"пом. {number}", f"{digits}н", f"Н-{digits}", f"{digits} Н"][choice % 6]


def written_numbers(rng: np.random.Generator, numbers: np.ndarray, kinds: np.ndarray, rate: float):
    """GIS spellings of canonical premise numbers: (text, changed mask). Kinds: flat | nonres | common."""
    n = len(numbers)
    changed = rng.random(n) < rate
    choices = rng.integers(0, 42, size=n)
    out = numbers.copy()
    for i in np.flatnonzero(changed):
        kind, number = kinds[i], numbers[i]
        if kind == "flat":
            out[i] = _flat_variant(number, choices[i])
        elif kind == "nonres":
            out[i] = _nonres_variant(number, choices[i])
        else:                                         # common rooms: Roman numerals in EGRN, digits in GIS
            arabic = str(ROMAN.index(number) + 1) if number in ROMAN else number
            out[i] = [arabic, f"подвал {number}", f"Подвал № {arabic}", number.lower()][choices[i] % 4]
    return out, changed


# ---------------------------------------------------------------------------------------------------------------
# registry cadastral numbers

REGISTRY_MISSING = ("", "", "", "", "", "", "", "Не заполнено", "Не заполнено", "Нет", "-", "отсутствует")


def registry_numbers(rng, gis: pd.DataFrame, rates: dict[str, float]):
    """The «Кадастровый номер» GIS carries for each premise row: (written text, category per row).

    `gis` has one row per GIS premise with columns house_idx, true_cad ('' when not registered), neighbour_cad
    (another premise of the same house), other_house_cad, building_cad.
    """
    n = len(gis)
    true_cad = gis["true_cad"].to_numpy(object)
    has_true = true_cad != ""
    order = ["cad_missing", "cad_neighbour", "cad_typo", "cad_other_house", "cad_building", "cad_spaces"]
    probs = np.array([rates[k] for k in order])
    u = rng.random(n)
    edges = np.cumsum(probs)
    slot = np.searchsorted(edges, u, side="right")     # len(order) means «present and right»
    category = np.where(slot < len(order), np.array(order + ["cad_ok"], dtype=object)[slot], "cad_ok")
    category = category.astype(object)
    # A premise that was never registered mostly carries nothing; some carry a neighbour's number.
    unreg = ~has_true
    category[unreg] = np.where(rng.random(unreg.sum()) < 0.1, "cad_neighbour", "cad_missing")

    written = np.empty(n, dtype=object)
    written[:] = ""
    ok = category == "cad_ok"
    written[ok] = true_cad[ok]
    miss = category == "cad_missing"
    written[miss] = pick(rng, REGISTRY_MISSING, int(miss.sum()))
    nb = category == "cad_neighbour"
    written[nb] = gis["neighbour_cad"].to_numpy(object)[nb]
    oh = category == "cad_other_house"
    written[oh] = gis["other_house_cad"].to_numpy(object)[oh]
    bd = category == "cad_building"
    written[bd] = gis["building_cad"].to_numpy(object)[bd]
    ty = category == "cad_typo"
    written[ty] = cadastral.typo(rng, true_cad[ty])
    sp = category == "cad_spaces"
    written[sp] = pick(rng, (" {} ", "{} ", " {}", "{}  "), int(sp.sum()))
    written[sp] = [fmt.format(c) for fmt, c in zip(written[sp], true_cad[sp])]
    # A wrong source that does not exist (no neighbour in a one-flat house) degrades to «missing».
    empty_wrong = (written == "") & ~miss
    category[empty_wrong] = "cad_missing"
    return written, category


# ---------------------------------------------------------------------------------------------------------------
# areas

def written_areas(rng, true_area: np.ndarray, two_decimals: np.ndarray, rates: dict[str, float]):
    """Passport areas as GIS writes them: (value, category) with category '' | area_drift | area_rounding."""
    n = len(true_area)
    gis_area = true_area.copy()
    category = np.full(n, "", dtype=object)
    rounding = two_decimals.copy()
    gis_area[rounding] = np.round(true_area[rounding], 1)
    whole = rounding & (rng.random(n) < 0.3)
    gis_area[whole] = np.round(true_area[whole])
    category[rounding] = "area_rounding"
    drift = (~rounding) & (rng.random(n) < rates["area_drift"])
    delta = np.round(rng.uniform(0.1, 1.5, size=n), 1) * rng.choice([-1.0, 1.0], size=n)
    gis_area[drift] = np.round(true_area[drift] + delta[drift], 1)
    category[drift] = "area_drift"
    return gis_area, category
