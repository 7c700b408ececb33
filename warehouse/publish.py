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


@contextlib.contextmanager
def building(target: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yields a connection to a fresh build file; on success the build replaces `target` atomically."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(target)
    path = build_path(target)
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        yield con
        con.execute("CHECKPOINT")
        con.close()
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(path, target)
        _fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(Exception):
            con.close()
        path.unlink(missing_ok=True)
        Path(f"{path}.wal").unlink(missing_ok=True)
        raise


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
