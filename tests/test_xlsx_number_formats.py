"""XLSX numbers carry number formats: percent for shares, a thousands separator for counts and money; years and
codes stay plain. Checked on what openpyxl reads back from the written files."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd

from test_marts import given_region  # noqa: F401  (the given-rows region fixture)
from warehouse.exports import write_xlsx
from warehouse.reports.quality_report import write_quality_report


def _cells(path, sheet):
    rows = list(openpyxl.load_workbook(path)[sheet].iter_rows(min_row=1))
    header = [c.value for c in rows[0]]
    return header, rows[1:]


def test_write_xlsx_formats_numbers_by_what_they_are(tmp_path):
    frame = pd.DataFrame({
        "Помещений": [12345, 7], "Сумма, руб.": [1234567.891, 0.5], "Доля с замечаниями, %": [12.5, 100.0],
        "Отчётный год": [2023, 2024], "Адрес": ["=1+1", "ул. Ленина"], "Дата": [dt.date(2025, 1, 20), None],
    })
    path = write_xlsx({"Лист": frame}, tmp_path / "t.xlsx")
    header, rows = _cells(path, "Лист")
    column = {name: [row[k] for row in rows] for k, name in enumerate(header)}
    assert [c.number_format for c in column["Помещений"]] == ["#,##0", "#,##0"]
    assert [c.value for c in column["Помещений"]] == [12345, 7]
    assert [c.number_format for c in column["Сумма, руб."]] == ["#,##0.00", "#,##0.00"]
    assert [c.number_format for c in column["Доля с замечаниями, %"]] == ["0.0%", "0.0%"]
    assert [c.value for c in column["Доля с замечаниями, %"]] == [0.125, 1.0]
    assert [c.number_format for c in column["Отчётный год"]] == ["0", "0"]
    assert column["Адрес"][0].value == "'=1+1" and column["Адрес"][0].data_type == "s"


def test_quality_report_workbook_has_number_formats(given_region, tmp_path):
    _, xlsx = write_quality_report(given_region, tmp_path, region_name="Тестовая область")
    header, rows = _cells(xlsx, "Управляющие организации")
    column = {name: [row[k] for row in rows] for k, name in enumerate(header)}
    percent = column["Видны в «Госуслуги.Дом» после сверки, %"]
    assert percent and all(c.number_format == "0.0%" for c in percent if c.value is not None)
    assert all(0 <= c.value <= 1 for c in percent if c.value is not None)
    assert all(c.number_format == "#,##0" for c in column["Помещений"])
    # the summary sheet: each «Значение» formatted by its «Показатель»
    header, rows = _cells(xlsx, "Сводка")
    by_label = {row[0].value: row[1] for row in rows}
    assert by_label["Помещений в ГИС ЖКХ"].number_format == "#,##0"
    assert by_label["Заполненность кадастровых номеров до сверки, %"].number_format == "0.0%"
    assert by_label["Год годового отчёта (форма 2.8)"].number_format == "0"
