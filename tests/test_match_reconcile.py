"""Given rows → expected status: the decision rules of reconciliation on hand-made houses (tests/match_kit.py)."""

import pytest

from match_kit import Egrn, Gis, House, build, houses, matches


def flats(*areas: float, start: int = 1) -> list[Egrn]:
    return [Egrn(str(start + i), a) for i, a in enumerate(areas)]


FORMATS = House("Екатеринбург", "Форматная", "1", "66:41:0000101",
                objects=[*flats(31.0, 42.0, 53.0, 64.0, 75.0, 86.0),
                         Egrn("1-Н", 120.0, kind="nonres"), Egrn("I", 300.0, kind="common", name="Подвал")],
                premises=[Gis("кв. 1", 31.0), Gis("02", 42.0), Gis("3 кв.", 53.0), Gis("№4", 64.0), Gis("5", 75.0),
                          Gis("6", 86.0), Gis("Н1", 120.0, "nonres"), Gis("Подвал № 1", 300.0, "common")])

REGISTRY = House("Екатеринбург", "Реестровая", "2", "66:41:0000102", objects=flats(31.0, 42.0, 53.0, 64.0, 75.0, 86.0))
REGISTRY.premises = [
    Gis("1", 31.0, registry=REGISTRY.cad(0)),                 # right
    Gis("2", 42.0, registry=REGISTRY.cad(2)),                 # the neighbour's number
    Gis("3", 53.0, registry=REGISTRY.building),               # the building's number
    Gis("4", 64.0, registry="66:41:0000102:999"),             # no such object
    Gis("5", 75.0, registry=f" {REGISTRY.cad(4)}  "),         # right, with stray spaces
    Gis("6", 86.0, registry="66:41:0000101:100"),             # a flat of another house
]

RENUMBERED = House("Екатеринбург", "Перенумерованная", "3", "66:41:0000103",
                   objects=flats(31.0, 45.0, 53.0, 64.0, 75.0, 86.0, 45.0, 97.0, 70.1),
                   premises=[Gis("1", 31.0), Gis("22", 45.0), Gis("3", 53.0), Gis("4", 64.0), Gis("5", 75.0),
                             Gis("6", 86.0), Gis("7", 45.0), Gis("8", 97.0), Gis("99", 70.1)])

SWAP = House("Екатеринбург", "Обменная", "4", "66:41:0000104", objects=flats(30.0, 50.0, 40.0, 61.0, 72.0),
             premises=[Gis("1", 50.0), Gis("2", 30.0), Gis("3", 40.0), Gis("4", 61.0), Gis("5", 72.0)])

ROOMS = House("Екатеринбург", "Коммунальная", "5", "66:41:0000105",
              objects=[Egrn("1", 60.0), Egrn("1", 18.0, kind="room", parent="1"), Egrn("2", 22.0, kind="room", parent="1"),
                       Egrn("1", 19.0, kind="room", parent="2"), Egrn("2", 21.0, kind="room", parent="2"),
                       Egrn("3", 15.2, kind="parking"), Egrn("I", 250.0, kind="common", name="Подвал"),
                       Egrn("4", 48.0)],
              premises=[Gis("1", 60.0), Gis("2", 55.0), Gis("3", 15.0), Gis("4", 48.0)])

DUPLICATES = House("Екатеринбург", "Двойная", "6", "66:41:0000106", objects=flats(40.0, 52.0),
                   premises=[Gis("1", 40.0), Gis("01", 40.0), Gis("2", 52.0)])

AREAS = House("Екатеринбург", "Площадная", "8", "66:41:0000110", objects=flats(36.75, 50.0, 44.0, 61.0),
              premises=[Gis("1", 36.8), Gis("2", 51.2), Gis("3", 47.5), Gis("4", 61.0)])

# The same street and house number in two settlements; the city house's GIS row carries the village's FIAS GUID.
TWIN_CITY = House("Екатеринбург", "Предельная", "26", "66:41:0000107", objects=flats(36.7, 38.0, 41.0),
                  premises=[Gis("1", 36.7), Gis("2", 38.0), Gis("3", 41.0)],
                  gis_fias="0c5b2444-70a0-4932-980c-b4dc0d3f02b5")
TWIN_VILLAGE = House("Совхозный", "Предельная", "26", "66:25:0000108", settlement_type="п",
                     objects=flats(49.9, 50.1, 62.0), premises=[Gis("1", 49.9), Gis("2", 50.1), Gis("3", 62.0)],
                     egrn_fias="0c5b2444-70a0-4932-980c-b4dc0d3f02b5")
TYPO = House("Екатеринбург", "Фрунзе", "12", "66:41:0000109", gis_street="Фруннзе", objects=flats(33.0, 44.0),
             premises=[Gis("1", 33.0), Gis("2", 44.0)])
NOT_IN_EGRN = House("Екатеринбург", "Неучтенная", "1", "66:41:0000111", in_egrn=False,
                    premises=[Gis("1", 33.0), Gis("2", 44.0)])
NO_BUILDING = House("Екатеринбург", "Безссылочная", "7", "66:41:0000112", building_extract=False,
                    objects=[Egrn("1", 33.0, linked=False), Egrn("2", 44.0, linked=False)],
                    premises=[Gis("1", 33.0), Gis("2", 44.0)])

# Rosreestr delivered flat 1 twice: an extract of 2019 (before remeasurement) and one of 2024.
REDELIVERED = House("Екатеринбург", "Повторная", "9", "66:41:0000113",
                    objects=[Egrn("1", 40.0, earlier_area=47.0), Egrn("2", 52.0)],
                    premises=[Gis("1", 40.0), Gis("2", 52.0)])

# One export describes two houses by one address (the real list has «18б» and «18 лит. б»): the premise rows
# cannot say which house they belong to. Each house's own building number and FIAS GUID are on its house row.
TWO_AT_ONE_ADDRESS = [
    House("Екатеринбург", "Самолетная", "18б", "66:41:0000114", gis_fias="7f11f11f-6565-4f1a-97dd-80c29a0863d2",
          egrn_fias="7f11f11f-6565-4f1a-97dd-80c29a0863d2", objects=flats(82.3, 28.0)),
    House("Екатеринбург", "Самолетная", "18б", "66:41:0000115", gis_fias="30be76ae-6091-4911-996f-b57b9fc620fa",
          egrn_fias="30be76ae-6091-4911-996f-b57b9fc620fa", objects=flats(44.1, 51.7, 63.0)),
]
for _house in TWO_AT_ONE_ADDRESS:
    _house.gis_building = _house.building
SMALL, BIG = TWO_AT_ONE_ADDRESS
SMALL.premises = [Gis("1", 82.3, registry=SMALL.cad(0)), Gis("2", 28.0)]
BIG.premises = [Gis("1", 44.1, registry=BIG.cad(0)), Gis("2", 51.7, registry=BIG.cad(1)), Gis("3", 63.0)]

CASES = {
    "formats": [FORMATS], "registry": [REGISTRY], "renumbered": [RENUMBERED], "swap": [SWAP], "rooms": [ROOMS],
    "duplicates": [DUPLICATES], "areas": [AREAS], "twins": [TWIN_CITY, TWIN_VILLAGE], "typo": [TYPO],
    "not_in_egrn": [NOT_IN_EGRN], "no_building": [NO_BUILDING], "redelivered": [REDELIVERED],
    "one_address": TWO_AT_ONE_ADDRESS,
}


@pytest.fixture(scope="module")
def con():
    connection = build(CASES)
    yield connection
    connection.close()


def test_numbers_written_differently_match_automatically(con):
    got = matches(con, "formats")
    for number, position in (("кв. 1", 0), ("02", 1), ("3 кв.", 2), ("№4", 3), ("5", 4), ("6", 5)):
        assert (got[number]["status"], got[number]["number"]) == ("auto", FORMATS.cad(position)), number
    assert got["02"]["reason"] == "дом найден по: адресу; номер совпадает (02 = 2); площадь совпадает: 42 м²"
    assert got["5"]["reason"] == "дом найден по: адресу; номер 5 совпадает; площадь совпадает: 75 м²"
    assert (got["Н1 (н)"]["status"], got["Н1 (н)"]["number"]) == ("auto", FORMATS.cad(6))
    assert "номер записан иначе (Н1 = 1-Н)" in got["Н1 (н)"]["reason"]
    # a common-property room «Подвал № 1» is the EGRN «пом. I», never flat 1
    assert (got["Подвал № 1 (н)"]["status"], got["Подвал № 1 (н)"]["number"]) == ("auto", FORMATS.cad(7))


def test_registry_numbers_are_confirmed_or_reported_as_conflicts(con):
    got = matches(con, "registry")
    h = REGISTRY
    assert (got["1"]["status"], got["1"]["number"]) == ("confirmed", h.cad(0))
    assert got["1"]["reason"].endswith("кадастровый номер из ГИС ЖКХ подтверждён")
    assert (got["5"]["status"], got["5"]["number"]) == ("confirmed", h.cad(4))   # spaces do not matter
    # a conflict carries the number Rosreestr supports, and says what the registry number is
    assert (got["2"]["status"], got["2"]["number"]) == ("conflict", h.cad(1))
    assert "это помещение 3 в ГИС ЖКХ" in got["2"]["reason"]
    assert (got["3"]["status"], got["3"]["number"]) == ("conflict", h.cad(2))
    assert "это номер здания" in got["3"]["reason"]
    assert (got["4"]["status"], got["4"]["number"]) == ("conflict", h.cad(3))
    assert "нет в выписках ЕГРН" in got["4"]["reason"]
    assert (got["6"]["status"], got["6"]["number"]) == ("conflict", h.cad(5))
    assert "помещение другого дома" in got["6"]["reason"]


def test_a_renumbered_flat_is_found_once_its_neighbour_of_the_same_area_is_taken(con):
    got = matches(con, "renumbered")
    assert (got["7"]["status"], got["7"]["number"]) == ("auto", RENUMBERED.cad(6))
    # flat 7 is taken: flat 2 is the one of that area left, and «22» is «2» with a doubled digit
    assert (got["22"]["status"], got["22"]["number"]) == ("auto", RENUMBERED.cad(1))
    assert "в номере задвоена цифра (22 в ГИС ЖКХ, 2 в ЕГРН)" in got["22"]["reason"]
    assert (got["99"]["status"], got["99"]["number"]) == ("auto", RENUMBERED.cad(8))


def test_swapped_numbers_are_resolved_by_area(con):
    got = matches(con, "swap")
    assert got["3"]["status"] == "auto"
    assert (got["1"]["status"], got["1"]["number"]) == ("auto", SWAP.cad(1))
    assert (got["2"]["status"], got["2"]["number"]) == ("auto", SWAP.cad(0))
    assert ("номера двух квартир переставлены местами (1 в ГИС ЖКХ, 2 в ЕГРН), площадь совпадает: 50 м²"
            in got["1"]["reason"])


def test_rooms_in_flats_parking_places_and_common_property_are_never_a_flat(con):
    got = matches(con, "rooms")
    assert (got["1"]["status"], got["1"]["number"]) == ("auto", ROOMS.cad(0))
    assert (got["4"]["status"], got["4"]["number"]) == ("auto", ROOMS.cad(7))
    # flat 2 is registered only as its rooms, flat 3 has only a parking place of that number
    assert got["2"]["status"] == "unmatched" and "в ЕГРН только: комната в квартире" in got["2"]["reason"]
    assert got["3"]["status"] == "unmatched" and "машино-место" in got["3"]["reason"]
    given = con.execute("SELECT cadastral_number FROM reconciled.premise_matches WHERE cadastral_number "
                        "IN (SELECT cadastral_number FROM reconciled.egrn_premises WHERE kind <> 'flat')").fetchall()
    assert given == [] or all(c in {FORMATS.cad(6), FORMATS.cad(7)} for (c,) in given)


def test_no_cadastral_number_goes_to_two_premises(con):
    got = matches(con, "duplicates")
    assert got["1"]["status"] == got["01"]["status"] == "review"
    assert got["1"]["number"] is None and got["01"]["number"] is None
    assert got["2"]["status"] == "auto"
    shared = con.execute("SELECT cadastral_number, count(*) FROM reconciled.premise_matches "
                         "WHERE cadastral_number IS NOT NULL GROUP BY 1 HAVING count(*) > 1").fetchall()
    assert shared == []


def test_area_tolerance_covers_rounding_and_drift_not_a_different_flat(con):
    got = matches(con, "areas")
    assert got["1"]["status"] == "auto" and got["1"]["reason"].endswith("площадь совпадает с округлением: 36,8 и 36,75 м²")
    assert got["2"]["status"] == "auto" and got["2"]["reason"].endswith("площадь близка: 51,2 и 50 м²")
    assert got["3"]["status"] == "review" and "площадь другая: 47,5 и 44 м²" in got["3"]["reason"]


def test_the_same_street_in_two_settlements_never_links_across(con):
    linked = houses(con, "twins")
    city, village = linked[TWIN_CITY.gis_address], linked[TWIN_VILLAGE.gis_address]
    assert (city["egrn_house_id"], city["method"]) == (TWIN_CITY.building, "address")
    assert (village["egrn_house_id"], village["method"]) == (TWIN_VILLAGE.building, "address")
    # the city house's wrong FIAS GUID names the village building: rejected, and said so
    assert TWIN_VILLAGE.building in city["contradictions"]
    assert {row["status"] for row in matches(con, "twins").values()} == {"auto"}
    numbers = con.execute(
        "SELECT p.house_address, m.cadastral_number FROM reconciled.premise_matches AS m "
        "JOIN reconciled.gis_premises AS p USING (premise_id) WHERE m.source_file = 'gis/houses_uo_twins.xlsx'"
    ).fetchall()
    for address, number in numbers:
        quarter = TWIN_CITY.quarter if address == TWIN_CITY.gis_address else TWIN_VILLAGE.quarter
        assert number.startswith(quarter + ":")


def test_a_street_typo_links_by_fuzzy_street_within_the_settlement(con):
    linked = houses(con, "typo")[TYPO.gis_address]
    assert (linked["egrn_house_id"], linked["method"], linked["trusted"]) == (TYPO.building, "street~", True)
    assert {r["status"] for r in matches(con, "typo").values()} == {"auto"}


def test_a_house_rosreestr_does_not_know_leaves_its_premises_unmatched(con):
    assert houses(con, "not_in_egrn")[NOT_IN_EGRN.gis_address]["status"] == "not_found"
    got = matches(con, "not_in_egrn")
    assert {r["status"] for r in got.values()} == {"unmatched"}
    assert got["1"]["reason"] == "дом в ЕГРН не найден"
    assert houses(con, "not_in_egrn")[NOT_IN_EGRN.gis_address]["contradictions"] is None


def test_extracts_without_a_building_link_find_their_house_by_address(con):
    linked = houses(con, "no_building")[NO_BUILDING.gis_address]
    assert linked["status"] == "linked" and linked["egrn_house_id"].startswith("адрес:")
    got = matches(con, "no_building")
    assert [(got[n]["status"], got[n]["number"]) for n in ("1", "2")] == [
        ("auto", NO_BUILDING.cad(0)), ("auto", NO_BUILDING.cad(1))]


def test_an_object_delivered_twice_counts_once_as_its_newest_extract(con):
    flat = REDELIVERED.cad(0)
    objects = con.execute("SELECT area, source_file FROM reconciled.egrn_premises WHERE cadastral_number = ?",
                          [flat]).fetchall()
    assert objects == [(40.0, f"rosreestr/redelivered/{flat.replace(':', '_')}.xml")]
    got = matches(con, "redelivered")
    assert (got["1"]["status"], got["1"]["number"]) == ("auto", flat)
    assert "40" in got["1"]["reason"] and "47" not in got["1"]["reason"]


def test_two_houses_an_export_writes_alike_are_never_matched_automatically_nor_called_conflicts(con):
    (house,) = houses(con, "one_address").values()
    assert house["trusted"] is False
    assert "этим адресом в выгрузке описаны разные дома" in house["contradictions"]
    rows = con.execute(
        """SELECT p.number_text, p.area, m.match_status, m.cadastral_number, m.match_reason
           FROM reconciled.premise_matches AS m JOIN reconciled.gis_premises AS p USING (premise_id)
           WHERE m.source_file = 'gis/houses_uo_one_address.xlsx'""").fetchall()
    by_premise = {(number, area): (status, cad, reason) for number, area, status, cad, reason in rows}
    # a registry number Rosreestr has at this address, of this number and area, holds up whichever house it is in
    assert by_premise[("1", 82.3)][:2] == ("confirmed", SMALL.cad(0))
    assert by_premise[("1", 44.1)][:2] == ("confirmed", BIG.cad(0))
    assert by_premise[("2", 51.7)][:2] == ("confirmed", BIG.cad(1))
    # without one, a person decides: the premise may be in either house
    for premise in (("2", 28.0), ("3", 63.0)):
        status, cad, reason = by_premise[premise]
        assert (status, cad) == ("review", None), (premise, status, reason)
    assert not any("другого дома" in reason for _, _, reason in by_premise.values())


def test_every_premise_gets_one_row_with_a_contract_status(con):
    premises = con.execute("SELECT count(*) FROM reconciled.gis_premises").fetchone()[0]
    rows = con.execute("SELECT match_status, cadastral_source, cadastral_number, match_score "
                       "FROM reconciled.premise_matches").fetchall()
    assert len(rows) == premises
    for status, source, number, score in rows:
        assert status in {"confirmed", "auto", "review", "conflict", "unmatched"}
        assert 0.0 <= score <= 1.0
        assert source == {"confirmed": "registry", "auto": "matched"}.get(status, source)
        assert (number is None) == (source is None)
