"""The per-region Prefect pipeline: ingest → reconcile → validate (rules, marts, expectations) → swap → reports.

Every stage writes the same private build file; the swap makes it the warehouse in one rename, and the
reports are written from the published warehouse.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task

from flows import stages
from flows.ingest import ingest_flow
from flows.preflight import check_recognised, guarded_run
from flows.publish import publish_flow
from flows.reconcile import reconcile_flow
from flows.validate import validate_flow
from warehouse.publish import abort_build, build_path, commit_build, connect, start_build


@task(name="start-build", tags=["sverka", "warehouse-writer"])
def start(warehouse: str) -> str:
    return str(start_build(Path(warehouse)))


@task(name="check-recognised", tags=["sverka"])
def recognised(build: str, landing_dir: str) -> None:
    """Refuses the run when nothing in the landing folder was recognised and loaded."""
    with connect(build) as con:
        check_recognised(con, landing_dir)


@task(name="carry-over-load-times", tags=["sverka", "warehouse-writer"])
def carry_over(build: str, warehouse: str, now: dt.datetime) -> None:
    with connect(build) as con:
        stages.carry_over_load_times(con, Path(warehouse), now)


@task(name="swap-in-warehouse", tags=["sverka", "warehouse-writer"])
def commit(build: str, warehouse: str) -> str:
    return str(commit_build(Path(build), Path(warehouse)))


def _discard_build(flow, flow_run, state) -> None:
    """A failed or cancelled run leaves the previous warehouse as it was."""
    warehouse = flow_run.parameters.get("warehouse")
    if warehouse:
        abort_build(build_path(Path(warehouse)))


@flow(
    name="sverka-region",
    flow_run_name="region {landing_dir} as of {as_of}",
    on_failure=[_discard_build],
    on_cancellation=[_discard_build],
    on_crashed=[_discard_build],
)
def region_flow(landing_dir: str, warehouse: str, reports_dir: str | None = None, as_of: dt.date | None = None,
                region_name: str | None = None) -> dict:
    """Everything `sverka run` does, as a Prefect flow with one task per landing unit.

    Refused before any work (RunRefused) when the landing folder is missing or empty, the reports folder or the
    warehouse cannot be written, or another run holds the warehouse; the warehouse's lock is held until the reports are written."""
    as_of = as_of or dt.date.today()
    with guarded_run(warehouse, landing_dir, reports_dir):
        build = start(warehouse)
        summary = ingest_flow(landing_dir, build)
        recognised(build, landing_dir)
        carry_over(build, warehouse, dt.datetime.now().replace(microsecond=0))
        summary["reconcile"] = reconcile_flow(build)
        docs_dir = str(Path(reports_dir) / "data_docs") if reports_dir else None
        summary["validate"] = validate_flow(build, as_of, docs_dir)
        commit(build, warehouse)
        summary["publish"] = publish_flow(warehouse, reports_dir, region_name)
    return summary
