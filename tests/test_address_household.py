"""Household address notations (how people and management companies write a flat) and accuracy on real
addresses: tests/fixtures/address/real_addresses.csv and household_addresses.csv (origins in SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from transforms.address import parse_addresses
from transforms.address.accuracy import evaluate, load_expected, score

FIXTURES = Path(__file__).parent / "fixtures" / "address"
REAL = FIXTURES / "real_addresses.csv"
HOUSEHOLD = FIXTURES / "household_addresses.csv"

HOUSE_TARGET, FLAT_TARGET = 0.95, 0.90

EKB = "обл. Свердловская, г. Екатеринбург, ул. Луначарского"
# (notation, address, expected parts). Houses and streets are real (Reforma Ekaterinburg, the Khabarovsk
# EGRN village flat); flat numbers are written for the test.
NOTATIONS = [
    ("house space flat", f"{EKB}, д.14 10", {"house": "14", "premise_type": "кв", "premise": "10"}),
    ("house space flat, letter", f"{EKB}, дом 21а  7", {"house": "21А", "premise": "7"}),
    ("house spaced dash flat", f"{EKB}, д. 8 - 47", {"house": "8", "premise_type": "кв", "premise": "47"}),
    ("house dash flat, one space", f"{EKB}, д. 52/1 -12", {"house": "52/1", "premise": "12"}),
    ("korpus dash flat", f"{EKB}, д. 14 к. 2 - 10", {"house": "14", "korpus": "2", "premise": "10"}),
    ("д.д.", f"{EKB}, д.д. 12, кв. 3", {"house": "12", "premise": "3"}),
    ("д.д. glued", f"{EKB}, д.д.12", {"house": "12"}),
    ("корп./стр.", f"{EKB}, д. 21, корп./стр. 1, кв. 5", {"house": "21", "korpus": "1", "premise": "5"}),
    ("корп/стр letter", f"{EKB}, д. 21 корп/стр А кв. 5", {"house": "21", "korpus": "А", "premise": "5"}),
    ("key-value list", f"{EKB}, Дом: 24; Офис: 32;", {"house": "24", "premise_type": "офис", "premise": "32"}),
    ("key-value list with korpus", "Свердловская обл, г. Екатеринбург, ул. Луначарского, Дом: 24; Корпус: 2; "
     "Квартира: 5;", {"house": "24", "korpus": "2", "premise_type": "кв", "premise": "5"}),
    ("литер then flat", f"{EKB}, д. 72 литер А кв. 3", {"house": "72", "litera": "А", "premise": "3"}),
    ("литер glued to house", f"{EKB}, д. 72литер Б", {"house": "72", "litera": "Б"}),
    ("литерА glued letter", f"{EKB}, д. 72, литерА", {"house": "72", "litera": "А"}),
    ("литера with digit", f"{EKB}, д. 72 литера Б1", {"house": "72", "litera": "Б1"}),
    ("Квартира (офис)", f"{EKB}, д. 21 Квартира (офис) 12", {"house": "21", "premise_type": "кв", "premise": "12"}),
    ("Квартира (офис):", f"{EKB}, д. 21, Квартира (офис): 12", {"house": "21", "premise": "12"}),
    ("кв./оф.", f"{EKB}, д. 21, кв./оф. 12", {"house": "21", "premise_type": "кв", "premise": "12"}),
    ("кв/оф", f"{EKB}, д. 21 кв/оф 12", {"house": "21", "premise_type": "кв", "premise": "12"}),
    ("подъезд in the house part", f"{EKB}, д. 21 подъезд 2 кв. 7", {"house": "21", "premise": "7"}),
    ("подъезд alone", "обл. Свердловская, г. Екатеринбург, ул. Агрономическая, д. 7 подъезд 7", {"house": "7"}),
    ("N подъезд, этаж", f"{EKB}, д. 21, 2-й подъезд, этаж 3, кв. 7", {"house": "21", "premise": "7"}),
    ("стр. подъезд (Reforma)", "обл. Свердловская, г. Екатеринбург, ул. Уральская, д. 1, стр. подъезд 4",
     {"house": "1", "stroenie": None}),
    ("к. нет (Reforma)", "обл. Свердловская, г. Екатеринбург, ул. Боровая, д. 29, к. нет, стр. нет",
     {"house": "29", "korpus": None, "stroenie": None}),
    ("backslash in the house number", "край. Приморский, г. Владивосток, ул. Гульбиновича, д. 29\\2",
     {"house": "29/2"}),
    ("district р-н and settlement in one part",
     "край Хабаровский, Хабаровский р-н с. Калинка, ул. Молодежная, д. 1, кв. 52",
     {"region": "Хабаровский", "district": "Хабаровский", "settlement_type": "с", "settlement": "Калинка",
      "street": "Молодежная", "house": "1", "premise": "52"}),
    ("district район and settlement, no commas",
     "край Хабаровский, р-н Хабаровский с. Калинка ул. Молодежная д. 1 кв. 52",
     {"district": "Хабаровский", "settlement": "Калинка", "street": "Молодежная", "house": "1", "premise": "52"}),
    ("region, district and settlement in one part",
     "Хабаровский край Хабаровский район село Калинка, улица Молодежная, дом 1, квартира 52",
     {"region": "Хабаровский", "district": "Хабаровский", "settlement_type": "с", "settlement": "Калинка",
      "house": "1", "premise": "52"}),
    ("urban okrug and settlement in one part",
     "обл. Свердловская, городской округ город Екатеринбург поселок Шабровский, ул. Ленина, д. 27, кв. 2",
     {"district": "город Екатеринбург", "settlement_type": "п", "settlement": "Шабровский", "house": "27"}),
]


@pytest.mark.parametrize("notation, address, expected", NOTATIONS, ids=[n[0] for n in NOTATIONS])
def test_household_notation(notation, address, expected, address_con):
    got = parse_addresses([address]).iloc[0].to_dict()
    assert {k: got[k] for k in expected} == expected, notation
    # the scalar SQL macro runs the same stages
    sql = address_con.execute("SELECT address_parse(?) AS p", [address]).fetchone()[0]
    assert {k: sql[k] for k in expected} == expected, notation


@pytest.mark.parametrize("address, expected", [
    # registries write double house numbers with an unspaced dash: not a flat
    ("обл. Свердловская, г. Екатеринбург, ул. Огарева, д. 21-23", {"premise": None}),
    # `д. 14 а` is house 14А, not house 14 flat А
    (f"{EKB}, д. 14 а", {"house": "14А", "premise": None}),
    # a korpus list is not a flat
    ("обл. Свердловская, г. Екатеринбург, ул. Академика Бардина, д. 6, к. 1 и 2", {"premise": None}),
    # `муниципальный район Тюменский` is one district, `обл. Свердловская` one region
    ("Тюменская обл, муниципальный район Тюменский, с. Каскара, ул. Ленина, д. 2",
     {"district": "Тюменский", "settlement": "Каскара"}),
    ("обл. Свердловская г. Екатеринбург, ул. Ленина, д. 2", {"region": "Свердловская", "settlement": "Екатеринбург"}),
    # a Roman numeral after a street word is no хутор
    ("г. Екатеринбург, ул Х Партсъезда, д. 2", {"street": "Х Партсъезда"}),
])
def test_what_the_household_rules_leave_alone(address, expected):
    got = parse_addresses([address]).iloc[0].to_dict()
    assert {k: got[k] for k in expected} == expected


# --- accuracy over the real samples ---------------------------------------------------------------


def test_real_samples_are_several_hundred_rows_from_every_source():
    real = load_expected(REAL)
    household = load_expected(HOUSEHOLD)
    assert len(real) >= 300 and len(household) >= 200
    assert {"reforma-ekb", "reforma-vvo", "mos-opendata", "kapremont-kazan", "apartment-addresses"} <= set(real["source"])
    assert (real["expected_flat"] != "").sum() >= 50  # flats, not only houses
    notations = set(household["notation"])
    assert {"house_space_flat", "house_dash_flat", "dd", "korpus_stroenie", "key_value", "litera",
            "kv_office_paren", "kv_slash_office", "entrance", "district_settlement"} <= notations


@pytest.mark.parametrize("path", [REAL, HOUSEHOLD], ids=["real", "household"])
def test_accuracy_on_real_addresses_meets_the_targets(path):
    s = evaluate(path)
    assert s.house >= HOUSE_TARGET, s.line()
    assert s.flat >= FLAT_TARGET, s.line()


def test_every_household_notation_meets_the_targets():
    s = evaluate(HOUSEHOLD)
    for notation, figures in s.by_notation.items():
        assert figures["house"] >= HOUSE_TARGET and figures["flat"] >= FLAT_TARGET, (notation, figures)
    assert s.district is not None and s.district >= HOUSE_TARGET
    assert s.settlement is not None and s.settlement >= HOUSE_TARGET


def test_score_counts_misses():
    expected = pd.DataFrame({"input": ["a", "b"], "expected_house": ["1", "2"], "expected_korpus": ["", "1"],
                             "expected_stroenie": ["", ""], "expected_litera": ["", ""],
                             "expected_flat": ["5", ""], "notation": ["x", "y"]})
    parsed = pd.DataFrame({"input": ["a", "b"], "house": ["1", "3"], "korpus": [None, "1"],
                           "stroenie": [None, None], "litera": [None, None], "premise": ["5", "7"],
                           "district": [None, None], "settlement": [None, None]})
    s = score(expected, parsed)
    assert (s.house, s.building, s.flat) == (0.5, 1.0, 0.5)
    assert s.by_notation["y"]["house"] == 0.0 and s.by_notation["x"]["flat"] == 1.0
    assert s.misses["input"].tolist() == ["b"]
