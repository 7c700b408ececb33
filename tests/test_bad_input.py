"""Bad input never crashes a run and never vanishes: each bad file is reported, the rest loads."""

import datetime as dt
import io
import shutil
import zipfile

import duckdb
import pytest
import xlsxwriter

from conftest import CONFORMANCE
from flows.pipeline import run_pipeline
from generator.headers import RESIDENTIAL_HEADER, RESIDENTIAL_SHEET
from sheet_kit import openpyxl_workbook
from transforms.landing.archive import MEMBERS_PER_UNIT

class ReportFixture(dict):
    """The load report by (source_file, source_sheet), with the quarantine and the status column's comment."""

    def __init__(self, rows: dict, quarantine: list[tuple], status_comment: str | None):
        super().__init__(rows)
        self.quarantine = quarantine
        self.status_comment = status_comment


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<extract_base_params_room><room_record><object><common_data><cad_number>&lol2;</cad_number></common_data></object></room_record></extract_base_params_room>"""


def _xlsx_without_premise_number() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Жилые помещения")
    sheet.write_row(0, 0, ["Адрес МКД, в котором расположено жилое помещение", "Общая площадь жилого помещения по паспорту помещения"])
    sheet.write_row(1, 0, ["г. Екатеринбург, ул. Ленина, д. 1", 36.7])
    sheet.write_row(2, 0, ["г. Екатеринбург, ул. Ленина, д. 1", 41.2])
    book.close()
    return buffer.getvalue()


def _premises_xlsx(header: list, rows: list[list]) -> bytes:
    """The residential premises template as the generator writes its header, written with openpyxl."""
    return openpyxl_workbook({RESIDENTIAL_SHEET: [header, *rows]})


PREMISES = [
    ["г. Екатеринбург, ул. Ленина, д. 1", "1", "1", "Отдельная квартира", 36.7, 20.1, "66:41:0218860:182", "Да"],
    ["г. Екатеринбург, ул. Ленина, д. 1", "2", "1", "Отдельная квартира", 41.2, 25.0, None, "Да"],
    ["г. Екатеринбург, ул. Ленина, д. 1", "3", "1", "Отдельная квартира", 52.9, 31.4, None, "Нет"],
]
NUMBER = RESIDENTIAL_HEADER[0].index("Номер помещения*")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    landing = tmp_path_factory.mktemp("bad") / "landing"
    shutil.copytree(CONFORMANCE / "landing", landing)
    bad = landing / "bad"
    bad.mkdir()
    good_zip = (CONFORMANCE / "landing" / "gis" / "uo2_export.zip").read_bytes()
    (bad / "truncated.zip").write_bytes(good_zip[: len(good_zip) // 2])
    (bad / "not_really.xml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (bad / "bomb.xml").write_bytes(BILLION_LAUGHS)
    (bad / "no_number.xlsx").write_bytes(_xlsx_without_premise_number())
    (bad / "template_no_number.xlsx").write_bytes(_premises_xlsx(
        RESIDENTIAL_HEADER[0][:NUMBER] + RESIDENTIAL_HEADER[0][NUMBER + 1:],
        [row[:NUMBER] + row[NUMBER + 1:] for row in PREMISES]))
    (bad / "number_twice_same.xlsx").write_bytes(_premises_xlsx(
        RESIDENTIAL_HEADER[0] + ["Номер помещения"], [row + [row[NUMBER]] for row in PREMISES]))
    (bad / "number_twice_differs.xlsx").write_bytes(_premises_xlsx(
        RESIDENTIAL_HEADER[0] + ["Номер помещения"], [row + [n] for row, n in zip(PREMISES, ["1", "2А", "3"])]))
    (bad / "extract.xml.p7s").write_bytes(b"0\x82\x01\x00" + bytes(range(252)))
    (bad / "utf16.csv").write_bytes("Адрес дома;Номер ПУ в ГИС ЖКХ\nул. Ленина;1\n".encode("utf-16"))
    with zipfile.ZipFile(bad / "evil.zip", "w") as archive:
        archive.writestr("../../evil.csv", "Адрес дома;Номер ПУ в ГИС ЖКХ\n")
        archive.writestr("ok/readme.txt", "not a template")
    # A symlink to an archive outside the landing dir, big enough to be read in several parts if followed.
    outside = tmp_path_factory.mktemp("outside") / "big.zip"
    with zipfile.ZipFile(outside, "w") as archive:
        for i in range(MEMBERS_PER_UNIT + 1):
            archive.writestr(f"x/{i}.txt", "")
    (bad / "linked.zip").symlink_to(outside)
    warehouse = tmp_path_factory.mktemp("w") / "w.duckdb"
    run_pipeline(landing, warehouse, as_of=dt.date(2025, 1, 20))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT source_file, source_sheet, status, reason, rows_read, rows_loaded, rows_quarantined FROM quality.load_report"
        ).fetchall()
        quarantine = con.execute("SELECT source_file, source_row, reason FROM quality.quarantine ORDER BY ALL").fetchall()
        status_comment = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE schema_name = 'quality' AND table_name = 'load_report' "
            "AND column_name = 'status'"
        ).fetchone()[0]
        yield ReportFixture({(r[0], r[1]): r[2:] for r in rows}, quarantine, status_comment)


@pytest.mark.parametrize(
    "source_file, sheet, status, reason_part",
    [
        ("bad/truncated.zip", None, "rejected", "архив"),
        ("bad/not_really.xml", None, "unrecognised", ""),
        ("bad/bomb.xml", None, "rejected", "DOCTYPE"),
        ("bad/utf16.csv", None, "unrecognised", ""),
        ("bad/evil.zip/../../evil.csv", None, "rejected", "небезопасный путь"),
        ("bad/evil.zip/ok/readme.txt", None, "unrecognised", ""),
        ("bad/linked.zip", None, "rejected", "символическая ссылка"),
    ],
)
def test_bad_file_is_reported(report, source_file, sheet, status, reason_part):
    matches = [(k, v) for k, v in report.items() if k[0] == source_file or (reason_part == "небезопасный путь" and "evil" in k[0] and v[0] == "rejected")]
    assert matches, f"{source_file} is missing from the load report"
    (_, (got_status, reason, *_)), *_ = matches
    assert got_status == status
    assert reason_part in (reason or "")


def test_sheet_without_required_column_quarantines_its_rows(report):
    status, reason, read, loaded, quarantined = report[("bad/no_number.xlsx", "Жилые помещения")]
    assert (status, read, loaded, quarantined) == ("rejected", 2, 0, 2)
    assert "Номер помещения" in reason


def test_good_files_are_unaffected(report):
    assert report[("gis/houses_uo_2024-12.xlsx", "Жилые помещения")][2:] == (53, 53, 0)
    assert all(v[2] == v[3] + v[4] for v in report.values())


def test_premises_template_without_premise_number_is_rejected_not_loaded_as_houses(report):
    reason = "нет обязательного столбца «Номер помещения»"
    assert report[("bad/template_no_number.xlsx", RESIDENTIAL_SHEET)] == ("rejected", reason, 3, 0, 3)
    assert [q for q in report.quarantine if q[0] == "bad/template_no_number.xlsx"] == [
        ("bad/template_no_number.xlsx", row, reason) for row in (2, 3, 4)]


def test_required_header_twice_with_the_same_values_loads_once(report):
    status, reason, *counts = report[("bad/number_twice_same.xlsx", RESIDENTIAL_SHEET)]
    assert (status, counts) == ("loaded", [3, 3, 0])
    assert "указан дважды" in reason


def test_required_header_twice_with_different_values_is_partial(report):
    status, reason, *counts = report[("bad/number_twice_differs.xlsx", RESIDENTIAL_SHEET)]
    assert (status, counts) == ("partial", [3, 2, 1])
    assert [q for q in report.quarantine if q[0] == "bad/number_twice_differs.xlsx"] == [
        ("bad/number_twice_differs.xlsx", 3, "столбец «Номер помещения» указан дважды с разными значениями")]


def test_signatures_are_listed_as_signatures_with_no_rows(report):
    assert report[("bad/extract.xml.p7s", None)][0::2] == ("signature", 0, 0)
    signatures = {k: v for k, v in report.items() if k[0].endswith(".sig")}
    assert signatures  # the conformance EGRN batch carries detached «.sig» files
    assert {v[0] for v in signatures.values()} == {"signature"}
    assert {v[2:] for v in signatures.values()} == {(0, 0, 0)}
    assert "signature" in report.status_comment
