"""Given rows → expected flags: hand-made GIS ZhKKh rows go through the real landing → staging typing,
then the rules run, so edge cases test exactly what a real file would get.

Cases are data: each names its rows (meters, readings, accounts, documents, lines) and the rules expected
on each source row. Many cases load into one warehouse and validate once: every case gets its own source
files and its own identifiers (meter numbers, account ids and document numbers are prefixed with the
case's name), so cases cannot see each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from checks import RuleConfig, run_rules
from transforms.parse.specs import GIS_SHEETS, SPECS_BY_KIND
from warehouse.landing import create_schema
from warehouse.staging import build_staging

AS_OF = dt.date(2025, 1, 20)
SHEETS = {
    "gis_meters": ("meters.xlsx", "Сведения о ПУ"),
    "gis_readings": ("ipu.xlsx", "Импорт показаний ИПУ"),
    "gis_accounts": ("accounts.xlsx", "Основные сведения"),
    "gis_bills": ("pd.xlsx", "Разделы 1-2"),
    "gis_bill_lines": ("pd.xlsx", "Разделы 3-6"),
}
RULE_SOURCES = tuple(SHEETS)
SHEETS.update({
    "gis_houses": ("houses.xlsx", "Характеристики МКД"),
    "gis_residential_premises": ("houses.xlsx", "Жилые помещения"),
    "gis_account_premises": ("accounts.xlsx", "Помещения"),
})
# Identifiers made unique per case.
CASE_KEYS = ("meter_gis_number", "hcs_id", "document_number")


@dataclass
class Case:
    name: str
    rows: dict[str, list[dict]]  # kind → raw rows (`row` = source row; `file`, `sheet` override lineage)
    expected: dict[tuple[str, int], set[str]] = field(default_factory=dict)  # (kind, row) → rules
    note: str = ""


def fresh_warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    create_schema(con)
    return con


def land(con: duckdb.DuckDBPyConnection, kind: str, rows: list[dict], case: str | None = None) -> None:
    """Appends raw text rows to landing.<kind>."""
    spec = SPECS_BY_KIND[kind]
    names = [c.name for c in spec.columns]
    default_file, default_sheet = SHEETS[kind]
    records = []
    for row in rows:
        unknown = set(row) - set(names) - {"row", "file", "sheet"}
        assert not unknown, f"not a column of {kind}: {unknown}"
        values = {n: (None if row.get(n) is None else str(row[n])) for n in names}
        source_file = row.get("file", default_file)
        if case is not None:
            source_file = f"{case}/{source_file}"
            values.update({k: f"{case}:{values[k]}" for k in CASE_KEYS if values.get(k) is not None})
        records.append(["sha", source_file, row.get("sheet", default_sheet), row["row"], *values.values()])
    if records:
        con.executemany(
            f"INSERT INTO landing.{kind} (file_sha256, source_file, source_sheet, source_row, "
            f"{', '.join(names)}) VALUES (?, ?, ?, ?, {', '.join('?' for _ in names)})",
            records,
        )


def land_cases(con: duckdb.DuckDBPyConnection, cases: list[Case]) -> None:
    for case in cases:
        for kind, rows in case.rows.items():
            land(con, kind, rows, case.name)


def validate(con: duckdb.DuckDBPyConnection, as_of: dt.date = AS_OF, config: RuleConfig | None = None,
             all_sources: bool = False) -> dict:
    """Types the landed rows (of the kinds given rows, or every GIS sheet for the marts), runs the rules."""
    for spec in GIS_SHEETS:
        landed = con.execute(f"SELECT count(*) FROM landing.{spec.kind}").fetchone()[0]
        if all_sources or (spec.kind in RULE_SOURCES and landed):
            con.execute("DELETE FROM quality.quarantine WHERE kind = ?", [spec.kind])
            con.execute("DELETE FROM quality.value_issues WHERE kind = ?", [spec.kind])
            build_staging(con, spec)
    return run_rules(con, as_of, config)


VALIDATION_MARTS = ("accounts", "bill_lines", "bills", "meters", "readings")


def publish(con: duckdb.DuckDBPyConnection, marts: tuple[str, ...] = VALIDATION_MARTS) -> None:
    """Builds the marts the validation stage owns (the other marts are other stages' business)."""
    from warehouse.landing import SQL_DIR

    for name in marts:
        con.execute((SQL_DIR / "marts" / f"{name}.sql").read_text(encoding="utf-8"))


FLAG_TABLES = {"readings": "quality.reading_flags", "bills": "quality.bill_flags"}


def flags(con: duckdb.DuckDBPyConnection, table: str = "quality.reading_flags", case: str | None = None,
          sheet: str | None = None) -> dict[int, set[str]]:
    """source_row → the rules flagged on it (within a case's files, and a sheet, when given)."""
    sql = f"SELECT source_row, rule FROM {table} WHERE true"
    params: list = []
    if case is not None:
        sql += " AND starts_with(source_file, ?)"
        params.append(case + "/")
    if sheet is not None:
        sql += " AND source_sheet = ?"
        params.append(sheet)
    out: dict[int, set[str]] = {}
    for row, rule in con.execute(sql, params).fetchall():
        out.setdefault(row, set()).add(rule)
    return out


def message(con: duckdb.DuckDBPyConnection, row: int, rule: str, table: str = "quality.reading_flags",
            case: str | None = None) -> str:
    sql = f"SELECT message FROM {table} WHERE source_row = ? AND rule = ?"
    params: list = [row, rule]
    if case is not None:
        sql += " AND starts_with(source_file, ?)"
        params.append(case + "/")
    (text,) = con.execute(sql, params).fetchone()
    return text
