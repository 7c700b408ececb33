"""Meter devices («Сведения о ПУ») and monthly individual readings («Импорт показаний ИПУ») per organisation.

Readings files are xlsx with a mix of numeric and text cells (decimal comma), some months CSV in UTF-8 with `,`
or Windows-1251 with `;`, as real uploads are. One folder per organisation keeps every file far below the
1,048,576-row sheet limit.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import csvfile, headers as H
from .metering import TARIFF_NAMES, periods
from .region import Region
from .rng import pick, stream
from .sheets import DATE, NUMBER, TEXT, Column, Sheet, constant, describe, format_dates, layout, number, runs, text
from .write_gis import CREATED, period_label
from .xlsx import write_xlsx

FORMULA_TEXTS = ("=СУММ(A1)", "-отключен", "+7 (343) 210-45-67", "@дом", "=1+2", "-демонтирован")


def formula_cells(rng, n: int, rate: float) -> np.ndarray:
    """Free-text cells that begin with = + - @ (to test escaping downstream); '' elsewhere."""
    out = np.full(n, "", dtype=object)
    hit = rng.random(n) < rate
    out[hit] = pick(rng, FORMULA_TEXTS, int(hit.sum()))
    return out


def write_meters(region: Region, meters: pd.DataFrame, out_dir: Path) -> tuple[list[dict], list[dict]]:
    rng = stream(region.params.seed, "write-meters")
    houses = region.houses.set_index("house_idx")
    records, formulas = [], []
    for uo in region.uos[region.uos["billing"]].itertuples():
        m = meters[meters["uo_idx"] == uo.uo_idx]
        if m.empty:
            continue
        m = m.sort_values(["account_row", "resource", "first_t"], kind="stable")
        k = len(m)
        tariffs = m["tariffs"].to_numpy()
        base = np.stack([m["base1"].to_numpy(), m["base2"].to_numpy(), m["base3"].to_numpy()], axis=1)
        decimals = m["decimals"].to_numpy()
        status = formula_cells(rng, k, region.params.rates["formula_text"])
        cols = [
            text(m["serial"].to_numpy(object)), text(np.full(k, "Индивидуальный", dtype=object)),
            text(m["brand"].to_numpy(object)), text(m["model"].to_numpy(object)),
            text(houses.loc[m["house_idx"].to_numpy(), "gis_address"].to_numpy(object)),
            text(np.full(k, "", dtype=object)), text(np.full(k, "", dtype=object)),
            text(m["jku_id"].to_numpy(object)), text(m["remote"].to_numpy(object)),
            text(m["resource"].to_numpy(object)), text(np.array([TARIFF_NAMES[t] for t in tariffs], dtype=object)),
            _values(base[:, 0], decimals, np.ones(k, bool)), _values(base[:, 1], decimals, tariffs >= 2),
            _values(base[:, 2], decimals, tariffs >= 3),
            _dates(m["install"]), _dates(m["install"]), _dates(m["last_verification"]), _dates(m["install"]),
            text(m["interval_text"].to_numpy(object)), text(np.full(k, "нет", dtype=object)),
            text(np.full(k, "нет", dtype=object)), text(m["gis_number"].to_numpy(object)), text(status),
        ]
        sheet = Sheet(H.METERS_SHEET, H.METERS_HEADER, cols, layout(k, 1))
        path = f"gis/meters/meters_info_{uo.inn}_{period_label(region)}.xlsx"
        (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(out_dir / path, [sheet], CREATED, shared_strings=bool(uo.excel))
        records.append(describe(sheet, path, sheet.name, "meters", "xlsx"))
        for row in np.flatnonzero(status != ""):
            formulas.append({"source_file": path, "source_sheet": sheet.name, "source_row": int(sheet.rows[row]),
                             "column": H.METERS_HEADER[0][22], "text": status[row]})
    return records, formulas


def _dates(series: pd.Series) -> Column:
    return Column(text(format_dates(series.to_numpy())).values, DATE)


def _values(values: np.ndarray, decimals: np.ndarray, present: np.ndarray) -> Column:
    rounded = np.where(decimals == 0, np.round(values), np.round(values, 3))
    return number(np.where(present, rounded, np.nan))


def write_readings(region: Region, meters: pd.DataFrame, readings: pd.DataFrame,
                   out_dir: Path) -> tuple[list[dict], list[dict]]:
    """Monthly files per organisation; returns manifest records and truth rows (one per row and rule)."""
    p = region.params
    rng = stream(p.seed, "write-readings")
    per = periods(region)
    T = len(per)
    houses = region.houses.set_index("house_idx")
    uo_of_row = meters["uo_idx"].to_numpy()[readings["meter"].to_numpy()]
    order = np.lexsort((readings["order"].to_numpy(), readings["t"].to_numpy(), uo_of_row))
    rows = readings.iloc[order].reset_index(drop=True)
    key = uo_of_row[order] * T + rows["t"].to_numpy()
    full = _readings_sheet(rows, meters, houses, per)
    rules = rows["rules"].to_numpy(object)
    hit_rows = np.flatnonzero(np.fromiter((len(x) > 0 for x in rules), dtype=bool, count=len(rules)))
    numbers = full.columns[1].values
    billing = region.uos.set_index("uo_idx")
    formats: dict[int, np.ndarray] = {}
    for rank, uo in enumerate(region.uos[region.uos["billing"]].itertuples()):
        f = pick(rng, ("xlsx", "csv_utf8", "csv_cp1251"), T, p=[0.8, 0.1, 0.1])
        if rank == 0:
            f[:] = "xlsx"
            if T > 3:
                f[3] = "csv_utf8"
            if T > 8:
                f[8] = "csv_cp1251"
        formats[uo.uo_idx] = f
    records, truth = [], []
    for k, start, stop in runs(key):
        uo_idx, t = divmod(k, T)
        uo = billing.loc[uo_idx]
        year, month = per[t]
        sheet = full.part(start, stop)
        folder = f"gis/readings/{uo['inn']}"
        fmt = formats[uo_idx][t]
        if fmt == "xlsx":
            path = f"{folder}/ipu_{year}_{month:02d}.xlsx"
            (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
            write_xlsx(out_dir / path, [sheet], CREATED, shared_strings=bool(uo["excel"]))
            records.append(describe(sheet, path, sheet.name, "readings", "xlsx"))
            source_sheet = sheet.name
        else:
            dialect = csvfile.UTF8_COMMA if fmt == "csv_utf8" else csvfile.CP1251_SEMICOLON
            path = f"{folder}/ipu_{year}_{month:02d}.csv"
            (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (out_dir / path).write_bytes(csvfile.csv_bytes(sheet, dialect))
            records.append(describe(sheet, path, None, "readings", "csv", encoding=dialect.encoding,
                                    delimiter=dialect.sep))
            source_sheet = ""
        first = len(sheet.header) + 1
        for i in hit_rows[np.searchsorted(hit_rows, start):np.searchsorted(hit_rows, stop)]:
            for rule in rules[i]:
                truth.append({"source_file": path, "source_sheet": source_sheet, "source_row": first + i - start,
                              "rule": rule, "meter_number": numbers[i].as_py(), "period": f"{month:02d}.{year}"})
    return records, truth


def _readings_sheet(rows: pd.DataFrame, meters: pd.DataFrame, houses: pd.DataFrame, per) -> Sheet:
    n = len(rows)
    meter = rows["meter"].to_numpy()
    m = meters.loc[meter]
    tariffs = m["tariffs"].to_numpy()
    decimals = m["decimals"].to_numpy()
    as_text = rows["text_value"].to_numpy()
    unknown = rows["unknown_number"].to_numpy(object)
    number_col = np.where(unknown != "", unknown, m["gis_number"].to_numpy(object))
    value_cols = []
    for z, present in enumerate((np.ones(n, bool), tariffs >= 2, tariffs >= 3)):
        col = _values(rows[f"v{z + 1}"].to_numpy(float), decimals, present)
        vals = pc.if_else(pa.array(as_text), pc.replace_substring(col.values, ".", ","), col.values)
        kinds = np.where(as_text, TEXT, NUMBER).astype(np.int8)
        if z == 0:
            bad = rows["bad_text"].to_numpy(object)
            is_bad = bad != ""
            vals = pc.if_else(pa.array(is_bad), pa.array(bad, type=pa.string()), vals)
            kinds = np.where(is_bad, TEXT, kinds).astype(np.int8)
        value_cols.append(Column(vals, kinds))
    date_text = format_dates(rows["date"].to_numpy())
    date_kind = np.where(rows["date_cell"].to_numpy(), DATE, TEXT).astype(np.int8)
    period_text = np.array([f"{mm:02d}.{yy}" for yy, mm in per], dtype=object)[rows["t"].to_numpy()]
    cols = [
        text(houses["gis_address"].to_numpy(object)[houses.index.get_indexer(m["house_idx"].to_numpy())]),
        text(number_col), text(m["resource"].to_numpy(object)), text(period_text),
        *value_cols, Column(text(date_text).values, date_kind), constant("", n),
    ]
    return Sheet(H.READINGS_SHEET, H.READINGS_HEADER, cols, layout(n, 1))
