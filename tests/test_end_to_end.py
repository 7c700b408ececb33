"""From `generate` to the warehouse: every generated row is accounted for, as the ground truth says."""

import csv
import datetime as dt
import json

import duckdb
import pytest

from flows.pipeline import run_pipeline
from generator import generate_region


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    out = tmp_path_factory.mktemp("region")
    generate_region(out, premises=400, seed=5)
    warehouse = out.parent / "region.duckdb"
    run_pipeline(out, warehouse, as_of=dt.date(2025, 1, 20), workers=1, until="ingest")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        yield out, con


def test_every_generated_sheet_is_read_in_full(region):
    out, con = region
    expected = list(csv.DictReader(open(out / "truth" / "expected_rows.csv", encoding="utf-8")))
    assert expected
    for row in expected:
        got = con.execute(
            "SELECT rows_read, rows_loaded + rows_quarantined FROM quality.load_report "
            "WHERE source_file = ? AND source_sheet IS NOT DISTINCT FROM ?",
            [row["source_file"], row["source_sheet"] or None],
        ).fetchall()
        assert got == [(int(row["data_rows"]), int(row["data_rows"]))], row


def test_every_gis_premise_of_the_truth_is_loaded(region):
    out, con = region
    truth = list(csv.DictReader(open(out / "truth" / "premises.csv", encoding="utf-8")))
    keys = {(t["source_file"], t["source_sheet"] or None, int(t["source_row"])) for t in truth}
    loaded = set(con.execute(
        "SELECT source_file, source_sheet, source_row FROM staging.gis_residential_premises "
        "UNION ALL SELECT source_file, source_sheet, source_row FROM staging.gis_nonresidential_premises"
    ).fetchall())
    assert loaded == keys


def test_every_egrn_object_is_loaded_once(region):
    out, con = region
    truth = {
        r["cadastral_number"]
        for r in csv.DictReader(open(out / "truth" / "egrn_objects.csv", encoding="utf-8"))
        if r["source_file"]  # some buildings have no extract of their own
    }
    rooms = {c for (c,) in con.execute("SELECT cadastral_number FROM staging.egrn_rooms").fetchall()}
    buildings = {c for (c,) in con.execute("SELECT cadastral_number FROM staging.egrn_buildings").fetchall()}
    assert truth == rooms | buildings
    assert not con.execute(
        "SELECT cadastral_number FROM staging.egrn_rooms GROUP BY ALL HAVING count(*) > 1"
    ).fetchall()
    manifest = json.loads((out / "truth" / "manifest.json").read_text(encoding="utf-8"))
    duplicates = con.execute("SELECT count(*) FROM quality.load_report WHERE status = 'duplicate'").fetchone()[0]
    assert duplicates == manifest["counts"]["egrn_files"].get("egrn_duplicate", 0)
