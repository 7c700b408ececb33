"""National benchmark: many generated regions end to end on Dask, with 1 and 2 workers, then an unchanged rerun.

    .venv/bin/python benchmarks/bench_national.py --regions 10 --premises 200000

For each worker count the regions are recomputed from scratch (fresh partitions) through `run_national`
(Prefect flow, DaskTaskRunner on a LocalCluster, one region per task, one publishing task); then the 2-worker
configuration runs again over unchanged extracts, where every region's cache key (the sha256 of its input
files) hits. Prints wall time, per-region throughput, peak memory of the process tree, the speed-up of the
second worker and of the unchanged rerun, and a sizing note for the national run computed from these figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.national import run_national  # noqa: E402
from generator import generate_region  # noqa: E402

AS_OF = dt.date(2025, 1, 20)
REGION_CODES = ("66", "25", "16", "27", "54", "59", "72", "74", "63", "02")
NATIONAL_PREMISES = 60_000_000
NATIONAL_REGIONS = 85


class PeakMemory:
    """Samples the resident memory of this process and all its children (Dask workers) every 0.5 s."""

    def __init__(self) -> None:
        self.total = self.largest_child = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                children = [c.memory_info().rss for c in me.children(recursive=True)]
                self.total = max(self.total, me.memory_info().rss + sum(children))
                self.largest_child = max([self.largest_child, *children])
            except psutil.Error:
                pass
            self._stop.wait(0.5)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def write_config(out: Path, codes: list[str], name: str) -> Path:
    sections = [f'[[region]]\ncode = "{c}"\nname = "регион {c}"\nlanding = "../regions/{c}"\n' for c in codes]
    folder = out / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    path = folder / "regions.toml"
    path.write_text('[warehouse]\npath = "sverka.duckdb"\nparts = "parts"\n\n'
                    f'[schedule]\nas_of = "{AS_OF.isoformat()}"\n\n' + "\n".join(sections), encoding="utf-8")
    return path


def timed_run(config: Path, workers: int) -> tuple[float, dict, PeakMemory]:
    with PeakMemory() as memory:
        started = time.perf_counter()
        result = run_national(str(config), workers=workers)
        seconds = time.perf_counter() - started
    return seconds, result, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=10)
    parser.add_argument("--premises", type=int, default=200_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out" / "national")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    codes = list(REGION_CODES[: args.regions])

    for i, code in enumerate(codes):
        landing = args.out / "regions" / code
        if not (landing / "truth" / "manifest.json").exists():
            started = time.perf_counter()
            generate_region(landing, premises=args.premises, seed=100 + i, region=code, overwrite=True)
            print(f"generate  region {code}: {args.premises:,} premises in {time.perf_counter() - started:.0f} s",
                  flush=True)

    # Start Prefect's API before the clock runs (the temporary server takes tens of seconds to come up).
    run_national(str(write_config(args.out, codes[:1], "warm-up")), workers=1)

    premises_total = args.premises * len(codes)
    walls: dict[int, float] = {}
    for workers in args.workers:
        config = write_config(args.out, codes, f"workers-{workers}")
        seconds, result, memory = timed_run(config, workers)
        walls[workers] = seconds
        computed = [r for r in result["regions"] if not r["reused"]]
        per_region = sorted(r["seconds"] for r in computed)
        median = per_region[len(per_region) // 2]
        print(f"\n{workers} worker(s): {len(computed)} regions recomputed in {seconds:.0f} s wall "
              f"({premises_total / seconds:,.0f} premises/s); per region median {median:.0f} s "
              f"({args.premises / median:,.0f} premises/s per worker), min {per_region[0]:.0f} s, "
              f"max {per_region[-1]:.0f} s")
        print(f"  peak memory: {memory.total / 2**30:.1f} GiB for the whole tree, "
              f"{memory.largest_child / 2**30:.1f} GiB the largest worker")
        for r in result["regions"]:
            print(f"  region {r['region']}: {r.get('premises', 0):,} premises, {r.get('files', 0):,} files, "
                  f"{r.get('seconds', 0):.0f} s")
        last_config, last_memory, last_median = config, memory, median

    seconds, result, _ = timed_run(last_config, args.workers[-1])
    reused = sum(r["reused"] for r in result["regions"])
    first = walls[args.workers[-1]]
    print(f"\nunchanged rerun ({args.workers[-1]} workers): {reused}/{len(codes)} regions reused, "
          f"{seconds:.0f} s wall; {first / seconds:.1f}× faster than the first run")
    if len(walls) > 1:
        low, high = min(walls), max(walls)
        print(f"{high} workers vs {low}: {walls[low] / walls[high]:.2f}× faster")

    # Sizing: a worker carries one region at a time; the national run is bounded by the regions' total work
    # (and by its largest region, which one worker must carry alone).
    per_worker = args.premises / last_median
    worker_gib = max(1.0, last_memory.largest_child / 2**30)
    print("\nnational sizing (60M premises, 85 regions; from the figures above):")
    for n in (4, 8, 16, 32):
        hours = NATIONAL_PREMISES / (per_worker * n) / 3600
        print(f"  {n:>2} workers × {worker_gib * 1.5:.1f} GiB (1 core each): ≈ {hours:.1f} h "
              f"for the first run; an unchanged night ≈ {first / seconds:.0f}× less")
    largest = 3_500_000  # Moscow-sized region
    print(f"  the largest region ({largest:,} premises) alone takes ≈ {largest / per_worker / 60:.0f} min on one worker")


if __name__ == "__main__":
    main()
