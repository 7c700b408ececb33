"""EGRN extracts: both formats, the three tables, personal data kept out, hostile XML rejected."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pyarrow as pa
import pytest

from transforms.parse.egrn import (
    BUILDING_COLUMNS,
    BUILDING_ROOM_COLUMNS,
    KIND_BUILDING,
    KIND_OTHER,
    KIND_ROOM,
    ROOM_COLUMNS,
    EgrnExtract,
    EgrnRejected,
    detect_egrn_root,
    parse_egrn,
    parse_egrn_batch,
)

FIXTURES = Path(__file__).parent / "fixtures" / "egrn"
KHABAROVSK = FIXTURES / "khabarovsk"
CONFORMANCE = Path(__file__).parent / "fixtures" / "conformance" / "landing" / "rosreestr"
XSD = FIXTURES / "xsd"

KHABAROVSK_KINDS = {
    "cooperative-own.xml": KIND_ROOM,
    "governance-owner.xml": KIND_ROOM,
    "no-rights.xml": KIND_ROOM,
    "not-flat-with-flat-tag.xml": KIND_BUILDING,
    "not-flat.xml": KIND_OTHER,
    "organization-owner.xml": KIND_ROOM,
    "person-owner-not-governance.xml": KIND_ROOM,
    "persons-owners.xml": KIND_ROOM,
    "right-not-found.xml": KIND_ROOM,
    "village.xml": KIND_ROOM,
}


def parse_file(path: Path) -> EgrnExtract:
    return parse_egrn(path.read_bytes(), path.name)


def only_room(path: Path) -> dict:
    extract = parse_file(path)
    assert extract.kind == KIND_ROOM and len(extract.rooms) == 1
    assert not extract.buildings and not extract.building_rooms
    return extract.rooms[0]


# --- old format (real Khabarovsk extracts) ------------------------------------------------------


def test_every_khabarovsk_file_is_recognised_with_its_kind():
    assert sorted(p.name for p in KHABAROVSK.glob("*.xml")) == sorted(KHABAROVSK_KINDS)
    for name, kind in KHABAROVSK_KINDS.items():
        data = (KHABAROVSK / name).read_bytes()
        assert detect_egrn_root(data[:512]) in {"KPOKS", "KVOKS", "KVZU"}
        assert parse_egrn(data, name).kind == kind, name


def test_kpoks_flat_columns():
    row = only_room(KHABAROVSK / "persons-owners.xml")
    assert tuple(row) == ROOM_COLUMNS
    expected = {
        "source_file": "persons-owners.xml",
        "extract_format": "kpoks",
        "extract_root": "KPOKS",
        "extract_date": "2017-09-27",
        "cadastral_number": "27:23:0051205:841",
        "quarter_cadastral_number": "27:23:0051205",
        "building_cadastral_number": "27:23:0051205:78",
        "object_type_code": "002001003000",
        "purpose_code": "206002000000",
        "room_type_code": "205001000000",
        "area": "43",
        "floor": "05",
        "floor_type": "01",
        "plan_number": "44",
        "okato": "08401365000",
        "kladr": "27000001000040800",
        "region_code": "27",
        "city_type": "г",
        "city_name": "Хабаровск",
        "street_type": "пер",
        "street_name": "Краснореченский",
        "house_type": "д",
        "house_number": "8",
        "apartment_type": "кв",
        "apartment_number": "44",
        "registration_date": "2012-06-28",
        "status": "01",
        "old_numbers": "01:15960",
        "cadastral_cost": "1512172.83",
    }
    assert {k: row[k] for k in expected} == expected
    assert all(row[k] is None for k in ROOM_COLUMNS if k not in expected)


def test_kpoks_village_non_residential_and_odd_values():
    village = only_room(KHABAROVSK / "village.xml")
    assert (village["district"], village["locality_type"], village["locality_name"]) == ("Хабаровский", "с", "Калинка")
    assert (village["house_number"], village["apartment_number"], village["area"]) == ("1", "52", "47.6")
    assert village["city_name"] is None

    office = only_room(KHABAROVSK / "organization-owner.xml")
    assert office["cadastral_number"] == "27:23:0051202:126"
    assert (office["purpose_code"], office["room_type_code"]) == ("206001000000", None)
    assert (office["apartment_type"], office["apartment_number"]) == ("пом", "I (1-31)")
    assert office["plan_number"] == "I (1-31)" and office["area"] == "718"
    assert office["urban_district"] == "Индустриальный"

    # Two old numbers kept in document order; an empty NumberOnPlan="" is a missing value.
    flat = only_room(KHABAROVSK / "person-owner-not-governance.xml")
    assert flat["old_numbers"] == "02:27:23:748:4/19233:25;01:19233"
    assert (flat["floor"], flat["plan_number"]) == ("4", None)


def test_kvoks_building_and_its_flats_list():
    extract = parse_file(KHABAROVSK / "not-flat-with-flat-tag.xml")
    assert (extract.kind, extract.format, extract.cadastral_number) == (KIND_BUILDING, "kvoks", "27:23:0050732:75")
    assert not extract.rooms
    [building] = extract.buildings
    assert tuple(building) == BUILDING_COLUMNS
    assert {
        k: building[k]
        for k in (
            "cadastral_number", "quarter_cadastral_number", "object_type_code", "purpose_code", "name", "area",
            "floors", "year_built", "land_cadastral_numbers", "city_name", "urban_district", "street_name",
            "house_number", "apartment_number", "cadastral_cost", "extract_date",
        )
    } == {
        "cadastral_number": "27:23:0050732:75",
        "quarter_cadastral_number": "27:23:0050732",
        "object_type_code": "002001002000",
        "purpose_code": "204003000000",
        "name": "Жилой дом",
        "area": "2881",
        "floors": "3",
        "year_built": "1957",
        "land_cadastral_numbers": "27:23:0050732:12",
        "city_name": "Хабаровск",
        "urban_district": "Индустриальный",
        "street_name": "Краснореченская",
        "house_number": "11",
        "apartment_number": None,
        "cadastral_cost": "116444445.3",
        "extract_date": "2017-09-25",
    }  # fmt: skip
    rooms = extract.building_rooms
    assert len(rooms) == 35 == len({r["room_cadastral_number"] for r in rooms})
    assert all(tuple(r) == BUILDING_ROOM_COLUMNS for r in rooms)
    assert {r["building_cadastral_number"] for r in rooms} == {"27:23:0050732:75"}
    assert rooms[0] == {
        "source_file": "not-flat-with-flat-tag.xml",
        "building_cadastral_number": "27:23:0050732:75",
        "room_cadastral_number": "27:23:0050732:327",
        "area": "58.8",
        "floor": "03",
        "plan_number": "33",
    }


def test_kvzu_land_parcel_is_egrn_other_without_rows():
    extract = parse_file(KHABAROVSK / "not-flat.xml")
    assert (extract.kind, extract.format, extract.root) == (KIND_OTHER, "kvzu", "KVZU")
    assert extract.cadastral_number == "27:23:0050722:13"
    assert not extract.rooms and not extract.buildings and not extract.building_rooms


# --- current format ------------------------------------------------------------------------------


def test_current_format_rooms_from_the_conformance_sample():
    flat = only_room(CONFORMANCE / "66_41_0365230_308.xml")
    assert (flat["extract_format"], flat["extract_root"], flat["extract_date"]) == (
        "current", "extract_about_property_room", "2024-11-12",
    )  # fmt: skip
    assert (flat["cadastral_number"], flat["building_cadastral_number"]) == ("66:41:0365230:308", "66:41:0365230:300")
    assert (flat["purpose"], flat["room_type"], flat["area"], flat["floor"]) == ("Жилое помещение", "Квартира", "36.8", "1")
    assert flat["house_fias_guid"] == "599e891a-6bcc-4b32-a1a7-a5dc7c12c335"
    assert (flat["locality_type"], flat["locality_name"], flat["street_name"], flat["house_number"]) == (
        "п", "Исток", "Озернй", "13",
    )  # fmt: skip
    assert flat["readable_address"] == "Свердловская область, пос. Исток, пер Озернй, д 13, кв 7"
    assert (flat["status"], flat["cadastral_cost"], flat["registration_date"]) == (
        "Актуальные", "3979289.85", "2006-01-06T00:00:00",
    )  # fmt: skip

    basement = only_room(CONFORMANCE / "report-66_41_0126552_759.xml")
    assert basement["extract_root"] == "extract_base_params_room"
    assert (basement["purpose_code"], basement["name"], basement["common_property"]) == ("206001000000", "Подвал", "true")
    assert (basement["floor"], basement["floor_type"], basement["plan_number"]) == ("0", "04", "I")
    assert (basement["apartment_type"], basement["apartment_number"], basement["house_fias_guid"]) == ("пом", "I", None)


def test_current_format_building_from_the_conformance_zip():
    with zipfile.ZipFile(CONFORMANCE / "vypiski_egrn_2024-11_01.zip") as zf:
        data = zf.read("partiya_1/report-66_41_0365230_300.xml")
    extract = parse_egrn(data, "partiya_1/report-66_41_0365230_300.xml")
    [building] = extract.buildings
    assert (building["cadastral_number"], building["purpose"], building["area"]) == (
        "66:41:0365230:300", "Многоквартирный дом", "798.1",
    )  # fmt: skip
    assert (building["floors"], building["underground_floors"], building["year_built"], building["year_commissioning"]) == (
        "2", "0", "1961", "1961",
    )  # fmt: skip
    assert building["land_cadastral_numbers"] == "66:41:0365230:12"
    assert building["house_fias_guid"] == "599e891a-6bcc-4b32-a1a7-a5dc7c12c335"
    rooms = [r["room_cadastral_number"] for r in extract.building_rooms]
    assert len(rooms) == 15 and rooms[0] == "66:41:0365230:301" and "66:41:0365230:308" in rooms


def test_xsd_built_room_with_full_address():
    row = only_room(XSD / "extract_base_params_room_full.xml")
    assert row == {
        "source_file": "extract_base_params_room_full.xml",
        "extract_format": "current",
        "extract_root": "extract_base_params_room",
        "extract_date": "2024-03-15",
        "cadastral_number": "72:23:0430001:1234",
        "quarter_cadastral_number": "72:23:0430001",
        "building_cadastral_number": "72:23:0430001:500",
        "parent_room_cadastral_number": "72:23:0430001:1200",
        "object_type_code": "002001003000",
        "purpose_code": "206002000000",
        "purpose": "Жилое помещение",
        "room_type_code": "205002000000",
        "room_type": "Комната",
        "name": "Комната",
        "area": "18.4",
        "floor": "7",  # the first of two levels
        "floor_type": "01",
        "plan_number": "14/3",
        "common_property": "false",
        "special_type": "207002000000",
        "house_fias_guid": "3ad7a9bf-2b5b-4b2a-9d3e-1c6f0e8a7b21",
        "oktmo": "71701000001",  # address_fias wins over address/location
        "okato": "71401000000",
        "kladr": "72000001000012300",
        "postal_code": "625000",
        "region_code": "72",
        "district": "Тюменский",
        "city_type": "г",
        "city_name": "Тюмень",
        "urban_district": "Центральный",
        "locality_type": "мкр",
        "locality_name": "Зареченский",
        "street_type": "ул",
        "street_name": "Республики",
        "house_type": "д",
        "house_number": "25А",
        "korpus": "2",
        "stroenie": "1",
        "apartment_type": "кв",
        "apartment_number": "14",
        "readable_address": "Российская Федерация, Тюменская область, город Тюмень, улица Республики, дом 25А, "
        "корпус 2, строение 1, квартира 14, комната 3",
        "address_note": "Тюменская обл., г. Тюмень, ул. Республики, д. 25А, корп. 2, стр. 1, кв. 14, комн. 3",
        "registration_date": "2015-04-01T00:00:00",
        "cancel_date": "2023-12-31T00:00:00",
        "status": "Актуальные",
        "old_numbers": "01:71:401:001:000123450:0001:20012;03:72-72-01/123/2010-456",
        "cadastral_cost": "1234567.89",
    }


def test_xsd_built_building_merges_room_positions_and_lists_parking():
    extract = parse_file(XSD / "extract_base_params_build.xml")
    [building] = extract.buildings
    assert building["land_cadastral_numbers"] == "72:23:0430001:10;72:23:0430001:11"
    assert (building["year_commissioning"], building["underground_floors"]) == ("2012", "1")
    assert [(r["room_cadastral_number"], r["floor"], r["plan_number"]) for r in extract.building_rooms] == [
        ("72:23:0430001:1200", None, None),
        ("72:23:0430001:1201", "2", "15"),
        ("72:23:0430001:1202", None, None),
        ("72:23:0430001:1900", "-1", "М-7"),
    ]


def test_xsd_built_parking_place_is_a_room_row():
    row = only_room(XSD / "extract_base_params_car_parking_space.xml")
    assert (row["cadastral_number"], row["object_type_code"], row["building_cadastral_number"]) == (
        "72:23:0430001:1900", "002001009000", "72:23:0430001:500",
    )  # fmt: skip
    assert (row["area"], row["floor"], row["floor_type"], row["plan_number"]) == ("13.3", "-1", "03", "М-7")


def test_namespaced_current_format_is_tolerated():
    data = (CONFORMANCE / "66_41_0365230_308.xml").read_bytes().replace(
        b"<extract_about_property_room ", b'<extract_about_property_room xmlns="urn://example/egrn" ', 1
    )
    assert detect_egrn_root(data[:200]) == "extract_about_property_room"
    assert only_room(CONFORMANCE / "66_41_0365230_308.xml") | {"source_file": "x"} == (
        parse_egrn(data, "x").rooms[0]
    )


def test_other_current_format_object_is_egrn_other():
    data = (
        "<extract_base_params_land><land_record><object><common_data>"
        "<cad_number>72:23:0430001:10</cad_number></common_data></object></land_record>"
        "<status>Актуальные</status></extract_base_params_land>"
    ).encode()
    extract = parse_egrn(data, "land.xml")
    assert (extract.kind, extract.cadastral_number, extract.rooms, extract.buildings) == (
        KIND_OTHER, "72:23:0430001:10", [], [],
    )  # fmt: skip


# --- personal data -------------------------------------------------------------------------------

PERSONAL = ("REDACTED", "Петров", "Петрова", "Анна", "Сергеевна", "Регистраторова", "Тобольск", "Частная", "7100")
SNILS = re.compile(r"\d{3}-\d{3}-\d{3}[ -]\d{2}")


def all_fixture_files() -> list[Path]:
    return sorted(KHABAROVSK.glob("*.xml")) + sorted(CONFORMANCE.rglob("*.xml")) + sorted(XSD.glob("*.xml"))


def test_no_personal_data_in_any_output_value():
    files = [(p.name, p.read_bytes()) for p in all_fixture_files()]
    assert any(b"REDACTED" in d for _, d in files) and any(b"112-233-445 95" in d for _, d in files)
    batch = parse_egrn_batch(files)
    assert not batch.rejects
    values = [
        v
        for table in (batch.rooms, batch.buildings, batch.building_rooms)
        for column in table.columns
        for v in column.to_pylist()
        if v is not None
    ]
    assert len(values) > 300
    for v in values:
        assert not any(word in v for word in PERSONAL), v
        assert not SNILS.search(v), v
        # Owners that are organisations are not premise data either.
        assert "Дальневосточный банк" not in v and "ИНН" not in v, v


# --- hostile and broken input --------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE extract_base_params_room [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<extract_base_params_room><room_record><object><common_data>
<cad_number>&lol9;</cad_number></common_data></object></room_record></extract_base_params_room>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE extract_base_params_room [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<extract_base_params_room><room_record><params><name>&xxe;</name></params></room_record></extract_base_params_room>
"""


@pytest.mark.parametrize(
    "data",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, BILLION_LAUGHS.decode().replace('"1.0"?>', '"1.0" encoding="UTF-16"?>').encode("utf-16")],
    ids=["billion-laughs", "external-entity", "billion-laughs-utf16"],
)
def test_entity_declarations_are_rejected_not_expanded(data):
    assert detect_egrn_root(data[:300]) == "extract_base_params_room"  # routed to the parser…
    with pytest.raises(EgrnRejected) as info:
        parse_egrn(data, "evil.xml")
    assert "DOCTYPE" in info.value.reason  # …which refuses it
    assert "root:" not in info.value.reason and "lol" not in info.value.reason


def test_the_parser_itself_neither_expands_nor_fetches_entities():
    # Second line of defence, below the DOCTYPE refusal: the lxml parser configuration.
    from lxml import etree

    from transforms.parse.egrn import _parser

    root = etree.fromstring(EXTERNAL_ENTITY, _parser())
    assert "root:" not in etree.tostring(root, encoding="unicode")
    try:
        root = etree.fromstring(BILLION_LAUGHS, _parser())
    except etree.XMLSyntaxError:
        return  # libxml2's amplification guard stopped it: fine too
    assert len(etree.tostring(root)) < 10_000


SCHEMAS = FIXTURES / "schemas"


@pytest.mark.parametrize("kind", ["room", "build", "car_parking_space"])
def test_synthetic_fixtures_follow_the_published_schema(kind):
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / f"extract_base_params_{kind}_v01.xsd")))
    name = {"room": "extract_base_params_room_full"}.get(kind, f"extract_base_params_{kind}")
    assert schema.validate(etree.parse(str(XSD / f"{name}.xml"))), schema.error_log


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n not xml at all", "не XML"),
        ("Адрес;Номер помещения\nг. Тюмень;1\n".encode("cp1251"), "не XML"),
        (b"", "не XML"),
        ((CONFORMANCE / "66_41_0365230_308.xml").read_bytes()[:1500], "не XML"),  # truncated
        (b"<ADDRESSOBJECTS><OBJECT ID='1'/></ADDRESSOBJECTS>", "не выписка ЕГРН"),
    ],
    ids=["binary", "csv", "empty", "truncated", "gar-not-egrn"],
)
def test_broken_input_is_rejected_with_a_reason(data, reason):
    with pytest.raises(EgrnRejected) as info:
        parse_egrn(data, "bad.xml")
    assert info.value.reason.startswith(reason)


@pytest.mark.parametrize(
    ("head", "root"),
    [
        (b"<?xml version='1.0' encoding='UTF-8'?>\n<extract_base_params_room guid='x'>", "extract_base_params_room"),
        (b"\xef\xbb\xbf<?xml version='1.0'?><!-- c --><extract_about_property_build>", "extract_about_property_build"),
        ((KHABAROVSK / "village.xml").read_bytes()[:300], "KPOKS"),
        ("<?xml version='1.0'?><KVOKS xmlns='urn:x'>".encode("utf-16"), "KVOKS"),
        (b"<ns0:KVZU xmlns:ns0='urn://x-artefacts-rosreestr-ru/outgoing/kvzu/7.0.1'>", "KVZU"),
        (b"<ADDRESSOBJECTS>", None),
        (b"PK\x03\x04\x14\x00", None),
        ("Адрес;Номер\n".encode(), None),
        (b"", None),
        (b"<?xml version='1.0'", None),
    ],
)
def test_detect_egrn_root(head, root):
    assert detect_egrn_root(head) == root


def test_batch_returns_string_tables_rejects_and_kinds():
    files = [(p.name, p.read_bytes()) for p in sorted(KHABAROVSK.glob("*.xml"))]
    files += [("evil.xml", BILLION_LAUGHS), ("broken.xml", b"<extract_base_params_room><room")]
    files += [("66_41_0365230_308.xml", (CONFORMANCE / "66_41_0365230_308.xml").read_bytes())]
    batch = parse_egrn_batch(files)
    for table, columns in (
        (batch.rooms, ROOM_COLUMNS),
        (batch.buildings, BUILDING_COLUMNS),
        (batch.building_rooms, BUILDING_ROOM_COLUMNS),
    ):
        assert tuple(table.column_names) == columns
        assert all(field.type == pa.string() for field in table.schema)
    assert (batch.rooms.num_rows, batch.buildings.num_rows, batch.building_rooms.num_rows) == (9, 1, 35)
    assert [name for name, _ in batch.rejects] == ["evil.xml", "broken.xml"]
    assert batch.rejects[1][1].startswith("не XML")
    assert batch.kinds == {**KHABAROVSK_KINDS, "66_41_0365230_308.xml": KIND_ROOM}
    assert batch.rooms.column("area").to_pylist()[-1] == "36.8"


def test_empty_batch_has_the_columns():
    batch = parse_egrn_batch([])
    assert tuple(batch.rooms.column_names) == ROOM_COLUMNS and batch.rooms.num_rows == 0
    assert batch.rejects == [] and batch.kinds == {}
