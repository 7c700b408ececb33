"""Appends parsed batches to the warehouse's landing tables; the same content loads once."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from transforms.address import register_address_functions
from transforms.parse.batch import LandingBatch
from transforms.parse.specs import ALL_TABLES, SheetSpec

SQL_DIR = Path(__file__).parent / "sql"
LINEAGE_DDL = "file_sha256 VARCHAR, source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT"


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((SQL_DIR / "macros.sql").read_text())
    con.execute((SQL_DIR / "schema.sql").read_text())
    # Stored in the warehouse, so analysts can call address_parse_table(), street_key() … in SQL.
    register_address_functions(con, temporary=False)
    for spec in ALL_TABLES:
        create_landing_table(con, spec)


def create_landing_table(con: duckdb.DuckDBPyConnection, spec: SheetSpec) -> None:
    columns = ", ".join(f'"{c.name}" VARCHAR' for c in spec.columns)
    con.execute(f"CREATE TABLE IF NOT EXISTS landing.{spec.kind} ({LINEAGE_DDL}, {columns})")


class LandingLoader:
    """Writes batches in arrival order; a file whose sha256 was already seen becomes `duplicate`."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        # Files appended by earlier batches (possibly by another task) count as seen.
        self.first_path_of: dict[str, str] = dict(
            con.execute(
                "SELECT file_sha256, min(source_file) FROM landing.files "
                "WHERE file_sha256 IS NOT NULL AND status <> 'duplicate' GROUP BY ALL"
            ).fetchall()
        )

    def append(self, batch: LandingBatch) -> None:
        batch.compact()
        duplicates: set[str] = set()
        files = []
        for f in batch.files:
            sha = f["file_sha256"]
            first = self.first_path_of.get(sha) if sha else None
            if first is not None:
                duplicates.add(f["source_file"])
                f = {**f, "status": "duplicate", "reason": f"то же содержимое, что и {first}"}
            elif sha:
                self.first_path_of[sha] = f["source_file"]
            files.append(f)
        self._insert_rows("landing.files", files,
                          ["source_file", "file_sha256", "size_bytes", "kind", "status", "reason"])
        sheets = []
        for s in batch.sheets:
            if s["source_file"] in duplicates:
                s = {**s, "status": "duplicate", "reason": "повтор файла, загружен один раз",
                     "rows_read": 0}
            sheets.append(s)
        self._insert_rows("landing.sheets", sheets,
                          ["source_file", "source_sheet", "kind", "status", "reason", "rows_read"])
        rejected = [r for r in batch.rejected_rows if r["source_file"] not in duplicates]
        self._insert_rows("landing.rejected_rows", rejected,
                          ["source_file", "source_sheet", "source_row", "reason"])
        for kind, tables in batch.tables.items():
            # One insert per kind and batch: thousands of one-row extracts would each pay DuckDB's
            # per-statement cost otherwise.
            table = pa.concat_tables(tables, promote_options="default")
            if duplicates:
                keep = pc.invert(pc.is_in(table["source_file"], pa.array(sorted(duplicates))))
                table = table.filter(keep)
            if table.num_rows:
                self.con.register("_incoming", table)
                self.con.execute(f"INSERT INTO landing.{kind} BY NAME SELECT * FROM _incoming")
                self.con.unregister("_incoming")

    def _insert_rows(self, target: str, rows: list[dict], columns: list[str]) -> None:
        if not rows:
            return
        table = pa.table({c: [r.get(c) for r in rows] for c in columns})
        self.con.register("_incoming", table)
        self.con.execute(f"INSERT INTO {target} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM _incoming")
        self.con.unregister("_incoming")
