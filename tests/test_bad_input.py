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
from transforms.landing.archive import MEMBERS_PER_UNIT

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
        yield {(r[0], r[1]): r[2:] for r in rows}


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
