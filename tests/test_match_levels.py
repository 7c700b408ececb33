"""Comparison levels and exclusions: each level's SQL and the evidence it writes, on hand-made pairs."""

import duckdb
import pytest

from transforms.match import exclusions, levels
from transforms.match.keys import register_match_functions
from transforms.match.models import PARAMETERS


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    register_match_functions(connection)
    yield connection
    connection.close()


def compare(con, comparison: levels.Comparison, gis: dict, egrn: dict) -> tuple[str, str | None]:
    """(level, reason) of one pair; `gis`/`egrn` give raw number text, area and kind."""
    def side(values: dict) -> str:
        return ("SELECT ?::VARCHAR AS number_text, sv_premise_number_norm(?) AS number_norm, "
                "sv_premise_number_key(?) AS number_key, ?::DOUBLE AS area, ?::VARCHAR AS kind, "
                "?::VARCHAR AS registry_cadastral_number, ?::VARCHAR AS cadastral_number")

    def args(values: dict) -> list:
        n = values.get("number")
        return [n, n, n, values.get("area"), values.get("kind", "flat"), values.get("registry"), values.get("cad")]

    sql = (f"SELECT {comparison.level_sql()}, {comparison.reason_sql()} "
           f"FROM ({side(gis)}) AS g, ({side(egrn)}) AS e")
    # the pair's values are positional; the tolerances are written in (longest name first: $area_close_share)
    for name in sorted(PARAMETERS, key=len, reverse=True):
        sql = sql.replace(f"${name}", repr(PARAMETERS[name]))
    return con.execute(sql, args(gis) + args(egrn)).fetchone()


@pytest.mark.parametrize("gis, egrn, level, reason", [
    ("5", "5", "exact", "number=5"),
    ("кв. 5", "5", "exact", "number=кв. 5~5"),
    ("032", "32", "exact", "number=032~32"),
    ("13 кв.", "13", "exact", "number=13 кв.~13"),
    ("1Н", "1-Н", "exact", "number=1Н~1-Н"),
    ("Н1", "1Н", "format", "number=Н1~1Н"),
    ("пом. 1н", "1-Н", "exact", "number=пом. 1н~1-Н"),
    ("Н-01", "1Н", "format", "number=Н-01~1Н"),
    ("4", "IV", "format", "number=4~IV"),
    ("Подвал № 3", "III", "format", "number=Подвал № 3~III"),
    ("122", "12", "fuzzy", "number≈122~12"),
    ("112", "12", "fuzzy", "number≈112~12"),
    ("5а", "5", "fuzzy", "number≈5а~5"),
    ("12", "47", "different", "number 12≠47"),
    (None, "1", "unknown", "number ?"),
])
def test_number_levels(con, gis, egrn, level, reason):
    assert compare(con, levels.NUMBER, {"number": gis}, {"number": egrn}) == (level, reason)


@pytest.mark.parametrize("gis, egrn, level, reason", [
    (54.2, 54.2, "equal", "area 54.2"),
    (54.2, 54.25, "rounding", "area 54.2~54.25"),
    (54.0, 54.3, "rounding", "area 54~54.3"),
    (54.3, 54.0, "close", "area 54.3~54"),          # not a rounding: GIS has the decimal EGRN lacks
    (54.2, 55.6, "close", "area 54.2~55.6"),
    (250.0, 252.4, "close", "area 250~252.4"),      # 1 % of a large premise
    (54.2, 58.0, "far", "area 54.2≠58"),
    (None, 58.0, "unknown", "area ?"),
])
def test_area_levels(con, gis, egrn, level, reason):
    assert compare(con, levels.AREA, {"area": gis}, {"area": egrn}) == (level, reason)


@pytest.mark.parametrize("gis, egrn, level, reason", [
    ("flat", "flat", "same", None),
    ("nonres", "common", "related", "kind нежилое~общее имущество"),
    ("flat", "nonres", "different", "kind жилое≠нежилое"),
    ("flat", "unknown", "unknown", "kind ?"),
])
def test_kind_levels(con, gis, egrn, level, reason):
    assert compare(con, levels.KIND, {"kind": gis}, {"kind": egrn}) == (level, reason)


def test_registry_levels(con):
    same = compare(con, levels.REGISTRY, {"registry": "66:41:1:5"}, {"cad": "66:41:1:5"})
    other = compare(con, levels.REGISTRY, {"registry": "66:41:1:5"}, {"cad": "66:41:1:6"})
    none = compare(con, levels.REGISTRY, {}, {"cad": "66:41:1:6"})
    assert [same[0], other[0], none[0]] == ["same", "other", "none"]


def test_only_number_kind_and_area_agreement_is_strong():
    assert levels.NUMBER.strong_names() == ("exact", "format")
    assert levels.AREA.strong_names() == ("equal", "rounding", "close")
    assert levels.KIND.strong_names() == ("same",)


def test_levels_are_tried_in_order():
    sql = levels.NUMBER.level_sql()
    assert sql.index("'unknown'") < sql.index("'exact'") < sql.index("'format'") < sql.index("'fuzzy'")


@pytest.mark.parametrize("gis_kind, egrn_kind, excluded", [
    ("flat", "room_in_flat", "комната в квартире (в ЕГРН учтена внутри квартиры)"),
    ("nonres", "parking", "машино-место"),
    ("flat", "common", "общее имущество дома, не квартира"),
    ("common", "common", None),
    ("flat", "flat", None),
])
def test_exclusions(con, gis_kind, egrn_kind, excluded):
    sql = f"SELECT {exclusions.excluded_by_sql()} FROM (SELECT ? AS kind) AS g, (SELECT ? AS kind) AS e"
    assert con.execute(sql, [gis_kind, egrn_kind]).fetchone()[0] == excluded


def test_match_score_is_a_probability(con):
    assert 0.95 < con.execute(f"SELECT {levels.score_sql(['8.0', '3.0'])}").fetchone()[0] < 1.0
    assert con.execute(f"SELECT {levels.score_sql(['-6.0', '-5.0'])}").fetchone()[0] < 0.001
