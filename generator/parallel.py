"""File-writing jobs, run inline or on a small process pool.

Every job writes its own files from its own arguments, so the bytes never depend on scheduling and a parallel
run is byte-identical to a sequential one. Workers are spawned (not forked): the caller may run threads
(Prefect), and fork would copy their locks.
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool


class Jobs:
    def __init__(self, workers: int = 1):
        self.workers = workers
        self.pool = (ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
                     if workers > 1 else None)
        self.pending: dict[Future, tuple] = {}
        self.results: list = []

    def submit(self, fn, *args) -> None:
        if self.pool is None:
            self.results.append(fn(*args))
            return
        # Bounded queue: at most two jobs per worker wait with their pickled arguments.
        while len(self.pending) >= 2 * self.workers:
            done, _ = wait(self.pending, return_when=FIRST_COMPLETED)
            self._collect(done)
        if self.pool is None:                            # the pool broke while waiting
            self.results.append(fn(*args))
            return
        self.pending[self.pool.submit(fn, *args)] = (fn, args)

    def _collect(self, done) -> None:
        for future in done:
            if future not in self.pending:                # already re-run after a broken pool
                continue
            fn, args = self.pending.pop(future)
            try:
                self.results.append(future.result())
            except BrokenProcessPool:
                # Spawned workers re-import the caller's main module; a script without the
                # `if __name__ == "__main__":` guard breaks them. Finish in this process instead.
                self._fall_back()
                self.results.append(fn(*args))

    def _fall_back(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None
        for fn, args in list(self.pending.values()):
            self.results.append(fn(*args))
        self.pending = {}

    def finish(self) -> list:
        if self.pool is not None:
            done, _ = wait(self.pending)
            self._collect(done)
            if self.pool is not None:
                self.pool.shutdown()
                self.pool = None
        return self.results

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
