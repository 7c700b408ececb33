"""Runs the reconciliation SQL models (warehouse/sql/reconciled/*.sql) in order.

A model file is one statement. `{{name}}` placeholders take SQL generated from the comparison levels and
exclusions; `$name` parameters (tolerances, thresholds) are bound, never pasted into the text.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from transforms.match import exclusions, levels

SQL_DIR = Path(__file__).resolve().parents[2] / "warehouse" / "sql" / "reconciled"

# Thresholds of the decision rules (bound as $parameters).
PARAMETERS = {
    **levels.AREA_PARAMETERS,
    "area_bucket": 2.0,            # ≥ the absolute area tolerance: neighbouring buckets hold every close area
    "street_similarity": 0.85,     # rapidfuzz similarity for the same street written differently
    "min_house_agreement": 0.5,    # share of a house's premises with strong evidence before anything is automatic
    # match_score of a number found by elimination within a house (the rule's precision measured on generated
    # regions: benchmarks/bench_reconcile.py prints it per rule)
    "elimination_score_registry": 0.999,
    "elimination_score_near": 0.999,
    "elimination_score_only": 0.995,
}


def _levels_sql() -> str:
    columns = []
    for comparison in levels.COMPARISONS:
        columns += [f"{comparison.level_sql()} AS {comparison.name}_level",
                    f"{comparison.reason_sql()} AS {comparison.name}_reason",
                    f"{comparison.weight_sql()} AS {comparison.name}_weight"]
    return ",\n        ".join(columns)


def _strong_sql() -> str:
    parts = []
    for comparison in (levels.NUMBER, levels.KIND, levels.AREA):
        names = ", ".join(f"'{n}'" for n in comparison.strong_names())
        parts.append(f"{comparison.name}_level IN ({names})")
    return " AND ".join(parts)


def fragments() -> dict[str, str]:
    return {
        "levels": _levels_sql(),
        "excluded_by": exclusions.excluded_by_sql(),
        "never_paired": exclusions.never_paired_sql("e"),
        "strong": _strong_sql(),
        "score": levels.score_sql([f"{c.name}_weight" for c in levels.COMPARISONS]),
        "gis_area_ru": levels.area_ru("gis_area"),
        "egrn_area_ru": levels.area_ru("egrn_area"),
    }


def model_sql(name: str) -> str:
    sql = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    for key, value in fragments().items():
        sql = sql.replace("{{" + key + "}}", value)
    return sql


def run_model(con: duckdb.DuckDBPyConnection, name: str, parameters: dict | None = None) -> None:
    sql = model_sql(name)
    values = {**PARAMETERS, **(parameters or {})}
    used = {p: values[p] for p in set(re.findall(r"\$([a-z_]+)", sql))}
    con.execute(sql, used) if used else con.execute(sql)
