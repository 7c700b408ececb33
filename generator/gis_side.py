"""What GIS ZhKKh writes: house-level address and identifier noise, and every GIS premise row with its number,
area and registry cadastral number as written, with the noise category masks."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import addresses, noise
from .rng import guids, pick, stream

if TYPE_CHECKING:
    from .region import Params


def force_hit(u: np.ndarray, rate: float, low: float, high: float) -> np.ndarray:
    """Make sure a uniform draw hits [low, high) at least once when the rate is not zero."""
    if rate > 0 and not ((u >= low) & (u < high)).any():
        u = u.copy()
        u[len(u) // 3] = (low + high) / 2
    return u


def house_noise(p: Params, uos: pd.DataFrame, houses: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Street spellings, the GIS address text in the organisation's style, FIAS GUID and building number as GIS
    writes them, the building extract's format; with the house-level noise masks."""
    rng = stream(p.seed, "house-noise")
    r = p.rates
    n = len(houses)
    h = houses.copy()
    force = p.premises >= 500
    variants = addresses.street_variants(rng, h, r, force)
    h["street_gis"], h["street_egrn"] = variants["street_gis"], variants["street_egrn"]
    tags = {name: np.array([name in t for t in variants["street_tags"]], dtype=bool)
            for name in ("street_yo", "street_im", "street_ordinal", "street_typo")}
    style = uos["style"].to_numpy()[h["uo_idx"].to_numpy()]
    tags["street_type_after"] = style == 2
    has_letter = (h["house_num"].str[-1].str.isalpha() | (h["korpus"] != "") | (h["litera"] != "")).to_numpy()
    number_variant = (has_letter & (rng.random(n) < r["house_number_format"])).astype(int)
    tags["house_number_format"] = (number_variant == 1) | (h["litera"] != "").to_numpy()
    h["gis_address"] = [addresses.gis_house_address(p.info, row, s, v)
                        for (_, row), s, v in zip(h.iterrows(), style, number_variant)]
    spaces = rng.random(n) < r["stray_spaces"] * 2
    if force and r["stray_spaces"] > 0 and not spaces.any():
        spaces[n // 2] = True
    h.loc[spaces, "gis_address"] = h.loc[spaces, "gis_address"].str.replace(", ", ",  ", n=1, regex=False)
    tags["address_spaces"] = spaces
    # FIAS GUID in GIS: often present, sometimes missing, sometimes another house's.
    u = rng.random(n)
    if force and n > 3:
        u = force_hit(u, r["house_fias_wrong"], r["house_fias_missing"], r["house_fias_missing"] + r["house_fias_wrong"])
    missing = u < r["house_fias_missing"]
    wrong = (~missing) & (u < r["house_fias_missing"] + r["house_fias_wrong"])
    fias_w = h["fias_guid"].to_numpy(object).copy()
    fias_w[missing] = pick(rng, ("", "", "", "Не заполнено", "Нет"), int(missing.sum()))
    if n > 1:
        other = (np.flatnonzero(wrong) + rng.integers(1, n, size=wrong.sum())) % n
        fias_w[wrong] = h["fias_guid"].to_numpy(object)[other]
    else:
        fias_w[wrong] = guids(rng, int(wrong.sum()))
    h["fias_w"] = fias_w
    tags["house_fias_missing"], tags["house_fias_wrong"] = missing, wrong
    # Building cadastral number in GIS.
    u = rng.random(n)
    if force and n > 3:
        u = force_hit(u, r["building_cad_wrong"], r["building_cad_missing"],
                   r["building_cad_missing"] + r["building_cad_wrong"])
    bmissing = u < r["building_cad_missing"]
    bwrong = (~bmissing) & (u < r["building_cad_missing"] + r["building_cad_wrong"])
    bcad_w = h["building_cad"].to_numpy(object).copy()
    bcad_w[bmissing] = pick(rng, ("", "", "Нет", "Не заполнено"), int(bmissing.sum()))
    if n > 1:
        other = (np.flatnonzero(bwrong) + rng.integers(1, n, size=bwrong.sum())) % n
        bcad_w[bwrong] = h["building_cad"].to_numpy(object)[other]
    h["building_cad_w"] = bcad_w
    tags["building_cad_missing"], tags["building_cad_wrong"] = bmissing, bwrong
    # Building extracts: current formats, old KVOKS with its flats list, or none delivered.
    root = pick(rng, ("base_build", "about_build", "kvoks"), n, p=[0.75, 0.12, 0.13])
    none = rng.random(n) < r["building_extract_missing"]
    if p.premises >= 500 and r["building_extract_missing"] > 0 and n > 2 and not none.any():
        none[n - 2] = True
    if r["old_format"] == 0:
        root[root == "kvoks"] = "base_build"
    root[none] = ""
    h["build_root"] = root
    h["build_lists_rooms"] = rng.random(n) < 0.6
    tags["building_extract_missing"] = none
    tags["small_settlement"] = ~h["is_capital"].to_numpy()
    key = (h["street_type"] + " " + h["street"]).to_numpy(object)
    per_street = pd.Series(h["settlement_idx"].to_numpy()).groupby(key).transform("nunique").to_numpy()
    tags["twin_street"] = per_street > 1
    addr_key = pd.Series(key + "|" + h["house_num"].to_numpy(object) + "|" + h["korpus"].to_numpy(object))
    tags["twin_address"] = (pd.Series(h["settlement_idx"].to_numpy()).groupby(addr_key.to_numpy())
                            .transform("nunique").to_numpy() > 1)
    h["area_total"] = 0.0
    return h, tags


def gis_rows(p: Params, uos: pd.DataFrame, houses: pd.DataFrame, units: pd.DataFrame,
              in_gis: np.ndarray, unit_cad: np.ndarray, tags_u: dict[str, np.ndarray]):
    """One row per premise GIS lists, with number, area and registry number as written, and noise tags."""
    rng = stream(p.seed, "gis-rows")
    r = p.rates
    rows = units[in_gis].copy()
    n = len(rows)
    kind = rows["kind"].to_numpy()
    house = rows["house_idx"].to_numpy()
    number = rows["number"].to_numpy(object).copy()
    t: dict[str, np.ndarray] = {}
    # Renumbering: GIS carries a number EGRN does not (typo, offset after a reconstruction).
    existing = units.groupby("house_idx")["number"].agg(set).to_dict()
    flat = kind == "flat"
    renum = flat & (rng.random(n) < r["renumbered"])
    area = rows["area"].to_numpy()
    dup_area = pd.Series(area).groupby([house, np.round(area, 1)]).transform("size").to_numpy() > 1
    same_area_renum = flat & dup_area & ~renum & (rng.random(n) < r["renumbered"] * 0.4)
    if p.premises >= 500 and r["renumbered"] > 0 and not (same_area_renum.any()) and (flat & dup_area).any():
        same_area_renum[np.flatnonzero(flat & dup_area)[0]] = True
    for i in np.flatnonzero(renum | same_area_renum):
        taken = existing[house[i]]
        base_num = number[i].rstrip("а")
        for candidate in (base_num + base_num[-1], str(int(base_num) + 100), str(int(base_num) + 200),
                          base_num + "0"):
            if candidate not in taken:
                number[i] = candidate
                taken.add(candidate)
                break
    # Two flats swapped: each carries the other's number.
    swap = np.zeros(n, dtype=bool)
    candidates = np.flatnonzero(flat[:-1] & flat[1:] & (house[:-1] == house[1:]) & ~renum[:-1] & ~renum[1:]
                                & ~same_area_renum[:-1] & ~same_area_renum[1:]
                                & (np.abs(area[:-1] - area[1:]) > 3))
    chosen = candidates[rng.random(len(candidates)) < r["renumbered_swap"]]
    if p.premises >= 500 and r["renumbered_swap"] > 0 and len(chosen) == 0 and len(candidates):
        chosen = candidates[:1]
    chosen = chosen[np.concatenate([[True], np.diff(chosen) > 1])] if len(chosen) else chosen
    for i in chosen:
        number[i], number[i + 1] = number[i + 1], number[i]
        swap[i] = swap[i + 1] = True
    # Typos in flat numbers, from a stream of their own (the other noise stays as it was).
    typo_rng = stream(p.seed, "gis-number-typo")
    typo = (flat & ~renum & ~same_area_renum & ~swap & (typo_rng.random(n) < r["number_typo"])
            & np.array([str(x).isdigit() for x in number]))
    choices = typo_rng.integers(0, 1_000_000, size=n)
    for i in np.flatnonzero(typo):
        number[i] = noise.typo_number(number[i], int(choices[i]))
    t["number_typo"] = typo
    t["renumbered"] = renum
    t["renumbered_same_area"] = same_area_renum
    t["renumbered_swap"] = swap
    t["same_area"] = flat & dup_area
    # Written spellings.
    gis_kind = np.where(kind == "flat", "flat", np.where(kind == "nonres", "nonres", "common"))
    written, changed = noise.written_numbers(rng, number, gis_kind, r["number_format"])
    common = kind == "common"
    if common.any():
        written[common], _ = noise.written_numbers(rng, number[common], gis_kind[common], 1.0)
    t["number_format"] = changed & ~common
    t["roman_numeral"] = common & (written != rows["number"].to_numpy(object))
    spaces = rng.random(n) < r["stray_spaces"]
    written[spaces] = [w + " " if k % 2 else " " + w for w, k in zip(written[spaces], range(spaces.sum()))]
    t["stray_spaces"] = spaces
    # Numeric cells for plain numbers, share depending on the organisation's export.
    uo = houses["uo_idx"].to_numpy()[house]
    plain = np.array([w.isdigit() and not w.startswith("0") for w in written])
    numeric = plain & (rng.random(n) < uos["numeric_share"].to_numpy()[uo])
    # Areas.
    gis_area, area_cat = noise.written_areas(rng, rows["area"].to_numpy(), rows["area_2dec"].to_numpy(), r)
    t["area_drift"] = area_cat == "area_drift"
    t["area_rounding"] = area_cat == "area_rounding"
    area_text = rng.random(n) < r["area_text"]
    t["area_text"] = area_text
    living = rows["living"].to_numpy()
    placeholder = flat & (rng.random(n) < r["placeholder"])
    t["placeholder"] = placeholder
    # Registry cadastral number.
    true_cad = unit_cad[rows["unit_idx"].to_numpy()]
    neighbour = np.full(n, "", dtype=object)
    same_prev = np.concatenate([[False], house[1:] == house[:-1]])
    same_next = np.concatenate([house[:-1] == house[1:], [False]])
    prev_cad = np.concatenate([[""], true_cad[:-1]])
    next_cad = np.concatenate([true_cad[1:], [""]])
    neighbour = np.where(same_prev & (prev_cad != ""), prev_cad, np.where(same_next, next_cad, ""))
    registered = np.flatnonzero(true_cad != "")
    if len(registered) and len(houses) > 1:
        other = registered[rng.integers(0, len(registered), size=n)]
        other_cad = np.where(house[other] != house, true_cad[other], "")
    else:
        other_cad = np.full(n, "", dtype=object)
    frame = pd.DataFrame({"true_cad": true_cad, "neighbour_cad": neighbour, "other_house_cad": other_cad,
                          "building_cad": houses["building_cad"].to_numpy(object)[house]})
    cad_w, cad_cat = noise.registry_numbers(rng, frame, r)
    for cat in ("cad_ok", "cad_missing", "cad_neighbour", "cad_typo", "cad_other_house", "cad_building", "cad_spaces"):
        t[cat] = cad_cat == cat
    # EGRN-side number spelling (leading zeros) counts as a number format difference too.
    t["egrn_number_format"] = rows["egrn_number"].to_numpy(object) != rows["number"].to_numpy(object)
    t["old_format"] = rows["root"].to_numpy(object) == "kpoks"
    for name, mask in tags_u.items():
        t[name] = mask[rows["unit_idx"].to_numpy()]
    gis = pd.DataFrame({
        "unit_idx": rows["unit_idx"].to_numpy(),
        "house_idx": house,
        "uo_idx": uo,
        "premise_kind": np.where(flat, "residential", "non_residential"),
        "kind": kind,
        "number_w": written,
        "number_numeric": numeric,
        "entrance": rows["entrance"].to_numpy(),
        "characteristic": np.where(rows["communal"].to_numpy(), "Квартира коммунального заселения", "Отдельная квартира"),
        "area_w": gis_area,
        "area_as_text": area_text,
        "living_w": living,
        "living_placeholder": placeholder,
        "true_cad": true_cad,
        "cad_w": cad_w,
        "confirmed": pick(rng, ("Да", "Нет"), n, p=[0.6, 0.4]),
        "common_w": np.where(common, "Да", "Нет"),
        "egrn_area": rows["area"].to_numpy(),
        "egrn_number": rows["egrn_number"].to_numpy(object),
    })
    return gis, t
