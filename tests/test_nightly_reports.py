"""Nightly runs write the reports named by `[warehouse] reports`, and refuse a warehouse another run holds.

No Prefect server: the region work is the plain `run_region`, the flow's parameters come from `region_jobs`.
"""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from flows.config import load_config
from flows.national import national_markdown, region_jobs, run_national, run_region
from flows.preflight import RunRefused, WarehouseBusy
from generator import generate_region
from warehouse.lock import lock_path

AS_OF = dt.date(2025, 1, 20)
ROOT = Path(__file__).resolve().parents[1]
SVERKA = str(Path(sys.executable).with_name("sverka"))


def write_config(root: Path, reports: str | None) -> Path:
    path = root / "regions.toml"
    path.write_text(
        '[warehouse]\npath = "sverka.duckdb"\nparts = "parts"\n'
        + (f'reports = "{reports}"\n' if reports else "")
        + '\n[schedule]\nas_of = "2025-01-20"\n\n'
        '[[region]]\ncode = "66"\nname = "Свердловская область"\nlanding = "landing-66"\n\n'
        '[[region]]\ncode = "25"\nname = "Приморский край"\nlanding = "landing-25"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    root = tmp_path_factory.mktemp("nightly")
    generate_region(root / "landing-66", premises=150, seed=21, region="66", months=2)
    return root


def test_the_reports_setting_gives_each_region_its_own_reports_folder(tmp_path):
    config = load_config(write_config(tmp_path, "out/reports"))
    jobs = region_jobs(config, ["66", "25"], AS_OF)
    assert [j["reports_dir"] for j in jobs] == [str(tmp_path / "out" / "reports" / "66"),
                                                str(tmp_path / "out" / "reports" / "25")]
    assert [j["region_name"] for j in jobs] == ["Свердловская область", "Приморский край"]
    unset = region_jobs(load_config(write_config(tmp_path, None)), ["66"], AS_OF)
    assert unset[0]["reports_dir"] is None


def test_a_nightly_region_writes_the_same_reports_as_sverka_run(landing):
    config = load_config(write_config(landing, "reports"))
    job = region_jobs(config, ["66"], AS_OF)[0]
    folder = landing / "reports" / "66"
    seen = []
    result = run_region(**job, artifacts=lambda con, reports: seen.append(reports))

    assert not result["reused"]
    for name in ("quality_report.html", "quality_report.xlsx"):
        assert (folder / name).stat().st_size > 0
    queues = list((folder / "review_queues").glob("*.xlsx"))
    assert queues, "the review queues per management organisation"
    assert {str(folder / "quality_report.html"), str(folder / "quality_report.xlsx")} <= set(result["reports"])
    assert seen == [result["reports"]]  # the artifacts link the written reports
    assert "Свердловская область" in (folder / "quality_report.html").read_text(encoding="utf-8")

    # Unchanged inputs with the reports in place: nothing is recomputed, the reports are still named.
    again = run_region(**job)
    assert again["reused"] and again["reports"] == [str(folder / "quality_report.html"),
                                                    str(folder / "quality_report.xlsx")]
    # A removed report is written again even though the inputs did not change.
    (folder / "quality_report.html").unlink()
    third = run_region(**job)
    assert not third["reused"] and (folder / "quality_report.html").is_file()

    markdown = national_markdown([third], [], AS_OF)
    assert "## Отчёты о качестве данных" in markdown
    assert (folder / "quality_report.html").resolve().as_uri() in markdown


def test_a_region_with_an_empty_landing_fails_at_once_with_one_line(tmp_path):
    config = load_config(write_config(tmp_path, "reports"))
    (tmp_path / "landing-25").mkdir()
    job = region_jobs(config, ["25"], AS_OF)[0]
    with pytest.raises(RunRefused) as refused:
        run_region(**job)
    assert "в каталоге приёма нет файлов" in str(refused.value)
    assert "landing folder has no files" in str(refused.value)
    assert not (tmp_path / "parts").exists()


def test_a_nightly_run_on_a_held_warehouse_is_refused_before_any_work(tmp_path):
    config_path = write_config(tmp_path, "reports")
    warehouse = tmp_path / "sverka.duckdb"
    holder = subprocess.Popen(  # the first run, in another process
        [sys.executable, "-c", "import sys, time\nfrom warehouse.lock import warehouse_lock\n"
         "with warehouse_lock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(600)\n", str(warehouse)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseBusy) as busy:
            run_national(str(config_path), local=True)
        done = subprocess.run([SVERKA, "nightly", "--config", str(config_path), "--region", "66"],
                              capture_output=True, text=True, timeout=300)
    finally:
        holder.kill()
        holder.wait()
    assert busy.value.pid == holder.pid and busy.value.lock_file == lock_path(warehouse)
    assert done.returncode == 3, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    line = [line for line in done.stderr.splitlines() if line.startswith("sverka: ")]
    assert line == [f"sverka: хранилище занято другим запуском (блокировка {lock_path(warehouse)}, PID {holder.pid}) / "
                    f"the warehouse is in use by another run (lock {lock_path(warehouse)}, PID {holder.pid})"]
    assert not (tmp_path / "parts").exists() and not warehouse.exists()


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs a folder nobody may write to (Linux /sys)")
def test_a_reports_folder_nobody_may_write_is_refused_before_any_region_runs(tmp_path):
    config_path = write_config(tmp_path, "/sys/sverka-reports")
    with pytest.raises(RunRefused, match="reports folder is not writable: /sys/sverka-reports"):
        run_national(str(config_path), local=True)
    assert not (tmp_path / "parts").exists() and not (tmp_path / "sverka.duckdb").exists()
