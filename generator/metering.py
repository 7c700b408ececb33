"""Meter devices and their monthly readings, with anomalies placed so that exactly the intended rule fires.

The rules (CONTRACT.md §3): below_previous (per tariff zone, or below the base reading for a first reading),
spike (≥ 10× the meter's median monthly consumption; generated at 20–35× the mean), verification_overdue,
verification_due_soon (latest reading of a meter due within 30 days after as-of), bad_value, future_date,
unknown_meter, superseded (an earlier-dated submission for the same meter and period). Meters with overdue or
due-soon verification carry no other anomaly, and anomalies never touch neighbouring readings of one meter, so
each anomalous row's rules are unambiguous. Replaced meters (old device until month k, new one from k) and
multi-tariff electricity meters are normal data that naive checks get wrong.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .region import Region
from .rng import pick, stream

RESOURCES = {
    # resource → (models, monthly mean, decimals, interval years, interval text)
    "Холодная вода": ((("Itelma", "WFK24"), ("Декаст", "ВСКМ 90-15"), ("Пульсар", "Пульсар Ду15")), 4.5, 3, 6, "6 лет"),
    "Горячая вода": ((("Itelma", "WFW24"), ("Декаст", "ВСГд 90-15"), ("Пульсар", "Пульсар Ду15 Г")), 3.0, 3, 4, "4 года"),
    "Электрическая энергия": ((("Нева", "МТ 114"), ("Меркурий", "201.5"), ("Энергомера", "СЕ101")), 190.0, 0, 16, "16 лет"),
    "Газ": ((("Гранд", "Гранд-1,6"), ("Бетар", "СГБМ-1,6")), 12.0, 3, 10, "10 лет"),
}
TARIFF_NAMES = {1: "Однотарифный", 2: "Двухтарифный", 3: "Трехтарифный"}
ZONE_SHARES = {1: (1.0, 0.0, 0.0), 2: (0.68, 0.32, 0.0), 3: (0.5, 0.3, 0.2)}


def periods(region: Region) -> list[tuple[int, int]]:
    """(year, month) of every reading period, oldest first."""
    year, month = region.params.period_end
    out = []
    for k in range(region.params.months - 1, -1, -1):
        m = month - k
        y = year + (m - 1) // 12
        out.append((y, (m - 1) % 12 + 1))
    return out


def _days(y: int, m: int, day: int) -> np.datetime64:
    return np.datetime64(date(y, m, day))


def build_meters(region: Region, accounts: pd.DataFrame) -> pd.DataFrame:
    """Devices of the accounts of organisations that upload readings."""
    p = region.params
    rng = stream(p.seed, "meters")
    acc = accounts[region.uos["billing"].to_numpy()[accounts["uo_idx"].to_numpy()]]
    flat = (acc["kind"] == "flat").to_numpy()
    n = len(acc)
    counts = {
        "Холодная вода": np.where(flat, 1 + (rng.random(n) < 0.15), (rng.random(n) < 0.5).astype(int)),
        "Горячая вода": np.where(flat, (rng.random(n) < 0.9) * (1 + (rng.random(n) < 0.15)), 0),
        "Электрическая энергия": np.where(rng.random(n) < 0.97, 1, 0),
        "Газ": np.where(flat & (rng.random(n) < 0.03), 1, 0),
    }
    frames = []
    for resource, count in counts.items():
        idx = np.repeat(np.arange(n), count)
        frames.append(pd.DataFrame({"acc": idx, "resource": resource}))
    m = pd.concat(frames, ignore_index=True)
    order = {r: k for k, r in enumerate(RESOURCES)}
    m = m.assign(_r=m["resource"].map(order)).sort_values(["acc", "_r"], kind="stable").drop(columns="_r")
    m = m.reset_index(drop=True)
    k = len(m)
    a = acc.iloc[m["acc"].to_numpy()]
    m["account_row"] = a.index.to_numpy()
    m["jku_id"] = a["jku_id"].to_numpy(object)
    m["house_idx"] = a["house_idx"].to_numpy()
    m["uo_idx"] = a["uo_idx"].to_numpy()
    m["residents"] = a["residents"].to_numpy()
    elec = (m["resource"] == "Электрическая энергия").to_numpy()
    m["tariffs"] = np.where(elec, rng.choice([1, 2, 3], size=k, p=[0.7, 0.25, 0.05]), 1)
    models = [RESOURCES[r][0] for r in m["resource"]]
    choice = rng.integers(0, 3, size=k)
    m["brand"] = [mod[c % len(mod)][0] for mod, c in zip(models, choice)]
    m["model"] = [mod[c % len(mod)][1] for mod, c in zip(models, choice)]
    m["serial"] = rng.integers(10_000_000, 999_999_999, size=k).astype(str).astype(object)
    gis_numbers = pd.unique(rng.integers(10**11, 10**12, size=int(k * 1.1) + 20))
    m["gis_number"] = np.array([f"{p.info.code}{x}" for x in gis_numbers[:k]], dtype=object)
    m["mean"] = np.array([RESOURCES[r][1] for r in m["resource"]]) * rng.uniform(0.5, 1.6, size=k) * np.where(
        elec, 1.0, np.maximum(1, m["residents"].to_numpy()) / 2.2)
    m["decimals"] = [RESOURCES[r][2] for r in m["resource"]]
    m["interval"] = [RESOURCES[r][3] for r in m["resource"]]
    m["interval_text"] = [RESOURCES[r][4] for r in m["resource"]]
    m["remote"] = np.where(rng.random(k) < 0.08, "да", "нет")
    m["replaced_by"] = -1
    m["replaces"] = -1
    m["first_t"] = 0
    m["last_t"] = p.months - 1
    return m


def add_years(days: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Calendar arithmetic: the same day `years` later (29 February → 28 February)."""
    days = np.asarray(days, dtype="datetime64[D]")
    months = days.astype("datetime64[M]")
    day = (days - months).astype(int)                                # 0-based day of month
    target = months + (np.asarray(years) * 12).astype("timedelta64[M]")
    last_day = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(int)
    return target.astype("datetime64[D]") + np.minimum(day, last_day - 1).astype("timedelta64[D]")


def _verification(rng, region: Region, m: pd.DataFrame, first_reading: np.datetime64) -> pd.DataFrame:
    """Install and last verification dates: most meters fine, some overdue, some due soon after as-of."""
    p = region.params
    k = len(m)
    as_of = np.datetime64(p.as_of)
    interval_days = (m["interval"].to_numpy() * 365.25).astype(int).astype("timedelta64[D]")
    status = pick(rng, ("ok", "overdue", "due_soon"), k,
                  p=[max(0.0, 1 - p.rates["verification_overdue_meters"] - p.rates["verification_due_soon_meters"]),
                     p.rates["verification_overdue_meters"], p.rates["verification_due_soon_meters"]])
    status[m["replaces"].to_numpy() >= 0] = "ok"
    status[m["replaced_by"].to_numpy() >= 0] = "ok"
    # Ok: due between as-of + 90 days and the end of the interval window.
    window = (rng.uniform(0.05, 0.95, size=k) * (interval_days.astype(int) - 120)).astype(int).astype("timedelta64[D]")
    last_verification = as_of + np.timedelta64(90, "D") - interval_days + window
    last_verification = np.minimum(last_verification, first_reading - np.timedelta64(40, "D"))
    overdue = status == "overdue"
    last_verification[overdue] = (first_reading - interval_days[overdue]
                                  - rng.integers(30, 900, size=overdue.sum()).astype("timedelta64[D]"))
    soon = status == "due_soon"
    last_verification[soon] = (as_of - interval_days[soon] + rng.integers(5, 26, size=soon.sum()).astype("timedelta64[D]"))
    install = last_verification - np.where(rng.random(k) < 0.6, 0, rng.integers(30, 600, size=k)).astype("timedelta64[D]")
    m = m.copy()
    m["status"] = status
    m["last_verification"] = last_verification
    m["install"] = install
    m["due"] = add_years(last_verification, m["interval"].to_numpy())
    return m


def build_readings(region: Region, meters: pd.DataFrame):
    """Readings rows (one per row to write) and the finished meter table (with replacements and dates)."""
    p = region.params
    r = p.rates
    rng = stream(p.seed, "readings")
    per = periods(region)
    T = len(per)
    # Replacements: the old meter stops after month k-1, a new device takes over from month k.
    k0 = len(meters)
    replaced = np.flatnonzero((rng.random(k0) < r["replaced_meter"]) & (T >= 3))
    if p.premises >= 500 and r["replaced_meter"] > 0 and not len(replaced) and k0 and T >= 3:
        replaced = np.array([k0 // 3])
    new = meters.iloc[replaced].copy()
    new_idx = np.arange(k0, k0 + len(replaced))
    switch = rng.integers(1, T, size=len(replaced))
    meters = meters.copy()
    meters.loc[replaced, "replaced_by"] = new_idx
    meters.loc[replaced, "last_t"] = switch - 1
    new["replaces"] = replaced
    new["first_t"] = switch
    new["serial"] = rng.integers(10_000_000, 999_999_999, size=len(new)).astype(str).astype(object)
    taken = set(meters["gis_number"])
    fresh = [f"{p.info.code}{x}" for x in rng.integers(10**11, 10**12, size=len(new) * 2 + 5)]
    new["gis_number"] = [g for g in dict.fromkeys(fresh) if g not in taken][: len(new)]
    new.index = new_idx
    meters = pd.concat([meters, new])
    K = len(meters)
    first_day = _days(*per[0], 1)
    meters = _verification(rng, region, meters, first_day + np.timedelta64(19, "D"))
    # New devices are installed in their first month, before that month's reading.
    is_new = meters["replaces"].to_numpy() >= 0
    first_t = meters["first_t"].to_numpy()
    install_new = np.array([_days(*per[t], 1) for t in first_t[is_new]], dtype="datetime64[D]") + \
        rng.integers(0, 14, size=is_new.sum()).astype("timedelta64[D]")
    inst = meters["install"].to_numpy().copy()
    ver = meters["last_verification"].to_numpy().copy()
    inst[is_new] = install_new
    ver[is_new] = install_new
    meters["install"], meters["last_verification"] = inst, ver
    meters["due"] = add_years(meters["last_verification"].to_numpy(), meters["interval"].to_numpy())

    # Consumption per meter, month and tariff zone; cumulative values from the base reading.
    tariffs = meters["tariffs"].to_numpy()
    shares = np.array([ZONE_SHARES[t] for t in tariffs])                        # K × 3
    factor = rng.uniform(0.7, 1.3, size=(K, T))
    mean = meters["mean"].to_numpy()
    consumption = mean[:, None, None] * factor[:, :, None] * shares[:, None, :]   # K × T × 3
    t_idx = np.arange(T)
    active = (t_idx[None, :] >= first_t[:, None]) & (t_idx[None, :] <= meters["last_t"].to_numpy()[:, None])
    present = active & (rng.random((K, T)) >= r["missed_reading"])
    ok_meter = (meters["status"].to_numpy() == "ok") & (meters["replaces"].to_numpy() < 0) & (
        meters["replaced_by"].to_numpy() < 0)
    # Due-soon meters always read in the last month (their latest reading carries the info flag).
    present[meters["status"].to_numpy() == "due_soon", T - 1] = True
    present[~active] = False
    decimals = meters["decimals"].to_numpy()
    scale = 10.0 ** decimals
    base = np.where(is_new[:, None], rng.uniform(0, 5, size=(K, 1)) * shares,
                    rng.uniform(20, 900, size=(K, 1)) * shares * np.where(decimals == 0, 60, 1)[:, None])
    base = np.floor(base * scale[:, None]) / scale[:, None]
    meters["base1"], meters["base2"], meters["base3"] = base[:, 0], base[:, 1], base[:, 2]

    # Spikes (a leak, a heater left on): one month at 15–30× the usual.
    rows_m, rows_t = np.nonzero(present)
    order = np.lexsort((rows_t, rows_m))
    rows_m, rows_t = rows_m[order], rows_t[order]
    n = len(rows_m)
    same_prev = np.concatenate([[False], rows_m[1:] == rows_m[:-1]])
    same_next = np.concatenate([rows_m[:-1] == rows_m[1:], [False]])
    eligible = ok_meter[rows_m] & same_prev & same_next          # interior readings of plain meters
    u = rng.random(n)
    cut = np.cumsum([r["spike"], r["below_previous"], r["bad_value"], r["superseded"]])
    category = np.full(n, "", dtype=object)
    category[eligible & (u < cut[0])] = "spike"
    category[eligible & (u >= cut[0]) & (u < cut[1])] = "below_previous"
    category[eligible & (u >= cut[1]) & (u < cut[2])] = "bad_value"
    category[eligible & (u >= cut[2]) & (u < cut[3])] = "superseded"
    # Keep anomalies apart: no two on neighbouring readings of one meter; spikes only on long series.
    marked = category != ""
    clash = marked & np.concatenate([[False], marked[:-1] & same_prev[1:]])
    category[clash] = ""
    series_len = np.bincount(rows_m, minlength=K)[rows_m]
    category[(category == "spike") & (series_len < 6)] = ""
    if p.premises >= 500:
        for rule in ("spike", "below_previous", "bad_value", "superseded"):
            if r[rule] > 0 and not (category == rule).any():
                free = np.flatnonzero(eligible & (category == "") & (series_len >= 6)
                                      & ~np.concatenate([[False], (category != "")[:-1]])
                                      & ~np.concatenate([(category != "")[1:], [False]]))
                if len(free):
                    category[free[len(free) // 2]] = rule
    spike_rows = np.flatnonzero(category == "spike")
    # The missed months before a reading add up: consumption of row = sum since the previous reading.
    # 20–35× the mean whatever the month's own factor, so ≥ 15× any plausible median.
    sm = rows_m[spike_rows]
    consumption[sm, rows_t[spike_rows], :] = (mean[sm][:, None] * shares[sm]
                                              * rng.uniform(20, 35, size=(len(spike_rows), 1)))
    consumption[~active] = 0
    values = base[:, None, :] + np.cumsum(consumption, axis=1)
    values = np.floor(values * scale[:, None, None]) / scale[:, None, None]
    row_values = values[rows_m, rows_t, :].copy()                              # n × 3
    prev_values = np.where(same_prev[:, None], np.roll(row_values, 1, axis=0), base[rows_m])

    # Below the previous reading in one tariff zone.
    below = np.flatnonzero(category == "below_previous")
    zone = np.array([rng.integers(0, tariffs[m]) for m in rows_m[below]], dtype=int)
    delta = mean[rows_m[below]] * shares[rows_m[below], zone] * rng.uniform(0.1, 0.9, size=len(below))
    delta = np.maximum(delta, 1.0 / scale[rows_m[below]])
    low = prev_values[below, zone] - delta
    row_values[below, zone] = np.floor(low * scale[rows_m[below]]) / scale[rows_m[below]]

    # Dates: 20th–26th of the period month.
    day = rng.integers(20, 27, size=n)
    reading_date = np.array([_days(*per[t], 1) for t in range(T)], dtype="datetime64[D]")[rows_t] + (
        day - 1).astype("timedelta64[D]")
    # Future dates: a slip in the latest month's date, after as-of.
    as_of = np.datetime64(p.as_of)
    last = (rows_t == T - 1) & ok_meter[rows_m] & (category == "") & same_prev
    future = last & (rng.random(n) < r["future_date"] * T)
    if p.premises >= 500 and r["future_date"] > 0 and not future.any() and last.any():
        future[np.flatnonzero(last)[0]] = True
    reading_date[future] = as_of + rng.integers(3, 46, size=future.sum()).astype("timedelta64[D]")
    category[future] = "future_date"

    rows = pd.DataFrame({
        "meter": rows_m, "t": rows_t, "date": reading_date, "category": category,
        "v1": row_values[:, 0], "v2": row_values[:, 1], "v3": row_values[:, 2],
    })
    rows["bad_text"] = ""
    bad = np.flatnonzero(category == "bad_value")
    rows.loc[bad, "bad_text"] = [_bad_value(v, d, c) for v, d, c in zip(
        row_values[bad, 0], decimals[rows_m[bad]], rng.integers(0, 100, size=len(bad)))]
    # Superseded: an earlier submission (2–5 days before, a lower value) precedes the accepted row.
    sup = np.flatnonzero(category == "superseded")
    earlier = rows.iloc[sup].copy()
    earlier["date"] = earlier["date"] - rng.integers(2, 6, size=len(sup)).astype("timedelta64[D]")
    cons_row = row_values[sup] - prev_values[sup]
    lowered = row_values[sup] - cons_row * rng.uniform(0.2, 0.8, size=(len(sup), 1))
    sc = scale[rows_m[sup]][:, None]
    lowered = np.floor(lowered * sc) / sc
    earlier[["v1", "v2", "v3"]] = lowered
    earlier["category"] = "superseded_earlier"
    earlier["order"] = np.arange(len(earlier))
    rows.loc[sup, "category"] = ""                                             # the accepted one is plain
    rows["order"] = np.arange(n) * 2 + 1
    earlier["order"] = sup * 2
    # Unknown meters: readings for devices missing from the devices list.
    n_unknown = int(rng.binomial(n, r["unknown_meter"])) if n else 0
    if p.premises >= 500 and r["unknown_meter"] > 0 and n_unknown == 0 and n:
        n_unknown = 1
    unknown = rows.iloc[rng.integers(0, n, size=n_unknown)].copy() if n else rows.iloc[:0].copy()
    unknown["category"] = "unknown_meter"
    unknown["order"] = unknown["order"] + 0.5
    unknown["bad_text"] = ""
    unknown["unknown_number"] = [f"{p.info.code}{x}" for x in rng.integers(10**11, 10**12, size=len(unknown))]
    rows["unknown_number"] = ""
    earlier["unknown_number"] = ""
    earlier["bad_text"] = ""
    readings = pd.concat([rows, earlier, unknown], ignore_index=True)
    readings = readings.sort_values("order", kind="stable").reset_index(drop=True)
    readings["text_value"] = rng.random(len(readings)) < r["text_value"]
    readings["date_cell"] = rng.random(len(readings)) < 0.15
    readings["rules"] = _rules(readings, meters, as_of, T)
    return meters, readings


def _bad_value(value: float, decimals: int, choice: int) -> str:
    """A value breaking the GIS pattern (up to 15 digits, up to 7 decimals, non-negative) but still plausible."""
    text = f"{value:.{max(decimals, 0)}f}" if decimals else f"{int(value)}"
    if choice % 2 == 0 and any(ch in text for ch in "03"):
        return text.replace("0", "О", 1) if "0" in text else text.replace("3", "З", 1)   # Cyrillic О, З
    return f"{value:.8f}".replace(".", ",")                                            # 8 decimals


def _rules(readings: pd.DataFrame, meters: pd.DataFrame, as_of: np.datetime64, T: int) -> list[list[str]]:
    """The rules each row must raise (truth/reading_anomalies.csv)."""
    out = [[] for _ in range(len(readings))]
    category = readings["category"].to_numpy(object)
    meter = readings["meter"].to_numpy()
    status = meters["status"].to_numpy()[meter]
    due = meters["due"].to_numpy()[meter]
    known = category != "unknown_meter"
    dates = readings["date"].to_numpy()
    for i in np.flatnonzero(known & (status == "overdue") & (dates > due)):
        out[i].append("verification_overdue")
    # The latest reading of a meter due soon: its last row by date.
    soon = np.flatnonzero(known & (status == "due_soon"))
    if len(soon):
        frame = pd.DataFrame({"i": soon, "m": meter[soon], "d": dates[soon]}).sort_values(["m", "d", "i"])
        for i in frame.groupby("m")["i"].last():
            if due[i] > as_of and due[i] <= as_of + np.timedelta64(30, "D"):
                out[i].append("verification_due_soon")
    for rule in ("spike", "below_previous", "bad_value", "future_date", "unknown_meter"):
        for i in np.flatnonzero(category == rule):
            out[i].append(rule)
    for i in np.flatnonzero(category == "superseded_earlier"):
        out[i].append("superseded")
    return out
