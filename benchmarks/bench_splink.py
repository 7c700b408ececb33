"""Sverka against Splink 5 (DuckDB backend) on the same generated region: precision, recall, wall time.

    .venv/bin/python benchmarks/bench_splink.py --premises 50000

Splink is configured as a competent user would: the GIS premises and the EGRN flats, non-residential and
common-property premises (rooms in flats and parking places filtered out) as two datasets to link; blocking on
the house — the FIAS house GUID, the building cadastral number, the normalised address — and on the registry
number; comparisons on the premise number (exact, normalised, Levenshtein ≤ 1), area (absolute differences),
kind and cadastral number; λ from deterministic rules, u by random sampling, m by two EM sessions (blocked on
house + number, then house + whole square metres, so each session trains the comparisons it does not block on);
predictions then resolved one-to-one with `cluster_using_single_best_links` (each side duplicate-free) at the
conventional threshold 0.9 — and, to give Splink its best case, at the threshold that maximises F1 against the
truth (an oracle no real user has).

Splink's inputs are prepared by Sverka's own normalisation (address parsing, number keys, premises attached to
their EGRN house), and that preparation is *not* counted in Splink's time: its wall time is model training,
prediction and clustering only. Sverka's is the whole `reconcile` from staging. A link counts as right when it
gives the premise its true cadastral number; recall is over premises Rosreestr knows. Sverka is shown twice: the
numbers it writes back (confirmed + auto — premises whose registry number is wrong are conflicts, never written
back) and every number it gives (a conflict carries the number Rosreestr supports), which is what Splink's links
compare with.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_reconcile import prepare  # noqa: E402

GIS_INPUT = """
    SELECT p.premise_id AS unique_id, p.source_file, coalesce(p.source_sheet, '') AS source_sheet, p.source_row,
           p.number_norm, p.number_key, p.area, round(p.area) AS area_whole, p.kind,
           p.registry_cadastral_number AS cadastral_number,
           h.house_fias_guid, h.building_cadastral_number AS building,
           concat_ws('|', h.settlement_key, h.street_key, h.house_key) AS address_key
    FROM reconciled.gis_premises AS p JOIN reconciled.gis_houses AS h USING (gis_house_id)
"""
EGRN_INPUT = """
    SELECT row_number() OVER (ORDER BY e.cadastral_number) AS unique_id, NULL::VARCHAR AS source_file,
           NULL::VARCHAR AS source_sheet, NULL::BIGINT AS source_row, e.number_norm, e.number_key, e.area,
           round(e.area) AS area_whole, e.kind,
           e.cadastral_number, h.house_fias_guid,
           CASE WHEN h.is_building_number THEN e.egrn_house_id END AS building,
           concat_ws('|', h.settlement_key, h.street_key, h.house_key) AS address_key
    FROM reconciled.egrn_premises AS e JOIN reconciled.egrn_houses AS h USING (egrn_house_id)
    WHERE e.kind IN ('flat', 'nonres', 'common') AND NOT e.is_retired
"""


def splink_settings():
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    number = cl.CustomComparison(
        output_column_name="number",
        comparison_levels=[
            cll.NullLevel("number_key"),
            cll.ExactMatchLevel("number_norm"),
            cll.ExactMatchLevel("number_key"),
            cll.LevenshteinLevel("number_key", 1),
            cll.ElseLevel(),
        ],
    )
    area = cl.CustomComparison(
        output_column_name="area",
        comparison_levels=[
            cll.NullLevel("area"),
            cll.AbsoluteDifferenceLevel("area", 0.005),
            cll.AbsoluteDifferenceLevel("area", 0.55),
            cll.AbsoluteDifferenceLevel("area", 1.6),
            cll.AbsoluteDifferenceLevel("area", 5.0),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[number, area, cl.ExactMatch("kind"), cl.ExactMatch("cadastral_number")],
        blocking_rules_to_generate_predictions=[
            block_on("address_key"),
            block_on("house_fias_guid"),
            block_on("building"),
            block_on("cadastral_number"),
        ],
        retain_intermediate_calculation_columns=False,
    )


THRESHOLDS = (0.01, 0.05, 0.1, 0.3, 0.5, 0.9, 0.99)


def _links(clusters, gis: pd.DataFrame) -> pd.DataFrame:
    """The clusters holding exactly one GIS premise and one EGRN object, as (unique_id, splink_number)."""
    table = clusters.as_pandas_dataframe()
    table["source"] = table["source_dataset"].astype(str)
    sizes = table.groupby(["cluster_id", "source"]).size().unstack(fill_value=0)
    pairs = sizes.index[(sizes.get("gis", 0) == 1) & (sizes.get("egrn", 0) == 1)]
    paired = table[table["cluster_id"].isin(pairs)]
    links = paired.loc[paired["source"] == "gis", ["cluster_id", "unique_id"]].merge(
        paired.loc[paired["source"] == "egrn", ["cluster_id", "cadastral_number"]], on="cluster_id")
    links = links.rename(columns={"cadastral_number": "splink_number"})[["unique_id", "splink_number"]]
    links["unique_id"] = links["unique_id"].astype(int)
    return links.merge(gis[["unique_id", "source_file", "source_sheet", "source_row"]], on="unique_id")


def run_splink(con: duckdb.DuckDBPyConnection) -> tuple[dict[float, pd.DataFrame], float, dict]:
    """Splink's one-to-one links (gis unique_id → EGRN cadastral number) per clustering threshold, and its wall
    time (training, prediction and clustering at 0.9)."""
    from splink import DuckDBAPI, Linker, block_on

    gis = con.execute(GIS_INPUT).df()
    egrn = con.execute(EGRN_INPUT).df()
    splink_con = duckdb.connect()
    started = time.perf_counter()
    db_api = DuckDBAPI(connection=splink_con)
    left = db_api.register(gis, dataset_display_name="gis")
    right = db_api.register(egrn, dataset_display_name="egrn")
    linker = Linker([left, right], splink_settings(), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("address_key", "number_norm"), block_on("cadastral_number")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("address_key", "number_norm"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("address_key", "area_whole"))
    predictions = linker.inference.predict(threshold_match_probability=min(THRESHOLDS))
    clusters = linker.clustering.cluster_using_single_best_links(
        predictions, duplicate_free_datasets=["gis", "egrn"], threshold_match_probability=0.9)
    seconds = time.perf_counter() - started
    links = {0.9: _links(clusters, gis)}
    for threshold in THRESHOLDS:
        if threshold not in links:
            links[threshold] = _links(linker.clustering.cluster_using_single_best_links(
                predictions, duplicate_free_datasets=["gis", "egrn"], threshold_match_probability=threshold), gis)
    pairs = predictions.as_duckdbpyrelation().aggregate("count(*)").fetchall()[0][0]
    return links, seconds, {"gis": len(gis), "egrn": len(egrn), "pairs_scored": pairs}


def score(truth: pd.DataFrame, numbers: pd.Series) -> tuple[float, float, int]:
    given = numbers.fillna("")
    linked = given != ""
    right = linked & (given == truth["true_cadastral_number"])
    known = truth["true_cadastral_number"] != ""
    return right.sum() / max(linked.sum(), 1), (right & known).sum() / known.sum(), int(linked.sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--premises", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from transforms.match import reconcile
    from transforms.match.evaluate import load

    region, staging = prepare(args.premises, args.seed, args.out, args.workers)
    work = args.out / f"splink-{args.premises}-{args.seed}.duckdb"
    Path(str(work) + ".wal").unlink(missing_ok=True)  # left by an interrupted run
    shutil.copy(staging, work)
    con = duckdb.connect(str(work))
    started = time.perf_counter()
    reconcile(con)
    sverka_seconds = time.perf_counter() - started

    frame = load(region, con)
    ours = frame["cadastral_number"].where(frame["match_status"].isin(["confirmed", "auto"]))
    sverka = score(frame, ours)
    sverka_any = score(frame, frame["cadastral_number"])   # conflicts carry the number Rosreestr supports

    links, splink_seconds, sizes = run_splink(con)
    con.close()
    results = {}
    for threshold, table in links.items():
        joined = frame.merge(table[["source_file", "source_sheet", "source_row", "splink_number"]],
                             on=["source_file", "source_sheet", "source_row"], how="left")
        results[threshold] = score(joined, joined["splink_number"])
    best = max(results, key=lambda t: 2 * results[t][0] * results[t][1] / max(results[t][0] + results[t][1], 1e-9))

    print(f"region: {len(frame):,} GIS premise rows, {sizes['egrn']:,} EGRN premises; Splink scored "
          f"{sizes['pairs_scored']:,} pairs with match probability ≥ {min(THRESHOLDS)}")
    print(f"{'system':<44}{'precision':>10}{'recall':>9}{'links':>9}{'wrong':>7}{'wall s':>9}")
    rows = [("Sverka, written back (confirmed+auto)", sverka, f"{sverka_seconds:.1f}"),
            ("Sverka, any status (+conflict's number)", sverka_any, "″"),
            ("Splink 5 (DuckDB), single best links ≥ 0.9", results[0.9], f"{splink_seconds:.1f}"),
            (f"Splink 5, best threshold on truth ({best})", results[best], "")]
    for name, (precision, recall, linked), seconds in rows:
        wrong = round((1 - precision) * linked)
        print(f"{name:<44}{precision:>10.4f}{recall:>9.4f}{linked:>9,}{wrong:>7,}{seconds:>9}")
    print(f"ratio Splink/Sverka wall time: {splink_seconds / sverka_seconds:.1f}×")
    print("Splink by threshold: " + "; ".join(
        f"{t}: P {p:.4f} R {r:.4f}" for t, (p, r, _) in sorted(results.items())))


if __name__ == "__main__":
    main()
