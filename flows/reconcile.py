"""Prefect flow for reconciliation of one region's warehouse build, after ingest (staging) and before the marts.

The matching itself is one task — a handful of DuckDB statements over the whole region, which DuckDB already
runs on every core; there is no I/O to retry. Review queues (one XLSX per management organisation) are a
separate task, retried on I/O errors, when a reports folder is given.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from prefect import flow, task
from prefect.tasks import exponential_backoff

from transforms.match import reconcile as reconcile_build
from warehouse.publish import connect
from warehouse.reports.review_queue import write_review_queues

IO_RETRIES = dict(retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=2), retry_jitter_factor=0.5)


@task(name="reconcile", tags=["sverka", "warehouse-writer"])
def reconcile(build: str) -> dict:
    """staging.* → reconciled.* (house links, premise candidates, premise matches); counts per status."""
    with connect(build) as con:
        return reconcile_build(con)


@task(name="write-review-queues", tags=["sverka", "io"], **IO_RETRIES)
def review_queues(build: str, reports_dir: str) -> list[str]:
    """One review queue XLSX per management organisation in `reports_dir/review_queues`."""
    with duckdb.connect(build, read_only=True) as con:
        return [str(p) for p in write_review_queues(con, Path(reports_dir) / "review_queues")]


@flow(name="sverka-reconcile", flow_run_name="reconcile {build}", log_prints=True)
def reconcile_flow(build: str, reports_dir: str | None = None) -> dict:
    """Reconciles the warehouse build at `build`; with `reports_dir`, writes the review queues too."""
    summary = reconcile(build)
    if reports_dir:
        summary["review_queues"] = review_queues(build, reports_dir)
    return summary
