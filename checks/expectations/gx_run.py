"""Runs the declared suites with Great Expectations 1.x: an ephemeral context, a pandas data source, one
Checkpoint per table (a DataFrame asset takes its frame at run time), and Data Docs on the local disk.

Great Expectations is imported here only, inside the functions, because its import takes seconds.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd

from checks.expectations.suites import Expect, Suite, resolve_bounds

SEVERITY_IN_GX = {"stop": "critical", "warn": "warning"}
SITE = "sverka"


def run_suites(frames: list[tuple[Suite, pd.DataFrame]], as_of: dt.date, docs_dir: Path | None) -> list[dict]:
    """One result row per expectation, in the order the suites declare them."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no network calls from a nightly run
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    context = _context(docs_dir)
    source = context.data_sources.add_pandas("sverka")
    run_time = dt.datetime.combine(as_of, dt.time(), tzinfo=dt.timezone.utc)
    rows: list[dict] = []
    for suite, frame in frames:
        batch = source.add_dataframe_asset(suite.table).add_batch_definition_whole_dataframe("whole table")
        gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.table))
        for index, expect in enumerate(suite.expectations):
            gx_suite.add_expectation(_expectation(expect, index, as_of))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.table, data=batch, suite=gx_suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=f"sverka {suite.table}",
                validation_definitions=[definition],
                result_format={"result_format": "SUMMARY"},
            )
        )
        result = checkpoint.run(
            batch_parameters={"dataframe": frame},
            run_id=RunIdentifier(run_name=f"as_of_{as_of.isoformat()}", run_time=run_time),
        )
        rows += _rows(suite, result)
    if docs_dir is not None:
        context.build_data_docs(site_names=[SITE])
    return rows


def _context(docs_dir: Path | None):
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig,
    )

    sites = {}
    if docs_dir is not None:
        sites[SITE] = {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "show_how_to_buttons": False},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites=sites,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _expectation(expect: Expect, index: int, as_of: dt.date):
    import great_expectations.expectations as gxe

    cls = getattr(gxe, expect.kind)
    return cls(
        **resolve_bounds(expect.kwargs, as_of),
        severity=SEVERITY_IN_GX[expect.severity],
        description=expect.description,
        meta={"severity": expect.severity, "sverka_index": index},
    )


def _rows(suite: Suite, checkpoint_result) -> list[dict]:
    found: dict[int, dict] = {}
    for validation in checkpoint_result.run_results.values():
        for outcome in validation.results:
            config = outcome.expectation_config
            index = int(config.meta["sverka_index"])
            result = outcome.result or {}
            observed = result.get("observed_value")
            if outcome.exception_info and outcome.exception_info.get("raised_exception"):
                observed = outcome.exception_info.get("exception_message")
            found[index] = {
                "success": bool(outcome.success),
                "element_count": result.get("element_count"),
                "unexpected_count": result.get("unexpected_count"),
                "unexpected_percent": result.get("unexpected_percent"),
                "observed_value": None if observed is None else str(observed),
                "gx_type": config.type,
            }
    rows = []
    for index, expect in enumerate(suite.expectations):
        outcome = found.get(index, {"success": False, "observed_value": "не выполнено"})
        rows.append({
            "suite": suite.table,
            "expectation": outcome.get("gx_type") or expect.kind,
            "column": expect.column_label,
            "severity": expect.severity,
            "description": expect.description,
            **{k: outcome.get(k) for k in ("success", "element_count", "unexpected_count",
                                            "unexpected_percent", "observed_value")},
        })
    return rows
