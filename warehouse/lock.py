"""One run at a time per warehouse: an exclusive `flock` on `<warehouse>.lock`, held for the whole run.

    with warehouse_lock("demo/sverka.duckdb"):
        ...  # ingest, build, swap in, write the reports

A second run on the same warehouse does not wait: `WarehouseLocked` names the lock file and the PID written
into it by the holder. The kernel drops the lock when the holder's file is closed, so a run that exits or
crashes (even on SIGKILL) never leaves a stale lock; the file itself stays and is reused.

The lock is re-entrant within one process (the CLI takes it before a flow that takes it again), and
plain Python: no Prefect, so the CLI checks it before importing anything heavy.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from pathlib import Path
from typing import Iterator

LOCK_SUFFIX = ".lock"

_held: dict[str, tuple[int, int]] = {}  # lock path -> (pid of the holder in this process, depth)
_guard = threading.Lock()


class WarehouseLocked(RuntimeError):
    """Another process holds the warehouse's lock."""

    def __init__(self, lock_file: Path, pid: int | None):
        self.lock_file = Path(lock_file)
        self.pid = pid
        holder = f", PID {pid}" if pid else ""
        self.ru = f"хранилище занято другим запуском (блокировка {lock_file}{holder})"
        self.en = f"the warehouse is in use by another run (lock {lock_file}{holder})"
        super().__init__(f"{self.ru} / {self.en}")


def lock_path(warehouse: Path | str) -> Path:
    """`<warehouse>.lock` beside the warehouse file, as an absolute path."""
    warehouse = Path(os.path.abspath(warehouse))
    return warehouse.with_name(warehouse.name + LOCK_SUFFIX)


@contextlib.contextmanager
def warehouse_lock(warehouse: Path | str) -> Iterator[Path]:
    """Holds the exclusive lock of `warehouse` for the block; raises WarehouseLocked at once when it is taken.

    OSError (missing or read-only folder) is the caller's to report.
    """
    path = lock_path(warehouse)
    key = str(path)
    with _guard:
        holder = _held.get(key)
        if holder and holder[0] == os.getpid():  # re-entry in the holding process
            _held[key] = (holder[0], holder[1] + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield path
        finally:
            with _guard:
                pid, depth = _held[key]
                _held[key] = (pid, depth - 1)
        return

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = _read_pid(fd)
        os.close(fd)
        raise WarehouseLocked(path, pid) from None
    except BaseException:
        os.close(fd)
        raise
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        with _guard:
            _held[key] = (os.getpid(), 1)
        yield path
    finally:
        with _guard:
            _held.pop(key, None)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # no stale PID for the next reader
        os.close(fd)  # releases the lock


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
