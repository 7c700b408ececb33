"""Many regions at once: each region is a task that can run on any Dask worker; one task publishes.

A region task builds the region in a private DuckDB file, exports it as Parquet partitions
(`region=NN`) and removes the file. Its Prefect cache key is the sha256 of the region's input files
(plus the code version and the as-of date), so a nightly run over unchanged extracts skips the
region entirely. The publishing task assembles the warehouse from all partitions into a new file
and swaps it in, holding a global concurrency slot so that one flow at a time writes the warehouse.

The whole flow holds the warehouse's lock (`<warehouse>.lock`, see warehouse/lock.py), so a second run on
the same warehouse, from the CLI or a deployment, is refused at once. With `[warehouse] reports` in the
configuration, each recomputed region writes its quality report and review queues into `<reports>/<code>/`,
through the same function as `sverka run --reports`, and links them from its artifacts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Iterator

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.concurrency.sync import concurrency
from prefect.tasks import exponential_backoff

from flows.config import RunConfig, load_config
from flows.pipeline import build_region, write_reports
from flows.preflight import RunRefused, check_landing, guarded_run
from transforms.landing.archive import PART_SEPARATOR, landing_units
from warehouse.partitions import assemble, export_region, exported_fingerprint, landing_fingerprint
from warehouse.publish import building, connect
from warehouse.reports.quality_figures import load_figures
from warehouse.reports.quality_report import HTML_NAME, XLSX_NAME
from warehouse.reports.run_summary import kpi_records, summary_markdown

CODE_ROOTS = ("transforms", "checks", "warehouse", "flows")

log = logging.getLogger("sverka")


def code_version() -> str:
    """A hash of the code that shapes the warehouse: a new release recomputes every region."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for folder in CODE_ROOTS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".sql") and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# The inputs the cache key just hashed, for the run it lets through (landing dir → (stat signature, inputs)):
# hashing a region's files is the slow part of deciding, and it would otherwise happen twice per region.
_HASHED_FOR_RUN: dict[str, tuple[str, dict]] = {}


def _stat_signature(landing_dir: str, units: list[str], as_of: dt.date) -> str:
    """What would tell a changed file without reading it: each file's inode, size, mtime and ctime (a write
    always moves ctime)."""
    digest = hashlib.sha256(f"{code_version()}|{as_of.isoformat()}".encode())
    for name in sorted({unit.partition(PART_SEPARATOR)[0] for unit in units}):
        try:
            st = os.lstat(Path(landing_dir) / name)
            digest.update(f"{name}|{st.st_ino}|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}\n".encode())
        except OSError as exc:
            digest.update(f"{name}|{exc.errno}\n".encode())
    return digest.hexdigest()


def region_inputs(landing_dir: str, as_of: dt.date, *, keep_for_run: bool = False) -> dict:
    """The region's input fingerprint. `keep_for_run`: the run that follows takes it instead of hashing again,
    provided no file changed in between."""
    units = landing_units(landing_dir)
    signature = _stat_signature(landing_dir, units, as_of)
    kept = _HASHED_FOR_RUN.pop(landing_dir, None)
    if kept is not None and kept[0] == signature:
        fingerprint = kept[1]
    else:
        fingerprint = landing_fingerprint(Path(landing_dir), units, code_version())
        fingerprint["as_of"] = as_of.isoformat()
    if keep_for_run:
        _HASHED_FOR_RUN[landing_dir] = (signature, fingerprint)
    return fingerprint


def _region_cache_key(context, parameters: dict) -> str | None:
    """sha256 of the region's input files; no key (a real run) when its partitions or its reports are gone."""
    try:
        check_landing(parameters["landing_dir"])
    except RunRefused:
        return None  # the run itself reports the problem
    inputs, unchanged = _region_state(parameters["region"], parameters["landing_dir"], parameters["parts_dir"],
                                      parameters["as_of"], parameters.get("reports_dir"), keep_for_run=True)
    if not unchanged:
        return None  # the region runs, and takes the inputs just hashed
    _HASHED_FOR_RUN.pop(parameters["landing_dir"], None)
    return f"sverka-region-{parameters['region']}-{inputs['sha256']}-{inputs['as_of']}"


def _region_state(region: str, landing_dir: str, parts_dir: str, as_of: dt.date,
                  reports_dir: str | None, keep_for_run: bool = False) -> tuple[dict, bool]:
    """The region's inputs, and whether its exported partitions (and reports, when asked for) already match them."""
    inputs = region_inputs(landing_dir, as_of, keep_for_run=keep_for_run)
    unchanged = exported_fingerprint(Path(parts_dir), region) == inputs and not _reports_missing(reports_dir)
    return inputs, unchanged


def region_jobs(config: RunConfig, codes: list[str], as_of: dt.date) -> list[dict]:
    """The parameters of `process_region` for each region: its landing, the partitions and, when the
    configuration names a reports folder, the region's own subfolder `<reports>/<code>`."""
    reports = config.warehouse.reports
    return [
        {"region": code, "landing_dir": str(config.region(code).landing), "parts_dir": str(config.warehouse.parts),
         "as_of": as_of, "region_name": config.region(code).name,
         "reports_dir": str(Path(reports) / code) if reports else None}
        for code in codes
    ]


def _reports_missing(reports_dir: str | None) -> bool:
    return bool(reports_dir) and not (Path(reports_dir) / HTML_NAME).is_file()


def existing_reports(reports_dir: str | None) -> list[str]:
    """The region's quality report files (HTML, XLSX) that exist in its reports folder."""
    if not reports_dir:
        return []
    return [str(Path(reports_dir) / name) for name in (HTML_NAME, XLSX_NAME) if (Path(reports_dir) / name).is_file()]


def run_region(region: str, landing_dir: str, parts_dir: str, as_of: dt.date, region_name: str | None = None,
               reports_dir: str | None = None, artifacts=None) -> dict:
    """One region without Prefect: build it in a private file, export its partitions, write its reports.

    Skipped (`reused`) when its inputs match the exported partitions and its reports are there.
    `artifacts(con, report_paths)`, when given, is called on the finished build (read-only).
    """
    check_landing(landing_dir)  # a missing or empty landing fails this region at once, not the others
    inputs, unchanged = _region_state(region, landing_dir, parts_dir, as_of, reports_dir)
    if unchanged:
        log.info("region %s: inputs unchanged (sha256 %s), partitions reused", region, inputs["sha256"][:12])
        return {"region": region, "reused": True, "sha256": inputs["sha256"], "reports": existing_reports(reports_dir)}
    started = time.perf_counter()
    now = dt.datetime.combine(as_of, dt.time(0, 0))
    docs_dir = Path(reports_dir).resolve() / "data_docs" if reports_dir else None
    with tempfile.TemporaryDirectory(prefix=f"sverka-region-{region}-") as tmp:
        build = Path(tmp) / "region.duckdb"
        with connect(build) as con:
            summary = build_region(con, Path(landing_dir), as_of, now, region=region, docs_dir=docs_dir)
            log.info("region %s: %d files, %d rows read", region, summary.files, summary.rows_read)
            export_region(con, Path(parts_dir), region, inputs)
            premises = con.execute("SELECT count(*) FROM marts.premises").fetchone()[0]
        # The same reports as `sverka run --reports`, from the region's finished build.
        reports = [str(p) for p in write_reports(build, Path(reports_dir).resolve(), region_name)] if reports_dir else []
        if artifacts is not None:
            with duckdb.connect(str(build), read_only=True) as con:
                artifacts(con, reports)
    seconds = round(time.perf_counter() - started, 1)
    return {"region": region, "reused": False, "sha256": inputs["sha256"], "files": summary.files,
            "rows_read": summary.rows_read, "premises": premises, "seconds": seconds, "reports": reports}


@task(
    name="process-region",
    task_run_name="region {region}",
    cache_key_fn=_region_cache_key,
    persist_result=True,
    retries=2,
    retry_delay_seconds=exponential_backoff(backoff_factor=10),
    retry_condition_fn=lambda task, task_run, state: not isinstance(state.data, RunRefused),  # refuses again
    timeout_seconds=6 * 3600,
    tags=["sverka", "region"],
)
def process_region(region: str, landing_dir: str, parts_dir: str, as_of: dt.date,
                   region_name: str | None = None, reports_dir: str | None = None) -> dict:
    """Landing → staging → reconciled → marts for one region, exported as its partitions, with its reports."""

    def artifacts(con, reports: list[str]) -> None:
        _region_artifacts(con, region, region_name, reports)

    return run_region(region, landing_dir, parts_dir, as_of, region_name, reports_dir, artifacts)


def _region_artifacts(con, region: str, region_name: str | None, reports: list[str] | None = None) -> None:
    """The region's run in Russian Markdown (with links to its reports) and its quality KPIs as a table."""
    figures = load_figures(con, region_name or f"регион {region}")
    create_markdown_artifact(key=f"sverka-region-{region}",
                             markdown=summary_markdown(figures, [Path(p) for p in reports or []], heading="Сверка"),
                             description=f"Сверка: регион {region}")
    create_table_artifact(key=f"sverka-region-{region}-kpis", table=kpi_records(con),
                          description=f"Показатели качества данных: регион {region}")


def warehouse_slot(warehouse: str) -> str:
    """The global concurrency limit that lets one flow at a time write this warehouse file."""
    return "sverka-warehouse-" + hashlib.sha256(str(Path(warehouse).resolve()).encode()).hexdigest()[:12]


@task(name="publish-warehouse", tags=["sverka", "warehouse-writer"])
def publish_warehouse(warehouse: str, parts_dir: str, regions: list[str]) -> str:
    """Assembles every region's partitions into a new warehouse file and swaps it in."""
    # DuckDB has one writer: a global concurrency slot per warehouse serialises publishing flows.
    with concurrency(warehouse_slot(warehouse), occupy=1):
        with building(Path(warehouse)) as con:
            assemble(con, Path(parts_dir), regions)
    return warehouse


def task_runner(dask_address: str | None = None, workers: int | None = None):
    """Dask through prefect-dask: an existing scheduler, or a local cluster of process workers."""
    from prefect_dask import DaskTaskRunner

    address = dask_address or os.environ.get("SVERKA_DASK_ADDRESS")
    if address:
        return DaskTaskRunner(address=address)
    kwargs = {"n_workers": workers or int(os.environ.get("SVERKA_DASK_WORKERS", "2")),
              "threads_per_worker": 1, "processes": True}
    return DaskTaskRunner(cluster_kwargs=kwargs)


@flow(name="sverka-national", flow_run_name="regions {regions}", log_prints=True, task_runner=task_runner())
def national_flow(config_path: str, regions: list[str] | None = None, as_of: dt.date | None = None) -> dict:
    """Runs the named regions (default: all in the configuration) and publishes the warehouse."""
    config = load_config(config_path)
    codes = regions or [r.code for r in config.regions]
    as_of = as_of or config.as_of()
    parts = str(config.warehouse.parts)
    with guarded_run(config.warehouse.path, reports_dir=config.warehouse.reports):  # publishing included
        jobs = region_jobs(config, codes, as_of)
        futures = [process_region.submit(**job) for job in jobs]
        results, failures = [], []
        for code, future in zip(codes, futures):
            outcome = future.result(raise_on_failure=False)
            if isinstance(outcome, BaseException):
                failures.append({"region": code, "error": f"{type(outcome).__name__}: {outcome}"})
                get_run_logger().error("region %s failed: %s", code, failures[-1]["error"])
            else:
                results.append(outcome)
        # A failed region does not hold the others back: it keeps its last good partitions, if any.
        every_region = sorted(r.code for r in config.regions if (Path(parts) / f"region={r.code}").exists())
        publish_warehouse(str(config.warehouse.path), parts, every_region)
    create_markdown_artifact(key="sverka-national", markdown=national_markdown(results, failures, as_of),
                             description="Сверка: регионы ночного запуска")
    if failures:
        raise RegionsFailed(failures)
    return {"as_of": as_of.isoformat(), "regions": results}


class RegionsFailed(RuntimeError):
    """Some regions failed; the others were published. Fails the flow run so that the failure is seen."""

    def __init__(self, failures: list[dict]):
        self.failures = failures
        super().__init__("; ".join(f"region {f['region']}: {f['error']}" for f in failures))


def national_markdown(results: list[dict], failures: list[dict], as_of: dt.date) -> str:
    """One line per region: recomputed, reused or failed, with its size and time."""
    lines = [f"# Ночной запуск на {as_of:%d.%m.%Y}", "",
             "| регион | результат | файлов | строк прочитано | помещений | секунд |", "|---|---|---:|---:|---:|---:|"]
    for r in results:
        if r["reused"]:
            lines.append(f"| {r['region']} | исходные файлы не изменились, взят прошлый результат | | | | |")
        else:
            lines.append(f"| {r['region']} | пересчитан | {r['files']:,} | {r['rows_read']:,} | {r['premises']:,} | "
                         f"{r['seconds']} |".replace(",", "\u202f"))
    for f in failures:
        error = f["error"].replace("|", "/")[:300]
        lines.append(f"| {f['region']} | **ошибка**, в хранилище остались прошлые данные региона: {error} | | | | |")
    reported = [r for r in results if r.get("reports")]
    if reported:
        lines += ["", "## Отчёты о качестве данных", ""]
        lines += [f"- регион {r['region']}: " + ", ".join(f"[{Path(p).name}]({Path(p).resolve().as_uri()})"
                                                         for p in r["reports"]) for r in reported]
    return "\n".join(lines) + "\n"


def run_national(config_path: str, regions: list[str] | None = None, as_of: dt.date | None = None,
                 dask_address: str | None = None, workers: int | None = None, local: bool = False) -> dict:
    """`local=True` runs regions one after another in this process (the reference for Dask runs).

    The warehouse's lock is taken first (the flow takes it again, re-entrantly): a second run on the same
    warehouse is refused (RunRefused) before a Dask cluster or an API server is started."""
    config: RunConfig = load_config(config_path)
    with guarded_run(config.warehouse.path, reports_dir=config.warehouse.reports):
        if local:
            from prefect.task_runners import ThreadPoolTaskRunner

            runner = ThreadPoolTaskRunner(max_workers=1)
            return national_flow.with_options(task_runner=runner)(config_path, regions, as_of)
        runner = task_runner(dask_address or config.dask_address, workers)
        with api_for_workers():
            return national_flow.with_options(task_runner=runner)(config_path, regions, as_of)


@contextlib.contextmanager
def api_for_workers() -> Iterator[None]:
    """Dask workers report their task runs to the flow's Prefect API. Without a configured server
    (PREFECT_API_URL) Prefect would start a temporary one in each worker, which fails; start it here instead and
    point the run, and so its workers, at it."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    server = SubprocessASGIServer()  # the process's temporary server, stopped when the process exits
    server.start(timeout=120)
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield
