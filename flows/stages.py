"""The pipeline's stages as plain functions: the CLI runs them in order, Prefect flows wrap them as tasks.

Nothing here imports Prefect, so the CLI stays fast and every stage is testable on its own.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import duckdb

from transforms.landing.archive import LandingFile, LandingProblem, iter_landing
from transforms.parse.batch import LandingBatch, parse_files
from transforms.parse.specs import ALL_TABLES, EGRN_BUILDING_ROOMS
from warehouse.landing import SQL_DIR, LandingLoader, create_schema
from warehouse.staging import build_staging

log = logging.getLogger("sverka")

BATCH_FILES = 2000
BATCH_BYTES = 64 * 1024 * 1024


@dataclass
class IngestSummary:
    files: int
    problems: int
    rows_read: int


def landing_batches(landing_dir: Path) -> Iterator[tuple[list[tuple[str, bytes]], list[LandingProblem]]]:
    """Groups the landing files into batches of bounded size, in the walk's (sorted) order."""
    items: list[tuple[str, bytes]] = []
    problems: list[LandingProblem] = []
    size = 0
    for entry in iter_landing(landing_dir):
        if isinstance(entry, LandingProblem):
            problems.append(entry)
            continue
        try:
            data = entry.read()
        except Exception as exc:  # a member that fails to decompress is that member's problem only
            problems.append(LandingProblem(entry.source_file, f"файл не читается: {exc}"))
            continue
        items.append((entry.source_file, data))
        size += len(data)
        if len(items) >= BATCH_FILES or size >= BATCH_BYTES:
            yield items, problems
            items, problems, size = [], [], 0
    if items or problems:
        yield items, problems


def problems_batch(problems: Iterable[LandingProblem]) -> LandingBatch:
    """Files that could not be read at all are reported, each on its own load-report row."""
    batch = LandingBatch()
    for p in problems:
        batch.add_file(p.source_file, None, 0, None, "rejected", p.reason)
        batch.sheets.append({"source_file": p.source_file, "source_sheet": None, "kind": None,
                             "status": "rejected", "reason": p.reason, "rows_read": 0})
    return batch


def ingest(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    parse: Callable[[list[tuple[str, bytes]]], LandingBatch] = parse_files,
) -> IngestSummary:
    """Landing: finds every file (zips included), recognises and reads it, appends raw text tables."""
    create_schema(con)
    loader = LandingLoader(con)
    files = problems = 0
    for items, bad in landing_batches(Path(landing_dir)):
        batch = parse(items)
        batch.extend(problems_batch(bad))
        loader.append(batch)
        files += len(items)
        problems += len(bad)
        log.info("ingest: %d files read, %d unreadable", files, problems)
    rows = con.execute("SELECT coalesce(sum(rows_read), 0) FROM landing.sheets").fetchone()[0]
    return IngestSummary(files=files, problems=problems, rows_read=int(rows))


def stage(con: duckdb.DuckDBPyConnection) -> None:
    """Staging: types every landing table, quarantines unusable rows, writes the load report."""
    con.execute(
        """
        INSERT INTO quality.quarantine
        SELECT r.source_file, r.source_sheet, r.source_row, s.kind, r.reason
        FROM landing.rejected_rows AS r
        LEFT JOIN landing.sheets AS s
          ON s.source_file = r.source_file AND s.source_sheet IS NOT DISTINCT FROM r.source_sheet
        ORDER BY ALL
        """
    )
    for spec in ALL_TABLES:
        build_staging(con, spec)
    write_load_report(con)


def write_load_report(con: duckdb.DuckDBPyConnection) -> None:
    counted = [spec for spec in ALL_TABLES if spec is not EGRN_BUILDING_ROOMS]
    loaded_counts = "\nUNION ALL\n".join(
        f"SELECT source_file, source_sheet, count(*) AS n FROM staging.{spec.kind} GROUP BY ALL"
        for spec in counted
    )
    sql = (SQL_DIR / "quality" / "load_report.sql").read_text().replace("{loaded_counts}", loaded_counts)
    con.execute(sql)


def carry_over_load_times(con: duckdb.DuckDBPyConnection, previous: Path | None, now: dt.datetime) -> None:
    """A file seen by an earlier run keeps its first load time, so a rerun changes nothing."""
    if previous is not None and Path(previous).exists():
        quoted = Path(previous).as_posix().replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS previous (READ_ONLY)")
        try:
            has_files = con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'previous' "
                "AND schema_name = 'landing' AND table_name = 'files'"
            ).fetchone()[0]
            if has_files:
                con.execute(
                    """
                    UPDATE landing.files AS f SET first_loaded_at = p.first_loaded_at
                    FROM (SELECT file_sha256, min(first_loaded_at) AS first_loaded_at
                          FROM previous.landing.files GROUP BY ALL) AS p
                    WHERE f.file_sha256 = p.file_sha256
                    """
                )
                # Unreadable files have no content hash: they are known by their path.
                con.execute(
                    """
                    UPDATE landing.files AS f SET first_loaded_at = p.first_loaded_at
                    FROM previous.landing.files AS p
                    WHERE f.file_sha256 IS NULL AND p.file_sha256 IS NULL AND f.source_file = p.source_file
                    """
                )
        finally:
            con.execute("DETACH previous")
    con.execute("UPDATE landing.files SET first_loaded_at = ? WHERE first_loaded_at IS NULL", [now])


def publish_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Marts: the tables users read."""
    for sql_file in sorted((SQL_DIR / "marts").glob("*.sql")):
        con.execute(sql_file.read_text())
