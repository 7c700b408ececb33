"""The independent conformance region: every data row of every file and sheet is accounted for."""

import csv
import datetime as dt

import duckdb
import pytest

from conftest import CONFORMANCE
from flows.pipeline import run_pipeline

EXPECTED = list(csv.DictReader(open(CONFORMANCE / "expected_rows.csv", encoding="utf-8")))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("conformance") / "sverka.duckdb"
    run_pipeline(CONFORMANCE / "landing", path, as_of=dt.date(2025, 1, 20), now=dt.datetime(2025, 1, 20, 3, 0))
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


@pytest.mark.parametrize("row", EXPECTED, ids=lambda r: f"{r['source_file']}[{r['source_sheet']}]")
def test_every_expected_sheet_is_read_in_full(warehouse, row):
    sheet = row["source_sheet"] or None
    report = warehouse.execute(
        "SELECT rows_read, rows_loaded + rows_quarantined FROM quality.load_report "
        "WHERE source_file = ? AND source_sheet IS NOT DISTINCT FROM ?",
        [row["source_file"], sheet],
    ).fetchall()
    assert report == [(int(row["data_rows"]), int(row["data_rows"]))]


@pytest.mark.parametrize("row", EXPECTED, ids=lambda r: f"{r['source_file']}[{r['source_sheet']}]")
def test_source_rows_are_spreadsheet_row_numbers(warehouse, row):
    sheet = row["source_sheet"] or None
    rows = warehouse.execute(
        """
        SELECT min(source_row), max(source_row), count(DISTINCT source_row) FROM (
            SELECT source_row FROM quality.quarantine WHERE source_file = $1 AND source_sheet IS NOT DISTINCT FROM $2
            UNION ALL
            SELECT source_row FROM (
                SELECT source_file, source_sheet, source_row FROM staging.gis_houses
                UNION ALL SELECT source_file, source_sheet, source_row FROM staging.gis_residential_premises
                UNION ALL SELECT source_file, source_sheet, source_row FROM staging.gis_nonresidential_premises
                UNION ALL SELECT source_file, source_sheet, source_row FROM staging.gis_accounts
                UNION ALL SELECT source_file, source_sheet, source_row FROM staging.gis_account_premises
                UNION ALL SELECT source_file, source_sheet, source_row FROM staging.gis_meters
                UNION ALL SELECT source_file, source_sheet, source_row FROM staging.gis_readings
                UNION ALL SELECT source_file, source_sheet, source_row FROM staging.gis_bills
                UNION ALL SELECT source_file, source_sheet, source_row FROM staging.gis_bill_lines
            ) WHERE source_file = $1 AND source_sheet IS NOT DISTINCT FROM $2
        )
        """,
        [row["source_file"], sheet],
    ).fetchone()
    assert rows == (int(row["first_row"]), int(row["last_row"]), int(row["data_rows"]))


def test_every_file_adds_up(warehouse):
    broken = warehouse.execute(
        "SELECT source_file, source_sheet FROM quality.load_report WHERE rows_read <> rows_loaded + rows_quarantined"
    ).fetchall()
    assert broken == []


def test_all_premises_reach_the_mart(warehouse):
    expected = sum(int(r["data_rows"]) for r in EXPECTED if r["kind"] in ("gis_Жилые помещения", "gis_Нежилые помещения"))
    assert warehouse.execute("SELECT count(*) FROM marts.premises").fetchone()[0] == expected


def test_egrn_extracts_load(warehouse):
    rooms = warehouse.execute("SELECT count(*) FROM staging.egrn_rooms").fetchone()[0]
    buildings = warehouse.execute("SELECT cadastral_number FROM staging.egrn_buildings ORDER BY 1").fetchall()
    assert rooms > 50
    assert ("66:41:0365230:300",) in buildings


def test_empty_and_unknown_files_are_reported_not_lost(warehouse):
    statuses = dict(warehouse.execute(
        "SELECT source_file, status FROM quality.load_report WHERE source_file LIKE '%kpoks_2017.zip%'"
    ).fetchall())
    assert statuses == {"rosreestr/archive_2017/kpoks_2017.zip": "rejected"}


def test_personal_data_never_reaches_the_warehouse(warehouse):
    # Payer surnames from the accounts workbook and EGRN right holders.
    for schema, table, column in warehouse.execute(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR'"
    ).fetchall():
        hits = warehouse.execute(
            f'SELECT count(*) FROM "{schema}"."{table}" WHERE "{column}" IN (\'Фёдоров\', \'Лебедев\', \'Новикова\', \'Алексеева\')'
        ).fetchone()[0]
        assert hits == 0, (schema, table, column)
