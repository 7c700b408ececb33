"""Prefect flow for validation of one region's warehouse build, after ingest and reconciliation.

Rules (quality.*_flags) run first because the marts read their models; the marts are then rebuilt; the
expectation suites check the marts and decide whether the build may be published.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task

from checks import RuleConfig, run_expectations, run_rules
from flows import stages
from warehouse.publish import connect


@task(name="run-rules", task_run_name="rules as of {as_of}", tags=["sverka", "warehouse-writer"])
def rules(build: str, as_of: dt.date, config: RuleConfig | None = None) -> dict:
    """Reading and bill rules over the whole history; returns flag counts per rule."""
    with connect(build) as con:
        return run_rules(con, as_of, config)


@task(name="publish-marts", tags=["sverka", "warehouse-writer"])
def marts(build: str) -> None:
    with connect(build) as con:
        stages.publish_marts(con)


@task(name="run-expectations", tags=["sverka", "warehouse-writer"])
def expectations(build: str, as_of: dt.date, docs_dir: str | None) -> dict:
    """Great Expectations suites on the marts; results stored in the build, Data Docs into `docs_dir`."""
    with connect(build) as con:
        outcome = run_expectations(con, Path(docs_dir) if docs_dir else None, as_of=as_of)
    return outcome.summary


@flow(name="sverka-validate", flow_run_name="validate {build} as of {as_of}", log_prints=True)
def validate_flow(build: str, as_of: dt.date, docs_dir: str | None = None, stop_on_failure: bool = True) -> dict:
    """Validates the warehouse build at `build`; fails when a `stop` expectation fails (and stop_on_failure)."""
    rule_summary = rules(build, as_of)
    marts(build)
    summary = {"rules": rule_summary, "expectations": expectations(build, as_of, docs_dir)}
    if stop_on_failure and summary["expectations"]["should_stop"]:
        from checks.expectations import PublishStopped

        failed = "; ".join(summary["expectations"]["failed_stop"])
        raise PublishStopped(f"не пройдены обязательные проверки данных: {failed}")
    return summary
