"""Publishing is idempotent and atomic: same inputs, same warehouse; a killed run leaves the last good one."""

import datetime as dt
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from conftest import CONFORMANCE
from flows.pipeline import run_pipeline

AS_OF = dt.date(2025, 1, 20)


def digest(path: Path) -> dict[str, str]:
    """A content hash per table, independent of physical layout."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL"
        ).fetchall()
        return {
            f"{schema}.{table}": con.execute(
                f'SELECT count(*) || \':\' || coalesce(md5(string_agg(t::VARCHAR, \'|\' ORDER BY t::VARCHAR)), \'\') '
                f'FROM "{schema}"."{table}" AS t'
            ).fetchone()[0]
            for schema, table in tables
        }


def test_rerun_over_the_same_landing_leaves_the_warehouse_unchanged(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    run_pipeline(CONFORMANCE / "landing", warehouse, as_of=AS_OF, now=dt.datetime(2025, 1, 20, 3, 0))
    first = digest(warehouse)
    run_pipeline(CONFORMANCE / "landing", warehouse, as_of=AS_OF, now=dt.datetime(2025, 1, 21, 3, 0))
    assert digest(warehouse) == first
    assert "marts.premises" in first


def test_a_killed_run_leaves_the_previous_warehouse_readable(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    run_pipeline(CONFORMANCE / "landing", warehouse, as_of=AS_OF, now=dt.datetime(2025, 1, 20, 3, 0))
    before = digest(warehouse)

    # A second run, killed while its build file is being written.
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "run", str(CONFORMANCE / "landing"), "--warehouse", str(warehouse),
         "--as-of", "2025-01-20", "--quiet"],
        cwd=Path(__file__).parents[1], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline and not list(tmp_path.glob("w.duckdb.building-*")):
        time.sleep(0.01)
    assert list(tmp_path.glob("w.duckdb.building-*")), "the run never started building"
    process.send_signal(signal.SIGKILL)
    process.wait()

    assert digest(warehouse) == before
    # The next run cleans up the dead run's partial build and publishes normally.
    run_pipeline(CONFORMANCE / "landing", warehouse, as_of=AS_OF, now=dt.datetime(2025, 1, 20, 3, 0))
    assert not list(tmp_path.glob("w.duckdb.building-*"))
    assert digest(warehouse) == before
