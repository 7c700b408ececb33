"""Great Expectations suites over the published tables, run on DataFrames pulled from DuckDB.

    outcome = run_expectations(con, docs_dir=Path("reports/data_docs"), as_of=date(2025, 1, 20))
    outcome.should_stop   # a failed `stop` expectation: do not publish
    outcome.summary       # counts and the failed expectations, for logs and flow results

Results go to `quality.expectation_results`; with `docs_dir`, Data Docs are rendered there (openable
offline). Importing this package does not import Great Expectations.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from checks.expectations.suites import STOP, SUITES, WARN, Expect, Suite

log = logging.getLogger("sverka")

__all__ = [
    "ExpectationOutcome", "PublishStopped", "SUITES", "Suite", "Expect", "STOP", "WARN",
    "run_expectations", "build_data_docs",
]

RESULT_COLUMNS = (
    ("suite", "VARCHAR"), ("expectation", "VARCHAR"), ("column", "VARCHAR"), ("severity", "VARCHAR"),
    ("description", "VARCHAR"), ("success", "BOOLEAN"), ("element_count", "BIGINT"),
    ("unexpected_count", "BIGINT"), ("unexpected_percent", "DOUBLE"), ("observed_value", "VARCHAR"),
    ("as_of", "DATE"),
)


class PublishStopped(RuntimeError):
    """A `stop` expectation failed: the build must not replace the published warehouse."""


@dataclass
class ExpectationOutcome:
    results: list[dict]
    as_of: dt.date
    docs_index: Path | None = None
    failed: list[dict] = field(init=False)

    def __post_init__(self) -> None:
        self.failed = [r for r in self.results if not r["success"]]

    @property
    def should_stop(self) -> bool:
        return any(r["severity"] == STOP for r in self.failed)

    @property
    def summary(self) -> dict:
        def label(r: dict) -> str:
            return f"{r['suite']}: {r['expectation']}" + (f" ({r['column']})" if r["column"] else "")

        return {
            "as_of": self.as_of.isoformat(),
            "expectations": len(self.results),
            "failed": len(self.failed),
            "failed_stop": [label(r) for r in self.failed if r["severity"] == STOP],
            "failed_warn": [label(r) for r in self.failed if r["severity"] == WARN],
            "should_stop": self.should_stop,
            "data_docs": str(self.docs_index) if self.docs_index else None,
        }

    def raise_for_stop(self) -> None:
        if self.should_stop:
            failed = "; ".join(self.summary["failed_stop"])
            raise PublishStopped(f"не пройдены обязательные проверки данных: {failed}")


def run_expectations(
    con: duckdb.DuckDBPyConnection,
    docs_dir: Path | None = None,
    as_of: dt.date | None = None,
    suites: tuple[Suite, ...] = SUITES,
) -> ExpectationOutcome:
    """Runs every suite; stores results in `quality.expectation_results`; renders Data Docs into `docs_dir`.

    `as_of` bounds the date expectations; by default the as-of of the last rule run, else today.
    """
    from checks.expectations.docs import make_offline
    from checks.expectations.gx_run import run_suites

    as_of = as_of or _last_as_of(con) or dt.date.today()
    frames, missing = [], []
    for suite in suites:
        try:
            frames.append((suite, _pull(con, suite)))
        except duckdb.Error as exc:  # the table is absent or lacks what the suite joins on
            missing.append(_unreadable_table(suite, exc))
    if docs_dir is not None:
        docs_dir = Path(docs_dir)
        docs_dir.mkdir(parents=True, exist_ok=True)
    results = run_suites(frames, as_of, docs_dir) + missing
    _store(con, results, as_of)
    docs_index = make_offline(docs_dir, results, as_of) if docs_dir is not None else None
    outcome = ExpectationOutcome(results, as_of, docs_index)
    log.info("expectations: %d checked, %d failed (stop: %d)", len(results), len(outcome.failed),
             len(outcome.summary["failed_stop"]))
    return outcome


def build_data_docs(results_dir: Path, con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> Path:
    """Runs the suites and renders their Data Docs into `results_dir`; returns the index page."""
    return run_expectations(con, Path(results_dir), as_of).docs_index


def _pull(con: duckdb.DuckDBPyConnection, suite: Suite):
    """The suite's table as a DataFrame with only the columns its expectations read."""
    available = [d[0] for d in con.execute(f"SELECT * FROM ({suite.query}) LIMIT 0").description]
    # A missing column is left to Great Expectations, which reports it as that expectation's failure.
    columns = [c for c in suite.columns if c in available] or available[:1]
    select = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
    return con.execute(f"SELECT {select} FROM ({suite.query})").df()


def _unreadable_table(suite: Suite, error: Exception) -> dict:
    return {
        "suite": suite.table, "expectation": "table_readable", "column": None, "severity": STOP,
        "description": "таблица опубликована и читается", "success": False, "element_count": None,
        "unexpected_count": None, "unexpected_percent": None, "observed_value": str(error).splitlines()[0],
    }


def _last_as_of(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    try:
        row = con.execute("SELECT max(as_of) FROM quality.validation_run").fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


def _store(con: duckdb.DuckDBPyConnection, results: list[dict], as_of: dt.date) -> None:
    columns = ", ".join(f'"{name}" {type_}' for name, type_ in RESULT_COLUMNS)
    con.execute("CREATE SCHEMA IF NOT EXISTS quality")
    con.execute(f"CREATE OR REPLACE TABLE quality.expectation_results ({columns})")
    names = [name for name, _ in RESULT_COLUMNS]
    rows = [tuple(as_of if n == "as_of" else r.get(n) for n in names) for r in results]
    if rows:
        placeholders = ", ".join("?" for _ in names)
        con.executemany(f"INSERT INTO quality.expectation_results VALUES ({placeholders})", rows)
