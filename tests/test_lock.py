"""The warehouse lock: exclusive between processes, re-entrant within one, released when its holder dies."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from warehouse.lock import WarehouseLocked, lock_path, warehouse_lock

ROOT = Path(__file__).resolve().parents[1]
HOLD = textwrap.dedent("""
    import sys, time
    from warehouse.lock import warehouse_lock
    with warehouse_lock(sys.argv[1]):
        print("held", flush=True)
        time.sleep(600)
""")


def hold_in_child(warehouse):
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(warehouse)], stdout=subprocess.PIPE, text=True,
                             cwd=ROOT)
    assert child.stdout.readline().strip() == "held"
    return child


def test_lock_file_sits_beside_the_warehouse(tmp_path):
    assert lock_path(tmp_path / "sverka.duckdb") == tmp_path / "sverka.duckdb.lock"


def test_another_process_is_refused_with_the_holders_pid_until_it_dies(tmp_path):
    warehouse = tmp_path / "sverka.duckdb"
    child = hold_in_child(warehouse)
    try:
        with pytest.raises(WarehouseLocked) as locked:
            with warehouse_lock(warehouse):
                pass
        assert locked.value.pid == child.pid
        assert locked.value.lock_file == tmp_path / "sverka.duckdb.lock"
        assert f"PID {child.pid}" in str(locked.value)
    finally:
        child.send_signal(signal.SIGKILL)  # a crash: no clean-up code runs
        child.wait()
    with warehouse_lock(warehouse):  # the kernel released it with the process
        assert (tmp_path / "sverka.duckdb.lock").read_text().strip() == str(os.getpid())


def test_reentrant_in_one_process_and_released_after_the_outermost_block(tmp_path):
    warehouse = tmp_path / "sverka.duckdb"
    with warehouse_lock(warehouse):
        with warehouse_lock(f"{tmp_path}/sub/../sverka.duckdb"):  # the same file by another spelling
            pass
        child = subprocess.run([sys.executable, "-c", HOLD.replace("time.sleep(600)", "pass"), str(warehouse)],
                               capture_output=True, text=True, cwd=ROOT)
        assert child.returncode != 0 and "WarehouseLocked" in child.stderr  # still held after the inner block
    child = subprocess.run([sys.executable, "-c", HOLD.replace("time.sleep(600)", "pass"), str(warehouse)],
                           capture_output=True, text=True, cwd=ROOT)
    assert child.returncode == 0, child.stderr


def test_a_failing_block_releases_the_lock(tmp_path):
    warehouse = tmp_path / "sverka.duckdb"
    with pytest.raises(ZeroDivisionError):
        with warehouse_lock(warehouse):
            1 / 0
    with warehouse_lock(warehouse):
        pass


def test_run_pipeline_holds_the_lock_for_programmatic_runs_too(tmp_path):
    from conftest import CONFORMANCE
    from flows.pipeline import run_pipeline
    from flows.preflight import WarehouseBusy

    warehouse = tmp_path / "sverka.duckdb"
    child = hold_in_child(warehouse)
    try:
        with pytest.raises(WarehouseBusy):
            run_pipeline(CONFORMANCE / "landing", warehouse)
    finally:
        child.kill()
        child.wait()
    assert not warehouse.exists()
