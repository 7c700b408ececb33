"""Quality targets of reconciliation on generated regions (seeds never tuned on; default and a harsher noise mix).

Targets: precision of confirmed+auto ≥ 0.999; ≥ 0.99 of wrong registry numbers reported as conflict; the rest of
the premises Rosreestr knows in review, not unmatched; recall of confirmed+auto ≥ 0.95 and within 0.01 of its
ceiling on the default noise; renumbered and swapped flats found by elimination within the house; ≤ 5% in review.

On recall: a premise whose registry number is wrong must be a `conflict`, never confirmed or auto, so
confirmed+auto can reach at most the share of known premises whose registry number is right or missing. On the
default noise (~3% wrong) the literal target is asserted; on the harsh mix (~18% wrong) it is asserted over the
premises without a wrong number, and against its ceiling. On both, the true number must be in `cadastral_number`
for ≥ 0.95 of known premises whatever the status (a conflict carries the number Rosreestr supports); on the
default noise for ≥ 0.97, with precision ≥ 0.999 over every number given.
"""

import duckdb
import pytest

from flows import stages
from generator import generate_region
from transforms.match import reconcile
from transforms.match.evaluate import evaluate

REGIONS = {
    "seed101-default": dict(premises=2500, seed=101, noise=None),
    "seed202-default": dict(premises=2500, seed=202, noise=None),
    "seed404-default": dict(premises=4000, seed=404, noise=None),
    "seed303-harsh": dict(premises=2500, seed=303, noise={
        "house_fias_wrong": 0.15, "building_cad_wrong": 0.15, "street_typo": 0.25, "renumbered": 0.04,
        "renumbered_swap": 0.015, "cad_neighbour": 0.08, "cad_typo": 0.06, "cad_other_house": 0.04,
        "area_drift": 0.3, "number_format": 0.25, "egrn_leading_zeros": 0.08, "house_fias_missing": 0.4,
        "building_cad_missing": 0.4, "gis_only": 0.06, "egrn_only_flat": 0.06, "communal_flat": 0.05}),
}


@pytest.fixture(scope="module", params=sorted(REGIONS))
def evaluation(request, tmp_path_factory):
    landing = tmp_path_factory.mktemp(request.param)
    generate_region(landing, kinds={"houses", "egrn"}, **REGIONS[request.param])
    con = duckdb.connect()
    stages.ingest(con, landing)
    stages.stage(con)
    reconcile(con)
    result = evaluate(landing, con)
    print(request.param, "\n", result.to_text())
    yield result
    con.close()


def test_confirmed_and_auto_numbers_are_right(evaluation):
    assert evaluation.summary["precision_confirmed_auto"] >= 0.999, evaluation.wrong.to_string()


def test_wrong_registry_numbers_are_reported_as_conflicts(evaluation):
    assert evaluation.summary["wrong_registry_as_conflict"] >= 0.99
    assert evaluation.summary["conflict_precision"] >= 0.99


def test_recall_of_confirmed_and_auto(evaluation, request):
    s = evaluation.summary
    assert s["recall_without_wrong_registry"] >= 0.95
    assert s["number_recall"] >= 0.95
    ceiling = 1 - (evaluation.frame["known"] & evaluation.frame["registry_wrong"]).sum() / s["known"]
    assert s["recall_confirmed_auto"] >= ceiling - 0.05
    if request.node.callspec.params["evaluation"].endswith("-default"):
        assert s["recall_confirmed_auto"] >= 0.95
        assert s["recall_confirmed_auto"] >= ceiling - 0.01


def test_the_numbers_sverka_stands_behind(evaluation, request):
    """`cadastral_number` whatever the status — confirmed, auto and the number a conflict offers — is right for
    ≥ 0.999 of the premises given one and, on the default noise, covers ≥ 0.97 of the premises Rosreestr knows."""
    s = evaluation.summary
    assert s["number_precision"] >= 0.999, evaluation.frame.query("given != '' and not right").to_string()
    if request.node.callspec.params["evaluation"].endswith("-default"):
        assert s["number_recall"] >= 0.97


def test_renumbered_and_swapped_flats_are_found(evaluation, request):
    """Flats whose GIS number differs from EGRN (renumbered, a typo, two numbers swapped) are paired by elimination
    within the house: before it, about 0.6 of them were written back (default noise; the harsh mix is a stress)."""
    if not request.node.callspec.params["evaluation"].endswith("-default"):
        pytest.skip("targets are set on the default noise")
    noise = evaluation.by_noise.set_index("category")
    for category in ("renumbered", "renumbered_swap"):
        row = noise.loc[category]
        assert row["recall"] >= 0.8, (category, row.to_dict())


def test_few_premises_go_to_review(evaluation, request):
    if not request.node.callspec.params["evaluation"].endswith("-default"):
        pytest.skip("targets are set on the default noise")
    s = evaluation.summary
    assert s["statuses"].get("review", 0) <= 0.05 * s["premises"]


def test_the_rest_of_the_known_premises_go_to_review_not_unmatched(evaluation):
    rest = evaluation.summary["rest_in_review"]
    assert rest != rest or rest >= 0.99   # NaN: every known premise is confirmed, auto or a conflict
    assert evaluation.summary["known_unmatched"] <= 0.002 * evaluation.summary["known"]


def test_threshold_table_is_monotone(evaluation):
    table = evaluation.thresholds
    assert list(table["accepted"]) == sorted(table["accepted"], reverse=True)
    assert {"threshold", "precision", "recall"} <= set(table.columns)
