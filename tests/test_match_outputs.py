"""What reconciliation hands to people: the conformance region's links, marts.premises, the review queues, the flow."""

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from conftest import CONFORMANCE
from flows import stages
from match_kit import Gis, House, build
from transforms.match import reconcile
from warehouse.landing import SQL_DIR
from warehouse.reports.review_queue import LINK_ACTION, write_review_queues

CONTRACT_COLUMNS = [
    "source_file", "source_sheet", "source_row", "house_fias_guid", "premise_number", "premise_kind", "total_area",
    "cadastral_number", "registry_cadastral_number", "cadastral_source", "match_status", "match_score",
    "match_reason",
]


@pytest.fixture(scope="module")
def conformance(tmp_path_factory):
    path = tmp_path_factory.mktemp("conformance") / "build.duckdb"
    with duckdb.connect(str(path)) as con:
        stages.ingest(con, CONFORMANCE / "landing")
        stages.stage(con)
        reconcile(con)
        con.execute((SQL_DIR / "marts" / "premises.sql").read_text())  # the other marts need the rules run
    return path


def test_the_two_houses_on_predelnaya_26_link_within_their_own_settlement(conformance):
    with duckdb.connect(str(conformance), read_only=True) as con:
        links = dict(con.execute("SELECT address, egrn_house_id FROM reconciled.houses").fetchall())
    assert links["обл. Свердловская, г. Екатеринбург, ул. Предельная, д. 26"] == "66:41:0218860:179"
    assert links["624037, Свердловская обл, пос. Совхозный, ул Предельная, д. 26"] == "66:41:0126552:752"


def test_marts_premises_keeps_the_contract_columns_first(conformance):
    with duckdb.connect(str(conformance), read_only=True) as con:
        columns = [r[0] for r in con.execute("DESCRIBE marts.premises").fetchall()]
        rows = con.execute("SELECT match_status, cadastral_source, cadastral_number FROM marts.premises").fetchall()
        loaded = con.execute("SELECT (SELECT count(*) FROM staging.gis_residential_premises) + "
                             "(SELECT count(*) FROM staging.gis_nonresidential_premises)").fetchone()[0]
        shared = con.execute("SELECT count(*) FROM (SELECT cadastral_number FROM marts.premises WHERE "
                             "cadastral_number IS NOT NULL GROUP BY 1 HAVING count(*) > 1)").fetchone()[0]
    assert columns[:len(CONTRACT_COLUMNS)] == CONTRACT_COLUMNS
    assert len(rows) == loaded and all(status is not None for status, _, _ in rows)
    assert {s for s, _, _ in rows} <= {"confirmed", "auto", "review", "conflict", "unmatched"}
    assert shared == 0


def test_analysts_see_the_candidates_of_a_premise(conformance):
    with duckdb.connect(str(conformance), read_only=True) as con:
        rows = con.execute("SELECT premise_number, cadastral_number, chosen, match_status "
                           "FROM reconciled.premise_evidence('gis/houses_uo_2024-12.xlsx', 2)").fetchall()
    assert rows and rows[0][2] is True


def test_review_queues_one_workbook_per_management_organisation(conformance, tmp_path):
    with duckdb.connect(str(conformance), read_only=True) as con:
        paths = write_review_queues(con, tmp_path)
    assert sorted(p.name for p in paths) == ["review_queue_export_uo2.xlsx", "review_queue_houses_uo_2024-12.xlsx"]
    for path in paths:
        book = CalamineWorkbook.from_path(str(path))
        assert book.sheet_names == ["Сводка", "Проверить", "Конфликты", "Установить связь", "Не найдены в ЕГРН"]
    conflicts = CalamineWorkbook.from_path(str(tmp_path / "review_queue_export_uo2.xlsx")) \
        .get_sheet_by_name("Конфликты").to_python()
    header, first = conflicts[0], conflicts[1]
    assert "Кадастровый номер в ГИС ЖКХ" in header and "Что сделать в ГИС ЖКХ" in header
    assert LINK_ACTION in first[header.index("Что сделать в ГИС ЖКХ")]
    review = CalamineWorkbook.from_path(str(tmp_path / "review_queue_houses_uo_2024-12.xlsx")) \
        .get_sheet_by_name("Проверить").to_python()
    assert "Кандидат 1: кадастровый номер" in review[0] and len(review) > 1


def test_review_queues_hold_values_not_formulas(tmp_path):
    house = House("Екатеринбург", "Формульная", "1", "66:41:0000201", premises=[Gis("=1+1", 40.0), Gis("2", 50.0)])
    con = build({"formula": [house]})
    paths = write_review_queues(con, tmp_path)
    rows = CalamineWorkbook.from_path(str(paths[0])).get_sheet_by_name("Не найдены в ЕГРН").to_python()
    numbers = [r[rows[0].index("Номер помещения")] for r in rows[1:]]
    assert "'=1+1" in numbers


def test_the_review_queue_tells_to_fix_an_address_that_describes_two_houses(tmp_path):
    from test_match_reconcile import TWO_AT_ONE_ADDRESS

    con = build({"one_address": TWO_AT_ONE_ADDRESS})
    (path,) = write_review_queues(con, tmp_path)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Проверить").to_python()
    header, body = rows[0], rows[1:]
    assert len(body) == 2  # the two premises without a registry number; the others are confirmed
    for row in body:
        assert row[header.index("Почему не автоматически")].startswith("Этим адресом в выгрузке описаны разные дома")
        assert row[header.index("Что сделать в ГИС ЖКХ")].startswith("Уточните адреса домов в ГИС ЖКХ")


def test_the_prefect_task_reconciles_a_build(tmp_path):
    from flows.reconcile import reconcile as reconcile_task

    path = tmp_path / "build.duckdb"
    with duckdb.connect(str(path)) as con:
        stages.ingest(con, CONFORMANCE / "landing")
        stages.stage(con)
    summary = reconcile_task.fn(str(path))
    assert summary["premises"] == 60 and summary["houses"] == {"linked": 4}


def test_reconciling_twice_gives_the_same_tables(conformance, tmp_path):
    import shutil

    copy = tmp_path / "again.duckdb"
    shutil.copy(conformance, copy)
    tables = ("houses", "premise_candidates", "premise_matches")
    with duckdb.connect(str(conformance), read_only=True) as con:
        before = {t: con.execute(f"SELECT * FROM reconciled.{t} ORDER BY ALL").fetchall() for t in tables}
    with duckdb.connect(str(copy)) as con:
        reconcile(con)
        after = {t: con.execute(f"SELECT * FROM reconciled.{t} ORDER BY ALL").fetchall() for t in tables}
    assert before == after
