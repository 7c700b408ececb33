"""Prefect flow for ingest: a task per landing unit (a loose file or an archive), retried on I/O errors.

Parsing tasks run concurrently on the flow's task runner; appending to the warehouse build is one
task per unit, chained so that DuckDB's single writer sees the units in walk order.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.tasks import exponential_backoff

from flows import stages
from transforms.landing.archive import landing_units
from transforms.parse.batch import LandingBatch
from warehouse.landing import LandingLoader, create_schema
from warehouse.publish import connect

IO_RETRIES = dict(retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=2), retry_jitter_factor=0.5)


@task(name="list-landing-units", tags=["sverka", "io"], **IO_RETRIES)
def list_units(landing_dir: str) -> list[str]:
    return landing_units(landing_dir)


@task(name="parse-landing-unit", task_run_name="parse {unit}", tags=["sverka", "io"], **IO_RETRIES)
def parse_unit(landing_dir: str, unit: str) -> LandingBatch:
    return stages.parse_unit(Path(landing_dir), unit)


@task(name="append-to-landing", task_run_name="append {unit}", tags=["sverka", "warehouse-writer"])
def append(build: str, unit: str, batch: LandingBatch) -> int:
    with connect(build) as con:
        LandingLoader(con).append(batch)
    return len(batch.files)


@task(name="stage", tags=["sverka", "warehouse-writer"])
def stage(build: str) -> dict:
    with connect(build) as con:
        stages.stage(con)
        return stages.ingest_summary(con).__dict__


@flow(name="sverka-ingest", flow_run_name="ingest {landing_dir}", log_prints=True)
def ingest_flow(landing_dir: str, build: str) -> dict:
    """Reads every landing file into the warehouse build at `build`, then types it into staging."""
    with connect(build) as con:
        create_schema(con)
    units = list_units(landing_dir)
    parsed = [parse_unit.submit(landing_dir, unit) for unit in units]
    previous = None
    for unit, batch in zip(units, parsed):
        previous = append.submit(build, unit, batch, wait_for=[previous] if previous else [])
    if previous is not None:
        previous.result()
    return stage(build)
