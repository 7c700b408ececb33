"""The publishing marts: build order, documentation, no personal data, and KPI arithmetic on given rows.

Given rows go straight into the typed staging tables and the contract tables the marts read (marts.premises,
marts.meters, quality.*_flags …); only the publishing marts' own SQL runs over them.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import duckdb
import pytest

from publish_kit import empty_warehouse, given, region, region_warehouse, run_publishing_marts
from warehouse.marts import CREATES, MARTS_DIR, NOT_CODE, build_marts, mart_files

PUBLISHING_FILES = ("house_management.sql", "house_cards.sql", "owner_premise_cards.sql", "quality_kpis.sql")
PUBLISHING_MARTS = sorted(
    t for f in PUBLISHING_FILES for t in CREATES.findall(NOT_CODE.sub(" ", (MARTS_DIR / f).read_text()))
)

# --- build order ------------------------------------------------------------------------------------------------


def test_marts_build_after_the_marts_they_read():
    order = [f.name for f in mart_files()]
    assert order[0] == "_macros.sql"
    position = {name: k for k, name in enumerate(order)}
    assert position["house_management.sql"] < position["house_cards.sql"]
    for read in ("premises.sql", "meters.sql", "readings.sql", "bills.sql", "bill_lines.sql", "house_management.sql"):
        assert position[read] < position["owner_premise_cards.sql"]
    for read in ("premises.sql", "meters.sql", "house_management.sql"):
        assert position[read] < position["quality_kpis.sql"]


def test_a_cycle_between_marts_is_refused(tmp_path):
    (tmp_path / "a.sql").write_text("CREATE TABLE marts.a AS SELECT * FROM marts.b;")
    (tmp_path / "b.sql").write_text("CREATE TABLE marts.b AS SELECT * FROM marts.a;")
    with pytest.raises(ValueError, match="cycle"):
        mart_files(tmp_path)


def test_names_in_comments_and_strings_are_not_reads(tmp_path):
    (tmp_path / "a.sql").write_text("-- reads marts.b? no\nCREATE TABLE marts.a AS SELECT 'marts.b' AS x;")
    (tmp_path / "b.sql").write_text("CREATE TABLE marts.b AS SELECT * FROM marts.a;")
    assert [f.name for f in mart_files(tmp_path)] == ["a.sql", "b.sql"]


# --- documentation ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warehouse():
    con = duckdb.connect(str(region_warehouse()), read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("table", PUBLISHING_MARTS)
def test_every_publishing_mart_and_column_has_a_comment(warehouse, table):
    (comment,) = warehouse.execute(
        "SELECT comment FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = ?", [table]
    ).fetchone()
    assert comment and len(comment) > 20
    undocumented = warehouse.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = ? "
        "AND (comment IS NULL OR length(comment) < 3)", [table]
    ).fetchall()
    assert undocumented == []


def test_every_mart_table_and_column_has_a_comment(warehouse):
    """Every table and every column of the marts schema of a built warehouse says what it means."""
    tables = warehouse.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts'").fetchone()[0]
    assert tables >= 15
    untitled = warehouse.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' "
        "AND (comment IS NULL OR length(trim(comment)) < 10) ORDER BY 1").fetchall()
    assert untitled == []
    undocumented = warehouse.execute(
        "SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
        "AND (comment IS NULL OR length(trim(comment)) < 3) ORDER BY 1").fetchall()
    assert undocumented == []


# --- personal data ----------------------------------------------------------------------------------------------

PERSONAL_COLUMN_WORDS = ("surname", "first_name", "patronymic", "snils", "passport", "birth", "payer", "ogrn",
                         "kpp", "fio", "owner_name", "right_holder")
SNILS = re.compile(r"\b\d{3}-\d{3}-\d{3} \d{2}\b")


def _strings(value, out: set[str]) -> set[str]:
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            out.add(key)
            _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)
    return out


def personal_values() -> set[str]:
    """Payer names and SNILS the generator wrote into the accounts workbooks (and Sverka must never read)."""
    from python_calamine import CalamineWorkbook

    from transforms.parse.specs import PERSONAL_DATA_HEADERS

    values: set[str] = set()
    for path in (region() / "landing").rglob("accounts_*.xlsx"):
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Основные сведения").to_python()
        header = next(r for r in rows[:5] if any(str(c) in PERSONAL_DATA_HEADERS for c in r))
        columns = [k for k, c in enumerate(header) if str(c) in PERSONAL_DATA_HEADERS]
        for row in rows[rows.index(header) + 1:]:
            values.update(str(row[k]).strip() for k in columns if k < len(row) and str(row[k]).strip())
    return values


@pytest.mark.parametrize("table", ["owner_premise_cards", "house_cards", "quality_kpis", "quality_checked_rows"])
def test_no_personal_data_in_the_publishing_marts(warehouse, table):
    names = personal_values()
    assert len(names) > 100  # the generator did write payers: the check below means something

    described = json.dumps(warehouse.execute(
        "SELECT list(data_type) FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = ?", [table]
    ).fetchone()[0]).lower()
    columns = [c for (c,) in warehouse.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = ?", [table]
    ).fetchall()]
    for word in PERSONAL_COLUMN_WORDS:
        assert word not in described and not any(word in c.lower() for c in columns), word

    strings: set[str] = set()
    for (row,) in warehouse.execute(f"SELECT to_json(t)::VARCHAR FROM marts.{table} AS t").fetchall():
        _strings(json.loads(row), strings)
    assert not strings & names
    assert not [s for s in strings if SNILS.search(s)]


# --- owner cards on the generated region ------------------------------------------------------------------------


def test_owner_cards_carry_each_meters_readings_and_each_accounts_bills(warehouse):
    cards, with_meters, with_bills = warehouse.execute(
        "SELECT count(*), count(*) FILTER (len(meters) > 0), count(*) FILTER (len(bills) > 0) "
        "FROM marts.owner_premise_cards"
    ).fetchone()
    premises = warehouse.execute("SELECT count(*) FROM marts.premises").fetchone()[0]
    assert cards == premises
    assert with_meters > cards / 2 and with_bills > cards / 2
    mismatched = warehouse.execute(
        """
        WITH card_readings AS (
            SELECT m.meter_gis_number, len(m.readings) AS n
            FROM (SELECT unnest(meters) AS m FROM marts.owner_premise_cards)
        )
        SELECT count(*) FROM card_readings AS c
        WHERE c.n <> (SELECT count(*) FROM marts.readings AS r WHERE r.meter_gis_number = c.meter_gis_number)
        """
    ).fetchone()[0]
    assert mismatched == 0
    bills_mismatched = warehouse.execute(
        """
        SELECT count(*) FROM marts.owner_premise_cards AS c
        WHERE len(c.bills) <> (SELECT count(*) FROM marts.bills AS b
                               WHERE list_contains(list_transform(c.accounts, lambda a: a.hcs_id), b.hcs_id))
        """
    ).fetchone()[0]
    assert bills_mismatched == 0


def test_visible_premises_are_the_confirmed_and_auto_ones(warehouse):
    visible, confirmed_or_auto = warehouse.execute(
        "SELECT count(*) FILTER (visible_in_app), "
        "count(*) FILTER (cadastral_status IN ('confirmed', 'auto') AND cadastral_number IS NOT NULL) "
        "FROM marts.owner_premise_cards"
    ).fetchone()
    assert visible == confirmed_or_auto > 0


# --- KPI arithmetic on given rows -------------------------------------------------------------------------------

A, B = "6600000001", "6600000002"
A_HOUSES = f"gis/houses/houses_uo_{A}_2024-12.xlsx"
B_EXPORT = f"gis/houses/uo_{B}_export.zip/export_uo_{B}"
HOUSE_A1 = "обл. Свердловская, г. Екатеринбург, ул. Первомайская, д. 1"
HOUSE_A3 = "обл. Свердловская, г. Екатеринбург, ул. Первомайская, д. 3"
HOUSE_B2 = "620000, Свердловская обл, г. Екатеринбург, ул Вторая, д. 2"


@pytest.fixture(scope="module")
def given_region():
    con = empty_warehouse()
    given(con, "staging.gis_houses", [
        {"source_file": A_HOUSES, "source_sheet": "Характеристики МКД", "source_row": 3, "address": HOUSE_A1,
         "oktmo": "65701000001", "house_fias_guid": "11111111-1111-1111-1111-111111111111"},
        {"source_file": A_HOUSES, "source_sheet": "Характеристики МКД", "source_row": 4, "address": HOUSE_A3,
         "oktmo": "65701000001"},
        {"source_file": f"{B_EXPORT}/Характеристики МКД.csv", "source_sheet": None, "source_row": 2,
         "address": HOUSE_B2, "oktmo": "65702000"},
    ])
    premises = [  # (file, sheet, row, house, number, registry number, status, cadastral number)
        (A_HOUSES, "Жилые помещения", 2, HOUSE_A1, "1", "66:41:0101001:11", "confirmed", "66:41:0101001:11"),
        (A_HOUSES, "Жилые помещения", 3, HOUSE_A1, "2", None, "auto", "66:41:0101001:12"),
        (A_HOUSES, "Жилые помещения", 4, HOUSE_A1, "3", None, "auto", "66:41:0101001:13"),
        (A_HOUSES, "Жилые помещения", 5, HOUSE_A1, "4", "66:41:0101001:99", "conflict", "66:41:0101001:14"),
        (A_HOUSES, "Жилые помещения", 6, HOUSE_A1, "5", None, "review", None),
        (f"{B_EXPORT}/Жилые помещения.csv", None, 2, HOUSE_B2, "1", "66:41:0202002:21", "confirmed",
         "66:41:0202002:21"),
        (f"{B_EXPORT}/Жилые помещения.csv", None, 3, HOUSE_B2, "2", None, "unmatched", None),
    ]
    given(con, "staging.gis_residential_premises", [
        {"source_file": f, "source_sheet": s, "source_row": r, "house_address": h, "premise_number": n,
         "cadastral_number": reg} for f, s, r, h, n, reg, _, _ in premises
    ])
    given(con, "marts.premises", [
        {"source_file": f, "source_sheet": s, "source_row": r, "house_address": h, "premise_number": n,
         "premise_kind": "residential", "registry_cadastral_number": reg, "cadastral_number": cad,
         "match_status": status} for f, s, r, h, n, reg, status, cad in premises
    ])
    # Meters: A's meter files name the house as the houses export does; B's meter is found by its address.
    meters = [("M1", A, HOUSE_A1, "overdue"), ("M3", A, HOUSE_A1, "due_soon"), ("M2", B, HOUSE_B2, "ok")]
    given(con, "staging.gis_meters", [
        {"source_file": f"gis/meters/meters_info_{inn}_2024-12.xlsx", "source_sheet": "Сведения о ПУ",
         "source_row": k + 2, "meter_gis_number": m, "serial_number": m, "resource": "Холодная вода",
         "house_address": h} for k, (m, inn, h, _) in enumerate(meters)
    ])
    given(con, "marts.meters", [
        {"meter_gis_number": m, "house_address": h, "verification_status": v,
         "source_file": f"gis/meters/meters_info_{inn}_2024-12.xlsx"} for m, inn, h, v in meters
    ])
    # Readings: four of A's (with the house address), two of B's (CSV, no address: placed by the meter).
    a_readings, b_readings = f"gis/readings/{A}/ipu_2024_01.xlsx", f"gis/readings/{B}/ipu_2024_01.csv"
    given(con, "staging.gis_readings", [
        {"source_file": a_readings, "source_sheet": "Импорт показаний ИПУ", "source_row": r,
         "meter_gis_number": "M1", "house_address": HOUSE_A1} for r in (2, 3, 4, 5)
    ] + [
        {"source_file": b_readings, "source_sheet": None, "source_row": r, "meter_gis_number": "M2"} for r in (2, 3)
    ])
    given(con, "quality.reading_flags", [
        {"source_file": f, "source_sheet": sheet, "source_row": r, "rule": rule, "severity": severity, "message": "м"}
        for f, sheet, r, rule, severity in [
            (a_readings, "Импорт показаний ИПУ", 2, "below_previous", "error"),
            (a_readings, "Импорт показаний ИПУ", 3, "spike", "warning"),
            (a_readings, "Импорт показаний ИПУ", 3, "superseded", "info"),
            (a_readings, "Импорт показаний ИПУ", 4, "superseded", "info"),
            (b_readings, None, 2, "verification_overdue", "warning"),
        ]
    ])
    # Bills: one document of A's with two lines; the document and a line are flagged.
    pd_file = f"gis/payments/{A}/pd_2024_01.xlsx"
    given(con, "staging.gis_accounts", [
        {"source_file": f"gis/accounts/accounts_{A}_2024-12.xlsx", "source_sheet": "Основные сведения",
         "source_row": 3, "record_number": 1, "account_number": "700001", "hcs_id": "H1"}])
    given(con, "staging.gis_account_premises", [
        {"source_file": f"gis/accounts/accounts_{A}_2024-12.xlsx", "source_sheet": "Помещения", "source_row": 3,
         "account_record_number": 1, "premise_address": HOUSE_A1, "premise_number": "1"}])
    given(con, "staging.gis_bills", [
        {"source_file": pd_file, "source_sheet": "Разделы 1-2", "source_row": 3, "hcs_id": "H1",
         "document_number": "D1"}])
    given(con, "staging.gis_bill_lines", [
        {"source_file": pd_file, "source_sheet": "Разделы 3-6", "source_row": r, "document_number": "D1",
         "service": "Вывоз ТКО"} for r in (10, 11)])
    given(con, "quality.bill_flags", [
        {"source_file": pd_file, "source_sheet": "Разделы 1-2", "source_row": 3, "rule": "lines_sum_mismatch",
         "severity": "error", "message": "м"},
        {"source_file": pd_file, "source_sheet": "Разделы 3-6", "source_row": 11, "rule": "charge_mismatch",
         "severity": "error", "message": "м"},
    ])
    # Annual reports for 2023 (due 31.03.2024): A1 on the last day, A3 a day late, B2 none (only 2022's).
    report = f"gis/reports/{A}/otchet_2_8_2023.xlsx"
    given(con, "staging.gis_management_reports", [
        {"source_file": report, "source_sheet": "Отчет 2.8", "source_row": 3, "house_address": HOUSE_A1,
         "report_year": 2023, "published_on": dt.date(2024, 3, 31), "charged_total": 1000.0,
         "charged_maintenance": 600.0, "charged_current_repair": 300.0, "charged_management": 100.0},
        {"source_file": report, "source_sheet": "Отчет 2.8", "source_row": 4, "house_address": HOUSE_A3,
         "report_year": 2023, "published_on": dt.date(2024, 4, 1)},
        {"source_file": f"gis/reports/{B}/otchet_2_8_2022.xlsx", "source_sheet": "Отчет 2.8", "source_row": 3,
         "house_address": HOUSE_B2, "report_year": 2022, "published_on": dt.date(2023, 1, 20)},
    ])
    # The capital-repair programme writes addresses its own way; its FIAS GUID for B2 is another house's.
    programme = "gis/kapremont/rpkr_66_2025-2027.xlsx"
    given(con, "staging.gis_capital_repair_works", [
        {"source_file": programme, "source_sheet": "Работы РПКР", "source_row": 4,
         "house_address": "г. Екатеринбург, ул. Первомайская, 1", "work_type": "Ремонт крыши",
         "planned_start": dt.date(2025, 1, 1), "planned_end": dt.date(2025, 3, 1),
         "fund_holder": "Специальный счет", "special_account_owner": "ООО УК «Первая»", "planned_cost": 100.0},
        {"source_file": programme, "source_sheet": "Работы РПКР", "source_row": 5,
         "house_address": "г. Екатеринбург, ул. Первомайская, 1", "work_type": "Ремонт фасада",
         "planned_start": dt.date(2026, 5, 1), "planned_end": dt.date(2026, 9, 1),
         "fund_holder": "Специальный счет", "planned_cost": 250.5},
        {"source_file": programme, "source_sheet": "Работы РПКР", "source_row": 6,
         "house_address": "г. Екатеринбург, ул. Вторая, 2", "work_type": "Ремонт лифта",
         "house_fias_guid": "11111111-1111-1111-1111-111111111111",
         "planned_start": dt.date(2024, 3, 1), "planned_end": dt.date(2024, 10, 1),
         "fund_holder": "Региональный оператор", "planned_cost": 10.0},
    ])
    given(con, "quality.quarantine", [
        {"source_file": b_readings, "source_sheet": None, "source_row": 7, "kind": "gis_readings",
         "reason": "нет номера ПУ"},
        {"source_file": "rosreestr/bad.xml", "source_sheet": None, "source_row": 0, "reason": "не читается"},
    ])
    run_publishing_marts(con)
    yield con
    con.close()


KPI_COLUMNS = ("premises", "premises_with_registry_number", "fill_rate_before", "premises_visible",
               "fill_rate_after", "review_backlog", "conflict_backlog", "unmatched", "readings", "readings_flagged",
               "readings_with_errors", "reading_flag_rate", "bill_rows", "bill_rows_flagged", "bill_flag_rate",
               "meters", "meters_overdue", "meters_due_soon", "annual_report_year", "houses",
               "houses_report_on_time", "houses_report_late", "houses_report_missing", "annual_report_status",
               "quarantined_rows")

EXPECTED_KPIS = {
    # (level, municipality, УО): the KPI_COLUMNS in order
    ("region", None, None):
        (7, 3, 3 / 7, 4, 4 / 7, 1, 1, 1, 6, 3, 1, 0.5, 3, 2, 2 / 3, 3, 1, 1, 2023, 3, 1, 1, 1, "missing", 2),
    ("municipality", "65701000", None):
        (5, 2, 0.4, 3, 0.6, 1, 1, 0, 4, 2, 1, 0.5, 3, 2, 2 / 3, 2, 1, 1, 2023, 2, 1, 1, 0, "late", None),
    ("municipality", "65702000", None):
        (2, 1, 0.5, 1, 0.5, 0, 0, 1, 2, 1, 0, 0.5, 0, 0, None, 1, 0, 0, 2023, 1, 0, 0, 1, "missing", None),
    ("management_organisation", None, A):
        (5, 2, 0.4, 3, 0.6, 1, 1, 0, 4, 2, 1, 0.5, 3, 2, 2 / 3, 2, 1, 1, 2023, 2, 1, 1, 0, "late", 0),
    ("management_organisation", None, B):
        (2, 1, 0.5, 1, 0.5, 0, 0, 1, 2, 1, 0, 0.5, 0, 0, None, 1, 0, 0, 2023, 1, 0, 0, 1, "missing", 1),
    ("management_organisation", None, None):
        (0, 0, None, 0, None, 0, 0, 0, 0, 0, 0, None, 0, 0, None, 0, 0, 0, 2023, 0, 0, 0, 0, None, 1),
}


def test_kpis_on_given_rows(given_region):
    rows = given_region.execute(
        f"SELECT level, municipality_oktmo, management_organisation, {', '.join(KPI_COLUMNS)} FROM marts.quality_kpis"
    ).fetchall()
    got = {tuple(r[:3]): tuple(r[3:]) for r in rows}
    assert set(got) == set(EXPECTED_KPIS)
    for key, expected in EXPECTED_KPIS.items():
        for column, want, have in zip(KPI_COLUMNS, expected, got[key]):
            assert have == pytest.approx(want), (key, column)


def test_flag_rates_by_rule_on_given_rows(given_region):
    rows = given_region.execute(
        "SELECT rule, severity, row_kind, rows_checked, rows_flagged, flag_rate FROM marts.quality_flag_rates "
        "WHERE level = 'region' ORDER BY applies_to DESC, rule"
    ).fetchall()
    assert rows == [
        ("below_previous", "error", "reading", 6, 1, pytest.approx(1 / 6)),
        ("spike", "warning", "reading", 6, 1, pytest.approx(1 / 6)),
        ("superseded", "info", "reading", 6, 2, pytest.approx(2 / 6)),
        ("verification_overdue", "warning", "reading", 6, 1, pytest.approx(1 / 6)),
        ("charge_mismatch", "error", "line", 2, 1, 0.5),
        ("lines_sum_mismatch", "error", "document", 1, 1, 1.0),
    ]
    by_b = given_region.execute(
        "SELECT rule, rows_checked, rows_flagged FROM marts.quality_flag_rates "
        "WHERE level = 'management_organisation' AND management_organisation = ? ORDER BY rule", [B]
    ).fetchall()
    assert by_b == [("below_previous", 2, 0), ("spike", 2, 0), ("superseded", 2, 0), ("verification_overdue", 2, 1)]


def test_house_management_on_given_rows(given_region):
    rows = given_region.execute(
        "SELECT house_address, management_organisation_inn, municipality_oktmo, premises, house_address_key "
        "FROM marts.house_management ORDER BY house_id"
    ).fetchall()
    assert rows == [
        (HOUSE_A1, A, "65701000", 5, "екатеринбург|первомайская|1"),
        (HOUSE_A3, A, "65701000", 0, "екатеринбург|первомайская|3"),
        (HOUSE_B2, B, "65702000", 2, "екатеринбург|вторая|2"),
    ]


def test_house_cards_on_given_rows(given_region):
    cards = {
        address: (reports, works, fund, owner, cost)
        for address, reports, works, fund, owner, cost in given_region.execute(
            "SELECT house_address, annual_reports, capital_repair_works, fund_holder, special_account_owner, "
            "capital_repair_planned_cost FROM marts.house_cards"
        ).fetchall()
    }
    reports, works, fund, owner, cost = cards[HOUSE_A1]
    assert [(r["report_year"], r["published_on_time"]) for r in reports] == [(2023, True)]
    assert reports[0]["charged"] == [{"category": "Содержание дома", "amount": 600.0},
                                     {"category": "Текущий ремонт", "amount": 300.0},
                                     {"category": "Услуги управления", "amount": 100.0}]
    assert [(w["work_type"], w["status"], w["planned_start_year"]) for w in works] == [
        ("Ремонт крыши", "in_progress", 2025), ("Ремонт фасада", "planned", 2026)]
    assert (fund, owner, cost) == ("special_account", "ООО УК «Первая»", pytest.approx(350.5))
    assert cards[HOUSE_A3][0][0]["published_on_time"] is False
    # The address wins over a FIAS GUID that names another house.
    reports, works, fund, _, _ = cards[HOUSE_B2]
    assert [r["report_year"] for r in reports] == [2022]
    assert [(w["work_type"], w["status"]) for w in works] == [("Ремонт лифта", "deadline_passed")]
    assert fund == "regional_operator"


def test_the_generated_region_builds_every_mart_once_more(tmp_path):
    """Rebuilding the marts over a built warehouse gives the same tables (the build is repeatable)."""
    import shutil

    copy = tmp_path / "again.duckdb"
    shutil.copy(region_warehouse(), copy)
    with duckdb.connect(str(copy)) as con:
        before = con.execute("SELECT * FROM marts.quality_kpis ORDER BY ALL").fetchall()
        build_marts(con)
        assert con.execute("SELECT * FROM marts.quality_kpis ORDER BY ALL").fetchall() == before
