"""Houses of a region: real addresses picked from the house lists (with a few synthetic ones when a region
needs more), their codes (FIAS GUID, OKTMO, postal code, cadastral quarter), management organisations and the
number of premises per house."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import addresses
from .reference import house_list, uo_names
from .rng import guids, pick, stream

if TYPE_CHECKING:
    from .region import Params
    from .regions import RegionInfo


def candidate_houses(info: RegionInfo) -> pd.DataFrame:
    """The real house list seen through the region: borrowed lists keep only the capital, renamed."""
    base = house_list(info.source).copy()
    if info.settlements:
        base = base[base["settlement"] == info.capital].copy()
        base["settlement"] = info.capital_as
    base["is_capital"] = base["settlement"] == info.capital_as
    return base.reset_index(drop=True)


def impute(rng: np.random.Generator, houses: pd.DataFrame) -> pd.DataFrame:
    """Fill the figures the Reforma passport left empty with plausible values."""
    n = len(houses)
    h = houses
    known_years = h["year"].dropna().to_numpy()
    year = np.array(h["year"], dtype=float)
    fill = np.isnan(year)
    year[fill] = rng.choice(known_years, size=fill.sum()) if len(known_years) else rng.integers(1950, 2015, fill.sum())
    floors = np.array(h["floors"], dtype=float)
    flats = np.array(h["flats"], dtype=float)
    entrances = np.array(h["entrances"], dtype=float)
    fill = np.isnan(floors)
    floors[fill] = rng.choice([2, 3, 5, 5, 5, 5, 9, 9, 10, 12, 16], size=fill.sum())
    fill = np.isnan(entrances)
    entrances[fill] = np.maximum(1, np.round(rng.uniform(0.5, 4.5, size=fill.sum()) * np.where(floors[fill] > 5, 1, 1.3)))
    per_floor = rng.choice([2, 3, 4, 4, 4, 6], size=n)
    fill = np.isnan(flats)
    flats[fill] = floors[fill] * entrances[fill] * per_floor[fill]
    flats = np.clip(flats, 2, 480)
    # Keep the layout consistent: enough floors×entrances×per-floor places for the flats.
    per_floor = np.clip(np.ceil(flats / (floors * entrances)), 1, 8)
    entrances = np.ceil(flats / (floors * per_floor))
    out = h.copy()
    out["year"] = year.astype(int)
    out["floors"] = floors.astype(int)
    out["entrances"] = entrances.astype(int)
    out["per_floor"] = per_floor.astype(int)
    out["flats_n"] = flats.astype(int)
    return out


def special_classes(base: pd.DataFrame) -> dict[str, np.ndarray]:
    """Indices of houses that show a kind of nastiness, so even a small region gets every kind."""
    street = base["street"]
    key = base["street_type"] + " " + base["street"]
    settlements_per_street = base.groupby(key)["settlement"].transform("nunique")
    return {
        "twin": np.flatnonzero((settlements_per_street > 1).to_numpy()),
        "small": np.flatnonzero((~base["is_capital"]).to_numpy()),
        "yo": np.flatnonzero(street.map(addresses.has_yo_variant).to_numpy()),
        "person": np.flatnonzero(street.map(addresses.is_person_street).to_numpy()),
        "ordinal": np.flatnonzero(street.map(lambda s: addresses.ordinal_variant(s, 0) is not None).to_numpy()),
        "korpus": np.flatnonzero((base["korpus"] != "").to_numpy()),
        "letter": np.flatnonzero((base["house_num"].str[-1].str.isalpha() | (base["litera"] != "")).to_numpy()),
        "old_series": np.flatnonzero(((base["year"] >= 1958) & (base["year"] <= 1985) & (base["floors"] == 5)).to_numpy()),
        "new_tall": np.flatnonzero(((base["year"] >= 2005) & (base["floors"] >= 10)).to_numpy()),
    }


def synthetic_houses(rng, base: pd.DataFrame, count: int, taken: set) -> pd.DataFrame:
    """More houses than the real list has: real streets with house numbers nobody used yet."""
    rows = base.iloc[rng.integers(0, len(base), size=count * 2)].copy()
    numbers = rows["house_num"].str.extract(r"^(\d+)")[0].fillna("1").astype(int).to_numpy()
    out = []
    for (_, row), num in zip(rows.iterrows(), numbers):
        for bump in range(1, 50):
            candidate = str(num + 100 * bump + int(rng.integers(0, 10)))
            key = (row["settlement"], row["street_type"], row["street"], candidate, "", "")
            if key not in taken:
                taken.add(key)
                row = row.copy()
                row["house_num"], row["korpus"], row["litera"] = candidate, "", ""
                out.append(row)
                break
        if len(out) >= count:
            break
    return pd.DataFrame(out)


def pick_houses(p: Params) -> pd.DataFrame:
    rng = stream(p.seed, "houses")
    info = p.info
    base = impute(rng, candidate_houses(info))
    classes = special_classes(base)
    order = rng.permutation(len(base))
    guaranteed = []
    for name in sorted(classes):
        idx = classes[name]
        if len(idx):
            # Prefer modest houses for the guaranteed picks so small regions stay small.
            small = idx[base["flats_n"].to_numpy()[idx] <= max(20, p.premises // 12)]
            pool = small if len(small) else idx
            guaranteed.append(int(rng.choice(pool)))
    sequence = list(dict.fromkeys(guaranteed + [int(i) for i in order]))
    expected_nonres = np.where(base["floors"].to_numpy() >= 5, 0.9, 0.2)
    capacity = base["flats_n"].to_numpy() + expected_nonres
    chosen, total = [], 0.0
    for i in sequence:
        if total >= p.premises:
            break
        if total + capacity[i] > p.premises * 1.5 + 10 and i in guaranteed:
            continue                                   # a guaranteed pick too big for a tiny region
        chosen.append(i)
        total += capacity[i]
    houses = base.iloc[chosen].copy()
    if total < p.premises:                             # the real list is exhausted: extend real streets
        taken = set(map(tuple, base[["settlement", "street_type", "street", "house_num", "korpus", "litera"]]
                        .to_numpy()))
        mean = max(float(base["flats_n"].mean()), 10.0)
        extra = synthetic_houses(rng, base, int((p.premises - total) / mean * 1.3) + 5, taken)
        cum = total + np.cumsum(extra["flats_n"].to_numpy() + 0.5)
        extra = extra.iloc[: int(np.searchsorted(cum, p.premises)) + 1]
        houses = pd.concat([houses, extra], ignore_index=True)
    houses = houses.reset_index(drop=True)
    houses = place_small_settlements(rng, info, houses)
    houses = add_twin(rng, info, base, houses)
    return houses


def place_small_settlements(rng, info: RegionInfo, houses: pd.DataFrame) -> pd.DataFrame:
    """Regions with borrowed streets put some houses into their own small settlements."""
    if not info.settlements or len(houses) < 3:
        return houses
    move = rng.random(len(houses)) < 0.08
    move[int(rng.integers(1, len(houses)))] = True
    which = rng.integers(0, len(info.settlements), size=len(houses))
    houses = houses.copy()
    for i in np.flatnonzero(move):
        houses.loc[i, "settlement_type"], houses.loc[i, "settlement"] = info.settlements[which[i]]
        houses.loc[i, "is_capital"] = False
    return houses


def add_twin(rng, info: RegionInfo, base: pd.DataFrame, houses: pd.DataFrame) -> pd.DataFrame:
    """One house gets a twin: the same street and number in another settlement (ул. Предельная, д. 26)."""
    if len(houses) < 4:
        return houses
    key = base["street_type"] + " " + base["street"]
    by_street = base.groupby(key)["settlement"].agg(lambda s: sorted(set(s)))
    candidates = []
    for i, row in houses.iterrows():
        others = [s for s in by_street.get(f"{row['street_type']} {row['street']}", []) if s != row["settlement"]]
        if others:
            candidates.append((i, others))
    if candidates:
        i, others = candidates[int(rng.integers(0, len(candidates)))]
        twin_settlement = others[0]
        twin_type = base.loc[base["settlement"] == twin_settlement, "settlement_type"].iloc[0]
    elif info.settlements:
        i = int(rng.integers(0, len(houses)))
        twin_type, twin_settlement = info.settlements[0]
    else:
        return houses
    twin = houses.loc[[i]].copy()
    if twin["settlement"].iloc[0] == twin_settlement:
        return houses
    twin["settlement_type"], twin["settlement"] = twin_type, twin_settlement
    twin["is_capital"] = twin_settlement == info.capital_as
    twin["flats_n"] = np.minimum(twin["flats_n"], 24)
    twin["floors"] = np.minimum(twin["floors"], 3)
    twin["per_floor"] = np.clip(np.ceil(twin["flats_n"] / (twin["floors"] * twin["entrances"])), 1, 8).astype(int)
    twin["entrances"] = np.ceil(twin["flats_n"] / (twin["floors"] * twin["per_floor"])).astype(int)
    # In the middle, so the trimming of the last house to the exact premises count does not shrink it.
    at = len(houses) // 2
    return pd.concat([houses.iloc[:at], twin, houses.iloc[at:]], ignore_index=True)


def house_attributes(p: Params, houses: pd.DataFrame) -> pd.DataFrame:
    """Identifiers and codes: FIAS GUID, OKTMO, postal code, cadastral quarter, building and land numbers."""
    rng = stream(p.seed, "house-attributes")
    info = p.info
    n = len(houses)
    h = houses.copy()
    h.insert(0, "house_idx", np.arange(n))
    h.insert(1, "house_id", [f"H{i + 1:06d}" for i in range(n)])
    h["fias_guid"] = guids(rng, n)
    settlements = sorted(set(zip(h["settlement_type"], h["settlement"])), key=lambda s: (s[1] != info.capital_as, s))
    s_index = {s: k for k, s in enumerate(settlements)}
    sk = np.array([s_index[s] for s in zip(h["settlement_type"], h["settlement"])])
    h["settlement_idx"] = sk
    h["oktmo"] = [f"{info.oktmo}{(1 if k == 0 else 100 + k):03d}" for k in sk]
    h["okato"] = info.okato
    # Capital postal codes vary by street; a small settlement has one code.
    street_code = (pd.util.hash_array(h["street"].to_numpy(object)) % 150).astype(int)
    h["postal_code"] = [f"{info.postal}{(sc if k == 0 else 900 + 7 * k) % 1000:03d}" for sc, k in zip(street_code, sk)]
    h["underground"] = ((h["floors"] >= 5) & (rng.random(n) < 0.6)).astype(int)
    h["series"] = ((h["year"] >= 1955) & (h["year"] <= 1995) & (h["floors"] >= 4)).to_numpy()
    # Cadastral quarter: neighbouring houses of a street sometimes share one.
    order = np.lexsort((h["house_num"].to_numpy(object), h["street"].to_numpy(object), sk))
    share = rng.random(n) < 0.3
    quarter_of = np.empty(n, dtype=int)
    q = -1
    prev = None
    for rank, i in enumerate(order):
        street_key = (sk[i], h["street"].iat[i])
        if not (share[i] and street_key == prev):
            q += 1
        quarter_of[i] = q
        prev = street_key
    n_q = q + 1
    quarter_numbers = rng.choice(np.arange(100000, 999999), size=n_q, replace=False)
    district = np.where(h["is_capital"].to_numpy(), info.cad_districts[0], info.cad_districts[1])
    h["quarter_idx"] = quarter_of
    h["quarter"] = [f"{info.code}:{d}:0{quarter_numbers[qi]:06d}" for d, qi in zip(district, quarter_of)]
    return h


def assign_uos(p: Params, houses: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = stream(p.seed, "uos")
    n = len(houses)
    n_uo = 1 if n < 3 else 2 if n < 8 else max(4, int(round(n / 25)))
    # Organisations manage contiguous runs of streets; every one manages at least one house.
    order = np.lexsort((houses["house_num"].to_numpy(object), houses["street"].to_numpy(object),
                        houses["settlement_idx"].to_numpy()))
    sizes = 1 + rng.multinomial(n - n_uo, rng.dirichlet(np.full(n_uo, 3.0)))
    uo_idx = np.empty(n, dtype=int)
    uo_idx[order] = np.repeat(np.arange(n_uo), sizes)
    houses = houses.copy()
    houses["uo_idx"] = uo_idx

    real = list(uo_names(p.info.source)) if p.info.capital_as == p.info.capital else []
    words = ["Уют", "Комфорт", "Наш дом", "Жилсервис", "Центральная", "Северная", "Южная", "Восток", "Гарант",
             "Стандарт", "Доверие", "Квартал", "Территория", "Новый город", "Партнер", "Дом-сервис"]
    names = []
    for k in range(n_uo):
        if k < len(real):
            names.append(real[k])
        else:
            form = ['ООО "УК "{}"', 'ООО УК «{}»', 'ООО "Управляющая компания {}"', 'ТСЖ "{}"'][k % 4]
            suffix = "" if k < len(words) else f"-{k // len(words) + 1}"
            names.append(form.format(words[k % len(words)] + suffix))
    inns = make_inns(rng, p.info.code, n_uo)
    style = rng.integers(0, addresses.GIS_STYLES, size=n_uo)
    style[0] = 0
    if n_uo > 1:
        style[1] = 1
    houses_format = np.where(rng.random(n_uo) < 0.25, "csv", "xlsx").astype(object)
    houses_format[0] = "xlsx"
    if n_uo > 1:
        houses_format[1] = "csv"
    report = pick(rng, ["on_time", "late", "none"], n_uo,
                  p=[max(0.0, 1 - p.rates["report_late_uo"] - p.rates["report_missing_uo"]),
                     p.rates["report_late_uo"], p.rates["report_missing_uo"]])
    if n_uo > 2 and p.rates["report_late_uo"] > 0:
        report[2] = "late"
    if n_uo > 3 and p.rates["report_missing_uo"] > 0:
        report[3] = "none"
    premises_per_uo = np.bincount(uo_idx, weights=houses["flats_n"].to_numpy(), minlength=n_uo)
    billing = np.cumsum(premises_per_uo) - premises_per_uo < p.activity_premises
    uos = pd.DataFrame({
        "uo_idx": np.arange(n_uo),
        "uo_id": [f"UO{k + 1:02d}" for k in range(n_uo)],
        "name": names,
        "inn": inns,
        "style": style,
        "houses_format": houses_format,
        "sort_lexicographic": rng.random(n_uo) < 0.4,
        "numeric_share": rng.uniform(0.2, 0.8, size=n_uo),
        "report": report,
        "billing": billing,
        # Files saved by Excel keep text in a shared-string table; export tools write it inline.
        "excel": (np.arange(n_uo) % 2 == 1) ^ (rng.random(n_uo) < 0.2),
    })
    return uos, houses


def make_inns(rng, region_code: str, n: int) -> list[str]:
    """10-digit organisation INNs with a valid check digit."""
    weights = np.array([2, 4, 10, 3, 5, 9, 4, 6, 8])
    out = []
    body = rng.integers(0, 10, size=(n, 7))
    for k in range(n):
        digits = [int(c) for c in region_code] + list(body[k])
        check = int(np.dot(weights, digits) % 11 % 10)
        out.append("".join(map(str, digits)) + str(check))
    return out


def fit_counts(p: Params, houses: pd.DataFrame) -> pd.DataFrame:
    """Non-residential counts per house, and flats trimmed so flats + non-residential = premises exactly."""
    rng = stream(p.seed, "counts")
    floors = houses["floors"].to_numpy()
    lam = np.where((floors >= 5) & houses["is_capital"].to_numpy(), 0.9, 0.15)
    nonres = rng.poisson(lam)
    if p.premises >= 500 and nonres.sum() == 0 and len(nonres):
        nonres[int(np.argmax(floors))] = 2
    flats = houses["flats_n"].to_numpy().copy()
    excess = int(flats.sum() + nonres.sum() - p.premises)
    for i in range(len(flats) - 1, -1, -1):          # trim from the last picked houses
        if excess <= 0:
            break
        cut = min(excess, nonres[i])
        nonres[i] -= cut
        excess -= cut
        cut = min(excess, flats[i] - (2 if i > 0 else 1))
        flats[i] -= cut
        excess -= cut
    if excess < 0:
        flats[-1] += -excess
    out = houses.copy()
    out["flats_n"], out["nonres_n"] = flats, nonres
    per_floor = out["per_floor"].to_numpy()
    out["entrances"] = np.maximum(1, np.ceil(flats / (floors * per_floor))).astype(int)
    return out
