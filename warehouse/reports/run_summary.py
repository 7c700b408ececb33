"""A publish run in a few lines of Russian Markdown, and the KPI rows as plain records: what the Prefect publish
flow shows as its artifacts (kept here, without Prefect, so it can be tested and reused)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from warehouse.reports.quality_figures import NO_NAME, REPORT_STATUS_RU, QualityFigures, percent
from warehouse.reports.quality_html import fmt_int, fmt_percent

KPI_COLUMNS = {
    "level": "Уровень",
    "municipality_oktmo": "ОКТМО",
    "management_organisation": "УО",
    "management_organisation_name": "Наименование УО",
    "premises": "Помещений",
    "fill_rate_before": "До сверки, %",
    "fill_rate_after": "После сверки, %",
    "review_backlog": "На проверке",
    "conflict_backlog": "Конфликты",
    "reading_flag_rate": "Показания с замечаниями, %",
    "bill_flag_rate": "ПД с замечаниями, %",
    "meters_overdue": "Поверка истекла",
    "annual_report_status": "Годовой отчёт",
    "quarantined_rows": "В карантине",
}
LEVEL_RU = {"region": "регион", "municipality": "муниципалитет", "management_organisation": "УО"}


def summary_markdown(figures: QualityFigures, reports: list[Path], warehouse: str | None = None,
                     heading: str = "Публикация") -> str:
    h = figures.headline
    lines = [
        f"# {heading}: {figures.region_name}",
        "",
        f"Дата сверки: **{h['as_of'] or '—'}**" + (f"; хранилище: `{warehouse}`" if warehouse else ""),
        "",
        "| показатель | значение |",
        "|---|---|",
        f"| Кадастровые номера до сверки | {fmt_percent(h['fill_rate_before'])} "
        f"({fmt_int(h['premises_with_registry_number'])} из {fmt_int(h['premises'])}) |",
        f"| Видны в «Госуслуги.Дом» после сверки | {fmt_percent(h['fill_rate_after'])} "
        f"({fmt_int(h['premises_visible'])}) |",
        f"| На ручной проверке / противоречат ЕГРН | {fmt_int(h['review_backlog'])} / "
        f"{fmt_int(h['conflict_backlog'])} |",
        f"| Показания ИПУ с замечаниями | {fmt_percent(h['reading_flag_rate'])} из {fmt_int(h['readings'])} |",
        f"| Строки платёжных документов с замечаниями | {fmt_percent(h['bill_flag_rate'])} "
        f"из {fmt_int(h['bill_rows'])} |",
        f"| Приборы учёта с истёкшей поверкой | {fmt_int(h['meters_overdue'])} |",
        f"| УО без годового отчёта за {h['annual_report_year']} в срок | "
        f"{fmt_int(h['organisations_report_overdue'])} |",
        f"| Строк в карантине | {fmt_int(h['quarantined_rows'])} |",
        "",
    ]
    if not figures.top_problems.empty:
        lines += ["## Главные проблемы", ""]
        lines += [f"- {row['Проблема']}: **{fmt_int(row['Количество'])}**"
                  for row in figures.top_problems.head(5).to_dict(orient="records")]
        lines.append("")
    if reports:
        lines += ["## Отчёты", ""]
        lines += [f"- [{Path(p).name}]({Path(p).resolve().as_uri()})" for p in reports]
    return "\n".join(lines) + "\n"


def kpi_records(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """marts.quality_kpis as table-artifact rows: Russian headers, rates in percent, each УО with its name (or
    «наименование не указано в выгрузке»)."""
    rows = con.execute(f"SELECT {', '.join(KPI_COLUMNS)} FROM marts.quality_kpis").df()
    records = []
    for row in rows.astype(object).to_dict(orient="records"):
        record = {}
        for column, title in KPI_COLUMNS.items():
            value = row[column]
            if column == "management_organisation_name" and row["level"] == "management_organisation":
                value = NO_NAME if value is None or pd.isna(value) else value
            elif value is None or pd.isna(value):
                value = None
            elif column.endswith("_rate") or column.startswith("fill_rate"):
                value = percent(value)
            elif column == "level":
                value = LEVEL_RU.get(value, value)
            elif column == "annual_report_status":
                value = REPORT_STATUS_RU.get(value, value)
            elif hasattr(value, "item"):
                value = value.item()
            record[title] = value
        records.append(record)
    return records
