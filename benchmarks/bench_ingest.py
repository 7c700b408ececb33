"""Ingest benchmark: generate a region's houses and EGRN extracts, ingest them, print throughput and memory.

    .venv/bin/python benchmarks/bench_ingest.py --premises 1000000

Prints rows/s per stage, peak memory of the ingest process and its workers, and a side-by-side ratio
against the obvious alternative for the heaviest step (pandas.read_excel with openpyxl on one houses
workbook, against Sverka's reader on the same file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows import stages  # noqa: E402
from generator import generate_region  # noqa: E402
from transforms.parse.spreadsheet import read_xlsx  # noqa: E402
from warehouse.publish import building  # noqa: E402


def peak_rss_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--premises", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out")
    args = parser.parse_args()

    region = args.out / f"ingest-{args.premises}-{args.seed}"
    started = time.perf_counter()
    if not (region / "truth" / "manifest.json").exists():
        shutil.rmtree(region, ignore_errors=True)
        generate_region(region, premises=args.premises, seed=args.seed, kinds={"houses", "egrn"})
        print(f"generate  {args.premises:>9,} premises      {time.perf_counter() - started:8.1f} s")
    manifest = json.loads((region / "truth" / "manifest.json").read_text(encoding="utf-8"))
    counts = manifest["counts"]
    egrn_files = counts["egrn_files"]["egrn"] + counts["egrn_files"].get("egrn_duplicate", 0)

    warehouse = args.out / f"ingest-{args.premises}.duckdb"
    t0 = time.perf_counter()
    with building(warehouse) as con:
        summary = stages.ingest(con, region, workers=args.workers)
        t1 = time.perf_counter()
        stages.stage(con)
        t2 = time.perf_counter()
    rows = duckdb.connect(str(warehouse), read_only=True).execute(
        "SELECT sum(rows_read), sum(rows_loaded), sum(rows_quarantined) FROM quality.load_report"
    ).fetchone()
    own, children = peak_rss_mib()

    print(f"region    {counts['gis_premise_rows']:>9,} GIS premise rows, {egrn_files:,} EGRN extracts, "
          f"{summary.files:,} files")
    print(f"landing   {t1 - t0:8.1f} s   {rows[0] / (t1 - t0):>10,.0f} rows/s   {summary.files / (t1 - t0):>8,.0f} files/s")
    print(f"staging   {t2 - t1:8.1f} s   {rows[0] / (t2 - t1):>10,.0f} rows/s")
    print(f"ingest    {t2 - t0:8.1f} s   rows read {rows[0]:,}, loaded {rows[1]:,}, quarantined {rows[2]:,}")
    print(f"peak RSS  {own:8.0f} MiB (main)   {children:6.0f} MiB (largest worker)")

    # Side by side on the largest houses workbook: Sverka's reader vs pandas.read_excel (openpyxl).
    workbook = max((region / "gis").rglob("houses_uo_*.xlsx"), key=lambda p: p.stat().st_size)
    data = workbook.read_bytes()
    t = time.perf_counter()
    sheets = read_xlsx(data, workbook.name)
    ours = time.perf_counter() - t
    n = sum(s.rows_read for s in sheets)
    import pandas as pd

    t = time.perf_counter()
    pd.read_excel(workbook, sheet_name=None, engine="openpyxl", dtype=str)
    theirs = time.perf_counter() - t
    print(f"xlsx      {n:,} rows: sverka {ours:.2f} s, pandas+openpyxl {theirs:.2f} s, ratio {theirs / ours:.1f}x")
    print(f"run on    {dt.date.today()}")


if __name__ == "__main__":
    main()
