"""Russian message templates compiled into one SQL expression, so messages are rendered inside DuckDB.

A template names the columns of its rule's SQL: «Показание {value:number} ниже {previous:number}».
The part after the colon says how to write the value for a reader; a missing value is written «—».
"""

from __future__ import annotations

import re

FORMATS = {
    "text": "CAST({col} AS VARCHAR)",
    "number": "sv_ru_number({col})",
    "money": "sv_ru_money({col})",
    "int": "CAST(CAST({col} AS BIGINT) AS VARCHAR)",
    "ratio": "replace(printf('%.1f', {col}), '.', ',')",
    "date": "sv_ru_date({col})",
    "period": "sv_ru_period({col})",
    "years": "sv_ru_years({col})",
}

PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")
MISSING = "—"


def placeholders(template: str) -> list[tuple[str, str]]:
    """(column, format) of every placeholder, in order."""
    return [(m.group(1), m.group(2) or "text") for m in PLACEHOLDER.finditer(template)]


def message_sql(template: str) -> str:
    """The SQL expression that renders `template` from the columns of a rule's result."""
    parts: list[str] = []
    position = 0
    for match in PLACEHOLDER.finditer(template):
        if match.start() > position:
            parts.append(_literal(template[position:match.start()]))
        column, fmt = match.group(1), match.group(2) or "text"
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r} in message template: {template!r}")
        value = FORMATS[fmt].format(col=_identifier(column))
        parts.append(f"coalesce({value}, {_literal(MISSING)})")
        position = match.end()
    if position < len(template):
        parts.append(_literal(template[position:]))
    return "concat(" + ", ".join(parts) + ")" if parts else "''"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
