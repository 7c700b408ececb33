"""Writing CSV and XLSX for people: values only, and no cell a spreadsheet would run as a formula.

A text cell that begins with `=`, `+`, `-` or `@` (also after leading spaces, or a tab or CR) gets
a leading single quote, in CSV and XLSX alike; XLSX cells are also always written as strings, never
as formulas. Numbers stay numbers: only text can smuggle a formula.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Mapping

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """The CSV-safe form of one cell: formula-looking text gets a leading `'`."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def write_csv(frame: pd.DataFrame, stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([neutralise(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow(["" if v is None or (isinstance(v, float) and pd.isna(v)) else neutralise(v) for v in row])


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: Path, column_widths: Mapping[str, int] | None = None) -> Path:
    """One sheet per frame; text goes through write_string so nothing is ever a formula."""
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    header_format = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7"})
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    for name, frame in sheets.items():
        sheet = workbook.add_worksheet(name[:31])
        for col, title in enumerate(frame.columns):
            sheet.write_string(0, col, str(neutralise(str(title))), header_format)
            width = (column_widths or {}).get(str(title), min(60, max(10, len(str(title)) + 2)))
            sheet.set_column(col, col, width)
        for r, row in enumerate(frame.itertuples(index=False, name=None), start=1):
            for c, value in enumerate(row):
                _write_cell(sheet, r, c, value, date_format)
        sheet.freeze_panes(1, 0)
        if len(frame.columns):
            sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    workbook.close()
    return path


def _write_cell(sheet, row: int, col: int, value: object, date_format) -> None:
    import datetime as dt

    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value)
    elif isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), date_format)
    else:
        sheet.write_string(row, col, str(neutralise(str(value))))
