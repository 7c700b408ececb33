"""Builds the marts (warehouse/sql/marts/*.sql) in dependency order.

A mart file that reads another mart (`marts.x`) runs after the file that creates it, whatever their names;
files whose name starts with `_` hold shared macros and run first, after the house, premise and УО key macros of
transforms/match/keys.py (stored in the warehouse: the one definition reconciliation uses too). Ties keep name order, so the build order is
the same on every run.

    from warehouse.marts import build_marts
    build_marts(con)          # every mart, in order; returns the file names as run
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from transforms.match.keys import register_match_functions

MARTS_DIR = Path(__file__).parent / "sql" / "marts"

CREATES = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?marts\.(\w+)", re.I)
READS = re.compile(r"\bmarts\.(\w+)", re.I)
# String literals (COMMENT ON texts name other marts) and line comments are not reads.
NOT_CODE = re.compile(r"'(?:[^']|'')*'|--[^\n]*")


def mart_files(directory: Path = MARTS_DIR) -> list[Path]:
    """The mart files in build order: macros first, then each mart after every mart it reads."""
    files = sorted(Path(directory).glob("*.sql"))
    macros = [f for f in files if f.name.startswith("_")]
    marts = [f for f in files if not f.name.startswith("_")]
    sql = {f: NOT_CODE.sub(" ", f.read_text(encoding="utf-8")) for f in marts}
    creator = {table.lower(): f for f in marts for table in CREATES.findall(sql[f])}
    needs = {
        f: {creator[t.lower()] for t in READS.findall(sql[f]) if t.lower() in creator} - {f}
        for f in marts
    }
    ordered: list[Path] = []
    while needs:
        ready = sorted(f for f, deps in needs.items() if deps <= set(ordered))
        if not ready:
            cycle = ", ".join(f.name for f in sorted(needs))
            raise ValueError(f"marts read each other in a cycle: {cycle}")
        ordered.append(ready[0])
        del needs[ready[0]]
    return macros + ordered


def build_marts(con: duckdb.DuckDBPyConnection, directory: Path = MARTS_DIR) -> list[str]:
    """Runs every mart file on `con` in dependency order; returns their names in the order run."""
    files = mart_files(directory)
    register_match_functions(con, temporary=False)
    for path in files:
        con.execute(path.read_text(encoding="utf-8"))
    return [f.name for f in files]
