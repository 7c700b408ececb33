"""Progress of a region's stages: what the stages report to, and how the CLI shows it.

`build_region` calls `progress.stage(name, total)` when a stage starts and `progress.advance()` as its units of
work finish (landing units during ingest). Prefect runs and tests pass nothing and get `SILENT`; the CLI passes
a `TerminalProgress`, a line per stage on stderr: a bar with counts where the amount of work is known, else a
spinner with the elapsed time.
"""

from __future__ import annotations

import logging
from typing import Protocol


class Progress(Protocol):
    def stage(self, name: str, total: int | None = None) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class _Silent:
    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def log_handler(self) -> logging.Handler | None:
        return None

    def __enter__(self) -> "_Silent":
        return self

    def __exit__(self, *exc) -> None:
        pass


SILENT: Progress = _Silent()


class TerminalProgress:
    """Rich progress lines on stderr; log records are printed above them instead of through them."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn, MofNCompleteColumn, Progress as RichProgress, SpinnerColumn, TextColumn, TimeElapsedColumn,
        )

        self.console = Console(stderr=True)
        self._bars = RichProgress(
            SpinnerColumn(finished_text="✓"), TextColumn("{task.description:<12}"), BarColumn(),
            MofNCompleteColumn(), TimeElapsedColumn(), console=self.console,
        )
        self._current: int | None = None

    def log_handler(self) -> logging.Handler:
        from rich.logging import RichHandler

        return RichHandler(console=self.console, show_path=False, show_level=False, markup=False)

    def __enter__(self) -> "TerminalProgress":
        self._bars.start()
        return self

    def __exit__(self, *exc) -> None:
        self._finish_current(completed=exc[0] is None)
        self._bars.stop()

    def stage(self, name: str, total: int | None = None) -> None:
        self._finish_current()
        self._current = self._bars.add_task(name, total=total)

    def advance(self, n: int = 1) -> None:
        if self._current is not None:
            self._bars.advance(self._current, n)

    def _finish_current(self, completed: bool = True) -> None:
        if self._current is None:
            return
        task = self._bars.tasks[self._current]
        if completed:
            done = task.total if task.total is not None else 1
            self._bars.update(self._current, total=done, completed=done)
        self._bars.stop_task(self._current)
        self._current = None
