"""Premises of the houses — flats, non-residential premises, common-property rooms, parking places, rooms inside
communal flats — which of them GIS and EGRN know, their cadastral numbers and how EGRN writes them."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import cadastral, noise
from .rng import pick, stream

if TYPE_CHECKING:
    from .region import Params


_ROOM_AREAS = {1: (28.0, 38.0), 2: (41.0, 56.0), 3: (55.0, 75.0), 4: (72.0, 96.0)}


def make_flats(rng, houses: pd.DataFrame) -> pd.DataFrame:
    n_h = len(houses)
    flats_n = houses["flats_n"].to_numpy()
    house = np.repeat(np.arange(n_h), flats_n)
    starts = np.repeat(np.cumsum(flats_n) - flats_n, flats_n)
    i = np.arange(len(house)) - starts
    k = houses["per_floor"].to_numpy()[house]
    floors = houses["floors"].to_numpy()[house]
    entrance = i // (floors * k) + 1
    floor = (i % (floors * k)) // k + 1
    pos = i % k
    # Each house repeats a floor plan: the position on the floor fixes the flat type (typical series).
    rooms = rng.choice([1, 2, 3, 4], size=(n_h, 8), p=[0.3, 0.36, 0.27, 0.07])
    low = np.vectorize(lambda r: _ROOM_AREAS[r][0])(rooms)
    high = np.vectorize(lambda r: _ROOM_AREAS[r][1])(rooms)
    plan = np.round(rng.uniform(low, high), 1)
    base = plan[house, pos]
    series = houses["series"].to_numpy()[house]
    same = rng.random(len(house)) < np.where(series, 0.65, 0.2)
    jitter = np.round(rng.normal(0, 0.8, size=len(house)), 1)
    area = np.where(same, base, np.maximum(18.0, base + jitter))
    living = np.round(area * rng.uniform(0.55, 0.68, size=len(house)), 1)
    return pd.DataFrame({
        "house_idx": house, "kind": "flat", "number": (i + 1).astype(str).astype(object),
        "entrance": entrance, "floor": floor, "area": np.round(area, 1), "living": living, "order": i,
    })


def make_nonres(rng, houses: pd.DataFrame) -> pd.DataFrame:
    count = houses["nonres_n"].to_numpy()
    house = np.repeat(np.arange(len(houses)), count)
    j = np.arange(len(house)) - np.repeat(np.cumsum(count) - count, count)
    suffix_style = rng.random(len(houses)) < 0.85
    number = np.where(suffix_style[house], (j + 1).astype(str).astype(object) + "Н", (j + 1).astype(str).astype(object))
    return pd.DataFrame({
        "house_idx": house, "kind": "nonres", "number": number.astype(object),
        "entrance": 0, "floor": np.where(rng.random(len(house)) < 0.85, 1, 0),
        "area": np.round(rng.uniform(15, 250, size=len(house)), 1), "living": np.nan, "order": 10000 + j,
    })


COMMON_NAMES = ("Подвал", "Техническое подполье", "Технический этаж", "Электрощитовая", "Колясочная", "Мусорокамера")


def make_common(rng, houses: pd.DataFrame) -> pd.DataFrame:
    has = (rng.random(len(houses)) < 0.6) & (houses["floors"].to_numpy() >= 2)
    if len(houses) and not has.any():
        has[0] = True
    count = np.where(has, rng.integers(1, 4, size=len(houses)), 0)
    house = np.repeat(np.arange(len(houses)), count)
    j = np.arange(len(house)) - np.repeat(np.cumsum(count) - count, count)
    name = pick(rng, COMMON_NAMES, len(house), p=[0.35, 0.15, 0.15, 0.15, 0.12, 0.08])
    name[j == 0] = "Подвал"
    big = np.isin(name, ["Подвал", "Техническое подполье", "Технический этаж"])
    area = np.where(big, rng.uniform(80, 600, len(house)), rng.uniform(4, 40, len(house)))
    floor = np.where(np.isin(name, ["Подвал", "Техническое подполье"]), 0,
                     np.where(name == "Технический этаж", houses["floors"].to_numpy()[house] + 1, 1))
    return pd.DataFrame({
        "house_idx": house, "kind": "common", "number": np.array(noise.ROMAN, dtype=object)[j],
        "entrance": 0, "floor": floor, "area": np.round(area, 1), "living": np.nan, "order": 20000 + j,
        "common_name": name,
    })


def make_parking(rng, houses: pd.DataFrame, forced: bool) -> pd.DataFrame:
    eligible = (houses["year"].to_numpy() >= 2005) & (houses["floors"].to_numpy() >= 9)
    has = eligible & (rng.random(len(houses)) < 0.7)
    if forced and not has.any() and len(houses) > 1:
        has[int(np.argmax(houses["year"].to_numpy() * 100 + houses["floors"].to_numpy()))] = True
    count = np.where(has, rng.integers(10, 61, size=len(houses)), 0)
    house = np.repeat(np.arange(len(houses)), count)
    j = np.arange(len(house)) - np.repeat(np.cumsum(count) - count, count)
    return pd.DataFrame({
        "house_idx": house, "kind": "parking", "number": (j + 1).astype(str).astype(object),
        "entrance": 0, "floor": -1, "area": np.round(rng.uniform(13, 19, size=len(house)), 1), "living": np.nan,
        "order": 30000 + j,
    })


def make_rooms(rng, flats: pd.DataFrame) -> pd.DataFrame:
    """Rooms registered inside communal flats (cad_links/parent_room_cad_number)."""
    communal = flats.index[flats["communal"].to_numpy()]
    count = rng.integers(2, 5, size=len(communal))
    parent = np.repeat(communal, count)
    j = np.arange(len(parent)) - np.repeat(np.cumsum(count) - count, count)
    share = rng.uniform(0.7, 1.3, size=len(parent))
    total = np.bincount(np.repeat(np.arange(len(communal)), count), weights=share)
    living = flats.loc[parent, "living"].to_numpy()
    area = np.round(living * share / np.repeat(total, count), 1)
    return pd.DataFrame({
        "house_idx": flats.loc[parent, "house_idx"].to_numpy(), "kind": "room_in_flat",
        "number": (j + 1).astype(str).astype(object), "entrance": flats.loc[parent, "entrance"].to_numpy(),
        "floor": flats.loc[parent, "floor"].to_numpy(), "area": area, "living": np.nan,
        "order": 40000 + j, "parent_unit": parent,
    })


def build_units(p: Params, houses: pd.DataFrame) -> pd.DataFrame:
    rng = stream(p.seed, "units")
    rates = p.rates
    forced = p.premises >= 500
    flats = make_flats(rng, houses)
    # A few houses have one flat split into «5а» after a partition.
    letter_house = rng.random(len(houses)) < rates["letter_flat_house"]
    if forced and rates["letter_flat_house"] > 0 and not letter_house.any():
        letter_house[0] = True
    first_of_house = flats.groupby("house_idx").cumcount().to_numpy()
    flat_count = houses["flats_n"].to_numpy()[flats["house_idx"].to_numpy()]
    lettered = letter_house[flats["house_idx"].to_numpy()] & (first_of_house == np.minimum(4, flat_count - 1)) & (flat_count > 2)
    flats.loc[lettered, "number"] = (flats.loc[lettered, "order"].to_numpy()).astype(str).astype(object) + "а"
    old = houses["year"].to_numpy()[flats["house_idx"].to_numpy()] < 1970
    flats["communal"] = rng.random(len(flats)) < rates["communal_flat"] * np.where(old, 3.0, 0.5)
    if forced and rates["communal_flat"] > 0 and not flats["communal"].any():
        flats.loc[len(flats) // 2, "communal"] = True
    nonres = make_nonres(rng, houses)
    common = make_common(rng, houses)
    parking = make_parking(rng, houses, forced)
    flats = flats.reset_index(drop=True)
    units = pd.concat([flats, nonres, common, parking], ignore_index=True)
    units["communal"] = units["communal"].fillna(False).astype(bool)
    rooms = make_rooms(rng, units[units["kind"] == "flat"])
    units = pd.concat([units, rooms], ignore_index=True)
    units["parent_unit"] = units["parent_unit"].fillna(-1).astype(int)
    units["common_name"] = units["common_name"].fillna("").astype(object)
    units["communal"] = units["communal"].fillna(False).astype(bool)
    units = units.sort_values(["house_idx", "order"], kind="stable")
    # Rooms point at their flat by index; remap after the sort.
    new_index = pd.Series(np.arange(len(units)), index=units.index)
    parent = units["parent_unit"].to_numpy()
    units["parent_unit"] = np.where(parent >= 0, new_index.reindex(parent).fillna(-1).to_numpy(int), -1)
    units = units.reset_index(drop=True)
    units.insert(0, "unit_idx", np.arange(len(units)))
    # Some EGRN areas carry two decimals (36.75); GIS rounds them.
    two = (units["kind"].isin(["flat", "nonres"]).to_numpy()) & (rng.random(len(units)) < rates["area_rounding"])
    units["area"] = np.where(two, units["area"] + rng.integers(1, 10, size=len(units)) / 100 * np.where(
        rng.random(len(units)) < 0.5, 1, -1) * 0.5, units["area"])
    units["area"] = np.round(units["area"], 2)
    units["area_2dec"] = two & (np.round(units["area"], 1) != units["area"])
    return units


def presence(p: Params, units: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Which objects are registered in EGRN and which are listed in GIS."""
    rng = stream(p.seed, "presence")
    r = p.rates
    n = len(units)
    kind = units["kind"].to_numpy()
    flat, nonres = kind == "flat", kind == "nonres"
    u = rng.random((n, 3))
    rooms_only = flat & units["communal"].to_numpy() & (u[:, 0] < r["rooms_only"])
    communal = np.flatnonzero(flat & units["communal"].to_numpy())
    if p.premises >= 500 and r["rooms_only"] > 0 and len(communal) > 1 and not rooms_only.any():
        rooms_only[communal[0]] = True
    gis_only = (flat | nonres) & ~rooms_only & (u[:, 1] < r["gis_only"])
    in_egrn = ~(gis_only | rooms_only)
    egrn_only = in_egrn & ((flat & (u[:, 2] < r["egrn_only_flat"])) | (nonres & (u[:, 2] < r["egrn_only_nonres"])))
    in_gis = np.where(flat | nonres, ~egrn_only, False)
    common_listed = (kind == "common") & (u[:, 2] < r["common_in_gis"])
    if p.premises >= 500 and r["common_in_gis"] > 0 and not common_listed.any() and (kind == "common").any():
        common_listed[np.flatnonzero(kind == "common")[0]] = True
    in_gis = in_gis | common_listed
    tags = {"gis_only": gis_only, "egrn_rooms_only": rooms_only,
            "communal_flat": flat & units["communal"].to_numpy(), "common_property": common_listed}
    return in_egrn, in_gis, tags


def cadastral_numbers(p: Params, houses: pd.DataFrame, units: pd.DataFrame, in_egrn: np.ndarray):
    """Object numbers per cadastral quarter: land parcel, building, then premises roughly in number order."""
    rng = stream(p.seed, "cadastral")
    n_h = len(houses)
    quarter_h = houses["quarter_idx"].to_numpy()
    n_q = quarter_h.max() + 1 if n_h else 0
    base = rng.integers(40, 1500, size=n_q)
    land = rng.integers(2, 39, size=n_h)
    reg = np.flatnonzero(in_egrn)
    u_house = units["house_idx"].to_numpy()[reg]
    kind_rank = pd.Series(units["kind"].to_numpy()[reg]).map(
        {"flat": 0, "nonres": 0, "common": 1, "parking": 2, "room_in_flat": 3}).to_numpy()
    jitter = units["order"].to_numpy()[reg] + np.where(rng.random(len(reg)) < 0.1, rng.normal(0, 6, len(reg)), 0)
    obj = pd.DataFrame({
        "q": np.concatenate([quarter_h, quarter_h[u_house]]),
        "house": np.concatenate([np.arange(n_h), u_house]),
        "rank": np.concatenate([np.full(n_h, -1), kind_rank]),
        "jit": np.concatenate([np.full(n_h, -1.0), jitter]),
        "who": np.concatenate([-1 - np.arange(n_h), reg]),
    })
    obj = obj.sort_values(["q", "house", "rank", "jit"], kind="stable")
    gap = np.where(rng.random(len(obj)) < 0.1, rng.integers(2, 30, size=len(obj)), 1)
    number = base[obj["q"].to_numpy()] + pd.Series(gap).groupby(obj["q"].to_numpy()).cumsum().to_numpy()
    who = obj["who"].to_numpy()
    building_no = np.empty(n_h, dtype=np.int64)
    building_no[-1 - who[who < 0]] = number[who < 0]
    unit_no = np.zeros(len(units), dtype=np.int64)
    unit_no[who[who >= 0]] = number[who >= 0]
    quarter = houses["quarter"].to_numpy(object)
    building_cad = cadastral.numbers(quarter, building_no)
    land_cad = cadastral.numbers(quarter, land)
    unit_cad = np.full(len(units), "", dtype=object)
    unit_cad[reg] = cadastral.numbers(quarter[u_house], unit_no[reg])
    return building_cad, land_cad, unit_cad


def egrn_side(p: Params, houses: pd.DataFrame, units: pd.DataFrame, in_egrn: np.ndarray) -> pd.DataFrame:
    """EGRN spelling of numbers, extract format, registration date and whether owners are named."""
    rng = stream(p.seed, "egrn-side")
    r = p.rates
    n = len(units)
    kind = units["kind"].to_numpy()
    number = units["number"].to_numpy(object)
    egrn_number = number.copy()
    zeros = (kind == "flat") & (rng.random(n) < r["egrn_leading_zeros"]) & np.char.isdigit(number.astype(str))
    egrn_number[zeros] = np.array(["0" + x for x in number[zeros]], dtype=object)
    dashed = (kind == "nonres") & (rng.random(n) < 0.1)
    egrn_number[dashed] = np.array([x[:-1] + "-Н" if x.endswith("Н") else x for x in number[dashed]], dtype=object)
    year = houses["year"].to_numpy()[units["house_idx"].to_numpy()]
    start = np.maximum(year, 1999)
    reg_year = np.minimum(2024, start + rng.integers(0, 25, size=n))
    reg_year = np.where(rng.random(n) < 0.5, np.maximum(start, reg_year - 10), reg_year)
    reg_date = [f"{y}-{m:02d}-{d:02d}" for y, m, d in zip(reg_year, rng.integers(1, 13, n), rng.integers(1, 29, n))]
    old = (reg_year < 2017) & np.isin(kind, ["flat", "nonres"]) & (rng.random(n) < r["old_format"] * 1.5)
    root = np.where(rng.random(n) < 0.2, "about_room", "base_room").astype(object)
    root[old] = "kpoks"
    root[(kind == "parking") & (rng.random(n) < 0.25)] = "parking_space"
    root[~in_egrn] = ""
    personal = in_egrn & np.isin(kind, ["flat", "nonres", "room_in_flat", "parking"]) & (
        (rng.random(n) < r["personal_data"]) | (root == "about_room"))
    out = units.copy()
    out["egrn_number"] = egrn_number
    out["reg_date"] = reg_date
    out["root"] = root
    out["personal"] = personal
    return out
