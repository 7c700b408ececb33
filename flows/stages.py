"""The pipeline's stages as plain functions: the CLI runs them in order, Prefect flows wrap them as tasks.

Nothing here imports Prefect, so the CLI stays fast and every stage is testable on its own.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import duckdb

from flows.progress import SILENT, Progress
from transforms.landing.archive import (
    PART_SEPARATOR, LandingProblem, LandingReadError, file_sha256, iter_landing_unit, landing_units,
)
from transforms.parse.batch import LandingBatch, parse_file
from transforms.parse.specs import ALL_TABLES, EGRN_BUILDING_ROOMS
from warehouse.landing import SQL_DIR, LandingLoader, create_schema
from warehouse.marts import build_marts
from warehouse.staging import build_staging

log = logging.getLogger("sverka")

# Parsing runs in worker processes only when there is enough work to pay for their start-up.
PARALLEL_MIN_BYTES = 32 * 1024 * 1024


@dataclass
class IngestSummary:
    files: int
    problems: int
    rows_read: int


def parse_unit(landing_dir: Path, unit: str) -> LandingBatch:
    """Reads and parses one unit of the landing dir (a loose file, or an archive with its members)."""
    with _no_cyclic_gc():
        return _parse_unit(landing_dir, unit)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Parsing and loading allocate millions of small dicts and build no reference cycles: the cyclic collector
    would only rescan them (≈10% of ingest time), so it waits until the work is done."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _parse_unit(landing_dir: Path, unit: str) -> LandingBatch:
    batch = LandingBatch()
    for entry in iter_landing_unit(landing_dir, unit):
        if isinstance(entry, LandingProblem):
            batch.extend(problems_batch([entry]))
            continue
        try:
            data = entry.read()
        except LandingReadError as exc:  # one member that fails to decompress is that member's problem only
            batch.extend(problems_batch([LandingProblem(entry.source_file, exc.reason)]))
            continue
        parse_file(batch, entry.source_file, data, file_sha256(data))
    return batch.compact()


def problems_batch(problems: Iterable[LandingProblem]) -> LandingBatch:
    """Files that could not be read at all are reported, each on its own load-report row."""
    batch = LandingBatch()
    for p in problems:
        batch.add_file(p.source_file, None, 0, None, "rejected", p.reason)
        batch.sheets.append({"source_file": p.source_file, "source_sheet": None, "kind": None,
                             "status": "rejected", "reason": p.reason, "rows_read": 0})
    return batch


def parsed_units(landing_dir: Path, units: list[str], workers: int = 1) -> Iterator[LandingBatch]:
    """The given units parsed, in their order; with workers > 1, in a process pool."""
    landing_dir = Path(landing_dir)
    total = sum(_size(landing_dir / u.partition(PART_SEPARATOR)[0]) for u in units)
    if workers <= 1 or len(units) < 2 or total < PARALLEL_MIN_BYTES:
        for unit in units:
            yield parse_unit(landing_dir, unit)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(parse_unit, [landing_dir] * len(units), units)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def ingest(con: duckdb.DuckDBPyConnection, landing_dir: Path, workers: int = 1,
           progress: Progress = SILENT) -> IngestSummary:
    """Landing: finds every file (zips included), recognises and reads it, appends raw text tables."""
    create_schema(con)
    loader = LandingLoader(con)
    units = landing_units(Path(landing_dir))
    progress.stage("ingest", total=len(units))
    with _no_cyclic_gc():
        for unit, batch in zip(units, parsed_units(Path(landing_dir), units, workers)):
            loader.append(batch)
            _log_unit(unit, batch)
            progress.advance()
    return ingest_summary(con)


def _log_unit(unit: str, batch: LandingBatch, named: int = 5) -> None:
    """A debug line per landing unit; files that were rejected by name, or counted by reason when many.

    Signatures beside extracts and unrecognised files (sheets of no known template) are only counted here: the
    load report lists each of them.
    """
    rows = sum(sheet["rows_read"] for sheet in batch.sheets)
    unrecognised = sum(sheet["status"] == "unrecognised" for sheet in batch.sheets)
    signatures = sum(sheet["status"] == "signature" for sheet in batch.sheets)
    log.debug("ingest %s: %d files/sheets (%d signatures, %d unrecognised), %d rows, %d rows quarantined",
             unit, len(batch.sheets), signatures, unrecognised, rows, len(batch.rejected_rows))
    rejected = [sheet for sheet in batch.sheets if sheet["status"] == "rejected"]
    if len(rejected) <= named:
        for sheet in rejected:
            where = f"{sheet['source_file']} [{sheet['source_sheet']}]" if sheet["source_sheet"] else sheet["source_file"]
            log.warning("ingest %s: rejected: %s", where, sheet["reason"])
        return
    for reason, count in sorted(Counter(sheet["reason"] for sheet in rejected).items()):
        log.warning("ingest %s: %d files rejected: %s", unit, count, reason)


def ingest_summary(con: duckdb.DuckDBPyConnection) -> IngestSummary:
    files, problems = con.execute(
        "SELECT count(*) FILTER (file_sha256 IS NOT NULL), count(*) FILTER (file_sha256 IS NULL) FROM landing.files"
    ).fetchone()
    rows = con.execute("SELECT coalesce(sum(rows_read), 0) FROM landing.sheets").fetchone()[0]
    log.info("ingest: %d files read, %d unreadable, %d rows", files, problems, rows)
    return IngestSummary(files=int(files), problems=int(problems), rows_read=int(rows))


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


def publish_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Marts: the tables users read, each built after the marts it reads."""
    return build_marts(con)
