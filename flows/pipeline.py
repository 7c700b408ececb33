"""`sverka run` without an orchestrator: the stages in order, published atomically."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb

from checks import run_expectations, run_rules
from flows import stages
from flows.logs import for_region
from flows.preflight import check_recognised, hold_warehouse
from flows.progress import SILENT, Progress
from transforms.match import reconcile
from warehouse.publish import building
from warehouse.reports.quality_report import write_quality_report
from warehouse.reports.review_queue import write_review_queues

log = logging.getLogger("sverka")


@dataclass
class RunResult:
    warehouse: Path
    files: int
    problems: int
    rows_read: int
    reports: list[Path]


def build_region(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    as_of: dt.date,
    now: dt.datetime,
    previous: Path | None = None,
    workers: int = 1,
    until: str | None = None,
    docs_dir: Path | None = None,
    region: str | None = None,
    progress: Progress = SILENT,
) -> stages.IngestSummary:
    """Every stage of one region, in order, into the build behind `con` (the one place that orders them).

    Raises PublishStopped when an expectation declared `stop` fails: the build is then not published.
    """
    with for_region(region):
        summary = stages.ingest(con, Path(landing_dir), workers=workers, progress=progress)
        progress.stage("staging")
        stages.carry_over_load_times(con, previous, now)
        stages.stage(con)
        log.info("staging: %d files, %d rows read", summary.files, summary.rows_read)
        if until == "ingest":
            return summary
        check_recognised(con, landing_dir)  # nothing to reconcile: refuse with one clear line
        progress.stage("reconcile")
        reconcile(con)
        progress.stage("rules")
        run_rules(con, as_of)
        progress.stage("marts")
        log.info("marts: %d models built", len(stages.publish_marts(con)))
        progress.stage("expectations")
        run_expectations(con, docs_dir, as_of=as_of).raise_for_stop()
    return summary


def run_pipeline(
    landing_dir: Path,
    warehouse: Path,
    reports_dir: Path | None = None,
    as_of: dt.date | None = None,
    now: dt.datetime | None = None,
    workers: int = 1,
    until: str | None = None,
    progress: Progress = SILENT,
) -> RunResult:
    """Runs every stage (or the stages up to `until`, e.g. "ingest") into a build, then swaps it in."""
    landing_dir, warehouse = Path(landing_dir), Path(warehouse)
    reports_dir = Path(reports_dir).resolve() if reports_dir else None  # GX Data Docs want an absolute path
    as_of = as_of or dt.date.today()
    now = now or dt.datetime.now().replace(microsecond=0)
    docs_dir = Path(reports_dir) / "data_docs" if reports_dir and until != "ingest" else None
    with hold_warehouse(warehouse):  # one run at a time per warehouse (re-entrant: the CLI took it already)
        with building(warehouse) as con:
            summary = build_region(con, landing_dir, as_of, now, previous=warehouse, workers=workers, until=until,
                                   docs_dir=docs_dir, progress=progress)
        if reports_dir and until != "ingest":
            progress.stage("reports")
            reports = write_reports(warehouse, Path(reports_dir))
        else:
            reports = []
    return RunResult(warehouse, summary.files, summary.problems, summary.rows_read, reports)


def write_reports(warehouse: Path, reports_dir: Path, region_name: str | None = None) -> list[Path]:
    """From the published warehouse: the inspectorate's quality report and the review queues per УО."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        paths = write_quality_report(con, reports_dir, region_name)
        paths += write_review_queues(con, reports_dir / "review_queues")
    return paths


def load_report(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT source_file, source_sheet, kind, status, rows_read, rows_loaded, rows_quarantined, reason "
            "FROM quality.load_report ORDER BY source_file, source_sheet NULLS FIRST"
        ).fetchall()
