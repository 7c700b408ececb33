"""Great Expectations suites: they pass on clean data and fail with the declared severity on broken data.

One small clean region is built from hand-made rows through staging, rules and marts. Importing Great
Expectations takes seconds, and pytest-xdist may send tests of one module to different workers: every check
that runs GX is therefore one step of a single test, so GX loads once per suite run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from checks.expectations import SUITES, PublishStopped, run_expectations
from validation_kit import AS_OF, VALIDATION_MARTS, fresh_warehouse, land, publish, validate

ROOT = Path(__file__).resolve().parents[1]
SUITES_BY_TABLE = {s.table: s for s in SUITES}
HOUSE = "обл. Свердловская, г. Екатеринбург, ул. Предельная, д. 26"
GUID = "6f1f3b1e-8a7c-4f52-9d2a-0c7e5a1b2c3d"


def clean_region():
    con = fresh_warehouse()
    land(con, "gis_houses", [{"row": 2, "address": HOUSE, "house_fias_guid": GUID}])
    land(con, "gis_residential_premises", [
        {"row": 3 + k, "house_address": HOUSE, "premise_number": str(k + 1), "total_area": "40,5",
         "cadastral_number": f"66:41:0206017:{100 + k}"} for k in range(2)])
    land(con, "gis_accounts", [{"row": 3 + k, "record_number": str(k + 1), "account_number": f"70000{k + 1}",
                                "hcs_id": f"66АА00000{k + 1}-01", "total_area": "40,5", "residents": "2"}
                               for k in range(2)])
    land(con, "gis_account_premises", [{"row": 3 + k, "account_record_number": str(k + 1),
                                        "premise_address": HOUSE, "house_fias_guid": GUID,
                                        "premise_number": str(k + 1)} for k in range(2)])
    land(con, "gis_meters", [{"row": 2 + k, "meter_gis_number": f"M{k + 1}", "serial_number": str(k),
                              "resource": "Холодная вода", "account_id": f"66АА00000{k + 1}-01",
                              "base_value_t1": "100", "last_verified_on": "15.03.2023",
                              "verification_interval_years": "6 лет"} for k in range(2)])
    land(con, "gis_readings", [{"row": 10 + 3 * k + m, "meter_gis_number": f"M{k + 1}", "period": f"{m + 1:02d}.2024",
                                "value_t1": str(105 + 5 * m), "read_on": f"25.{m + 1:02d}.2024"}
                               for k in range(2) for m in range(3)])
    land(con, "gis_bills", [{"row": 3 + k, "hcs_id": f"66АА00000{k + 1}-01", "document_number": f"D{k + 1}",
                             "period": "01.2024", "amount_due": "100"} for k in range(2)])
    land(con, "gis_bill_lines", [{"row": 3 + k, "document_number": f"D{k + 1}", "service": "Вывоз ТКО",
                                  "volume_individual": "10", "tariff": "10", "charge_individual": "100",
                                  "payable_total": "100"} for k in range(2)])
    validate(con, all_sources=True)
    publish(con, VALIDATION_MARTS + ("premises",))
    return con


def check_clean_region_passes(region, docs: Path) -> None:
    outcome = run_expectations(region, docs, as_of=AS_OF)
    assert outcome.failed == [], outcome.summary
    assert not outcome.should_stop
    outcome.raise_for_stop()
    stored = region.execute(
        "SELECT count(*), count(DISTINCT suite), bool_and(success), min(as_of) FROM quality.expectation_results"
    ).fetchall()[0]
    assert stored == (len(outcome.results), len(SUITES), True, AS_OF)
    assert {r["severity"] for r in outcome.results} == {"stop", "warn"}
    assert outcome.docs_index == docs / "index.html"


def check_data_docs_open_offline(docs: Path) -> None:
    text = (docs / "index.html").read_text(encoding="utf-8")
    assert "marts.readings" in text and "пройдено" in text
    for link in re.findall(r"href='([^']+)'", text):
        if not link.startswith("http"):
            assert (docs / unquote(link)).exists(), link
    for page in docs.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script src=\"http" not in html and "stylesheet\" href=\"http" not in html, page


def check_broken_data_fails_with_the_declared_severity() -> None:
    con = clean_region()
    try:
        # stop: a negative consumption, a duplicated meter, a malformed cadastral number; warn: an odd
        # verification interval, the same cadastral number twice
        con.execute("UPDATE marts.readings SET consumption_total = -1 WHERE period = DATE '2024-02-01'")
        con.execute("INSERT INTO marts.meters SELECT * FROM marts.meters WHERE meter_gis_number = 'M1'")
        con.execute("UPDATE marts.meters SET verification_interval_years = 50")
        con.execute("UPDATE marts.premises SET cadastral_number = '66:41:20601:1'")
        suites = tuple(SUITES_BY_TABLE[t] for t in ("marts.readings", "marts.meters", "marts.premises"))
        outcome = run_expectations(con, None, as_of=AS_OF, suites=suites)
    finally:
        con.close()
    failed = {(r["suite"], r["expectation"], r["column"], r["severity"]) for r in outcome.failed}
    assert failed == {
        ("marts.readings", "expect_column_values_to_be_between", "consumption_total", "stop"),
        ("marts.meters", "expect_column_values_to_be_unique", "meter_gis_number", "stop"),
        ("marts.meters", "expect_column_values_to_be_between", "verification_interval_years", "warn"),
        ("marts.premises", "expect_column_values_to_match_regex", "cadastral_number", "stop"),
        ("marts.premises", "expect_column_values_to_be_unique", "cadastral_number", "warn"),
    }
    counts = {(r["suite"], r["column"]): r["unexpected_count"] for r in outcome.failed}
    assert counts[("marts.readings", "consumption_total")] == 2
    assert outcome.should_stop
    assert outcome.summary["failed"] == 5 and len(outcome.summary["failed_stop"]) == 3
    with pytest.raises(PublishStopped):
        outcome.raise_for_stop()


def check_missing_table_stops_the_publish() -> None:
    con = fresh_warehouse()
    try:
        outcome = run_expectations(con, None, as_of=AS_OF, suites=(SUITES_BY_TABLE["marts.bills"],))
    finally:
        con.close()
    assert [(r["expectation"], r["severity"], r["success"]) for r in outcome.results] == [
        ("table_readable", "stop", False)]
    assert outcome.should_stop


def check_flow_tasks_on_a_build_file(region, tmp_path: Path) -> None:
    """The flow's tasks on a build file, called as plain functions (the flow itself only wires them)."""
    import duckdb

    from flows.validate import expectations, rules

    build = tmp_path / "build.duckdb"
    region.execute(f"ATTACH '{build}' AS build")
    try:
        region.execute("COPY FROM DATABASE memory TO build")
    finally:
        region.execute("DETACH build")
    summary = rules.fn(str(build), AS_OF)
    assert summary["as_of"] == AS_OF.isoformat() and summary["reading_flags"] == 0
    result = expectations.fn(str(build), AS_OF, None)
    assert result["should_stop"] is False and result["failed"] == 0
    with duckdb.connect(str(build), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM quality.expectation_results").fetchall()[0][0] > 50


def test_suites_pass_on_clean_data_and_stop_on_broken_data(tmp_path):
    region = clean_region()
    try:
        check_clean_region_passes(region, tmp_path / "data_docs")
        check_data_docs_open_offline(tmp_path / "data_docs")
        check_flow_tasks_on_a_build_file(region, tmp_path)
    finally:
        region.close()
    check_broken_data_fails_with_the_declared_severity()
    check_missing_table_stops_the_publish()


def test_every_published_table_has_a_suite():
    assert {"marts.premises", "marts.accounts", "marts.meters", "marts.readings", "marts.bills",
            "marts.bill_lines", "quality.reading_flags", "quality.bill_flags"} <= set(SUITES_BY_TABLE)
    for suite in SUITES:
        assert all(e.severity in ("stop", "warn") and e.description for e in suite.expectations), suite.table


def test_importing_checks_does_not_import_great_expectations():
    code = "import sys, checks, checks.expectations; sys.exit('great_expectations' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_every_rule_code_is_documented():
    from checks import RULES

    text = (ROOT / "docs" / "VALIDATION.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"`{rule.code}`" in text, rule.code
