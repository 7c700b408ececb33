"""`generate_region`: the public entry point (`sverka generate` calls it)."""
from __future__ import annotations

import shutil
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd

from . import truth as T
from .accounts import build_accounts
from .billing import build_bills
from .metering import build_meters, build_readings
from .noise import resolve_noise
from .region import Params, build_region
from .regions import region_info
from .write_accounts import write_accounts
from .write_bills import write_bills
from .write_egrn import write_egrn
from .write_gis import write_houses
from .write_programmes import write_annual_reports, write_repair_programme
from .write_readings import write_meters, write_readings

KINDS = ("houses", "egrn", "accounts", "meters", "readings", "bills", "programmes")
OWNED = ("gis", "rosreestr", "truth")


def generate_region(out_dir: Path, premises: int = 2000, seed: int = 42, region: str = "66",
                    kinds: set[str] | None = None, months: int = 12, noise: dict | None = None, *,
                    period_end: str = "2024-12", as_of: date | str | None = None, extract_date: date | str | None = None,
                    activity_premises: int = 20_000, workers: int = 1, overwrite: bool = False) -> dict:
    """Write a synthetic region in the official formats into OUT_DIR, with its ground truth in OUT_DIR/truth/.

    Landing files go directly under OUT_DIR (`gis/…`, `rosreestr/…`), so `sverka run OUT_DIR` ingests them; the
    ingest must skip the top-level `truth/` folder. Same arguments → byte-identical files.

    Args:
        out_dir: target folder; must be empty or missing unless `overwrite` (which clears only gis/, rosreestr/
            and truth/ inside it).
        premises: number of premises (flats + non-residential) in the region; GIS and EGRN each miss a few.
        seed: random seed.
        region: subject code: 66 and 25 use their real house lists; 16, 27, 54, 59, 72, 74, 63, 02 borrow streets.
        kinds: subset of {"houses", "egrn", "accounts", "meters", "readings", "bills", "programmes"}; default all.
            The model is the same whatever the subset (e.g. {"houses", "egrn"} for the ingest benchmark).
        months: number of monthly reading/billing periods ending at `period_end`.
        noise: overrides of noise.NOISE_DEFAULTS rates; {"scale": 0} gives a clean region.
        period_end: last reading/billing period, "YYYY-MM".
        as_of: reference date the truth of date rules assumes (future_date, verification_*); default the 20th of
            the month after `period_end` (2025-01-20 for the default, as `make demo` passes).
        extract_date: formation date of EGRN extracts; default the 12th of the month before `period_end`.
        activity_premises: meters, readings and bills cover the management organisations (in order) whose
            premises fit in this many; the rest publish houses and accounts only (keeps 1M regions fast).
        workers: processes writing EGRN extracts (the slowest part of big regions); >1 uses spawned workers,
            so a calling script needs the `if __name__ == "__main__":` guard (without it the work falls back to
            this process). Same bytes whatever the number.
        overwrite: clear gis/, rosreestr/ and truth/ in OUT_DIR first.

    Returns:
        a summary: parameters, counts per kind, the row layout of every table («tables», as
        truth/expected_rows.csv), the landing files on disk, seconds per stage.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    kinds = set(KINDS if kinds is None else kinds)
    unknown = kinds - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}; choose from {KINDS}")
    if premises < 1:
        raise ValueError("premises must be at least 1")
    requested_kinds = sorted(kinds)
    info = region_info(region)                       # fails on an unknown code before touching OUT_DIR
    rates = resolve_noise(noise)
    year, month = (int(x) for x in period_end.split("-"))
    _prepare(out_dir, overwrite)
    as_of = _date(as_of) or date(year + month // 12, month % 12 + 1, 20)
    extract_date = _date(extract_date) or date(year - (month == 1), (month - 2) % 12 + 1, 12)
    params = Params(premises=int(premises), seed=int(seed), info=info, months=int(months),
                    period_end=(year, month), as_of=as_of, rates=rates,
                    activity_premises=int(activity_premises), extract_date=extract_date)
    timings: dict[str, float] = {}
    tables: list[dict] = []
    formulas: list[dict] = []
    counts: dict = {}

    def lap(stage: str, t0: float) -> None:
        timings[stage] = round(time.perf_counter() - t0, 2)

    t0 = time.perf_counter()
    model = build_region(params)
    lap("model", t0)
    truth_dir = out_dir / "truth"
    counts["management_organisations"] = len(model.uos)
    counts["houses"] = len(model.houses)
    counts["premises"] = int(model.units["kind"].isin(["flat", "nonres"]).sum())
    counts["gis_premise_rows"] = len(model.gis)
    counts["egrn_objects"] = dict(sorted(Counter(model.units.loc[model.units["in_egrn"], "kind"]).items()))

    if "houses" in kinds:
        t0 = time.perf_counter()
        lineage, house_lineage, records = write_houses(model, out_dir)
        tables += records
        premises_truth = T.premises_truth(model, lineage)
        T.write_csv(premises_truth, truth_dir / "premises.csv")
        T.write_csv(T.houses_truth(model, house_lineage), truth_dir / "houses.csv")
        counts["noise"] = T.tag_counts(model.gis_tags, skip=("cad_ok",))
        counts["registry"] = {name: n for name, n in T.tag_counts(model.gis_tags).items()
                              if name in T.REGISTRY_CATEGORIES}
        lap("houses", t0)
    if "egrn" in kinds:
        t0 = time.perf_counter()
        egrn_truth, egrn_files = write_egrn(model, out_dir, workers)
        T.write_csv(egrn_truth, truth_dir / "egrn_objects.csv")
        duplicates = [f for f in egrn_files if f["kind"] == "egrn_duplicate"]
        counts["egrn_files"] = dict(sorted(Counter(f["kind"] for f in egrn_files).items()))
        counts["egrn_roots"] = dict(sorted(Counter(egrn_truth["xml_root"]).items()))
        lap("egrn", t0)
    needs_accounts = kinds & {"accounts", "meters", "readings", "bills"}
    if needs_accounts:
        t0 = time.perf_counter()
        accounts = build_accounts(model)
        counts["accounts"] = len(accounts)
        if "accounts" in kinds:
            tables += write_accounts(model, accounts, out_dir)
        lap("accounts", t0)
        active = bool(model.uos["billing"].to_numpy()[accounts["uo_idx"].to_numpy()].any()) if len(accounts) else False
        if not active:                    # activity_premises=0: houses, accounts and EGRN only
            for name in ("reading_anomalies.csv", "bill_anomalies.csv"):
                if {"readings", "bills"} & kinds:
                    T.write_csv(pd.DataFrame(columns=["source_file", "source_sheet", "source_row", "rule"]),
                                truth_dir / name)
            kinds = kinds - {"meters", "readings", "bills"}
        if kinds & {"meters", "readings"}:
            t0 = time.perf_counter()
            meters, readings = build_readings(model, build_meters(model, accounts))
            counts["meters"] = len(meters)
            counts["replaced_meters"] = int((meters["replaces"] >= 0).sum())
            counts["multi_tariff_meters"] = int((meters["tariffs"] > 1).sum())
            counts["reading_rows"] = len(readings)
            if "meters" in kinds:
                records, cells = write_meters(model, meters, out_dir)
                tables += records
                formulas += cells
            if "readings" in kinds:
                records, reading_truth = write_readings(model, meters, readings, out_dir)
                tables += records
                frame = pd.DataFrame(reading_truth, columns=["source_file", "source_sheet", "source_row", "rule",
                                                             "meter_number", "period"])
                T.write_csv(frame, truth_dir / "reading_anomalies.csv")
                counts["reading_anomalies"] = dict(sorted(Counter(frame["rule"]).items()))
            lap("readings", t0)
        if "bills" in kinds:
            t0 = time.perf_counter()
            docs, lines = build_bills(model, accounts)
            records, bill_truth, cells = write_bills(model, docs, lines, out_dir)
            tables += records
            formulas += cells
            frame = pd.DataFrame(bill_truth, columns=["source_file", "source_sheet", "source_row", "rule",
                                                      "document_number"])
            T.write_csv(frame, truth_dir / "bill_anomalies.csv")
            counts["bill_documents"] = len(docs)
            counts["bill_lines"] = len(lines)
            counts["bill_anomalies"] = dict(sorted(Counter(frame["rule"]).items()))
            lap("bills", t0)
    if "programmes" in kinds:
        t0 = time.perf_counter()
        records, works = write_repair_programme(model, out_dir)
        tables += records
        T.write_csv(works, truth_dir / "repair_works.csv")
        records, reports = write_annual_reports(model, out_dir)
        tables += records
        T.write_csv(reports, truth_dir / "annual_reports.csv")
        counts["repair_works"] = len(works)
        counts["annual_reports"] = dict(sorted(Counter(reports["status"]).items())) if len(reports) else {}
        lap("programmes", t0)

    table_frame = pd.DataFrame(tables)
    if len(table_frame):
        T.write_csv(table_frame, truth_dir / "expected_rows.csv")
    if formulas:
        T.write_csv(pd.DataFrame(formulas), truth_dir / "formula_cells.csv")
    # Files on disk (zips count once; every extract inside them is in truth/egrn_objects.csv).
    files = [{"path": path.relative_to(out_dir).as_posix(), "bytes": path.stat().st_size}
             for path in sorted(out_dir.rglob("*")) if path.is_file() and path.relative_to(out_dir).parts[0] != "truth"]
    timings["total"] = round(time.perf_counter() - started, 2)
    summary = {
        "seed": params.seed,
        "parameters": {"premises": params.premises, "region": params.info.code, "months": params.months,
                       "period_end": period_end, "as_of": as_of.isoformat(), "extract_date": extract_date.isoformat(),
                       "activity_premises": params.activity_premises, "kinds": requested_kinds,
                       "noise": params.rates},
        "counts": counts,
        "tables": tables,
        "files": files,
        "duplicate_extracts": duplicates if "egrn" in kinds else [],
        "truth_dir": "truth",
        "ingest_note": "landing files are gis/** and rosreestr/**; skip the top-level truth/ folder",
    }
    T.write_manifest(truth_dir / "manifest.json", summary)
    # Not in the manifest: the folder and the timings would break byte-identity between runs.
    summary["out_dir"] = str(out_dir)
    summary["seconds"] = timings
    return summary


def _prepare(out_dir: Path, overwrite: bool) -> None:
    if out_dir.exists() and any(out_dir.iterdir()):
        if not overwrite:
            raise FileExistsError(f"{out_dir} is not empty; pass overwrite=True to replace a generated region")
        for name in OWNED:
            target = out_dir / name
            if target.is_dir():
                shutil.rmtree(target)
    out_dir.mkdir(parents=True, exist_ok=True)


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
