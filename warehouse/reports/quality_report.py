"""The regional quality report for a housing inspectorate: one self-contained HTML page and the same figures as
an XLSX workbook, both in Russian, written from the marts of a published (or about to be published) warehouse.

    from warehouse.reports.quality_report import write_quality_report
    paths = write_quality_report(con, "demo/reports", region_name="Свердловская область")

Great Expectations' Data Docs, when the validation stage wrote them into `<out_dir>/data_docs/`, are linked.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from warehouse.exports import write_xlsx
from warehouse.reports.quality_figures import QualityFigures, load_figures
from warehouse.reports.quality_html import write_html

HTML_NAME = "quality_report.html"
XLSX_NAME = "quality_report.xlsx"
DATA_DOCS = Path("data_docs") / "index.html"

COLUMN_WIDTHS = {
    "Проблема": 60, "Кто исправляет": 55, "Показатель": 55, "Значение": 16, "Правило": 45,
    "Управляющая организация (ИНН)": 30, "Муниципальное образование (ОКТМО)": 34, "Что проверяется": 22,
}


def write_quality_report(
    con: duckdb.DuckDBPyConnection, out_dir: Path | str, region_name: str | None = None
) -> list[Path]:
    """Writes quality_report.html and quality_report.xlsx into `out_dir`; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = load_figures(con, region_name)
    data_docs = DATA_DOCS.as_posix() if (out_dir / DATA_DOCS).exists() else None
    # Each file is written beside its final name and renamed: a reader never opens half a report.
    html = _replace(write_html(figures, _partial(out_dir / HTML_NAME), data_docs=data_docs, xlsx_name=XLSX_NAME),
                    out_dir / HTML_NAME)
    xlsx = _replace(write_workbook(figures, _partial(out_dir / XLSX_NAME)), out_dir / XLSX_NAME)
    return [html, xlsx]


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial-{os.getpid()}{path.suffix}")


def _replace(written: Path, target: Path) -> Path:
    os.replace(written, target)
    return target


def write_workbook(figures: QualityFigures, path: Path) -> Path:
    """The report's figures, one sheet per table, through the formula-safe writer."""
    summary = figures.summary()
    summary.loc[-1] = ["Регион", figures.region_name]
    summary = summary.sort_index().reset_index(drop=True)
    return write_xlsx({"Сводка": summary, **figures.tables()}, path, column_widths=COLUMN_WIDTHS)
