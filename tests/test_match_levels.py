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
    ("5", "5", "exact", "номер 5 совпадает"),
    ("кв. 5", "5", "exact", "номер совпадает (кв. 5 = 5)"),
    ("032", "32", "exact", "номер совпадает (032 = 32)"),
    ("13 кв.", "13", "exact", "номер совпадает (13 кв. = 13)"),
    ("1Н", "1-Н", "exact", "номер совпадает (1Н = 1-Н)"),
    ("Н1", "1Н", "format", "номер записан иначе (Н1 = 1Н)"),
    ("пом. 1н", "1-Н", "exact", "номер совпадает (пом. 1н = 1-Н)"),
    ("Н-01", "1Н", "format", "номер записан иначе (Н-01 = 1Н)"),
    ("4", "IV", "format", "номер записан иначе (4 = IV)"),
    ("Подвал № 3", "III", "format", "номер записан иначе (Подвал № 3 = III)"),
    ("122", "12", "fuzzy", "номер похож (122 в ГИС ЖКХ, 12 в ЕГРН)"),
    ("112", "12", "fuzzy", "номер похож (112 в ГИС ЖКХ, 12 в ЕГРН)"),
    ("5а", "5", "fuzzy", "номер похож (5а в ГИС ЖКХ, 5 в ЕГРН)"),
    ("12", "47", "different", "номер другой (12 в ГИС ЖКХ, 47 в ЕГРН)"),
    (None, "1", "unknown", "номер не указан"),
])
def test_number_levels(con, gis, egrn, level, reason):
    assert compare(con, levels.NUMBER, {"number": gis}, {"number": egrn}) == (level, reason)


@pytest.mark.parametrize("gis, egrn, level, reason", [
    (54.2, 54.2, "equal", "площадь совпадает: 54,2 м²"),
    (54.2, 54.25, "rounding", "площадь совпадает с округлением: 54,2 и 54,25 м²"),
    (54.0, 54.3, "rounding", "площадь совпадает с округлением: 54 и 54,3 м²"),
    (54.3, 54.0, "close", "площадь близка: 54,3 и 54 м²"),          # not a rounding: GIS has the decimal EGRN lacks
    (54.2, 55.6, "close", "площадь близка: 54,2 и 55,6 м²"),
    (250.0, 252.4, "close", "площадь близка: 250 и 252,4 м²"),      # 1 % of a large premise
    (54.2, 58.0, "far", "площадь другая: 54,2 и 58 м²"),
    (None, 58.0, "unknown", "площадь не указана"),
])
def test_area_levels(con, gis, egrn, level, reason):
    assert compare(con, levels.AREA, {"area": gis}, {"area": egrn}) == (level, reason)


@pytest.mark.parametrize("gis, egrn, level, reason", [
    ("flat", "flat", "same", None),
    ("nonres", "common", "related", "вид помещения: нежилое в ГИС ЖКХ, общее имущество в ЕГРН"),
    ("flat", "nonres", "different", "другой вид помещения: жилое в ГИС ЖКХ, нежилое в ЕГРН"),
    ("flat", "unknown", "unknown", "вид помещения в ЕГРН не указан"),
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
