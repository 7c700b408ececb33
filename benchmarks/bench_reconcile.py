"""Reconciliation benchmark: reconcile a region's GIS premises against their EGRN records; time, memory, quality.

    .venv/bin/python benchmarks/bench_reconcile.py --premises 1000000

The region is generated (houses workbooks and EGRN extracts only) and ingested once into a staging warehouse,
cached under --out; every run then copies that warehouse and runs `reconcile` on the copy in a fresh process,
so the time and peak RSS printed are reconciliation's alone (target: 1M premises < 60 s and < 4 GiB on the
2-core machine). Quality against the generator's truth is printed too.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def prepare(premises: int, seed: int, out: Path, workers: int, region: Path | None = None,
            staging: Path | None = None) -> tuple[Path, Path]:
    """The generated region and its staging warehouse (cached; or given)."""
    import duckdb

    from flows import stages
    from generator import generate_region

    region = region or out / f"reconcile-{premises}-{seed}"
    staging = staging or out / f"reconcile-{premises}-{seed}.staging.duckdb"
    if not (region / "truth" / "manifest.json").exists():
        shutil.rmtree(region, ignore_errors=True)
        t0 = time.perf_counter()
        generate_region(region, premises=premises, seed=seed, kinds={"houses", "egrn"})
        print(f"generate  {premises:>9,} premises  {time.perf_counter() - t0:8.1f} s")
        staging.unlink(missing_ok=True)
    if not staging.exists():
        t0 = time.perf_counter()
        partial = staging.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with duckdb.connect(str(partial)) as con:
            stages.ingest(con, region, workers=workers)
            stages.stage(con)
        partial.rename(staging)
        print(f"ingest    {time.perf_counter() - t0:8.1f} s (cached in {staging.name})")
    return region, staging


def run_reconcile(warehouse: Path, threads: int | None, memory_limit: str | None) -> dict:
    """In this (fresh) process: reconcile the warehouse; wall time and peak RSS."""
    import duckdb

    from transforms.match import reconcile

    con = duckdb.connect(str(warehouse))
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute("SET memory_limit = ?", [memory_limit])
    t0 = time.perf_counter()
    summary = reconcile(con)
    seconds = time.perf_counter() - t0
    con.close()
    return {"seconds": seconds, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--premises", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="ingest processes (preparation only)")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: every core)")
    parser.add_argument("--memory-limit", default="3GB", help="DuckDB memory_limit (spills to disk beyond it)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out")
    parser.add_argument("--region", type=Path, help="an already generated region (skips generation)")
    parser.add_argument("--staging", type=Path, help="its staging warehouse (skips ingest when it exists)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:  # the measured process
        print(json.dumps(run_reconcile(args.child, args.threads, args.memory_limit), default=str))
        return

    args.out.mkdir(parents=True, exist_ok=True)
    region, staging = prepare(args.premises, args.seed, args.out, args.workers, args.region, args.staging)
    work = args.out / f"reconcile-{args.premises}-{args.seed}.duckdb"
    Path(str(work) + ".wal").unlink(missing_ok=True)  # left by an interrupted run
    shutil.copy(staging, work)
    command = [sys.executable, __file__, "--child", str(work), "--memory-limit", args.memory_limit]
    if args.threads:
        command += ["--threads", str(args.threads)]
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines()[-1])

    import duckdb

    from transforms.match.evaluate import evaluate

    quality = evaluate(region, work)
    s, summary = quality.summary, result["summary"]
    premises = summary["premises"]
    print(f"region    {premises:,} GIS premise rows, {args.premises:,} premises generated (seed {args.seed})")
    print(f"reconcile {result['seconds']:8.1f} s   {premises / result['seconds']:>10,.0f} premises/s   "
          f"peak RSS {result['peak_rss_mib']:,.0f} MiB")
    print("steps     " + ", ".join(f"{k} {v} s" for k, v in summary["seconds"].items()))
    print("statuses  " + ", ".join(f"{k} {v:,}" for k, v in summary["statuses"].items()))
    print(f"quality   precision(confirmed+auto) {s['precision_confirmed_auto']:.4f}   "
          f"recall {s['recall_confirmed_auto']:.4f} (known without wrong registry: "
          f"{s['recall_without_wrong_registry']:.4f})   wrong registry → conflict {s['wrong_registry_as_conflict']:.4f}")
    print(f"          review share {summary['statuses'].get('review', 0) / premises:.4f}   "
          f"number recall (any status) {s['number_recall']:.4f}   number precision {s['number_precision']:.4f}")
    noise = quality.by_noise.set_index("category")
    print("noise     " + ", ".join(f"{c} recall {noise.loc[c, 'recall']:.3f} ({int(noise.loc[c, 'known'])})"
                                    for c in ("renumbered", "renumbered_same_area", "renumbered_swap", "number_typo", "same_area")
                                    if c in noise.index))
    with duckdb.connect(str(work), read_only=True) as con:
        rules = con.execute("SELECT coalesce(match_rule, '-'), count(*) FROM reconciled.premise_matches "
                            "WHERE cadastral_number IS NOT NULL GROUP BY ALL ORDER BY 2 DESC").fetchall()
    frame = quality.frame
    print("rules     " + ", ".join(f"{rule} {n:,}" for rule, n in rules))
    del frame


if __name__ == "__main__":
    main()
