"""Recognising whole landing files (transforms/parse/batch.py): statuses, kinds and row accounting."""

import base64
import hashlib

import pytest

from generator.headers import RESIDENTIAL_HEADER, RESIDENTIAL_SHEET
from sheet_kit import openpyxl_workbook
from transforms.parse.batch import LandingBatch, looks_like_signature, parse_file

PREMISE_ROWS = [
    ["г. Екатеринбург, ул. Ленина, д. 1", "1", "1", "Отдельная квартира", 36.7, 20.1, "66:41:0218860:182", "Да"],
    ["г. Екатеринбург, ул. Ленина, д. 1", "2", "1", "Отдельная квартира", 41.2, 25.0, None, "Да"],
]
# A PKCS#7 ContentInfo header: SEQUENCE, OID 1.2.840.113549.1.7.2 (signedData), [0] ...
SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")


def parsed(source_file: str, data: bytes) -> LandingBatch:
    batch = LandingBatch()
    parse_file(batch, source_file, data, hashlib.sha256(data).hexdigest())
    return batch


def assert_rows_add_up(batch: LandingBatch) -> None:
    batch.compact()
    for sheet in batch.sheets:
        key = (sheet["source_file"], sheet["source_sheet"])
        loaded = sum(
            sum(1 for f, s in zip(t["source_file"].to_pylist(), t["source_sheet"].to_pylist()) if (f, s) == key)
            for tables in batch.tables.values() for t in tables
        )
        quarantined = sum((r["source_file"], r["source_sheet"]) == key for r in batch.rejected_rows)
        assert sheet["rows_read"] == loaded + quarantined, key


# --- sheet kind and required columns ----------------------------------------------------------------------------

def test_workbook_whose_premises_sheet_lacks_premise_number_is_rejected_and_its_rows_quarantined():
    header = [[h for h in RESIDENTIAL_HEADER[0] if h != "Номер помещения*"]]
    rows = [row[:1] + row[2:] for row in PREMISE_ROWS]
    batch = parsed("gis/houses.xlsx", openpyxl_workbook({RESIDENTIAL_SHEET: header + rows}))
    reason = "нет обязательного столбца «Номер помещения»"
    [file] = batch.files
    [sheet] = batch.sheets
    assert (file["kind"], file["status"]) == ("gis_residential_premises", "rejected")
    assert reason in file["reason"]
    assert (sheet["kind"], sheet["status"], sheet["reason"], sheet["rows_read"]) == (
        "gis_residential_premises", "rejected", reason, 2)
    assert [(r["source_row"], r["reason"]) for r in batch.rejected_rows] == [(2, reason), (3, reason)]
    assert batch.compact().tables == {}  # nothing loads as houses (or anything else)
    assert_rows_add_up(batch)


def test_workbook_with_one_good_and_one_rejected_sheet_is_parsed():
    good = RESIDENTIAL_HEADER + PREMISE_ROWS
    bad = [[h for h in RESIDENTIAL_HEADER[0] if h != "Номер помещения*"]] + [row[:1] + row[2:] for row in PREMISE_ROWS]
    batch = parsed("gis/houses.xlsx", openpyxl_workbook({RESIDENTIAL_SHEET: good, "Лист2": bad}))
    assert batch.files[0]["status"] == "parsed"
    assert {s["source_sheet"]: s["status"] for s in batch.sheets} == {RESIDENTIAL_SHEET: "parsed", "Лист2": "rejected"}
    assert_rows_add_up(batch)


# --- a required header given twice ------------------------------------------------------------------------------

def test_required_header_twice_loads_the_agreeing_rows_and_quarantines_the_others():
    header = [RESIDENTIAL_HEADER[0] + ["Номер помещения"]]
    rows = [PREMISE_ROWS[0] + ["1"], PREMISE_ROWS[1] + ["2Н"]]
    batch = parsed("gis/houses.xlsx", openpyxl_workbook({RESIDENTIAL_SHEET: header + rows}))
    assert [(r["source_row"], r["reason"]) for r in batch.rejected_rows] == [
        (3, "столбец «Номер помещения» указан дважды с разными значениями")]
    [table] = batch.compact().tables["gis_residential_premises"]
    assert table["source_row"].to_pylist() == [2]
    assert table["premise_number"].to_pylist() == ["1"]
    assert batch.sheets[0]["status"] == "parsed"
    assert_rows_add_up(batch)


# --- electronic signatures beside extracts ----------------------------------------------------------------------

def der_signature(length_form: bytes) -> bytes:
    return b"\x30" + length_form + SIGNED_DATA_OID + b"\xa0\x80" + bytes(range(200))


@pytest.mark.parametrize(
    "name, data",
    [
        ("partiya_1/66_41_0122691_81.xml.sig", b"0\x82\x01\x00" + bytes(range(252))),  # what the generator writes
        ("partiya_1/66_41_0122691_81.xml.SGN", b"\x00\x01\x02 random"),
        ("partiya_1/66_41_0122691_81.xml.p7s", b"anything at all"),
        ("partiya_1/podpis.bin", der_signature(b"\x82\x01\x00")),
        ("partiya_1/podpis", der_signature(b"\x80")),
        ("partiya_1/podpis.dat", der_signature(b"\x81\xf0")),
        ("partiya_1/podpis.txt", b"-----BEGIN PKCS7-----\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\n-----END PKCS7-----\n"),
        ("partiya_1/podpis.txt", base64.b64encode(der_signature(b"\x80"))),
    ],
)
def test_signature_is_listed_with_its_own_status_and_no_rows(name, data):
    batch = parsed(name, data)
    [file] = batch.files
    [sheet] = batch.sheets
    assert (file["kind"], file["status"]) == ("signature", "signature")
    assert (sheet["kind"], sheet["status"], sheet["rows_read"]) == ("signature", "signature", 0)
    assert "подпис" in sheet["reason"]
    assert batch.rejected_rows == [] and batch.compact().tables == {}


@pytest.mark.parametrize(
    "data",
    [
        b"0\x82\x01\x00" + bytes(range(252)),  # DER, but not PKCS#7 (e.g. a certificate)
        b"\x89PNG\r\n\x1a\n\x00\x00binary",
        b"MII some text that is not base64 of PKCS#7",
    ],
)
def test_other_content_is_not_a_signature(data):
    assert not looks_like_signature("partiya_1/file.cer", data)
    assert parsed("partiya_1/file.cer", data).files[0]["status"] == "unrecognised"


def test_workbook_named_like_a_signature_is_still_read_by_content():
    data = openpyxl_workbook({RESIDENTIAL_SHEET: RESIDENTIAL_HEADER + PREMISE_ROWS})
    batch = parsed("odd/name.sig", data)
    assert batch.files[0]["status"] == "parsed"
    assert batch.sheets[0]["rows_read"] == 2
