"""Writing CSV and XLSX for people: values only, and no cell a spreadsheet would run as a formula.

A text cell that begins with `=`, `+`, `-` or `@` (also after leading spaces, or a tab or CR) gets
a leading single quote, in CSV and XLSX alike; XLSX cells are also always written as strings, never
as formulas. Numbers stay numbers: only text can smuggle a formula.

XLSX numbers carry a number format (`number_format`): a column whose header ends with «%» holds percentages
(0..100, as the reports show them) and is written as a fraction with a percent format; a year, OKTMO or INN stays
plain; other integers (counts) get a thousands separator, other numbers (money, areas) a thousands separator and
two decimals. In a «Показатель / Значение» sheet the row's «Показатель» decides for its «Значение».
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Mapping

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
MONEY_FORMAT = "#,##0.00"
PLAIN_FORMAT = "0"
PLAIN_WORDS = ("год", "октмо", "инн")
LABEL_COLUMN, VALUE_COLUMN = "Показатель", "Значение"


def number_format(label: str, value: float | int) -> tuple[str, float | int]:
    """The XLSX number format of a number under `label` (its column header, or its row's «Показатель»), and the
    value to write: percentages (a label ending in «%», values 0..100) are written as fractions."""
    text = label.strip().lower()
    if text.endswith("%"):
        return PERCENT_FORMAT, round(value / 100, 10)
    if any(word in text for word in PLAIN_WORDS):
        return PLAIN_FORMAT, value
    if isinstance(value, int):
        return COUNT_FORMAT, value
    return MONEY_FORMAT, value


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
    formats: dict[str, object] = {}

    def numeric(num_format: str):
        if num_format not in formats:
            formats[num_format] = workbook.add_format({"num_format": num_format})
        return formats[num_format]

    for name, frame in sheets.items():
        sheet = workbook.add_worksheet(name[:31])
        for col, title in enumerate(frame.columns):
            sheet.write_string(0, col, str(neutralise(str(title))), header_format)
            width = (column_widths or {}).get(str(title), min(60, max(10, len(str(title)) + 2)))
            sheet.set_column(col, col, width)
        titles = [str(t) for t in frame.columns]
        label_at = titles.index(LABEL_COLUMN) if LABEL_COLUMN in titles and VALUE_COLUMN in titles else None
        for r, row in enumerate(frame.itertuples(index=False, name=None), start=1):
            for c, value in enumerate(row):
                label = titles[c]
                if label_at is not None and label == VALUE_COLUMN:
                    label = str(row[label_at])
                _write_cell(sheet, r, c, value, date_format, label, numeric)
        sheet.freeze_panes(1, 0)
        if len(frame.columns):
            sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    workbook.close()
    return path


def _write_cell(sheet, row: int, col: int, value: object, date_format, label: str, numeric) -> None:
    import datetime as dt

    import numpy as np

    if isinstance(value, np.bool_):
        value = bool(value)
    elif isinstance(value, np.integer):
        value = int(value)
    elif isinstance(value, np.floating):
        value = float(value)
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        num_format, value = number_format(label, value)
        sheet.write_number(row, col, value, numeric(num_format))
    elif isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), date_format)
    else:
        sheet.write_string(row, col, str(neutralise(str(value))))
