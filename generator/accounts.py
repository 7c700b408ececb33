"""Personal accounts: who pays for which GIS premise (payers are people with personal data, or organisations).

One account per flat or non-residential premise; a communal flat has one account per room («Лицевые счета на
помещение(я) разделены?» = Да).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import people
from .region import Region
from .rng import stream

_JKU_LETTERS = np.array(list("АБВГДЕЖИКЛМНПРСТ"), dtype=object)


def jku_ids(rng: np.random.Generator, region_code: str, n: int) -> np.ndarray:
    """Unique «66ЖЛ560281-01»-style identifiers (Идентификатор ЖКУ)."""
    space = len(_JKU_LETTERS) ** 2 * 1_000_000
    raw = pd.unique(rng.integers(0, space, size=int(n * 1.05) + 10))
    while len(raw) < n:
        raw = pd.unique(np.concatenate([raw, rng.integers(0, space, size=n)]))
    raw = raw[:n]
    letters = raw // 1_000_000
    digits = raw % 1_000_000
    a = _JKU_LETTERS[letters // len(_JKU_LETTERS)]
    b = _JKU_LETTERS[letters % len(_JKU_LETTERS)]
    return np.array([f"{region_code}{x}{y}{d:06d}-01" for x, y, d in zip(a, b, digits)], dtype=object)


def build_accounts(region: Region) -> pd.DataFrame:
    p = region.params
    rng = stream(p.seed, "accounts")
    gis = region.gis
    payable = gis[gis["kind"].isin(["flat", "nonres"])]
    communal = payable["characteristic"].to_numpy() == "Квартира коммунального заселения"
    per_premise = np.where(communal, rng.integers(2, 4, size=len(payable)), 1)
    row = np.repeat(payable.index.to_numpy(), per_premise)
    n = len(row)
    room = np.arange(n) - np.repeat(np.cumsum(per_premise) - per_premise, per_premise) + 1
    split = np.repeat(per_premise > 1, per_premise)
    g = gis.loc[row]
    nonres = (g["kind"] == "nonres").to_numpy()
    who = people.names(rng, n)
    area = np.round(np.where(split, g["area_w"].to_numpy() / np.repeat(per_premise, per_premise),
                             g["area_w"].to_numpy()), 1)
    living = np.where(nonres, np.nan, np.round(np.where(split, g["living_w"].to_numpy() / np.repeat(
        per_premise, per_premise), g["living_w"].to_numpy()), 1))
    orgs = people.ogrn(rng, n, p.info.code)
    uo = g["uo_idx"].to_numpy()
    order = np.lexsort((np.arange(n), uo))
    ls_number = np.empty(n, dtype=np.int64)
    ls_number[order] = 700_001 + np.arange(n)
    accounts = pd.DataFrame({
        "gis_row": row,
        "unit_idx": g["unit_idx"].to_numpy(),
        "house_idx": g["house_idx"].to_numpy(),
        "uo_idx": uo,
        "kind": g["kind"].to_numpy(),
        "ls_number": ls_number.astype(str).astype(object),
        "jku_id": jku_ids(rng, p.info.code, n),
        "tenant": np.where(rng.random(n) < 0.05, "Да", "Нет"),
        "split": np.where(split, "Да", "Нет"),
        "room": np.where(split, room.astype(str), ""),
        "share": np.where(split, np.round(100 / np.repeat(per_premise, per_premise), 2), np.nan),
        "surname": np.where(nonres, "", who["surname"].to_numpy(object)),
        "first_name": np.where(nonres, "", who["first_name"].to_numpy(object)),
        "patronymic": np.where(nonres, "", who["patronymic"].to_numpy(object)),
        "snils": np.where(nonres | (rng.random(n) < 0.4), "", people.snils(rng, n)),
        "ogrn": np.where(nonres, orgs, ""),
        "kpp": np.where(nonres, f"{p.info.code}{rng.integers(10, 99)}01001", ""),
        "area": area,
        "living": living,
        "residents": np.where(nonres, 0, rng.integers(1, 5, size=n)),
    })
    return accounts
