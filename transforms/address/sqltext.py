"""Small helpers for writing the normaliser's SQL text.

DuckDB has no LET, and a macro repeats its argument expression wherever the parameter appears; so a
computation is written as ordered column steps, each a SELECT over the previous one. Inside the steps
every regex is a plain projection: DuckDB compiles it once per query (inside a lambda it would be rebuilt
per chunk, which made an earlier version ten times slower).
"""

from __future__ import annotations

Steps = list[tuple[str, str]]


def q(s: str) -> str:
    """SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def sql_list(items) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


def chain(source: str, steps: Steps) -> str:
    """`SELECT *, step AS name FROM (…)` for each step in order, over the SELECT `source`."""
    sql = source
    for name, expr in steps:
        sql = f"SELECT *, {expr} AS {name} FROM ({sql})"
    return sql


def scalar_macro(name: str, param: str, steps: Steps) -> str:
    """A scalar macro computing the last step from `param` (a correlated subquery DuckDB decorrelates
    into one vectorised join, computing each distinct input once)."""
    last = steps[-1][0]
    source = f"SELECT {param} AS {param}_"  # steps read the input as column `{param}_`
    return f"CREATE OR REPLACE MACRO {name}({param}) AS ((SELECT {last} FROM ({chain(source, steps)})))"
