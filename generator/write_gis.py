"""GIS ZhKKh houses workbooks: one per management organisation, as xlsx or as a zip of per-sheet CSV files.

Returns the lineage of every premise row (source_file, source_sheet, source_row) for the truth.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import csvfile, headers as H
from .archive import Archive
from .region import Region
from .rng import pick, stream
from .sheets import NUMBER, TEXT, Column, Sheet, describe, layout, mixed, number, runs, text
from .xlsx import write_xlsx

CREATED = datetime(2024, 12, 2, 9, 0, 0)


def period_label(region: Region) -> str:
    year, month = region.params.period_end
    return f"{year}-{month:02d}"


def houses_file_names(region: Region) -> dict[int, str]:
    """Landing path of each organisation's houses export (a workbook or a zip of CSV files)."""
    label = period_label(region)
    out = {}
    for uo in region.uos.itertuples():
        if uo.houses_format == "csv":
            out[uo.uo_idx] = f"gis/houses/uo_{uo.inn}_export.zip"
        else:
            out[uo.uo_idx] = f"gis/houses/houses_uo_{uo.inn}_{label}.xlsx"
    return out


def _area_column(values: np.ndarray, as_text: np.ndarray) -> Column:
    """Areas as numeric cells, some as text with a decimal comma («32,6»)."""
    col = number(values, 2)
    comma = pc.replace_substring(col.values, ".", ",")
    vals = pc.if_else(pa.array(as_text), comma, col.values)
    return Column(vals, np.where(as_text, TEXT, NUMBER).astype(np.int8))


def _houses_sheet(region: Region, houses: pd.DataFrame, rng) -> Sheet:
    info = region.params.info
    n = len(houses)
    year = houses["year"].to_numpy()
    state = np.where(year < 1950, pick(rng, ("Исправный", "Ветхий"), n, p=[0.7, 0.3]), "Исправный").astype(object)
    state[rng.random(n) < 0.02] = "Аварийный"
    floors = houses["floors"].to_numpy()
    min_floors = np.where(rng.random(n) < 0.15, np.maximum(1, floors - 1), floors)
    cols = [
        text(houses["gis_address"].to_numpy(object)),
        text(houses["fias_w"].to_numpy(object)),
        text(houses["oktmo"].to_numpy(object)),
        text(state),
        number(houses["area_total"].to_numpy(float), 1),
        number(year),
        number(floors),
        number(houses["underground"].to_numpy()),
        number(min_floors),
        text(np.full(n, info.timezone, dtype=object)),
        text(np.full(n, "Нет", dtype=object)),
        text(houses["building_cad_w"].to_numpy(object)),
    ]
    return Sheet(H.HOUSES_SHEET, H.HOUSES_HEADER, cols, layout(n, 2), H.HOUSES_MERGES)


def _premise_sheet(rows: pd.DataFrame, address: np.ndarray, residential: bool) -> Sheet:
    """All premise rows of one kind, every organisation, in export order (cut into files later)."""
    n = len(rows)
    kinds = np.where(rows["number_numeric"].to_numpy(), NUMBER, TEXT).astype(np.int8)
    area = _area_column(rows["area_w"].to_numpy(float), rows["area_as_text"].to_numpy())
    cad = text(rows["cad_w"].to_numpy(object))
    confirmed = text(rows["confirmed"].to_numpy(object))
    num = mixed(rows["number_w"].to_numpy(object), kinds)
    if not residential:
        cols = [text(address), num, text(rows["common_w"].to_numpy(object)), area, cad, confirmed]
        return Sheet(H.NONRES_SHEET, H.NONRES_HEADER, cols, layout(n, 1))
    living = number(rows["living_w"].to_numpy(float), 1)
    placeholder = rows["living_placeholder"].to_numpy()
    living = Column(pc.if_else(pa.array(placeholder), pa.scalar("Не заполнено"), living.values),
                    np.where(placeholder, TEXT, NUMBER).astype(np.int8))
    cols = [text(address), num, number(rows["entrance"].to_numpy()),
            text(rows["characteristic"].to_numpy(object)), area, living, cad, confirmed]
    return Sheet(H.RESIDENTIAL_SHEET, H.RESIDENTIAL_HEADER, cols, layout(n, 1))


def _export_order(region: Region) -> np.ndarray:
    """Row order of the premises exports: organisation, house, then the premise number — as text
    («1, 10, 11, 2») for organisations whose export sorts that way."""
    gis = region.gis
    lexicographic = region.uos["sort_lexicographic"].to_numpy()[gis["uo_idx"].to_numpy()]
    number_key = np.where(lexicographic, gis["number_w"].str.strip().to_numpy(object),
                          np.char.zfill(gis["unit_idx"].to_numpy().astype(str), 10).astype(object))
    frame = pd.DataFrame({"uo": gis["uo_idx"].to_numpy(), "house": gis["house_idx"].to_numpy(),
                          "key": number_key})
    return frame.sort_values(["uo", "house", "key"], kind="stable").index.to_numpy()


def _blank_rows(rng, n: int, rate: float, force: bool) -> np.ndarray:
    blanks = np.flatnonzero(rng.random(n) < rate)
    blanks = blanks[blanks > 0]
    if force and len(blanks) == 0 and n > 3 and rate > 0:
        blanks = np.array([n // 2])
    return blanks


def _csv_part(sheet: Sheet, header: list[list], order: list[int]) -> Sheet:
    return Sheet(sheet.name, [[row[i] for i in order] for row in header], [sheet.columns[i] for i in order],
                 sheet.rows)


def write_houses(region: Region, out_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Every organisation's houses export; returns lineage per GIS premise row and per house, and manifest
    records."""
    p = region.params
    rng = stream(p.seed, "write-houses")
    gis = region.gis.iloc[_export_order(region)]
    houses = region.houses.sort_values(["uo_idx", "house_idx"], kind="stable")
    address_of = region.houses["gis_address"].to_numpy(object)
    residential = gis[gis["premise_kind"].to_numpy() == "residential"]
    non_residential = gis[gis["premise_kind"].to_numpy() != "residential"]
    sheets = {
        "houses": (_houses_sheet(region, houses, rng), houses),
        "residential": (_premise_sheet(residential, address_of[residential["house_idx"].to_numpy()], True),
                        residential),
        "non_residential": (_premise_sheet(non_residential, address_of[non_residential["house_idx"].to_numpy()],
                                           False), non_residential),
    }
    spans = {name: {k: (a, b) for k, a, b in runs(frame["uo_idx"].to_numpy())}
             for name, (_, frame) in sheets.items()}
    lineage = {"source_file": np.empty(len(region.gis), dtype=object),
               "source_sheet": np.empty(len(region.gis), dtype=object),
               "source_row": np.zeros(len(region.gis), dtype=np.int64)}
    house_lineage = {"source_file": np.empty(len(region.houses), dtype=object),
                     "source_sheet": np.empty(len(region.houses), dtype=object),
                     "source_row": np.zeros(len(region.houses), dtype=np.int64)}
    records: list[dict] = []
    names = houses_file_names(region)
    first_xlsx = True
    for uo in region.uos.itertuples():
        path = names[uo.uo_idx]
        csv = uo.houses_format == "csv"
        folder = f"export_uo_{uo.inn}/"
        parts = []
        for name, (full, frame) in sheets.items():
            a, b = spans[name].get(uo.uo_idx, (0, 0))
            blanks = None
            if not csv and name != "houses":
                blanks = _blank_rows(rng, b - a, p.rates["blank_rows"], first_xlsx and name == "residential"
                                     and p.premises >= 500)
            part = full.part(a, b, blanks)
            if csv and name == "residential":
                part = _csv_part(part, H.RESIDENTIAL_HEADER, H.RESIDENTIAL_CSV_ORDER)
            elif csv and name == "non_residential":
                part = _csv_part(part, H.NONRES_HEADER, H.NONRES_CSV_ORDER)
            source = f"{path}/{folder}{part.name}.csv" if csv else path
            target = lineage if name != "houses" else house_lineage
            index = frame.index.to_numpy()[a:b]
            target["source_file"][index] = source
            target["source_sheet"][index] = "" if csv else part.name
            target["source_row"][index] = part.rows
            parts.append(part)
        if csv:
            with Archive(out_dir / path) as archive:
                for part in parts:
                    member = f"{folder}{part.name}.csv"
                    archive.add(member, csvfile.csv_bytes(part, csvfile.CP1251_SEMICOLON))
                    records.append(describe(part, f"{path}/{member}", None, f"gis_{part.name}", "csv",
                                            encoding="cp1251", delimiter=";"))
        else:
            first_xlsx = False
            (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
            write_xlsx(out_dir / path, parts, CREATED, shared_strings=bool(uo.excel))
            records += [describe(part, path, part.name, f"gis_{part.name}", "xlsx") for part in parts]
    return pd.DataFrame(lineage), pd.DataFrame(house_lineage), records
