"""The Prefect flows produce the same warehouse as the plain CLI pipeline (one temporary API server)."""

import datetime as dt

from conftest import CONFORMANCE
from flows.pipeline import run_pipeline
from test_publish import digest


def test_region_flow_matches_the_cli_pipeline(prefect_api, tmp_path):
    from flows.nightly import region_flow

    by_cli = tmp_path / "cli.duckdb"
    run_pipeline(CONFORMANCE / "landing", by_cli, as_of=dt.date(2025, 1, 20))
    by_flow = tmp_path / "flow.duckdb"
    summary = region_flow(str(CONFORMANCE / "landing"), str(by_flow), as_of=dt.date(2025, 1, 20))

    assert summary["rows_read"] > 7000
    ignore = {"landing.files"}  # first load times differ between the two runs
    assert {k: v for k, v in digest(by_flow).items() if k not in ignore} == {
        k: v for k, v in digest(by_cli).items() if k not in ignore
    }
    assert not list(tmp_path.glob("*.building-*"))


def test_region_flow_refuses_an_empty_landing_or_a_held_warehouse_before_any_task(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    import pytest

    from flows.nightly import region_flow
    from flows.preflight import RunRefused, WarehouseBusy

    (tmp_path / "empty").mkdir()
    with pytest.raises(RunRefused, match="landing folder has no files"):
        region_flow.fn(str(tmp_path / "empty"), str(tmp_path / "flow.duckdb"))

    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom warehouse.lock import warehouse_lock\n"
         "with warehouse_lock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(600)\n",
         str(tmp_path / "flow.duckdb")],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1])
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseBusy) as busy:
            region_flow.fn(str(CONFORMANCE / "landing"), str(tmp_path / "flow.duckdb"))
    finally:
        holder.kill()
        holder.wait()
    assert busy.value.pid == holder.pid
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "flow.duckdb.lock"]
