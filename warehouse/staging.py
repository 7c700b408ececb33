"""Landing (raw text) → staging (typed) for every table spec, with quarantine and value issues.

The rule for every kind is the same, so the SQL is derived from the spec rather than hand-written
per table: a required value that is missing or unreadable quarantines the row; an optional value
that is unreadable loads as NULL and its raw text goes to `quality.value_issues`.
"""

from __future__ import annotations

import duckdb

from transforms.parse.specs import (
    CADASTRAL, DATE, DECIMAL, FLAG, GUID, INTEGER, PERIOD, READING, TEXT, YEARS, Column, SheetSpec,
)

# How each value type is read from text (macros in sql/macros.sql).
PARSERS = {
    TEXT: "sv_text({raw})",
    DECIMAL: "sv_decimal({raw})",
    INTEGER: "sv_integer({raw})",
    DATE: "sv_date({raw})",
    PERIOD: "sv_period({raw})",
    CADASTRAL: "sv_cadastral_number({raw})",
    GUID: "sv_guid({raw})",
    FLAG: "sv_flag({raw})",
    READING: "sv_reading({raw})",
    YEARS: "sv_years({raw})",
}

# Identifier columns treat «Нет», «-», «отсутствует» as missing, not as an unreadable value.
BLANK_TESTS = {CADASTRAL: "sv_blank_identifier({raw})", GUID: "sv_blank_identifier({raw})"}

TYPE_NAMES_RU = {
    DECIMAL: "число",
    INTEGER: "целое число",
    DATE: "дата ДД.ММ.ГГГГ",
    PERIOD: "период ММ.ГГГГ",
    CADASTRAL: "кадастровый номер",
    GUID: "идентификатор ФИАС",
    FLAG: "Да/Нет",
    READING: "показание",
    YEARS: "число лет",
    TEXT: "текст",
}

LINEAGE = ("file_sha256", "source_file", "source_sheet", "source_row")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _label(column: Column) -> str:
    return column.headers[0] if column.headers else column.name


def parsed_expr(column: Column) -> str:
    raw = _q(column.name)
    value = PARSERS[column.type].format(raw=raw)
    blank = BLANK_TESTS.get(column.type, "sv_blank({raw})").format(raw=raw)
    return f"CASE WHEN {blank} THEN NULL ELSE {value} END"


def blank_expr(column: Column) -> str:
    return BLANK_TESTS.get(column.type, "sv_blank({raw})").format(raw=_q(column.name))


def typed_sql(spec: SheetSpec) -> str:
    """SELECT over landing.<kind>: typed values, reasons to quarantine the row, unreadable optionals."""
    values = []
    reasons = []
    issues = []
    for column in spec.columns:
        raw, parsed, blank, label = _q(column.name), parsed_expr(column), blank_expr(column), _label(column)
        values.append(f"{parsed} AS {raw}")
        if column.type == READING:
            values.append(f"sv_text({raw}) AS {_q(column.name + '_raw')}")
        if column.required:
            reasons.append(
                f"CASE WHEN {blank} THEN {_lit(f'не заполнено обязательное поле «{label}»')}"
                f" WHEN ({parsed}) IS NULL THEN"
                f" {_lit(f'не читается обязательное поле «{label}» ({TYPE_NAMES_RU[column.type]}): ')}"
                f" || {raw} END"
            )
        elif column.type != TEXT:
            reason = f"не читается как {TYPE_NAMES_RU[column.type]}; загружено пустым"
            issues.append(
                f"CASE WHEN NOT ({blank}) AND ({parsed}) IS NULL THEN"
                f" {{'column': {_lit(label)}, 'raw_value': {raw}, 'reason': {_lit(reason)}}} END"
            )
    reason_list = "list_filter([" + ", ".join(reasons) + "], lambda r: r IS NOT NULL)" if reasons else "[]"
    issue_list = (
        "list_filter([" + ", ".join(issues) + "], lambda i: i IS NOT NULL)"
        if issues
        else "[]::STRUCT(\"column\" VARCHAR, raw_value VARCHAR, reason VARCHAR)[]"
    )
    lineage = ", ".join(LINEAGE)
    return (
        f"SELECT {lineage}, {', '.join(values)},\n"
        f"  {reason_list}::VARCHAR[] AS _quarantine_reasons,\n"
        f"  {issue_list} AS _value_issues\n"
        f"FROM landing.{spec.kind}"
    )


def build_staging(con: duckdb.DuckDBPyConnection, spec: SheetSpec) -> None:
    """Types landing.<kind> into staging.<kind>; quarantines rows; records value issues."""
    kind = spec.kind
    con.execute(f"CREATE OR REPLACE TEMP TABLE _typed AS {typed_sql(spec)}")
    con.execute(
        f"""
        INSERT INTO quality.quarantine
        SELECT source_file, source_sheet, source_row, {_lit(kind)}, array_to_string(_quarantine_reasons, '; ')
        FROM _typed WHERE len(_quarantine_reasons) > 0
        ORDER BY source_file, source_sheet, source_row
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE staging.{kind} AS
        SELECT * EXCLUDE (_quarantine_reasons, _value_issues) FROM _typed
        WHERE len(_quarantine_reasons) = 0
        ORDER BY source_file, source_sheet, source_row
        """
    )
    con.execute(
        f"""
        INSERT INTO quality.value_issues
        SELECT source_file, source_sheet, source_row, {_lit(kind)}, issue.column, issue.raw_value, issue.reason
        FROM (SELECT source_file, source_sheet, source_row, unnest(_value_issues) AS issue
              FROM _typed WHERE len(_quarantine_reasons) = 0)
        ORDER BY source_file, source_sheet, source_row, issue.column
        """
    )
    con.execute("DROP TABLE _typed")
