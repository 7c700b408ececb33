"""Elimination within a house: the GIS premises left without a number and the EGRN premises nobody took, paired
the way a person does it (tests/match_kit.py builds the houses)."""

import pytest

from match_kit import Egrn, Gis, House, build, matches


def flats(*areas: float) -> list[Egrn]:
    return [Egrn(str(1 + i), a) for i, a in enumerate(areas)]


AREAS = (31.0, 42.0, 53.0, 64.0, 75.0, 86.0, 97.0, 38.5)   # flats 1–8, every area its own


def clean(*skip: int, registry: dict[int, str] | None = None) -> list[Gis]:
    """GIS rows of flats 1–8 as EGRN has them, but for the numbers in `skip`."""
    registry = registry or {}
    return [Gis(str(n), AREAS[n - 1], registry=registry.get(n)) for n in range(1, 9) if n not in skip]


# flat 6 is «81» in GIS (renumbered beyond the house's numbers): nothing in the number says which EGRN flat it is —
# only that it is the one flat left, and of that area
ELIMINATION = House("Екатеринбург", "Исключения", "1", "66:41:0000201", objects=flats(*AREAS),
                    premises=[*clean(6), Gis("81", 86.0)])

# typos: «8» is written twice (the second is flat 7 with a ±1 typo), «44» is flat 4 with a doubled digit, «21» is
# flat 12 with transposed digits
TYPOS = House("Екатеринбург", "Опечаток", "2", "66:41:0000202",
              objects=flats(*AREAS, 44.4, 55.5, 66.6, 77.7),
              premises=[*clean(4, 7), Gis("кв. 8", 97.0), Gis("44", 64.0), Gis("9", 44.4), Gis("10", 55.5),
                        Gis("11", 66.6), Gis("21", 77.7)])

# «кв. 15» is flat 105 with a digit dropped (15 is written twice), «12а» is flat 12 with a letter EGRN does not know
MORE_TYPOS = House("Екатеринбург", "Описок", "8", "66:41:0000208",
                   objects=[*flats(*AREAS), Egrn("10", 33.3), Egrn("12", 77.7), Egrn("15", 55.5), Egrn("105", 66.6)],
                   premises=[*clean(), Gis("10", 33.3), Gis("12а", 77.7), Gis("15", 55.5), Gis("кв. 15", 66.6)])

# two renumbered flats of one area and two EGRN flats of that area left: nothing tells which is which
SAME_AREA = House("Екатеринбург", "Одинаковая", "3", "66:41:0000203",
                  objects=[*flats(*AREAS), Egrn("9", 45.0), Egrn("10", 45.0)],
                  premises=[*clean(), Gis("101", 45.0), Gis("102", 45.0)])

# flat 4 carries the number of flat 1 (taken by flat 1 itself) and is written «404»: a conflict, and the number
# Rosreestr supports for it is offered
WRONG_REGISTRY = House("Екатеринбург", "Чужая", "4", "66:41:0000204", objects=flats(*AREAS))
WRONG_REGISTRY.premises = [*clean(4), Gis("404", 64.0, registry=WRONG_REGISTRY.cad(0))]

# «22» and «222» both look like flat 2 (doubled digits, the same area): neither gets it
ONE_TO_ONE = House("Екатеринбург", "Однозначная", "5", "66:41:0000205", objects=flats(*AREAS),
                   premises=[*clean(2), Gis("22", 42.0), Gis("222", 42.0)])

# a GIS flat not in EGRN and an EGRN flat not in GIS, of one area, numbered within the house: not the same flat
STRANGERS = House("Екатеринбург", "Разных", "6", "66:41:0000206", objects=flats(*AREAS),
                  premises=[*clean(6), Gis("5а", 86.0)])

# «7» is flat 17 with a digit dropped, and carries flat 17's (right) number; flat 7 is in EGRN only, of a close area:
# the number-and-area match and the registry number disagree — never a conflict; the registry number, whose flat has
# no other pair and the area, is confirmed
TWO_STORIES = House("Екатеринбург", "Двух версий", "7", "66:41:0000207",
                    objects=[*flats(*AREAS[:6], 29.0, AREAS[7]), Egrn("17", 27.6)])
TWO_STORIES.premises = [*clean(7), Gis("7", 28.0, registry=TWO_STORIES.cad(8))]

CASES = {"elimination": [ELIMINATION], "typos": [TYPOS], "more_typos": [MORE_TYPOS], "same_area": [SAME_AREA],
         "wrong_registry": [WRONG_REGISTRY], "one_to_one": [ONE_TO_ONE], "strangers": [STRANGERS],
         "two_stories": [TWO_STORIES]}


@pytest.fixture(scope="module")
def con():
    connection = build(CASES)
    yield connection
    connection.close()


def test_a_renumbered_flat_is_the_one_flat_left_of_its_area(con):
    got = matches(con, "elimination")
    assert (got["81"]["status"], got["81"]["number"]) == ("auto", ELIMINATION.cad(5))
    reason = got["81"]["reason"]
    assert "единственное оставшееся без пары помещение дома, площадь та же" in reason
    assert "81 в ГИС ЖКХ, 6 в ЕГРН" in reason and "площадь совпадает: 86 м²" in reason


def test_typos_in_the_number_are_resolved_by_the_number_and_the_area(con):
    got = matches(con, "typos")
    assert (got["кв. 8"]["status"], got["кв. 8"]["number"]) == ("auto", TYPOS.cad(6))   # 8 for 7
    assert "соседний номер (кв. 8 в ГИС ЖКХ, 7 в ЕГРН)" in got["кв. 8"]["reason"]
    assert (got["8"]["status"], got["8"]["number"]) == ("auto", TYPOS.cad(7))
    assert (got["44"]["status"], got["44"]["number"]) == ("auto", TYPOS.cad(3))
    assert "в номере задвоена цифра (44 в ГИС ЖКХ, 4 в ЕГРН)" in got["44"]["reason"]
    assert "площадь совпадает: 64 м²" in got["44"]["reason"]
    assert (got["21"]["status"], got["21"]["number"]) == ("auto", TYPOS.cad(11))
    assert "переставлены цифры" in got["21"]["reason"]


def test_a_dropped_digit_and_an_added_letter_are_resolved(con):
    got = matches(con, "more_typos")
    assert (got["15"]["status"], got["15"]["number"]) == ("auto", MORE_TYPOS.cad(10))
    assert (got["кв. 15"]["status"], got["кв. 15"]["number"]) == ("auto", MORE_TYPOS.cad(11))
    assert "в номере пропущена цифра (кв. 15 в ГИС ЖКХ, 105 в ЕГРН)" in got["кв. 15"]["reason"]
    assert (got["12а"]["status"], got["12а"]["number"]) == ("auto", MORE_TYPOS.cad(9))
    assert "номер отличается буквой (12а в ГИС ЖКХ, 12 в ЕГРН)" in got["12а"]["reason"]


def test_flats_of_one_area_are_not_guessed(con):
    got = matches(con, "same_area")
    for number in ("101", "102"):
        assert (got[number]["status"], got[number]["number"]) == ("review", None), number


def test_a_wrong_registry_number_is_a_conflict_offering_the_right_one(con):
    got = matches(con, "wrong_registry")
    assert (got["404"]["status"], got["404"]["number"]) == ("conflict", WRONG_REGISTRY.cad(3))
    assert "это помещение 1 в ГИС ЖКХ" in got["404"]["reason"]
    assert (got["1"]["status"], got["1"]["number"]) == ("auto", WRONG_REGISTRY.cad(0))


def test_two_premises_never_share_a_cadastral_number(con):
    got = matches(con, "one_to_one")
    assert got["22"]["number"] is None and got["222"]["number"] is None
    assert {got["22"]["status"], got["222"]["status"]} == {"review"}
    shared = con.execute("SELECT cadastral_number, count(*) FROM reconciled.premise_matches "
                         "WHERE cadastral_number IS NOT NULL GROUP BY ALL HAVING count(*) > 1").fetchall()
    assert shared == []


def test_a_flat_missing_from_egrn_is_not_paired_with_a_flat_missing_from_gis(con):
    got = matches(con, "strangers")
    assert got["5а"]["number"] is None
    assert got["5а"]["status"] == "review"


def test_a_plausible_registry_number_against_a_one_to_one_match_is_not_a_conflict(con):
    got = matches(con, "two_stories")
    assert (got["7"]["status"], got["7"]["number"]) == ("confirmed", TWO_STORIES.cad(8))
    assert "кадастровый номер из ГИС ЖКХ указывает на помещение 17 в ЕГРН" in got["7"]["reason"]
