"""Payment documents (ПД): one per account and month, with its service lines, and the bill anomalies.

Invariants of a clean document: each line's charge = volume × tariff rounded to kopecks; «Итого» of a line =
charge + recalculation; the document's «Сумма к оплате за расчетный период» = Σ line «Итого». Anomalies break
exactly one invariant: lines_sum_mismatch (document sum off), charge_mismatch (one line's charge off, the
document still adds up), negative_amount (a negative line without recalculation), duplicate_document (a second
document for the same account and period, later in the file), unknown_account, bad_period (month 00/13/14/21).
Legitimate recalculations (negative «Перерасчеты всего», sometimes a negative «Итого») are not anomalies.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .accounts import jku_ids
from .metering import periods
from .region import Region
from .rng import pick, stream

SERVICES = [
    # name, unit, method, monthly volume (mean, spread) or per-m² rule, tariff, decimals
    ("Содержание жилого помещения", "кв.м", "Н", "area", 33.46, 2),
    ("Холодное водоснабжение", "куб.м", "П", (4.5, 2.5), 51.69, 3),
    ("Горячее водоснабжение", "куб.м", "П", (2.8, 1.8), 226.30, 3),
    ("Водоотведение", "куб.м", "П", "sewage", 34.77, 3),
    ("Электроснабжение", "кВт.ч", "П", (190, 90), 5.52, 0),
    ("Отопление", "Гкал", "П", "heat", 2150.77, 5),
]
HEATING_MONTHS = {1, 2, 3, 4, 5, 10, 11, 12}
HEAT_NORM = 0.0228


def _join(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise concatenation of two object arrays of strings (numpy adds them in C)."""
    return a + b


def build_bills(region: Region, accounts: pd.DataFrame):
    """(documents, lines): one row each, in file order, with the truth rule per row ('' for none)."""
    p = region.params
    r = p.rates
    rng = stream(p.seed, "bills")
    acc = accounts[region.uos["billing"].to_numpy()[accounts["uo_idx"].to_numpy()]].reset_index(drop=True)
    per = periods(region)
    T, A = len(per), len(acc)
    a = np.repeat(np.arange(A), T)
    t = np.tile(np.arange(T), A)
    n = len(a)
    flat = (acc["kind"].to_numpy() == "flat")[a]
    area = acc["area"].to_numpy()[a]
    month = np.array([m for _, m in per])[t]
    docs = pd.DataFrame({
        "account": a, "t": t, "uo_idx": acc["uo_idx"].to_numpy()[a],
        "jku_id": acc["jku_id"].to_numpy(object)[a],
        "doc_number": _join(acc["ls_number"].to_numpy(object)[a],
                            np.array([f"-{m:02d}{y % 100:02d}" for y, m in per], dtype=object)[t]),
        "period": np.array([f"{m:02d}.{y}" for y, m in per], dtype=object)[t],
        "area": area, "living": acc["living"].to_numpy()[a], "residents": acc["residents"].to_numpy()[a],
        "rule": "",
    })
    # Lines: which services each document has.
    two_tariff = (rng.random(A) < 0.25)[a]
    has = np.stack([
        np.ones(n, bool), flat | (rng.random(n) < 0.5), flat, flat | (rng.random(n) < 0.5),
        np.ones(n, bool), np.isin(month, list(HEATING_MONTHS)),
    ], axis=1)
    doc_of_line, service = np.nonzero(has)
    m = len(doc_of_line)
    names = np.array([s[0] for s in SERVICES], dtype=object)[service]
    units = np.array([s[1] for s in SERVICES], dtype=object)[service]
    methods = np.array([s[2] for s in SERVICES], dtype=object)[service]
    tariff = np.array([s[4] for s in SERVICES])[service]
    decimals = np.array([s[5] for s in SERVICES])[service]
    volume = np.zeros(m)
    for k, spec in enumerate(SERVICES):
        sel = service == k
        if isinstance(spec[3], tuple):
            mean, spread = spec[3]
            volume[sel] = np.maximum(0.1, rng.normal(mean, spread / 2, size=sel.sum()))
        elif spec[3] == "area":
            volume[sel] = area[doc_of_line[sel]]
        elif spec[3] == "heat":
            volume[sel] = area[doc_of_line[sel]] * HEAT_NORM
    volume = np.round(volume, 3)
    sewage = service == 3
    # Sewage = cold + hot water of the same document.
    water = pd.Series(np.where(np.isin(service, [1, 2]), volume, 0.0)).groupby(doc_of_line).sum()
    volume[sewage] = np.round(water.reindex(doc_of_line[sewage]).fillna(3.0).to_numpy(), 3)
    volume[service == 5] = np.round(area[doc_of_line[service == 5]] * HEAT_NORM, 5)
    volume[service == 4] = np.round(volume[service == 4])
    # Two-tariff electricity is billed as day and night lines.
    elec_two = (service == 4) & two_tariff[doc_of_line]
    lines = pd.DataFrame({"doc": doc_of_line, "service": names, "unit": units, "method": methods,
                          "volume": volume, "tariff": tariff, "norm": np.where(service == 5, HEAT_NORM, np.nan)})
    if elec_two.any():
        day = lines[elec_two].copy()
        night = lines[elec_two].copy()
        day["service"], day["tariff"] = "Электроснабжение (день)", 6.34
        night["service"], night["tariff"] = "Электроснабжение (ночь)", 3.11
        night["volume"] = np.round(day["volume"].to_numpy() * 0.45)
        day["volume"] = np.round(day["volume"].to_numpy() * 0.7)
        lines = pd.concat([lines[~elec_two], day, night]).sort_index(kind="stable")
        lines = lines.sort_values(["doc"], kind="stable").reset_index(drop=True)
    m = len(lines)
    lines["charge"] = np.round(lines["volume"].to_numpy() * lines["tariff"].to_numpy(), 2)
    lines["recalc"] = 0.0
    lines["rule"] = ""
    lines["status"] = ""
    # Line anomalies and legitimate recalculations.
    u = rng.random(m)
    cut = np.cumsum([r["charge_mismatch"], r["negative_amount"], r["recalculation"]])
    mismatch = u < cut[0]
    negative = (u >= cut[0]) & (u < cut[1])
    recalc = (u >= cut[1]) & (u < cut[2])
    if p.premises >= 500 and m:
        for mask, rate in ((mismatch, r["charge_mismatch"]), (negative, r["negative_amount"]),
                           (recalc, r["recalculation"])):
            if rate > 0 and not mask.any():
                free = np.flatnonzero(~(mismatch | negative | recalc))
                mask[free[len(free) // 3 + int(rate * 1e6) % max(1, len(free) // 3)]] = True
    charge = lines["charge"].to_numpy().copy()
    off = np.round(rng.uniform(5, 200, size=m) * rng.choice([-1, 1], size=m), 2)
    off = np.where(charge + off <= 0, np.abs(off), off)          # a wrong charge, never a negative one
    charge[mismatch] = np.round(charge[mismatch] + off[mismatch], 2)
    vol = lines["volume"].to_numpy().copy()
    vol[negative] = -np.abs(vol[negative])
    charge[negative] = np.round(vol[negative] * lines["tariff"].to_numpy()[negative], 2)
    rec = lines["recalc"].to_numpy().copy()
    rec[recalc] = -np.round(charge[recalc] * rng.uniform(0.2, 1.6, size=recalc.sum()), 2)
    lines["volume"], lines["charge"], lines["recalc"] = vol, charge, rec
    lines.loc[mismatch, "rule"] = "charge_mismatch"
    lines.loc[negative, "rule"] = "negative_amount"
    lines["total"] = np.round(lines["charge"] + lines["recalc"], 2)
    # Documents: sums and the rest of sections 1–2.
    sums = lines.groupby("doc")["total"].sum().reindex(np.arange(n)).fillna(0).to_numpy()
    docs["sum"] = np.round(sums, 2)
    debt = np.where(rng.random(n) < 0.2, np.round(rng.uniform(100, 6000, size=n), 2), 0.0)
    advance = np.where((debt == 0) & (rng.random(n) < 0.05), np.round(rng.uniform(50, 1500, size=n), 2), 0.0)
    docs["debt"], docs["advance"] = debt, advance
    docs["paid"] = np.round(docs["sum"].to_numpy() * rng.uniform(0.6, 1.1, size=n), 2)
    u = rng.random(n)
    cut = np.cumsum([r["lines_sum_mismatch"], r["bad_period"]])
    sum_off = u < cut[0]
    bad_period = (u >= cut[0]) & (u < cut[1])
    if p.premises >= 500 and n:
        if r["lines_sum_mismatch"] > 0 and not sum_off.any():
            sum_off[n // 2] = True
        if r["bad_period"] > 0 and not bad_period.any():
            bad_period[n // 3] = True
    docs.loc[sum_off, "sum"] = np.round(docs.loc[sum_off, "sum"].to_numpy() + rng.uniform(10, 500, size=sum_off.sum())
                                        * rng.choice([-1, 1], size=sum_off.sum()), 2)
    docs.loc[sum_off, "rule"] = "lines_sum_mismatch"
    years = docs.loc[bad_period, "period"].str[-4:].to_numpy()
    docs.loc[bad_period, "period"] = [f"{mm}.{y}" for mm, y in zip(pick(rng, ("13", "00", "14", "21"),
                                                                          int(bad_period.sum())), years)]
    docs.loc[bad_period, "rule"] = "bad_period"
    docs["to_pay"] = np.round(docs["sum"] + docs["debt"] - docs["advance"], 2)
    docs["doc_type"] = "Текущий"
    docs["order"] = np.arange(n, dtype=float)
    lines["order"] = docs["order"].to_numpy()[lines["doc"].to_numpy()]
    # Duplicates (a second document for the same account and period, later in the file) and unknown accounts.
    clean = np.flatnonzero(docs["rule"].to_numpy() == "")
    n_dup = int(rng.binomial(n, r["duplicate_document"])) if n else 0
    n_unknown = int(rng.binomial(n, r["unknown_account"])) if n else 0
    if p.premises >= 500 and n:
        n_dup = max(n_dup, 1 if r["duplicate_document"] > 0 else 0)
        n_unknown = max(n_unknown, 1 if r["unknown_account"] > 0 else 0)
    src = np.sort(rng.choice(clean, size=min(len(clean), n_dup + n_unknown), replace=False)) if len(clean) \
        else np.array([], dtype=int)
    is_dup = np.zeros(len(src), dtype=bool)
    is_dup[rng.permutation(len(src))[:n_dup]] = True
    if len(src):
        extra = docs.iloc[src].copy()
        new_of = np.full(n, -1)
        new_of[src] = n + np.arange(len(src))
        extra.index = new_of[src]
        dup_rows, unk_rows = extra.index[is_dup], extra.index[~is_dup]
        extra.loc[dup_rows, "doc_number"] = extra.loc[dup_rows, "doc_number"] + "/2"
        extra.loc[dup_rows, "rule"] = "duplicate_document"
        # Later in the file than the first document (documents of one month are T apart in `order`).
        extra.loc[dup_rows, "order"] = src[is_dup] + 0.5 + rng.integers(1, 40, size=is_dup.sum()) * T
        extra.loc[unk_rows, "jku_id"] = [j.replace("-01", "-02") for j in jku_ids(rng, p.info.code, len(unk_rows))]
        suffix = np.array([f"-{m:02d}{y % 100:02d}" for y, m in per], dtype=object)
        extra.loc[unk_rows, "doc_number"] = [f"{900_000 + k}{suffix[t_]}" for k, t_ in
                                             enumerate(extra.loc[unk_rows, "t"].to_numpy())]
        extra.loc[unk_rows, "rule"] = "unknown_account"
        extra.loc[unk_rows, "order"] = src[~is_dup] + 0.25
        copied = lines[np.isin(lines["doc"].to_numpy(), src)].copy()   # line anomalies stay anomalies
        copied["doc"] = new_of[copied["doc"].to_numpy()]
        copied["order"] = extra.loc[copied["doc"].to_numpy(), "order"].to_numpy()
        docs = pd.concat([docs, extra])
        lines = pd.concat([lines, copied], ignore_index=True)
    lines["doc_number"] = docs["doc_number"].reindex(lines["doc"].to_numpy()).to_numpy()
    docs = docs.sort_values("order", kind="stable")
    lines = lines.sort_values(["order"], kind="stable").reset_index(drop=True)
    return docs, lines
