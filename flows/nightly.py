"""The per-region Prefect pipeline: ingest → staging → marts, published atomically.

Later stages (reconciliation, validation, reports) plug in as further subflows on the same build.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task

from flows import stages
from flows.ingest import ingest_flow
from warehouse.publish import abort_build, build_path, commit_build, connect, start_build


@task(name="start-build", tags=["sverka", "warehouse-writer"])
def start(warehouse: str) -> str:
    return str(start_build(Path(warehouse)))


@task(name="publish-marts", tags=["sverka", "warehouse-writer"])
def marts(build: str, warehouse: str, now: dt.datetime) -> None:
    with connect(build) as con:
        stages.carry_over_load_times(con, Path(warehouse), now)
        stages.publish_marts(con)


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
def region_flow(landing_dir: str, warehouse: str, reports_dir: str | None = None, as_of: dt.date | None = None) -> dict:
    """Everything `sverka run` does, as a Prefect flow with one task per landing unit."""
    build = start(warehouse)
    summary = ingest_flow(landing_dir, build)
    marts(build, warehouse, dt.datetime.now().replace(microsecond=0))
    commit(build, warehouse)
    return summary
