"""Checks that refuse a run before it does any work, each with one line in Russian and English.

    with guarded_run(warehouse, landing_dir, reports_dir):  # all three checks below, then the lock
        ...
    check_landing(landing_dir)          # exists, is a folder, holds at least one file
    check_reports(reports_dir)          # a folder the run can write into (when reports are asked for)
    hold_warehouse(warehouse)           # not a folder, its folder writable, no other run on it (the lock)
    check_recognised(con, landing_dir)  # after ingest: something was recognised and loaded

Plain Python without Prefect: the CLI runs these before importing the pipeline.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from transforms.landing.archive import landing_entries
from warehouse.lock import WarehouseLocked, warehouse_lock


class RunRefused(Exception):
    """The run cannot start; the message is one line, Russian then English."""

    exit_code = 2

    def __init__(self, ru: str, en: str):
        self.ru, self.en = ru, en
        super().__init__(f"{ru} / {en}")


class WarehouseBusy(RunRefused):
    """Another run holds the warehouse's lock."""

    exit_code = 3

    def __init__(self, locked: WarehouseLocked):
        self.lock_file, self.pid = locked.lock_file, locked.pid
        super().__init__(locked.ru, locked.en)


def check_landing(landing_dir: Path | str) -> None:
    """The landing path exists, is a folder and holds at least one file (truth/ and junk files not counted)."""
    landing = Path(landing_dir)
    if not landing.exists():
        raise RunRefused(f"каталог приёма не найден: {landing}", f"landing folder not found: {landing}")
    if not landing.is_dir():
        raise RunRefused(f"каталог приёма — не папка: {landing}", f"landing path is not a folder: {landing}")
    if not os.access(landing, os.R_OK | os.X_OK):
        raise RunRefused(f"нет доступа на чтение каталога приёма: {landing}",
                         f"landing folder is not readable: {landing}")
    if not _holds_a_file(landing):
        raise RunRefused(f"в каталоге приёма нет файлов: {landing}", f"landing folder has no files: {landing}")


def _holds_a_file(landing: Path) -> bool:
    """Whether the run would find anything to read, stopping at the first file (archives not opened)."""
    return next(landing_entries(landing), None) is not None


def check_warehouse(warehouse: Path | str) -> None:
    """The warehouse path is not a folder and the run can write beside it (where the build and the lock go)."""
    target = Path(warehouse)
    if target.is_dir():
        raise RunRefused(f"путь хранилища — папка, а нужен файл DuckDB: {target}",
                         f"warehouse path is a folder, not a DuckDB file: {target}")
    folder = Path(os.path.abspath(target)).parent
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise RunRefused(f"папка хранилища недоступна: {existing} — не папка",
                         f"warehouse folder is unusable: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise _not_writable(folder)


def check_reports(reports_dir: Path | str | None) -> None:
    """The reports folder is, or can be made, a folder the run can write into (probed with a temporary file),
    so that a run does not stop at the reports after hours of work."""
    if reports_dir is None:
        return
    folder = Path(reports_dir)
    if folder.exists() and not folder.is_dir():
        raise RunRefused(f"путь папки отчётов — не папка: {folder}", f"reports path is not a folder: {folder}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        raise RunRefused(f"нет права записи в папку отчётов: {folder}",
                         f"reports folder is not writable: {folder}") from None


def _not_writable(folder: Path) -> RunRefused:
    return RunRefused(f"нет права записи в папку хранилища: {folder}", f"warehouse folder is not writable: {folder}")


@contextlib.contextmanager
def hold_warehouse(warehouse: Path | str) -> Iterator[Path]:
    """check_warehouse, then the warehouse's exclusive lock for the block (WarehouseBusy if another run has it)."""
    check_warehouse(warehouse)
    folder = Path(os.path.abspath(warehouse)).parent
    with contextlib.ExitStack() as stack:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = stack.enter_context(warehouse_lock(warehouse))
        except WarehouseLocked as exc:
            raise WarehouseBusy(exc) from None
        except OSError:  # e.g. a read-only file system, or a folder even root may not write to
            raise _not_writable(folder) from None
        yield path


@contextlib.contextmanager
def guarded_run(warehouse: Path | str, landing_dir: Path | str | None = None,
                reports_dir: Path | str | None = None) -> Iterator[Path]:
    """Every check before a run (the landing folder when given, the reports folder when asked for), then the
    warehouse's lock for the block: the one way the CLI and the flows start a run."""
    if landing_dir is not None:
        check_landing(landing_dir)
    check_reports(reports_dir)
    with hold_warehouse(warehouse) as path:
        yield path


def check_recognised(con, landing_dir: Path | str) -> None:
    """After ingest: at least one row of GIS ZhKKh or EGRN data was loaded, or there is nothing to reconcile."""
    rows = con.execute(
        "SELECT status, count(*), sum(rows_loaded) FROM quality.load_report GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    if any(loaded for _, _, loaded in rows):
        return
    files = sum(n for _, n, _ in rows)
    statuses = ", ".join(f"{status} {n}" for status, n, _ in rows)
    raise RunRefused(
        f"в каталоге приёма не распознано ни одного файла с данными ГИС ЖКХ или ЕГРН: {landing_dir} "
        f"(файлов и листов: {files}; {statuses})",
        f"no GIS ZhKKh or EGRN data recognised in the landing folder: {landing_dir} "
        f"(files/sheets: {files}; {statuses})",
    )
