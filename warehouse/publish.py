"""Atomic publishing: build the new warehouse beside the old one, then swap it in with one rename.

Readers never see a half-written file: until the rename they open the previous warehouse, and a run
killed at any point leaves that previous file untouched (the partial build is removed next time).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

import duckdb

BUILD_SUFFIX = ".building"
# DuckDB spills to disk beyond this, so a national build stays within a worker's memory.
MEMORY_LIMIT = os.environ.get("SVERKA_DUCKDB_MEMORY_LIMIT", "2GB")


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to a build file, with Sverka's memory limit.

    DuckDB's own progress bar is off: it would write into the logs of workers and flows (the CLI shows its
    own progress per stage)."""
    con = duckdb.connect(str(path), config={"memory_limit": MEMORY_LIMIT})
    con.execute("SET enable_progress_bar = false")
    return con


def build_path(target: Path) -> Path:
    return target.with_name(f"{target.name}{BUILD_SUFFIX}-{os.getpid()}")


def remove_stale_builds(target: Path) -> None:
    """Removes partial builds left by killed runs (their process is gone)."""
    for stale in target.parent.glob(f"{target.name}{BUILD_SUFFIX}-*"):
        pid = stale.name.rsplit("-", 1)[-1].split(".")[0]
        if pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid():
            continue
        stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_build(target: Path) -> Path:
    """A fresh, empty build file beside `target` (partial builds of dead runs are removed first)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(target)
    path = build_path(target)
    abort_build(path)
    return path


def commit_build(path: Path, target: Path) -> Path:
    """Makes the finished build durable, then swaps it in for `target` with one rename."""
    with duckdb.connect(str(path)) as con:
        con.execute("CHECKPOINT")
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(path, target)
    _fsync_dir(Path(target).parent)
    return Path(target)


def abort_build(path: Path) -> None:
    Path(path).unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)


@contextlib.contextmanager
def building(target: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yields a connection to a fresh build file; on success the build replaces `target` atomically."""
    path = start_build(target)
    con = connect(path)
    try:
        yield con
        con.close()
        commit_build(path, target)
    except BaseException:
        with contextlib.suppress(Exception):
            con.close()
        abort_build(path)
        raise


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
