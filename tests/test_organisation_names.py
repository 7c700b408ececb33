"""The management organisation (УО) is named by its name, not only its INN, wherever people read it: the marts,
the quality report (HTML and XLSX) and the review queues. The name comes from the sources that carry one (the
capital-repair programme's special-account holder); without one, people read the INN and «наименование не указано
в выгрузке»."""

from __future__ import annotations

import duckdb
import openpyxl
import pytest

from publish_kit import region_warehouse
from test_marts import A, B, HOUSE_A1, HOUSE_B2, given_region  # noqa: F401  (the given-rows region fixture)
from warehouse.reports.quality_report import write_quality_report
from warehouse.reports.review_queue import write_review_queues

NAME_A = "ООО УК «Первая»"
NOTE = "наименование не указано в выгрузке"


def test_marts_carry_the_name_beside_the_inn(given_region):
    con = given_region
    organisations = {
        uo: (inn, name, label) for uo, inn, name, label in con.execute(
            "SELECT management_organisation, management_organisation_inn, management_organisation_name, "
            "management_organisation_label FROM marts.management_organisations").fetchall()
    }
    assert organisations[A] == (A, NAME_A, f"{NAME_A} (ИНН {A})")
    assert organisations[B] == (B, None, f"ИНН {B} ({NOTE})")
    houses = dict(con.execute(
        "SELECT house_address, management_organisation_name FROM marts.house_management").fetchall())
    assert houses[HOUSE_A1] == NAME_A and houses[HOUSE_B2] is None
    kpis = dict(con.execute(
        "SELECT management_organisation, management_organisation_name FROM marts.quality_kpis "
        "WHERE level = 'management_organisation' AND management_organisation IS NOT NULL").fetchall())
    assert kpis == {A: NAME_A, B: None}


def test_quality_report_names_each_organisation(given_region, tmp_path):
    html, xlsx = write_quality_report(given_region, tmp_path, region_name="Тестовая область")
    text = html.read_text(encoding="utf-8")
    assert f"{NAME_A} (ИНН {A})" in text
    assert f"{B} ({NOTE})" in text
    book = openpyxl.load_workbook(xlsx)
    for sheet in ("Управляющие организации", "Годовые отчёты"):
        rows = list(book[sheet].iter_rows(values_only=True))
        header = rows[0]
        name_col, inn_col = header.index("Наименование УО"), header.index("Управляющая организация (ИНН)")
        names = {row[inn_col]: row[name_col] for row in rows[1:]}
        if sheet == "Управляющие организации":
            assert names[A] == NAME_A and names[B] == NOTE
        else:
            assert names and all(names[inn] == (NAME_A if inn == A else NOTE) for inn in names)


def test_review_queues_name_their_organisation(tmp_path):
    with duckdb.connect(str(region_warehouse()), read_only=True) as con:
        names = dict(con.execute(
            "SELECT management_organisation, management_organisation_name FROM marts.management_organisations "
            "WHERE houses > 0").fetchall())
        paths = write_review_queues(con, tmp_path)
    assert len(paths) == len(names) >= 3 and any(names.values())
    for path in paths:
        rows = dict(list(openpyxl.load_workbook(path)["Сводка"].iter_rows(values_only=True))[1:])
        uo = rows["Управляющая организация (ИНН или файл выгрузки)"]
        assert rows["Управляющая организация"] == (names[uo] or f"{uo} ({NOTE})")


def test_kpi_artifact_rows_name_each_organisation(given_region):
    from warehouse.reports.run_summary import kpi_records

    names = {r["УО"]: r["Наименование УО"] for r in kpi_records(given_region) if r["Уровень"] == "УО" and r["УО"]}
    assert names == {A: NAME_A, B: NOTE}
