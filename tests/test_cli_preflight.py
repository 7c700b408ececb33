"""`sverka run` refuses before any work, with one line in Russian and English and a non-zero exit code."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONFORMANCE
from warehouse.lock import lock_path, warehouse_lock

SVERKA = str(Path(sys.executable).with_name("sverka"))


def sverka_run(landing, warehouse, *extra, timeout=120):
    done = subprocess.run([SVERKA, "run", str(landing), "--warehouse", str(warehouse), "--quiet", *extra],
                          capture_output=True, text=True, timeout=timeout)
    return done


def refusal(done) -> str:
    """The one line the refusal printed on stderr (and nothing else but log records)."""
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    lines = [line for line in done.stderr.splitlines() if line.startswith("sverka: ")]
    assert len(lines) == 1, done.stderr
    assert " / " in lines[0]  # Russian, then English
    return lines[0]


def nothing_written(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith("sverka.duckdb") and not p.name.endswith(".lock")]


def test_empty_landing_folder_is_refused_before_any_work(tmp_path):
    landing = tmp_path / "landing"
    (landing / "truth").mkdir(parents=True)  # ground truth is never read: still nothing to load
    (landing / "truth" / "premises.csv").write_text("a\n1\n", encoding="utf-8")
    done = sverka_run(landing, tmp_path / "sverka.duckdb")
    assert done.returncode == 2
    line = refusal(done)
    assert "в каталоге приёма нет файлов" in line and "landing folder has no files" in line
    assert str(landing) in line
    assert nothing_written(tmp_path)


def test_missing_landing_folder_is_refused(tmp_path):
    done = sverka_run(tmp_path / "nowhere", tmp_path / "sverka.duckdb")
    assert done.returncode == 2
    line = refusal(done)
    assert "каталог приёма не найден" in line and "landing folder not found" in line
    assert nothing_written(tmp_path)


def test_landing_with_nothing_recognisable_is_refused_before_reconciliation(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "readme.txt").write_text("выгрузка будет завтра\n", encoding="utf-8")
    (landing / "other.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    done = sverka_run(landing, tmp_path / "sverka.duckdb")
    assert done.returncode == 2
    line = refusal(done)
    assert "не распознано ни одного файла" in line and "no GIS ZhKKh or EGRN data recognised" in line
    assert "unrecognised 2" in line
    assert "KeyError" not in done.stderr
    assert nothing_written(tmp_path)


def test_warehouse_path_that_is_a_folder_is_refused(tmp_path):
    folder = tmp_path / "sverka.duckdb"
    folder.mkdir()
    done = sverka_run(CONFORMANCE / "landing", folder)
    assert done.returncode == 2
    line = refusal(done)
    assert "путь хранилища — папка" in line and "warehouse path is a folder" in line
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs a folder nobody may write to (Linux /sys)")
def test_warehouse_in_a_folder_nobody_may_write_is_refused():
    done = sverka_run(CONFORMANCE / "landing", "/sys/sverka.duckdb")
    assert done.returncode == 2
    line = refusal(done)
    assert "нет права записи в папку хранилища: /sys" in line and "warehouse folder is not writable: /sys" in line


def test_a_reports_folder_the_run_could_not_write_is_refused_before_the_run_not_after_it(tmp_path):
    (tmp_path / "reports.txt").write_text("", encoding="utf-8")
    done = sverka_run(CONFORMANCE / "landing", tmp_path / "sverka.duckdb", "--reports", str(tmp_path / "reports.txt"))
    assert done.returncode == 2
    assert "путь папки отчётов — не папка" in refusal(done)
    if Path("/sys").is_dir():
        done = sverka_run(CONFORMANCE / "landing", tmp_path / "sverka.duckdb", "--reports", "/sys/sverka-reports")
        assert done.returncode == 2
        line = refusal(done)
        assert "нет права записи в папку отчётов" in line and "reports folder is not writable: /sys/sverka-reports" in line
    assert nothing_written(tmp_path)


def test_second_run_on_a_locked_warehouse_is_refused_at_once_naming_the_lock_and_pid(tmp_path):
    warehouse = tmp_path / "sverka.duckdb"
    with warehouse_lock(warehouse):  # this test process plays the first run
        done = sverka_run(CONFORMANCE / "landing", warehouse)
    assert done.returncode == 3
    line = refusal(done)
    assert "хранилище занято другим запуском" in line and "the warehouse is in use by another run" in line
    assert str(lock_path(warehouse)) in line
    assert f"PID {os.getpid()}" in line
    assert nothing_written(tmp_path)


def test_the_lock_is_free_again_after_a_run(tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(CONFORMANCE / "landing", landing)
    warehouse = tmp_path / "sverka.duckdb"
    done = sverka_run(landing, warehouse, "--as-of", "2025-01-20")
    assert done.returncode == 0, done.stderr[-2000:]
    assert warehouse.is_file() and lock_path(warehouse).exists()
    with warehouse_lock(warehouse):  # released by the finished run
        pass


def test_gis_data_without_any_egrn_extract_runs_to_the_end(tmp_path):
    """Recognised data with nothing to link it to is not a refusal: every premise is simply unmatched."""
    import datetime as dt

    import duckdb

    from flows.pipeline import run_pipeline

    landing = tmp_path / "landing"
    shutil.copytree(CONFORMANCE / "landing" / "gis", landing / "gis")
    warehouse = tmp_path / "sverka.duckdb"
    run_pipeline(landing, warehouse, as_of=dt.date(2025, 1, 20))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        premises, with_egrn = con.execute(
            "SELECT count(*), count(*) FILTER (egrn_house_id IS NOT NULL OR egrn_area IS NOT NULL) FROM marts.premises").fetchone()
    assert premises > 0 and with_egrn == 0
