"""Ground truth in OUT_DIR/truth/ (UTF-8 CSV + manifest.json). `sverka run` never reads this folder."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from .region import Region

REGISTRY_CATEGORIES = ("cad_ok", "cad_missing", "cad_neighbour", "cad_typo", "cad_other_house", "cad_building",
                       "cad_spaces")


def join_tags(tags: dict[str, np.ndarray], n: int, skip: tuple[str, ...] = ()) -> np.ndarray:
    """`;`-joined names of the masks that are set, per row (sorted names, so stable)."""
    out = np.full(n, "", dtype=object)
    for name in sorted(tags):
        if name in skip:
            continue
        hit = np.flatnonzero(tags[name])
        out[hit] = out[hit] + (name + ";")               # only where set: most categories are sparse
    tagged = np.flatnonzero(out != "")
    out[tagged] = [t[:-1] for t in out[tagged]]
    return out


def tag_counts(tags: dict[str, np.ndarray], skip: tuple[str, ...] = ()) -> dict[str, int]:
    return {name: int(np.count_nonzero(mask)) for name, mask in sorted(tags.items())
            if name not in skip and np.count_nonzero(mask)}


def premises_truth(region: Region, lineage: pd.DataFrame) -> pd.DataFrame:
    gis = region.gis
    houses = region.houses
    tags = region.gis_tags
    registry = np.full(len(gis), "", dtype=object)
    for name in REGISTRY_CATEGORIES:
        registry[tags[name]] = name
    h = gis["house_idx"].to_numpy()
    frame = pd.DataFrame({
        "source_file": lineage["source_file"].to_numpy(object),
        "source_sheet": lineage["source_sheet"].to_numpy(object),
        "source_row": lineage["source_row"].to_numpy(),
        "house_id": houses["house_id"].to_numpy(object)[h],
        "uo_id": region.uos["uo_id"].to_numpy(object)[gis["uo_idx"].to_numpy()],
        "premise_number": gis["number_w"].to_numpy(object),
        "premise_kind": gis["premise_kind"].to_numpy(object),
        "true_cadastral_number": gis["true_cad"].to_numpy(object),
        "registry_cadastral_number": gis["cad_w"].to_numpy(object),
        "registry_category": registry,
        "egrn_number": np.where(gis["true_cad"].to_numpy(object) != "", gis["egrn_number"].to_numpy(object), ""),
        "gis_area": gis["area_w"].to_numpy(),
        "egrn_area": np.where(gis["true_cad"].to_numpy(object) != "", gis["egrn_area"].to_numpy(), np.nan),
        "house_fias_guid": houses["fias_guid"].to_numpy(object)[h],
        "building_cadastral_number": houses["building_cad"].to_numpy(object)[h],
        "noise": join_tags(tags, len(gis), skip=("cad_ok",)),
    })
    return frame.sort_values(["source_file", "source_sheet", "source_row"], kind="stable")


def houses_truth(region: Region, lineage: pd.DataFrame) -> pd.DataFrame:
    h = region.houses
    return pd.DataFrame({
        "house_id": h["house_id"], "uo_id": region.uos["uo_id"].to_numpy(object)[h["uo_idx"].to_numpy()],
        "source_file": lineage["source_file"], "source_sheet": lineage["source_sheet"],
        "source_row": lineage["source_row"],
        "settlement_type": h["settlement_type"], "settlement": h["settlement"], "street_type": h["street_type"],
        "street": h["street"], "street_in_gis": h["street_gis"], "street_in_egrn": h["street_egrn"],
        "house_number": h["house_num"], "korpus": h["korpus"], "litera": h["litera"],
        "gis_address": h["gis_address"], "fias_guid": h["fias_guid"], "gis_fias_guid": h["fias_w"],
        "oktmo": h["oktmo"], "postal_code": h["postal_code"], "cadastral_quarter": h["quarter"],
        "building_cadastral_number": h["building_cad"], "gis_building_cadastral_number": h["building_cad_w"],
        "land_cadastral_number": h["land_cad"], "building_extract": h["build_root"],
        "year": h["year"], "floors": h["floors"], "flats": h["flats_n"], "non_residential": h["nonres_n"],
        "noise": join_tags(region.house_tags, len(h)),
    })


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8, comma, header row; fields quoted only when needed (pyarrow: fast for million-row truth)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))


def write_manifest(path: Path, manifest: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=False, default=_json_default) + "\n",
                    encoding="utf-8")


def _json_default(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return str(value)
