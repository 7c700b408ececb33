"""One runner for the rule table: builds the validation models, runs every rule, fills the flag tables.

    from checks import run_rules
    summary = run_rules(con, as_of=date(2025, 1, 20))

Everything runs in DuckDB over the whole history in the warehouse; thresholds and as-of are bound as
parameters. Each run replaces the models and flag tables, so running twice gives the same contents.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from contextlib import contextmanager

import duckdb

from checks.config import RuleConfig
from checks.rules import BILLS, MODELS, READINGS, RULES, SQL_DIR, Rule, model_sql
from transforms.parse.specs import BILLS as BILLS_SPEC
from transforms.parse.specs import SPECS_BY_KIND

log = logging.getLogger("sverka")

# The staging tables the rules read; a build without some source kind still validates the rest.
SOURCE_KINDS = ("gis_meters", "gis_readings", "gis_accounts", "gis_bills", "gis_bill_lines")

FLAG_TABLES = {READINGS: "quality.reading_flags", BILLS: "quality.bill_flags"}

# Besides lineage, rule, severity and message, each flag names what it is about.
IDENTITY = {
    READINGS: (("meter_gis_number", "VARCHAR"), ("period", "DATE"), ("read_on", "DATE")),
    BILLS: (("hcs_id", "VARCHAR"), ("document_number", "VARCHAR"), ("period", "DATE")),
}

# quality.value_issues names a column by its header text: the raw text of an unreadable period is there.
PERIOD_COLUMN = BILLS_SPEC.column("period").headers[0]

PARAMETER = re.compile(r"\$(\w+)")


def run_rules(con: duckdb.DuckDBPyConnection, as_of: dt.date, config: RuleConfig | None = None) -> dict:
    """Fills `quality.reading_flags` and `quality.bill_flags`; returns counts per rule."""
    config = config or RuleConfig()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    prepare(con)
    params = {"as_of": as_of, "period_column": PERIOD_COLUMN, **config.parameters()}
    for name in MODELS:
        with _timed(seconds, name):
            execute(con, model_sql(name), params)
    for applies_to, table in FLAG_TABLES.items():
        con.execute(f"CREATE OR REPLACE TABLE {table} ({flag_columns(applies_to)})")
    for rule in RULES:
        with _timed(seconds, rule.code):
            execute(con, insert_sql(rule), {**params, "rule": rule.code, "severity": rule.severity})
    with _timed(seconds, "sort_flags"):
        for table in FLAG_TABLES.values():
            # One stable order whatever order the rules ran in (a row has one flag per rule): reruns leave
            # the table identical.
            con.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {table} "
                "ORDER BY source_file, source_sheet NULLS FIRST, source_row, rule"
            )
    summary = write_summary(con, as_of, config)
    seconds["total"] = time.perf_counter() - started
    summary["seconds"] = {k: round(v, 3) for k, v in seconds.items()}
    return summary


@contextmanager
def _timed(seconds: dict, name: str):
    """Adds the block's wall time to seconds[name]: the summary says where a run spends its time."""
    started = time.perf_counter()
    yield
    seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Schema, parsing and message macros, and an empty staging table for any source kind not loaded."""
    # Imported here: the warehouse package pulls in pandas and pyarrow, `import checks` stays light.
    from warehouse.landing import create_schema
    from warehouse.staging import typed_sql

    create_schema(con)
    con.execute((SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    existing = {
        name for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'staging' AND database_name = current_database()"
        ).fetchall()
    }
    for kind in SOURCE_KINDS:
        if kind not in existing:
            spec = SPECS_BY_KIND[kind]
            con.execute(
                f"CREATE TABLE staging.{kind} AS SELECT * EXCLUDE (_quarantine_reasons, _value_issues) "
                f"FROM ({typed_sql(spec)}) WHERE false"
            )


def flag_columns(applies_to: str) -> str:
    identity = ", ".join(f"{name} {type_}" for name, type_ in IDENTITY[applies_to])
    return (
        "source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, rule VARCHAR, severity VARCHAR, "
        f"message VARCHAR, {identity}"
    )


def insert_sql(rule: Rule) -> str:
    identity = ", ".join(name for name, _ in IDENTITY[rule.applies_to])
    return (
        f"INSERT INTO {FLAG_TABLES[rule.applies_to]}\n"
        f"SELECT source_file, source_sheet, source_row, $rule, $severity, {rule.message_sql}, {identity}\n"
        f"FROM (\n{rule.sql}\n) AS offending"
    )


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> None:
    """Runs `sql` with the parameters it names (DuckDB refuses unused ones)."""
    named = set(PARAMETER.findall(sql))
    missing = named - params.keys()
    if missing:
        raise KeyError(f"no value for SQL parameters {sorted(missing)}")
    con.execute(sql, {name: params[name] for name in named})


def write_summary(con: duckdb.DuckDBPyConnection, as_of: dt.date, config: RuleConfig) -> dict:
    # The marts read as-of from here (e.g. a meter's verification status).
    settings = config.parameters()
    con.execute(
        "CREATE OR REPLACE TABLE quality.validation_run AS SELECT CAST($as_of AS DATE) AS as_of, "
        + ", ".join(f"${name} AS {name}" for name in settings),
        {"as_of": as_of, **settings},
    )
    con.execute(
        "CREATE OR REPLACE TABLE quality.rule_summary (rule VARCHAR, applies_to VARCHAR, severity VARCHAR, "
        "title VARCHAR, flags BIGINT, as_of DATE)"
    )
    counts: dict[str, int] = {}
    for applies_to, table in FLAG_TABLES.items():
        counts.update(dict(con.execute(f"SELECT rule, count(*) FROM {table} GROUP BY rule").fetchall()))
    rows = [(r.code, r.applies_to, r.severity, r.title, counts.get(r.code, 0), as_of) for r in RULES]
    con.executemany("INSERT INTO quality.rule_summary VALUES (?, ?, ?, ?, ?, ?)", rows)
    summary = {
        "as_of": as_of.isoformat(),
        "reading_flags": sum(counts.get(r.code, 0) for r in RULES if r.applies_to == READINGS),
        "bill_flags": sum(counts.get(r.code, 0) for r in RULES if r.applies_to == BILLS),
        "rules": {r.code: counts.get(r.code, 0) for r in RULES},
        "config": config.parameters(),
    }
    log.info("rules: %d reading flags, %d bill flags", summary["reading_flags"], summary["bill_flags"])
    return summary
