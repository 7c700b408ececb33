"""Regions fanned out on Dask give the same warehouse as one process; unchanged inputs are not recomputed."""

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from flows.national import run_national
from generator import generate_region
from test_publish import digest

ROOT = Path(__file__).resolve().parents[1]

AS_OF = dt.date(2025, 1, 20)
REGIONS = {"66": 11, "25": 12, "16": 13}


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    root = tmp_path_factory.mktemp("national")
    sections = []
    for code, seed in REGIONS.items():
        generate_region(root / f"landing-{code}", premises=150, seed=seed, region=code, months=2)
        sections.append(f'[[region]]\ncode = "{code}"\nname = "регион {code}"\nlanding = "landing-{code}"\n')
    path = root / "regions.toml"
    path.write_text(
        '[warehouse]\npath = "sverka.duckdb"\nparts = "parts"\nreports = "reports"\n\n[schedule]\nas_of = "2025-01-20"\n\n' + "\n".join(sections),
        encoding="utf-8",
    )
    return path


def test_dask_run_equals_single_process_run(prefect_api, config):
    run_national(str(config), local=True)
    single = digest(config.parent / "sverka.duckdb")
    assert {"marts.premises", "quality.load_report"} <= set(single)

    # Recompute every region on a 2-worker LocalCluster.
    for part in (config.parent / "parts").iterdir():
        (part / "_fingerprint.json").unlink()
    result = run_national(str(config), workers=2)
    assert all(not r["reused"] for r in result["regions"])
    assert digest(config.parent / "sverka.duckdb") == single


def test_each_recomputed_region_leaves_its_summary_and_kpi_artifacts(prefect_api, config):
    from prefect.client.orchestration import get_client

    for part in (config.parent / "parts").glob("region=*"):
        (part / "_fingerprint.json").unlink(missing_ok=True)
    result = run_national(str(config), local=True)
    premises = {r["region"]: r["premises"] for r in result["regions"]}

    async def artifacts():
        async with get_client() as client:
            return {a.key: a for a in await client.read_latest_artifacts()}

    found = asyncio.run(artifacts())
    for code in REGIONS:
        summary = found[f"sverka-region-{code}"].data
        assert summary.startswith(f"# Сверка: регион {code}")
        kpis = json.loads(found[f"sverka-region-{code}-kpis"].data)
        region_row = next(row for row in kpis if row["Уровень"] == "регион")
        assert region_row["Помещений"] == premises[code]
    national = found["sverka-national"].data
    assert all(f"| {code} | пересчитан |" in national for code in REGIONS)

    # Each region's quality report and review queues, in its own folder of the configured reports folder,
    # linked from the region's summary and from the national one.
    for code in REGIONS:
        html = config.parent / "reports" / code / "quality_report.html"
        assert html.is_file() and (html.parent / "quality_report.xlsx").is_file()
        assert list((html.parent / "review_queues").glob("*.xlsx"))
        assert html.resolve().as_uri() in found[f"sverka-region-{code}"].data
        assert html.resolve().as_uri() in national


def test_unchanged_inputs_skip_their_regions(prefect_api, config):
    run_national(str(config), local=True)
    started = time.perf_counter()
    result = run_national(str(config), local=True)
    assert [r["reused"] for r in result["regions"]] == [True, True, True]

    # A changed file re-runs only its region.
    victim = next((config.parent / "landing-25" / "gis" / "houses").glob("*.xlsx"))
    victim.write_bytes(victim.read_bytes() + b"\0")
    result = run_national(str(config), local=True)
    assert {r["region"]: r["reused"] for r in result["regions"]} == {"66": True, "25": False, "16": True}
    assert time.perf_counter() - started > 0


def test_a_failing_region_does_not_hold_back_the_others(prefect_api, config, monkeypatch):
    import duckdb

    import flows.national as national

    run_national(str(config), local=True)
    (config.parent / "parts" / "region=16" / "_fingerprint.json").unlink()
    real_build = national.build_region

    def build_region(con, landing_dir, *args, **kwargs):
        if kwargs.get("region") == "16":
            raise OSError("диск недоступен")
        return real_build(con, landing_dir, *args, **kwargs)

    monkeypatch.setattr(national, "build_region", build_region)
    monkeypatch.setattr(national, "process_region", national.process_region.with_options(retries=0))
    warehouse = config.parent / "sverka.duckdb"
    before = warehouse.stat().st_mtime_ns
    with pytest.raises(national.RegionsFailed) as failed:
        run_national(str(config), local=True)
    assert [f["region"] for f in failed.value.failures] == ["16"]
    assert "диск недоступен" in failed.value.failures[0]["error"]
    assert warehouse.stat().st_mtime_ns != before   # the other regions were published
    with duckdb.connect(str(warehouse), read_only=True) as con:
        regions = {r[0] for r in con.execute("SELECT DISTINCT region_partition FROM marts.premises").fetchall()}
    assert regions == {"66", "25", "16"}            # 16 keeps its last good partitions


def test_sverka_nightly_on_dask_without_a_configured_server(config, tmp_path):
    """Without PREFECT_API_URL the flow's temporary API server must serve the Dask workers too."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    warehouse = config.parent / "sverka.duckdb"
    before = warehouse.stat().st_mtime_ns if warehouse.exists() else None
    for part in (config.parent / "parts").glob("region=*"):
        (part / "_fingerprint.json").unlink(missing_ok=True)
    done = subprocess.run([str(Path(sys.executable).with_name("sverka")), "nightly", "--config", str(config),
                           "--region", "66", "--workers", "2"], env=env, capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "region 66: recomputed" in done.stdout
    assert warehouse.stat().st_mtime_ns != before


def test_fingerprint_hashes_a_split_archive_once_and_never_follows_symlinks(tmp_path):
    from transforms.landing.archive import MEMBERS_PER_UNIT, landing_units
    from warehouse.partitions import landing_fingerprint

    landing = tmp_path / "landing"
    landing.mkdir()
    with zipfile.ZipFile(landing / "big.zip", "w") as archive:
        for i in range(MEMBERS_PER_UNIT + 1):
            archive.writestr(f"x/{i}.xml", "<a/>")
    (landing / "houses.csv").write_text("a;b\n", encoding="utf-8")
    (landing / "endless.xml").symlink_to("/dev/zero")
    units = landing_units(landing)
    assert {"big.zip::part=0", "big.zip::part=1", "endless.xml"} <= set(units)

    first = landing_fingerprint(landing, units, "v1")
    assert set(first["files"]) == {"big.zip", "houses.csv", "endless.xml"}
    assert first["files"]["endless.xml"] == "symlink:/dev/zero"
    (landing / "houses.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    assert landing_fingerprint(landing, units, "v1")["sha256"] != first["sha256"]


def test_the_run_a_cache_key_lets_through_does_not_hash_the_region_again(tmp_path, monkeypatch):
    import flows.national as national

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "houses.csv").write_text("a;b\n", encoding="utf-8")
    hashed = []
    real = national.landing_fingerprint
    monkeypatch.setattr(national, "landing_fingerprint",
                        lambda *args: hashed.append(args[0]) or real(*args))
    parameters = {"region": "66", "landing_dir": str(landing), "parts_dir": str(tmp_path / "parts"),
                  "as_of": dt.date(2024, 12, 1), "reports_dir": None}

    assert national._region_cache_key(None, parameters) is None          # nothing exported yet: a run follows
    first = national.region_inputs(parameters["landing_dir"], parameters["as_of"])  # … and takes those inputs
    assert len(hashed) == 1

    (landing / "houses.csv").write_text("a;b\n1;2\n", encoding="utf-8")  # a file changes in between
    assert national._region_cache_key(None, parameters) is None
    time.sleep(0.01)
    (landing / "houses.csv").write_text("a;b\n3;4\n", encoding="utf-8")
    second = national.region_inputs(parameters["landing_dir"], parameters["as_of"])
    assert len(hashed) == 3 and second["sha256"] != first["sha256"]
    assert national._HASHED_FOR_RUN == {}
