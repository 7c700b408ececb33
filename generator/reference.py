"""Real reference data shipped in generator/data (see data/SOURCES.md), parsed once per process."""
from __future__ import annotations

import csv
import gzip
import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).parent / "data"

HOUSE_LISTS = {
    "ekaterinburg": "housedata_ekaterinburg-26092016.csv.gz",
    "vladivostok": "housedata_vladivostok_20161224.csv.gz",
}

_SETTLEMENT = re.compile(r"^(г|п|с|пгт|рп|д|мкр)\.\s*([А-ЯЁ][^,]*)$")
_STREET = re.compile(r"^(ул|пер|пр-кт|б-р|тракт|проезд|ш|наб|туп|пл|аллея)\.\s*([0-9А-ЯЁа-яё][^,]*?)\s*$")
_HOUSE = re.compile(r"^д\.\s*(\d{1,3})\s*([А-Яа-я])?(?:\s*/\s*(\d{1,3}[А-Яа-я]?))?\.?$")
_KORPUS = re.compile(r"^к\.\s*(\d{1,2}|[А-Яа-я])$")
_LITERA = re.compile(r"^лит\.\s*([А-Яа-я])$")


def _int_or_nan(text: str, low: int, high: int) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return np.nan
    return value if low <= value <= high else np.nan


def _parse_address(address: str) -> dict | None:
    """Split a Reforma address «обл. X, г. Y, ул. Z, д. 21, к. А» into parts; None when it does not fit."""
    parts = [p.strip() for p in address.split(",")]
    if len(parts) < 4:
        return None
    settlement = _SETTLEMENT.match(parts[1])
    street = _STREET.match(parts[2])
    house = _HOUSE.match(parts[3])
    if not (settlement and street and house):
        return None
    korpus = litera = ""
    for extra in parts[4:]:
        if m := _KORPUS.match(extra):
            korpus = m.group(1)
        elif m := _LITERA.match(extra):
            litera = m.group(1)
        else:
            return None
    number = house.group(1) + (house.group(2) or "")
    if house.group(3):
        number += "/" + house.group(3)
    return {
        "settlement_type": settlement.group(1),
        "settlement": settlement.group(2).strip(),
        "street_type": street.group(1),
        "street": re.sub(r"\s+", " ", street.group(2)),
        "house_num": number,
        "korpus": korpus,
        "litera": litera,
    }


@lru_cache(maxsize=None)
def house_list(source: str) -> pd.DataFrame:
    """Parsed real houses of one list: address parts plus the passport figures that were filled in."""
    rows = []
    with gzip.open(DATA / HOUSE_LISTS[source], "rt", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            parsed = _parse_address(rec["ADDRESS"])
            if parsed is None:
                continue
            parsed.update(
                year=_int_or_nan(rec["YEAR"], 1900, 2016),
                floors=_int_or_nan(rec["LEVELS_MAX"], 1, 30),
                entrances=_int_or_nan(rec["DOORS"], 1, 12),
                flats=_int_or_nan(rec["ROOM_COUNT_LIVE"], 2, 600),
                uo_name=rec["MGMT_COMPANY"].strip(),
            )
            rows.append(parsed)
    frame = pd.DataFrame(rows)
    key = ["settlement_type", "settlement", "street_type", "street", "house_num", "korpus", "litera"]
    frame = frame.drop_duplicates(key).sort_values(key, kind="stable").reset_index(drop=True)
    return frame


@lru_cache(maxsize=None)
def uo_names(source: str) -> tuple[str, ...]:
    """Real management-organisation names of a list, most frequent first."""
    frame = house_list(source)
    names = frame["uo_name"]
    names = names[(names != "") & ~names.str.startswith("Не заполнено") & (names.str.len() < 90)]
    counts = names.value_counts()
    return tuple(sorted(counts.index, key=lambda n: (-counts[n], n)))


@lru_cache(maxsize=None)
def repair_jobs() -> pd.DataFrame:
    """Capital-repair work types seen in the Kazan 2018 data with their typical cost (thousand roubles)."""
    costs: dict[str, list[float]] = {}
    with open(DATA / "kapremont_kazan_2018_total.jsonl", encoding="utf-8") as fh:
        for line in fh:
            for job in json.loads(line).get("jobs") or []:
                price = (job.get("price") or {}).get("total") or (job.get("price") or {}).get("plan")
                costs.setdefault(job["job"], []).append(float(price) if price else np.nan)
    rows = [(name, len(v), float(np.nanmedian(v)) if np.isfinite(v).any() else 500.0) for name, v in costs.items()]
    frame = pd.DataFrame(rows, columns=["work_type", "count", "median_cost_thousand"])
    return frame.sort_values(["count", "work_type"], ascending=[False, True]).reset_index(drop=True)


@lru_cache(maxsize=None)
def type_full_names() -> dict[str, str]:
    """GAR short type name → full lower-case name («ул» → «улица», «п» → «поселок»)."""
    names: dict[str, str] = {}
    with open(DATA / "AS_ADDR_OBJ_TYPES.csv", encoding="utf-8") as fh:
        # Street level (8) first, then settlements (6, 5), so «п» ends up as a settlement «поселок».
        rows = sorted(csv.DictReader(fh), key=lambda r: {"8": 0, "7": 1, "6": 2, "5": 3}.get(r["LEVEL"], 9))
    for rec in rows:
        short = rec["SHORTNAME"].rstrip(".")
        if short and rec["ISACTIVE"] == "true":
            names[short] = rec["NAME"].lower()
    return names
