"""Prefect flow that publishes marts and reports into a warehouse build, after reconciliation and validation.

    publish_flow(build, warehouse, reports_dir, region_name)

builds the marts on the build file, writes the regional quality report (HTML + XLSX) and leaves two artifacts
on the run: a Markdown summary (fill rate before/after, flags, quarantine, links to the reports) and a table of
the quality KPIs. The atomic swap of the build into `warehouse` is the caller's (flows/nightly.py).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from warehouse.reports.quality_figures import load_figures
from flows.pipeline import write_reports
from warehouse.reports.run_summary import kpi_records, summary_markdown

IO_RETRIES = dict(retries=2, retry_delay_seconds=5)


@task(name="write-reports", task_run_name="reports into {reports_dir}", tags=["sverka", "io"], **IO_RETRIES)
def reports(warehouse: str, reports_dir: str, region_name: str | None) -> list[str]:
    """The regional quality report (HTML and XLSX) and the review queues, from the published warehouse."""
    return [str(p) for p in write_reports(Path(warehouse), Path(reports_dir), region_name)]


@task(name="summarise-run", tags=["sverka"])
def summarise(warehouse: str, region_name: str | None, report_paths: list[str]) -> dict:
    """Markdown and table artifacts of the run; returns the headline figures."""
    with duckdb.connect(warehouse, read_only=True) as con:
        figures = load_figures(con, region_name)
        table = kpi_records(con)
    create_markdown_artifact(
        key="sverka-publish-summary",
        markdown=summary_markdown(figures, [Path(p) for p in report_paths], warehouse),
        description=f"Сверка: публикация, {figures.region_name}",
    )
    create_table_artifact(key="sverka-quality-kpis", table=table,
                          description="Показатели качества данных по региону, муниципалитетам и УО")
    return figures.headline


@flow(name="sverka-publish", flow_run_name="publish {warehouse}", log_prints=True)
def publish_flow(warehouse: str, reports_dir: str | None = None, region_name: str | None = None) -> dict:
    """Reports and run artifacts for the published `warehouse`."""
    report_paths = reports(warehouse, reports_dir, region_name) if reports_dir else []
    headline = summarise(warehouse, region_name, report_paths)
    return {"reports": report_paths, "headline": headline}
