"""Address normaliser: CONTRACT §1 columns and normal forms, hard cases kept as data, keys, SQL = Python."""

from __future__ import annotations

import csv
import gzip
import random
from pathlib import Path

import duckdb
import pytest

from transforms.address import (
    ADDRESS_COLUMNS,
    number_normal_form,
    parse_addresses,
    premise_number_key,
    register_address_functions,
    street_key,
)
from transforms.address import types as address_types
from transforms.address.stages import stage_rows

HERE = Path(__file__).parent
CASES = HERE / "data" / "address_cases.csv"
PREMISE_CASES = HERE / "data" / "premise_number_cases.csv"
STREET_CASES = HERE / "data" / "street_key_cases.csv"
EKATERINBURG = HERE / "fixtures" / "address" / "reforma_ekaterinburg_addresses.csv.gz"

CONTRACT_COLUMNS = [
    "input", "region", "district", "settlement_type", "settlement", "street_type", "street",
    "house", "korpus", "stroenie", "litera", "premise_type", "premise",
]
PARTS = CONTRACT_COLUMNS[1:]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _none(value: str) -> str | None:
    return value if value != "" else None


CASE_ROWS = _read_csv(CASES)


@pytest.fixture(scope="module")
def ekaterinburg() -> list[str]:
    with gzip.open(EKATERINBURG, "rt", encoding="utf-8", newline="") as f:
        return [row["ADDRESS"] for row in csv.DictReader(f)]


def _sql_scalar(address_con, lines: list[str | None]) -> list[dict]:
    """address_parse(text) — the scalar macro, row by row in one query."""
    address_con.execute("CREATE OR REPLACE TEMP TABLE addr_in AS SELECT * FROM (SELECT unnest(?) AS input, "
                "generate_subscripts(?, 1) AS n)", [lines, lines])
    cur = address_con.execute("SELECT input, p.* FROM (SELECT n, input, address_parse(input) AS p FROM addr_in) ORDER BY n")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _sql_table(address_con, lines: list[str | None]) -> list[dict]:
    """address_parse_table(tbl, col) — the column-at-once table macro."""
    address_con.execute("CREATE OR REPLACE TEMP TABLE addr_tbl AS SELECT unnest(?) AS address", [lines])
    cur = address_con.execute("SELECT * FROM address_parse_table('addr_tbl', address)")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


# --- the GAR type dictionary ----------------------------------------------------------------------


def test_type_dictionary_points_only_to_gar_short_names():
    gar = address_types.gar_short_names()
    entries = address_types.type_dictionary().values()
    assert {e.object_short for e in entries if e.object_short} <= gar
    assert {e.building_short for e in entries if e.building_short} <= gar
    assert set(address_types.VARIANTS.values()) <= gar


@pytest.mark.parametrize("spelling, short, kind", [
    ("пос.", "п", "settlement"), ("посёлок", "п", "settlement"), ("просп.", "пр-кт", "street"),
    ("пр.", "пр-кт", "street"), ("пр-т", "пр-кт", "street"), ("проспект", "пр-кт", "street"),
    ("б-р", "б-р", "street"), ("ш.", "ш", "street"), ("наб.", "наб", "street"), ("мкр", "мкр", "planning"),
    ("тер.", "тер", "planning"), ("обл.", "обл", "region"), ("область", "обл", "region"),
    ("Респ", "респ", "region"), ("городской округ", "г.о", "district"), ("р-н", "р-н", "district"),
    ("город", "г", "settlement"), ("пгт", "пгт", "settlement"), ("снт", "снт", "settlement"),
    ("переулок", "пер", "street"), ("улица", "ул", "street"),
])
def test_object_type_spellings(spelling, short, kind):
    entry = address_types.type_dictionary()[address_types.alias_key(spelling)]
    assert (entry.object_short, entry.object_kind) == (short, kind)


@pytest.mark.parametrize("spelling, short, kind", [
    ("д.", "д", "house"), ("дом", "д", "house"), ("корп.", "к", "korpus"), ("к.", "к", "korpus"),
    ("стр.", "стр", "stroenie"), ("с.", "стр", "stroenie"), ("лит.", "литера", "litera"),
    ("литер", "литера", "litera"), ("кв.", "кв", "premise"), ("квартира", "кв", "premise"),
    ("пом.", "помещ", "premise"), ("помещение", "помещ", "premise"), ("оф.", "офис", "premise"),
    ("комн.", "ком", "room"), ("комната", "ком", "room"),
])
def test_building_type_spellings(spelling, short, kind):
    entry = address_types.type_dictionary()[address_types.alias_key(spelling)]
    assert (entry.building_short, entry.building_kind) == (short, kind)


def test_д_and_с_have_both_readings():
    d = address_types.type_dictionary()
    assert (d["д"].object_short, d["д"].building_short) == ("д", "д")
    assert (d["с"].object_short, d["с"].building_short) == ("с", "стр")


# --- parse: the contract ----------------------------------------------------------------------------


def test_columns_order_and_one_row_per_input():
    lines = ["улица Стромынка, дом 7, корпус 37", None, "", "улица Стромынка, дом 7, корпус 37", "  "]
    df = parse_addresses(lines)
    assert list(df.columns) == CONTRACT_COLUMNS == list(ADDRESS_COLUMNS)
    assert df["input"].tolist() == lines
    assert df.loc[0, "street"] == "Стромынка" and df.loc[3, "house"] == "7"
    for i in (1, 2, 4):
        assert all(df.loc[i, c] is None for c in PARTS)
    assert parse_addresses([]).shape == (0, len(CONTRACT_COLUMNS))


def test_room_column_on_request():
    df = parse_addresses(["620127, Свердловская обл, Екатеринбург г, Пугачёвский пер, д. 8, кв. 28, комн. 1"],
                         with_room=True)
    assert list(df.columns) == CONTRACT_COLUMNS + ["room"]
    assert (df.loc[0, "premise_type"], df.loc[0, "premise"], df.loc[0, "room"]) == ("кв", "28", "1")


def test_at_least_40_hard_cases_from_every_source():
    assert len(CASE_ROWS) >= 40
    assert {"reforma-ekb", "apartment-addresses", "mos-opendata", "conformance-egrn", "conformance-gis"} <= {
        r["source"] for r in CASE_ROWS}


@pytest.fixture(scope="module")
def parsed_cases() -> list[dict]:
    return parse_addresses([r["input"] for r in CASE_ROWS], with_room=True).to_dict("records")


@pytest.mark.parametrize("i", range(len(CASE_ROWS)), ids=[f"{i}:{r['input'][:40]}" for i, r in enumerate(CASE_ROWS)])
def test_hard_case(i, parsed_cases):
    case, got = CASE_ROWS[i], parsed_cases[i]
    assert got["input"] == case["input"]
    expected = {c: _none(case[c]) for c in (*PARTS, "room")}
    assert {c: got[c] for c in expected} == expected, case["note"]


def test_names_keep_their_letters_but_keys_fold():
    egrn, gis = parse_addresses([
        "Российская Федерация, Свердловская область, городской округ город Екатеринбург, город Екатеринбург, "
        "переулок Пугачёвский, дом 8, квартира 13",
        "обл. Свердловская, г. Екатеринбург, пер. Пугачевский, д. 8",
    ]).to_dict("records")
    assert (egrn["street"], gis["street"]) == ("Пугачёвский", "Пугачевский")
    assert street_key(egrn["street"]) == street_key(gis["street"])
    assert (egrn["street_type"], egrn["house"]) == (gis["street_type"], gis["house"])


def test_house_letter_attached_stays_in_house_written_litera_goes_to_litera():
    a, b, c = parse_addresses([
        "Свердловская обл, г. Екатеринбург, ул. Луначарского, д. 25 А",
        "Свердловская обл, г. Екатеринбург, ул. Луначарского, д. 25, лит. А",
        "Свердловская обл, г. Екатеринбург, ул. Луначарского, д. 25, литера А",
    ]).to_dict("records")
    assert (a["house"], a["litera"]) == ("25А", None)
    assert (b["house"], b["litera"]) == (c["house"], c["litera"]) == ("25", "А")


def test_stages_can_be_inspected(address_con):
    rows = stage_rows(address_con, "Свердловская обл, д. Гора, ул. Садовая, д. Б")
    assert list(rows) == ["addresses", "parts", "part_texts", "cleaned", "pieces", "spelled", "typed",
                          "piece_values", "address_pieces", "positions", "resolved", "assigned", "parsed"]
    # both д. pieces are typed деревня by shape; the one after the street is resolved to дом
    assert [r["kind"] for r in rows["typed"] if r["name"] in ("Гора", "Б")] == ["settlement", "settlement"]
    assert sorted(r["kind"] for r in rows["resolved"]) == ["house", "region", "settlement", "street"]
    (parsed,) = rows["parsed"]
    assert (parsed["settlement_type"], parsed["settlement"], parsed["house"]) == ("д", "Гора", "Б")


# --- SQL and Python agree --------------------------------------------------------------------------


def test_sql_macros_agree_with_parse_addresses_on_cases(address_con):
    lines = [r["input"] for r in CASE_ROWS] + [None, ""]
    py = parse_addresses(lines, with_room=True).to_dict("records")
    scalar = _sql_scalar(address_con, lines)
    table = _sql_table(address_con, lines)
    for p, s, t in zip(py, scalar, table, strict=True):
        assert {c: s[c] for c in (*PARTS, "room")} == {c: p[c] for c in (*PARTS, "room")}, p["input"]
        assert {c: t[c] for c in (*PARTS, "room")} == {c: p[c] for c in (*PARTS, "room")}, p["input"]


def test_ekaterinburg_street_and_house_found_and_sql_agrees(address_con, ekaterinburg):
    assert len(ekaterinburg) == 10_537
    df = parse_addresses(ekaterinburg)
    found = (df["street"].notna() & df["house"].notna()).mean()
    assert found >= 0.98, found
    assert (df["settlement"] == "Екатеринбург").sum() > 9_000
    py = df.to_dict("records")
    scalar = _sql_scalar(address_con, ekaterinburg)
    mismatches = [p["input"] for p, s in zip(py, scalar, strict=True) if any(p[c] != s[c] for c in PARTS)]
    assert mismatches == []


# --- keys -------------------------------------------------------------------------------------------


PREMISE_ROWS = _read_csv(PREMISE_CASES)


@pytest.mark.parametrize("case", PREMISE_ROWS, ids=[r["input"] or "<empty>" for r in PREMISE_ROWS])
def test_premise_number_key_and_normal_form(case):
    value = case["input"]
    assert premise_number_key(value) == _none(case["key"]), case["note"]
    assert number_normal_form(value) == _none(case["normal_form"]), case["note"]


def test_premise_number_sql_twins(address_con):
    values = [r["input"] for r in PREMISE_ROWS] + [None]
    got = address_con.execute("SELECT premise_number_key(v), address_number(v) FROM unnest(?) WITH ORDINALITY t(v, n) "
                      "ORDER BY n", [values]).fetchall()
    assert got == [(premise_number_key(v), number_normal_form(v)) for v in values]


def test_premise_number_key_equal_forms():
    forms = ["1Н", "1-Н", "Н1", "пом. 1Н", "помещение 1-н", "Н-01", "H1", "1 н"]
    assert {premise_number_key(f) for f in forms} == {"1Н"}
    assert premise_number_key(None) is None


STREET_ROWS = _read_csv(STREET_CASES)


@pytest.mark.parametrize("case", STREET_ROWS, ids=[f"{r['a']}={r['b']}" for r in STREET_ROWS])
def test_street_key(case, address_con):
    assert street_key(case["a"]) == street_key(case["b"]) == case["key"]
    for name in (case["a"], case["b"]):
        assert address_con.execute("SELECT street_key(?)", [name]).fetchone()[0] == street_key(name)


def test_key_twins_agree_on_every_value_of_the_real_samples(address_con, ekaterinburg):
    df = parse_addresses(ekaterinburg + [r["input"] for r in CASE_ROWS])
    premises = sorted({v for c in ("house", "korpus", "premise") for v in df[c].dropna()}
                      | {r["input"] for r in PREMISE_ROWS})
    names = sorted({v for c in ("street", "settlement", "district") for v in df[c].dropna()})
    got = address_con.execute("SELECT v, premise_number_key(v), address_number(v) FROM unnest(?) t(v)", [premises]).fetchall()
    assert [(v, premise_number_key(v), number_normal_form(v)) for v in premises] == sorted(got)
    got = address_con.execute("SELECT v, street_key(v) FROM unnest(?) t(v)", [names]).fetchall()
    assert [(v, street_key(v)) for v in names] == sorted(got)


def test_key_twins_agree_on_random_strings(address_con):
    rnd = random.Random(7)
    alphabet = ("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ0123456789 .,;-/№()"
                "IVXHNAOoivxhna\u00a0–«»'\"")
    values = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14))) for _ in range(5000)]
    values += ["кв. " + v for v in values[:1000]] + ["пом." + v for v in values[1000:2000]]
    got = address_con.execute("SELECT premise_number_key(v), address_number(v), street_key(v) "
                      "FROM unnest(?) WITH ORDINALITY t(v, n) ORDER BY n", [values]).fetchall()
    assert got == [(premise_number_key(v), number_normal_form(v), street_key(v)) for v in values]


# --- packaging --------------------------------------------------------------------------------------


def test_nothing_reads_the_shared_folder_at_run_time():
    package = HERE.parent / "transforms" / "address"
    for path in package.rglob("*.py"):
        assert "/work/shared" not in path.read_text(encoding="utf-8"), path
    for name in ("AS_ADDR_OBJ_TYPES.csv", "AS_HOUSE_TYPES.csv", "AS_APARTMENT_TYPES.csv", "AS_ROOM_TYPES.csv",
                 "SOURCES.md"):
        assert (package / "data" / name).is_file()


def test_macros_register_on_a_read_only_warehouse(tmp_path):
    path = str(tmp_path / "w.duckdb")
    duckdb.connect(path).close()
    ro = duckdb.connect(path, read_only=True)
    register_address_functions(ro)
    assert ro.execute("SELECT address_parse('ул. Ленина, д. 5').house").fetchone()[0] == "5"
    ro.close()
