"""On generated regions, every injected reading and bill anomaly is flagged by its rule (recall ≥ 0.99 per
rule) and clean rows rarely are (false-positive rate ≤ 0.5 % per rule), for two seeds.

The default run uses small regions with anomaly rates scaled up (every rule still has 38 to 1,300 cases)
to stay fast; SVERKA_FULL_GENERATOR=1 runs 2,000-premise regions at the generator's default rates on two
other seeds.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

from checks import RULES, run_rules
from validation_kit import AS_OF

FULL = os.environ.get("SVERKA_FULL_GENERATOR") == "1"
REGIONS = [dict(seed=seed, premises=2000, noise=None) for seed in (11, 12)] if FULL else [
    dict(seed=seed, premises=300, noise={"scale": 5}) for seed in (1, 2)]
KINDS = {"accounts", "meters", "readings", "bills"}
RECALL, FALSE_POSITIVE_RATE = 0.99, 0.005


@pytest.fixture(scope="module", params=REGIONS, ids=lambda r: f"seed{r['seed']}-{r['premises']}")
def region(request, tmp_path_factory):
    import duckdb

    from flows import stages
    from generator import generate_region

    out = tmp_path_factory.mktemp(f"region{request.param['seed']}")
    generate_region(out, premises=request.param["premises"], seed=request.param["seed"], kinds=KINDS,
                    noise=request.param["noise"], as_of=AS_OF)
    con = duckdb.connect()
    stages.ingest(con, out)
    stages.stage(con)
    run_rules(con, AS_OF)
    yield con, out
    con.close()


def scores(con, truth: pd.DataFrame, flag_table: str, row_count: int) -> pd.DataFrame:
    """Per rule: true positives, misses, false positives, recall and false-positive rate."""
    # CSV rows have no sheet: "" in the truth files, NULL in the warehouse.
    truth = truth.assign(source_sheet=truth["source_sheet"].mask(truth["source_sheet"] == ""))
    con.register("truth", truth[["source_file", "source_sheet", "source_row", "rule"]])
    frame = con.execute(
        f"""
        WITH flagged AS (SELECT DISTINCT source_file, source_sheet, source_row, rule FROM {flag_table}),
        expected AS (SELECT DISTINCT source_file, source_sheet, source_row, rule FROM truth)
        SELECT coalesce(f.rule, e.rule) AS rule,
               count(*) FILTER (WHERE f.rule IS NOT NULL AND e.rule IS NOT NULL) AS hits,
               count(*) FILTER (WHERE f.rule IS NULL) AS misses,
               count(*) FILTER (WHERE e.rule IS NULL) AS false_positives
        FROM flagged AS f
        FULL JOIN expected AS e
          ON f.source_file = e.source_file AND f.source_sheet IS NOT DISTINCT FROM e.source_sheet
         AND f.source_row = e.source_row AND f.rule = e.rule
        GROUP BY ALL ORDER BY rule
        """
    ).df()
    con.unregister("truth")
    frame["recall"] = frame["hits"] / (frame["hits"] + frame["misses"])
    frame["fp_rate"] = frame["false_positives"] / (row_count - frame["hits"] - frame["misses"])
    return frame.set_index("rule")


def read_truth(out, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "truth" / name, dtype=str, keep_default_na=False).astype({"source_row": int})


def check(frame: pd.DataFrame, truth: pd.DataFrame) -> None:
    for rule in sorted(set(truth["rule"])):
        assert rule in frame.index, f"{rule}: never flagged"
        row = frame.loc[rule]
        assert row["recall"] >= RECALL, f"{rule}: recall {row['recall']:.4f}\n{frame}"
    for rule, row in frame.iterrows():
        assert row["fp_rate"] <= FALSE_POSITIVE_RATE, f"{rule}: false positives {row['fp_rate']:.4%}\n{frame}"


def test_every_injected_anomaly_is_flagged_and_clean_rows_rarely_are(region):
    # One test per region: pytest-xdist may run a module's tests on different workers, and a region takes
    # seconds to generate and ingest.
    con, out = region
    truth = read_truth(out, "reading_anomalies.csv")
    rows = con.execute("SELECT count(*) FROM staging.gis_readings").fetchall()[0][0]
    frame = scores(con, truth, "quality.reading_flags", rows)
    check(frame, truth)
    assert {r.code for r in RULES if r.applies_to == "readings"} <= set(frame.index)

    truth = read_truth(out, "bill_anomalies.csv")
    rows = con.execute(
        "SELECT (SELECT count(*) FROM staging.gis_bills) + (SELECT count(*) FROM staging.gis_bill_lines)"
    ).fetchall()[0][0]
    frame = scores(con, truth, "quality.bill_flags", rows)
    check(frame, truth)
