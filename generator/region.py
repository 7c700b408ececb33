"""The model of a synthetic region: management organisations, houses, premises and EGRN objects, with the truth.

Everything is a pandas frame built with vectorised numpy code (houses.py, premises.py, gis_side.py); writers only
lay the frames out in the official formats. Columns ending in `_w` hold values as GIS ZhKKh writes them (with
noise); the others are the truth. Tag masks (one boolean array per noise category) say which noise applies to
which row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from . import gis_side, houses as house_model, premises
from .regions import RegionInfo


@dataclass
class Params:
    premises: int
    seed: int
    info: RegionInfo
    months: int
    period_end: tuple[int, int]
    as_of: date
    rates: dict[str, float]
    activity_premises: int
    extract_date: date


@dataclass
class Region:
    params: Params
    uos: pd.DataFrame
    houses: pd.DataFrame
    units: pd.DataFrame                      # every premise-like object, GIS and/or EGRN
    gis: pd.DataFrame                        # one row per GIS premise row, with written values
    house_tags: dict[str, np.ndarray] = field(default_factory=dict)
    unit_tags: dict[str, np.ndarray] = field(default_factory=dict)
    gis_tags: dict[str, np.ndarray] = field(default_factory=dict)


def build_region(p: Params) -> Region:
    houses = house_model.pick_houses(p)
    houses = house_model.house_attributes(p, houses)
    uos, houses = house_model.assign_uos(p, houses)
    houses = house_model.fit_counts(p, houses)
    units = premises.build_units(p, houses)
    in_egrn, in_gis, tags_u = premises.presence(p, units)
    building_cad, land_cad, unit_cad = premises.cadastral_numbers(p, houses, units, in_egrn)
    houses["building_cad"], houses["land_cad"] = building_cad, land_cad
    units["cad"] = unit_cad
    units["in_egrn"], units["in_gis"] = in_egrn, in_gis
    units = premises.egrn_side(p, houses, units, in_egrn)
    houses, house_tags = gis_side.house_noise(p, uos, houses)
    # Building area = premises area plus common parts (stairs, corridors).
    counted = units["kind"].isin(["flat", "nonres"]).to_numpy()
    houses["area_total"] = np.round(np.bincount(units["house_idx"].to_numpy(), weights=np.where(
        counted, units["area"].to_numpy(), 0), minlength=len(houses)) * 1.18, 1)
    gis, gis_tags = gis_side.gis_rows(p, uos, houses, units, in_gis, unit_cad, tags_u)
    for name, mask in house_tags.items():
        gis_tags[name] = mask[gis["house_idx"].to_numpy()]
    return Region(p, uos, houses, units, gis, house_tags, tags_u, gis_tags)
