"""Region results as Parquet partitions, and the national warehouse assembled from them.

Each region's build is exported table by table to `<parts>/<schema>.<table>/region=<code>/data.parquet`;
publishing reads every region's partition of every table into one new DuckDB file (then swapped in
atomically by warehouse.publish). Regions can so be computed anywhere — on Dask workers — and only
the final assembly needs the single DuckDB writer.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb

from transforms.landing.archive import PART_SEPARATOR
from warehouse.landing import SQL_DIR

# Schemas whose tables travel as partitions; macros and empty-by-design tables are recreated.
EXPORTED_SCHEMAS = ("landing", "staging", "reconciled", "marts", "quality")
FINGERPRINT = "_fingerprint.json"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def region_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() "
        f"WHERE database_name = current_database() AND schema_name IN ({', '.join(map(_lit, EXPORTED_SCHEMAS))}) "
        "ORDER BY ALL"
    ).fetchall()


def export_region(con: duckdb.DuckDBPyConnection, parts_dir: Path, region: str, fingerprint: dict) -> Path:
    """Writes every table of a region's build as that region's partition; replaces an older export."""
    parts_dir = Path(parts_dir)
    staging_dir = parts_dir / f".region={region}.incoming"
    shutil.rmtree(staging_dir, ignore_errors=True)
    staging_dir.mkdir(parents=True)
    tables = region_tables(con)
    for schema, table in tables:
        target = staging_dir / f"{schema}.{table}"
        target.mkdir()
        con.execute(
            f"COPY (SELECT * FROM {_q(schema)}.{_q(table)}) TO {_lit(target / 'data.parquet')} "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
    (staging_dir / FINGERPRINT).write_text(json.dumps(fingerprint, ensure_ascii=False, sort_keys=True, indent=1))
    # Swap the region's previous export for the new one.
    final = parts_dir / f"region={region}"
    old = parts_dir / f".region={region}.old"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging_dir.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return final


def exported_fingerprint(parts_dir: Path, region: str) -> dict | None:
    path = Path(parts_dir) / f"region={region}" / FINGERPRINT
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def assemble(con: duckdb.DuckDBPyConnection, parts_dir: Path, regions: list[str]) -> None:
    """Creates every table from the named regions' partitions, with a `region_partition` column first."""
    con.execute((SQL_DIR / "macros.sql").read_text())
    for schema in EXPORTED_SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    tables = sorted({
        path.name
        for region in regions
        for path in (Path(parts_dir) / f"region={region}").iterdir()
        if path.is_dir()
    })
    for name in tables:
        schema, table = name.split(".", 1)
        files = [
            Path(parts_dir) / f"region={region}" / name / "data.parquet"
            for region in sorted(regions)
            if (Path(parts_dir) / f"region={region}" / name / "data.parquet").exists()
        ]
        selects = " UNION ALL BY NAME ".join(
            f"SELECT {_lit(path.parent.parent.name.split('=', 1)[1])} AS region_partition, * FROM read_parquet({_lit(path)}, hive_partitioning = false)"
            for path in files
        )
        con.execute(f"CREATE OR REPLACE TABLE {_q(schema)}.{_q(table)} AS {selects}")


def landing_fingerprint(landing_dir: Path, units: list[str], code_version: str) -> dict:
    """The identity of a region's inputs: the sha256 of every landing file, and the code version.

    A big archive read in parts (`…zip::part=k`) is one file here. A symlink is known by where it points (it
    is never followed: it may lead outside the landing dir, or to a device that never ends); a file that cannot
    be read by its error, so that the run goes on and reports it.
    """
    files = {}
    for unit in units:
        name = unit.partition(PART_SEPARATOR)[0]
        if name not in files:
            files[name] = _file_digest(Path(landing_dir) / name)
    overall = hashlib.sha256(json.dumps([code_version, files], sort_keys=True).encode()).hexdigest()
    return {"sha256": overall, "code_version": code_version, "files": files}


def _file_digest(path: Path) -> str:
    try:
        if path.is_symlink():
            return "symlink:" + os.readlink(path)
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError as exc:
        return f"unreadable:{exc.strerror}"
