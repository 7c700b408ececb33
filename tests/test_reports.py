"""The regional quality report: its figures agree with SQL over the warehouse, it renders in headless Chromium with
the region's figures on the page, and the XLSX holds the same figures with no formula-like cell left unescaped."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from publish_kit import empty_warehouse, region_warehouse, run_publishing_marts
from warehouse.exports import FORMULA_TRIGGERS
from warehouse.reports.quality_html import fmt_int, fmt_percent
from warehouse.reports.quality_report import write_quality_report

REGION_NAME = "=Свердловская область"  # formula-like on purpose: it must come out as text everywhere


@pytest.fixture(scope="module")
def warehouse():
    con = duckdb.connect(str(region_warehouse()), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def report(warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    (out / "data_docs").mkdir()
    (out / "data_docs" / "index.html").write_text("<html><body>Data Docs</body></html>", encoding="utf-8")
    html, xlsx = write_quality_report(warehouse, out, region_name=REGION_NAME)
    return html, xlsx


def embedded_figures(html_text: str) -> dict:
    match = re.search(r'<script type="application/json" id="sverka-figures">(.*?)</script>', html_text, re.S)
    return json.loads(match.group(1).replace("<\\/", "</"))


class FigureParser(HTMLParser):
    """The text of every element marked data-figure="…"."""

    def __init__(self):
        super().__init__()
        self.figures: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        self._open.append(dict(attrs).get("data-figure"))

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        name = next((n for n in reversed(self._open) if n), None)
        if name:
            self.figures[name] = self.figures.get(name, "") + data


def shown_figures(html_text: str) -> dict[str, str]:
    parser = FigureParser()
    parser.feed(html_text)
    return {k: v.strip() for k, v in parser.figures.items()}


def percent(part: int, whole: int) -> float:
    return round(part / whole * 100, 1)


def sql_headline(con: duckdb.DuckDBPyConnection) -> dict:
    """The headline recomputed from the base tables, not from marts.quality_kpis."""
    premises, registry, visible, review, conflict = con.execute(
        """
        SELECT count(*), count(registry_cadastral_number),
               count(*) FILTER (match_status IN ('confirmed', 'auto') AND cadastral_number IS NOT NULL),
               count(*) FILTER (match_status = 'review'), count(*) FILTER (match_status = 'conflict')
        FROM marts.premises
        """
    ).fetchone()
    readings = con.execute("SELECT count(*) FROM staging.gis_readings").fetchone()[0]
    readings_flagged = con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT source_file, source_sheet, source_row FROM quality.reading_flags "
        "WHERE severity IN ('error', 'warning'))"
    ).fetchone()[0]
    bill_rows = con.execute(
        "SELECT (SELECT count(*) FROM staging.gis_bills) + (SELECT count(*) FROM staging.gis_bill_lines)"
    ).fetchone()[0]
    bills_flagged = con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT source_file, source_sheet, source_row FROM quality.bill_flags "
        "WHERE severity IN ('error', 'warning'))"
    ).fetchone()[0]
    return {
        "premises": premises,
        "fill_rate_before": percent(registry, premises),
        "fill_rate_after": percent(visible, premises),
        "premises_visible": visible,
        "review_backlog": review,
        "conflict_backlog": conflict,
        "readings": readings,
        "reading_flag_rate": percent(readings_flagged, readings),
        "bill_rows": bill_rows,
        "bill_flag_rate": percent(bills_flagged, bill_rows),
        "meters_overdue": con.execute(
            "SELECT count(*) FROM marts.meters WHERE verification_status = 'overdue'").fetchone()[0],
        "quarantined_rows": con.execute("SELECT count(*) FROM quality.quarantine").fetchone()[0],
        "as_of": con.execute("SELECT strftime(max(as_of), '%d.%m.%Y') FROM quality.validation_run").fetchone()[0],
    }


def test_embedded_figures_agree_with_sql(warehouse, report):
    figures = embedded_figures(report[0].read_text(encoding="utf-8"))
    expected = sql_headline(warehouse)
    assert {k: figures["headline"][k] for k in expected} == expected
    assert figures["region_name"] == REGION_NAME


def test_organisation_ranking_agrees_with_sql(warehouse, report):
    figures = embedded_figures(report[0].read_text(encoding="utf-8"))
    by_sql = {
        inn: (premises, percent(visible, premises), review, conflict)
        for inn, premises, visible, review, conflict in warehouse.execute(
            """
            SELECT sv_uo_inn(source_file), count(*),
                   count(*) FILTER (match_status IN ('confirmed', 'auto') AND cadastral_number IS NOT NULL),
                   count(*) FILTER (match_status = 'review'), count(*) FILTER (match_status = 'conflict')
            FROM marts.premises GROUP BY ALL
            """
        ).fetchall()
    }
    ranking = figures["Управляющие организации"]
    shown = {
        row["Управляющая организация (ИНН)"]: (row["Помещений"], row["Видны в «Госуслуги.Дом» после сверки, %"],
                                               row["На ручной проверке"], row["Противоречат ЕГРН"])
        for row in ranking
    }
    assert shown == by_sql
    assert len(by_sql) >= 4
    # Those needing attention first: the fill rate after reconciliation never falls down the ranking.
    rates = [row["Видны в «Госуслуги.Дом» после сверки, %"] for row in ranking]
    assert rates == sorted(rates)
    assert [row["Место"] for row in ranking] == list(range(1, len(ranking) + 1))


def test_overdue_annual_reports_agree_with_sql(warehouse, report):
    figures = embedded_figures(report[0].read_text(encoding="utf-8"))
    year = figures["headline"]["annual_report_year"]
    on_time = {
        inn for (inn,) in warehouse.execute(
            "SELECT sv_uo_inn(source_file) FROM staging.gis_management_reports WHERE report_year = ? "
            "GROUP BY ALL HAVING max(published_on) <= make_date(? + 1, 3, 31)", [year, year]
        ).fetchall()
    }
    organisations = {inn for (inn,) in warehouse.execute(
        "SELECT DISTINCT management_organisation_inn FROM marts.house_management").fetchall()}
    overdue = {row["Управляющая организация (ИНН)"] for row in figures["Годовые отчёты"]}
    assert overdue == organisations - on_time
    assert figures["headline"]["organisations_report_overdue"] == len(overdue) > 0


def test_flag_rates_by_rule_agree_with_sql(warehouse, report):
    figures = embedded_figures(report[0].read_text(encoding="utf-8"))
    counted = dict(warehouse.execute(
        "SELECT rule, count(*) FROM (SELECT rule FROM quality.reading_flags UNION ALL "
        "SELECT rule FROM quality.bill_flags) GROUP BY rule"
    ).fetchall())
    shown = {row["Код"]: row["Строк с замечанием"] for row in figures["Правила проверки"]}
    assert {k: v for k, v in shown.items() if v} == counted
    top = figures["Главные проблемы"]
    assert [row["Количество"] for row in top] == sorted((row["Количество"] for row in top), reverse=True)


def test_page_shows_the_figures_it_embeds(report):
    text = report[0].read_text(encoding="utf-8")
    figures = embedded_figures(text)["headline"]
    shown = shown_figures(text)
    assert shown["fill_rate_before"] == fmt_percent(figures["fill_rate_before"])
    assert shown["fill_rate_after"] == fmt_percent(figures["fill_rate_after"])
    assert shown["premises"] == fmt_int(figures["premises"])
    assert shown["conflict_backlog"] == fmt_int(figures["conflict_backlog"])
    assert shown["meters_overdue"] == fmt_int(figures["meters_overdue"])
    assert shown["as_of"] == figures["as_of"]


def test_page_is_self_contained(report):
    text = report[0].read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "@import" not in text and "url(" not in text
    assert text.count("<svg") >= 2
    assert 'href="data_docs/index.html"' in text
    assert "<h1>Качество данных ЖКХ: =Свердловская область</h1>" in text


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    browser = chromium()
    if browser is None:
        pytest.skip("Chromium not found (Debian package `chromium`): the report cannot be rendered here")
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def test_chromium_shows_the_regions_figures(report, tmp_path):
    html = report[0]
    dom = run_chromium(tmp_path, "--virtual-time-budget=5000", "--dump-dom", html.resolve().as_uri()).stdout
    figures = embedded_figures(html.read_text(encoding="utf-8"))["headline"]
    assert 'data-sortable="ready"' in dom  # the page's script ran
    shown = shown_figures(dom)
    assert shown["fill_rate_before"] == fmt_percent(figures["fill_rate_before"])
    assert shown["fill_rate_after"] == fmt_percent(figures["fill_rate_after"])
    assert "Свердловская область" in dom and "Главные проблемы" in dom
    assert dom.count("<svg") >= 2


def test_chromium_screenshot_is_not_blank(report, tmp_path):
    shot = tmp_path / "report.png"
    run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", report[0].resolve().as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000  # text, tables and charts; a blank page compresses to a few kilobytes


def xlsx_sheets(path: Path) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_xlsx_holds_the_same_figures(report):
    figures = embedded_figures(report[0].read_text(encoding="utf-8"))
    sheets = xlsx_sheets(report[1])
    summary = {row[0]: row[1] for row in sheets["Сводка"][1:]}
    # percentages are written as fractions under a percent number format (tests/test_xlsx_number_formats.py)
    assert summary["Заполненность кадастровых номеров до сверки, %"] * 100 == pytest.approx(
        figures["headline"]["fill_rate_before"])
    assert summary["Видны собственникам в «Госуслуги.Дом» после сверки, %"] * 100 == pytest.approx(
        figures["headline"]["fill_rate_after"])
    assert summary["Помещений в ГИС ЖКХ"] == figures["headline"]["premises"]
    for name in ("Управляющие организации", "Правила проверки", "Главные проблемы", "Муниципалитеты"):
        header, *rows = sheets[name]
        expected = figures[name]
        assert header == list(expected[0])
        assert len(rows) == len(expected)
        for row, want in zip(rows, expected):
            for column, cell in zip(header, row):
                value = want[column]
                if value is None:
                    assert cell == ""
                elif isinstance(value, (int, float)):
                    shown = cell * 100 if column.endswith("%") else cell
                    assert shown == pytest.approx(value), (name, column)
                else:
                    assert cell == value, (name, column)


def test_no_formula_like_cell_survives_unescaped(report):
    for name, rows in xlsx_sheets(report[1]).items():
        for row in rows:
            for cell in row:
                if isinstance(cell, str):
                    assert not cell.lstrip(" ").startswith(FORMULA_TRIGGERS), (name, cell)
    summary = {row[0]: row[1] for row in xlsx_sheets(report[1])["Сводка"]}
    assert summary["Регион"] == "'" + REGION_NAME
    with zipfile.ZipFile(report[1]) as book:
        for member in book.namelist():
            if member.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", book.read(member)), member


def test_an_empty_warehouse_still_gets_a_report(tmp_path):
    con = empty_warehouse()
    run_publishing_marts(con)
    html, xlsx = write_quality_report(con, tmp_path)
    figures = embedded_figures(html.read_text(encoding="utf-8"))
    assert figures["headline"]["premises"] == 0 and figures["headline"]["fill_rate_after"] is None
    assert shown_figures(html.read_text(encoding="utf-8"))["fill_rate_after"] == "—"
    assert "Сводка" in xlsx_sheets(xlsx)
