"""Reading GIS ZhKKh spreadsheets: xlsx and CSV into raw text with exact lineage."""

import datetime as dt
import io

import pytest
import xlsxwriter

from generator.headers import RESIDENTIAL_HEADER, RESIDENTIAL_SHEET
from sheet_kit import openpyxl_workbook
from transforms.parse.spreadsheet import (
    UnreadableFile, cell_text, decode_text, looks_like_xlsx, read_csv, read_xlsx, sniff_delimiter,
)

HOUSE_HEADER = ["Адрес МКД, в котором расположено жилое помещение*", "Номер помещения*",
                "Общая площадь жилого помещения по паспорту помещения*", "Кадастровый номер"]


def workbook(sheets: dict[str, list[list]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    "value, text",
    [(1.0, "1"), (36.7, "36.7"), ("  5а ", "5а"), ("", None), (None, None),
     (dt.date(2024, 4, 2), "02.04.2024"), (dt.datetime(2024, 4, 2), "02.04.2024"), (True, "Да"),
     (66926904671588.0, "66926904671588")],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_xlsx_rows_are_numbered_as_a_spreadsheet_program_shows_them():
    data = workbook({"Жилые помещения": [
        ["Выгрузка"], [],  # title and a blank row above the header
        HOUSE_HEADER,
        ["г. Екатеринбург, ул. Ленина, д. 1", 1, 36.7, "66:41:0218860:182"],
        [None, None, None, None],  # blank row inside the data: not a data row
        ["г. Екатеринбург, ул. Ленина, д. 1", "1-Н", "54,2", None],
    ]})
    assert looks_like_xlsx(data)
    [sheet] = read_xlsx(data, "houses.xlsx")
    assert sheet.kind == "gis_residential_premises"
    assert sheet.source_rows == [4, 6]
    assert sheet.columns["premise_number"] == ["1", "1-Н"]
    assert sheet.columns["total_area"] == ["36.7", "54,2"]
    assert sheet.rows_read == 2


def test_xlsx_without_a_required_column_quarantines_every_row():
    data = workbook({"Жилые помещения": [
        ["Адрес МКД, в котором расположено жилое помещение", "Общая площадь жилого помещения по паспорту помещения"],
        ["ул. Ленина, д. 1", 36.7],
        ["ул. Ленина, д. 1", 40.1],
    ]})
    [sheet] = read_xlsx(data, "x.xlsx")
    assert sheet.status == "rejected"
    assert "Номер помещения" in sheet.reason
    assert [row for row, _ in sheet.rejected_rows] == [2, 3]
    assert sheet.rows_read == 2


def test_personal_data_columns_are_never_read():
    data = workbook({"Основные сведения": [
        ["№ записи", "Номер ЛС (иной идентификатор потребителя)", "Идентификатор ЖКУ", "Сведения о плательщике - физическом лице", "", "", ""],
        ["", "", "", "Фамилия", "Имя потребителя", "Отчество (при наличии)", "СНИЛС потребителя"],
        [1, "700001", "66ЖЛ560281-01", "Фёдоров", "Андрей", "Юрьевич", "123-456-789 00"],
    ]})
    [sheet] = read_xlsx(data, "accounts.xlsx")
    values = [v for column in sheet.columns.values() for v in column]
    assert sheet.kind == "gis_accounts"
    assert not {"Фёдоров", "Андрей", "Юрьевич", "123-456-789 00"} & set(values)


def test_unknown_sheets_come_back_unrecognised():
    data = workbook({"conf": [["TYPE", "GD-UOv4"], ["VERSION", "12.2.0.1"]]})
    [sheet] = read_xlsx(data, "template.xlsx")
    assert sheet.status == "unrecognised"


def test_corrupt_workbook_is_unreadable():
    data = workbook({"Жилые помещения": [HOUSE_HEADER]})
    with pytest.raises(UnreadableFile):
        read_xlsx(data[: len(data) // 2], "broken.xlsx")


def test_csv_in_windows_1251_with_semicolons_and_decimal_comma():
    text = ";".join(HOUSE_HEADER) + "\r\n" + "ул. Ленина, д. 1;1Н;208,8;\r\n"
    sheet = read_csv(text.encode("cp1251"), "export/Жилые помещения.csv")
    assert sheet.kind == "gis_residential_premises"
    assert sheet.columns["premise_number"] == ["1Н"]
    assert sheet.columns["total_area"] == ["208,8"]
    assert sheet.source_rows == [2]


def test_csv_record_starts_on_its_physical_line_after_a_multiline_field():
    header = '"Адрес МКД, в котором расположено жилое помещение","Номер\nпомещения","Общая площадь жилого помещения по паспорту помещения"\n'
    body = '"ул. Ленина,\nд. 1",1,"36,7"\n\n"ул. Ленина, д. 1",2,"40,1"\n'
    sheet = read_csv(("\ufeff" + header + body).encode("utf-8"), "p.csv")
    assert sheet.kind == "gis_residential_premises"
    assert sheet.source_rows == [3, 6]  # header takes lines 1–2, first record lines 3–4, blank line 5


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_decode_text(encoding):
    assert decode_text("Адрес дома;Номер ПУ".encode(encoding)) == "Адрес дома;Номер ПУ"


def test_sniff_delimiter_ignores_commas_inside_quotes():
    assert sniff_delimiter('"обл. Свердловская, г. Екатеринбург, ул. Ленина";1;2\n') == ";"
    assert sniff_delimiter('"a;b",1,2,3\n') == ","


def test_sniff_delimiter_prefers_the_delimiter_every_line_agrees_on():
    # A small semicolon export whose unquoted addresses hold more commas than the lines hold semicolons.
    text = "Адрес МКД, в котором расположено помещение;Номер помещения;Площадь\r\n" + "".join(
        f"Российская Федерация, Свердловская область, город Екатеринбург, улица Ленина{', корпус 2' * (i % 2)}, "
        f"дом {i};{i}Н;54,{i}\r\n" for i in range(1, 10))
    assert sniff_delimiter(text) == ";"
    assert sniff_delimiter("a,b,c\n1,2,3\n4,5,6\n") == ","
    assert sniff_delimiter("a\tb;x\n1\t2\n3\t4\n") == "\t"


# --- the residential premises template as the generator writes it (openpyxl) ----------------------------------

PREMISE_ROWS = [
    ["г. Екатеринбург, ул. Ленина, д. 1", "1", "1", "Отдельная квартира", 36.7, 20.1, "66:41:0218860:182", "Да"],
    ["г. Екатеринбург, ул. Ленина, д. 1", "2", "1", "Отдельная квартира", 41.2, 25.0, None, "Да"],
    ["г. Екатеринбург, ул. Ленина, д. 1", "3", "1", "Отдельная квартира", 52.9, 31.4, None, "Нет"],
]


def without_column(rows: list[list], index: int) -> list[list]:
    return [row[:index] + row[index + 1:] for row in rows]


def test_premises_template_without_premise_number_is_rejected_not_read_as_houses():
    number = RESIDENTIAL_HEADER[0].index("Номер помещения*")
    data = openpyxl_workbook({RESIDENTIAL_SHEET: without_column(RESIDENTIAL_HEADER + PREMISE_ROWS, number)})
    [sheet] = read_xlsx(data, "houses.xlsx")
    assert (sheet.kind, sheet.status) == ("gis_residential_premises", "rejected")
    assert sheet.reason == "нет обязательного столбца «Номер помещения»"
    assert sheet.rejected_rows == [(2, sheet.reason), (3, sheet.reason), (4, sheet.reason)]
    assert sheet.source_rows == [] and sheet.columns == {}


def test_several_missing_required_columns_are_all_named():
    data = openpyxl_workbook({RESIDENTIAL_SHEET: without_column(without_column(RESIDENTIAL_HEADER + PREMISE_ROWS, 1), 0)})
    [sheet] = read_xlsx(data, "houses.xlsx")
    assert sheet.reason == ("нет обязательных столбцов «Адрес МКД, в котором расположено жилое помещение», "
                            "«Номер помещения»")


def with_number_twice(second: list) -> list[list]:
    header = [RESIDENTIAL_HEADER[0] + ["Номер помещения"]]
    return header + [row + [value] for row, value in zip(PREMISE_ROWS, second)]


def test_required_header_twice_with_the_same_values_loads_once_with_a_note():
    data = openpyxl_workbook({RESIDENTIAL_SHEET: with_number_twice([1, "2", " 3 "])})
    [sheet] = read_xlsx(data, "houses.xlsx")
    assert sheet.status == "parsed"
    assert sheet.source_rows == [2, 3, 4] and sheet.rejected_rows == []
    assert sheet.columns["premise_number"] == ["1", "2", "3"]
    assert sheet.reason == "столбец «Номер помещения» указан дважды: значения совпадают, загружены один раз"


def test_required_header_twice_with_different_values_quarantines_those_rows():
    data = openpyxl_workbook({RESIDENTIAL_SHEET: with_number_twice(["1", "20", None])})
    [sheet] = read_xlsx(data, "houses.xlsx")
    reason = "столбец «Номер помещения» указан дважды с разными значениями"
    assert sheet.status == "parsed"
    assert sheet.source_rows == [2]
    assert sheet.columns["premise_number"] == ["1"]
    assert sheet.columns["total_area"] == ["36.7"]
    assert sheet.rejected_rows == [(3, reason), (4, reason)]
    assert sheet.rows_read == 3
    assert "в карантин (2)" in sheet.reason


def test_csv_with_required_header_twice():
    header = ";".join(RESIDENTIAL_HEADER[0] + ["Номер помещения"]).replace("\n", " ")
    lines = [header, "ул. Ленина, д. 1;1;1;Отдельная квартира;36,7;20,1;;Да;1",
             "ул. Ленина, д. 1;2;1;Отдельная квартира;41,2;25;;Да;2А"]
    sheet = read_csv("\r\n".join(lines).encode("cp1251"), "Жилые помещения.csv")
    assert sheet.source_rows == [2]
    assert sheet.rejected_rows == [(3, "столбец «Номер помещения» указан дважды с разными значениями")]
