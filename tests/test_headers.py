"""Tolerant header matching (CONTRACT.md §2): case, ё/е, stars, line breaks, tails, multi-row groups."""

import pytest

from transforms.parse.headers import find_header, header_cells, normalise_header
from transforms.parse.specs import (
    BILL_LINES, BILLS, GIS_SHEETS, HOUSES, NONRESIDENTIAL_PREMISES, READINGS, RESIDENTIAL_PREMISES,
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Номер помещения*", "номер помещения"),
        ("  Общая площадь жилого помещения\nпо паспорту помещения* ", "общая площадь жилого помещения по паспорту помещения"),
        ("Расчётный   период", "расчетный период"),
        ("Итого c учетом", "итого с учетом"),  # Latin c folded to Cyrillic с
        (None, ""),
    ],
)
def test_normalise_header(raw, expected):
    assert normalise_header(raw) == expected


def test_instruction_tail_and_star_do_not_matter():
    rows = [[
        "Адрес МКД, в котором расположено жилое помещение*",
        "Номер помещения*",
        "Номер подъезда. Обязательно для заполнения, если Характеристика помещения = «Отдельная квартира»",
        "КАДАСТРОВЫЙ НОМЕР (для связывания сведений с ГКН и ЕГРП). Обязательно для заполнения, если …",
    ]]
    match = find_header(rows, GIS_SHEETS)
    assert match.spec is RESIDENTIAL_PREMISES
    assert match.columns == {"house_address": 0, "premise_number": 1, "entrance_number": 2, "cadastral_number": 3}


def test_residential_and_non_residential_are_told_apart_by_content():
    rows = [["Номер помещения", "Адрес МКД, в котором расположено нежилое помещение", "Общая площадь нежилого помещения по паспорту помещения"]]
    match = find_header(rows, GIS_SHEETS, sheet_name="Лист1")
    assert match.spec is NONRESIDENTIAL_PREMISES
    assert match.columns["house_address"] == 1


def test_longest_accepted_text_wins_over_a_prefix():
    rows = [["Адрес", "Количество этажей, наименьшее", "Кол-во этажей"]]
    match = find_header(rows, [HOUSES])
    assert match.columns["min_floors"] == 1
    assert match.columns["floors"] == 2


def test_group_header_spreads_over_its_sub_headers():
    cells = header_cells([
        ["Адрес", "Адресные сведения", "", "Кадастровый номер"],
        ["", "ФИАС", "ОКТМО", ""],
    ])
    assert [(c.leaf, c.groups) for c in cells] == [
        ("адрес", ()),
        ("фиас", ("адресные сведения",)),
        ("октмо", ("адресные сведения",)),
        ("кадастровый номер", ()),
    ]


def test_same_sub_header_under_different_groups():
    rows = [
        ["Номер платежного документа", "Услуга", "Объем услуг, индивидуальное потребление", "", "Объем услуг, общедомовые нужды", "", "Итого к оплате за расчетный период, руб.", ""],
        ["", "", "Способ определения объемов КУ", "Объем, площадь, количество", "Способ определения объемов КУ", "Объем, площадь, количество", "Всего", "в т. ч. за ком. усл. - индивид. потребление"],
        ["100-0124", "ХВС", "П", "4,5", "Н", "0,2", "250", "240"],
    ]
    match = find_header(rows, GIS_SHEETS)
    assert match.spec is BILL_LINES
    assert (match.header_row, match.depth) == (0, 2)
    assert match.columns["volume_individual"] == 3
    assert match.columns["volume_common"] == 5
    assert match.columns["payable_total"] == 6
    assert match.columns["payable_individual"] == 7


def test_header_found_below_a_title_and_up_to_four_rows_deep():
    rows = [
        ["Выгрузка из ГИС ЖКХ от 01.12.2024"],
        [],
        ["Идентификатор ЖКУ", "Номер платежного документа", "Расчетный период (ММ.ГГГГ)", "Взнос на капитальный ремонт", "", ""],
        ["", "", "", "Размер взноса на кв.м, руб.", "Всего начислено за расчетный период, руб.", "Итого к оплате за расчетный период, руб."],
        ["66АА000001-01", "1-0124", "01.2024", "30,5", "1100", "1100"],
    ]
    match = find_header(rows, GIS_SHEETS)
    assert match.spec is BILLS
    assert match.data_start == 4
    assert match.columns["capital_repair_payable"] == 5


def test_missing_required_column_is_reported_not_guessed():
    rows = [["Адрес дома", "Коммунальный ресурс", "Значение показания (Т1)", "Дата снятия показания"]]
    match = find_header(rows, GIS_SHEETS)
    assert match.spec is READINGS
    assert match.missing_required == ("meter_gis_number",)


def test_unknown_table_is_not_recognised():
    assert find_header([["Фамилия", "Имя", "Телефон"], ["Иванов", "Иван", "123"]], GIS_SHEETS) is None


# --- sheet kind and required columns (header rows of the templates the generator writes) ------------------------

def _template_headers():
    import generator.headers as H

    for name in ("HOUSES", "RESIDENTIAL", "NONRES", "ACCOUNTS", "ACCOUNT_PREMISES", "METERS", "READINGS", "BILLS",
                 "BILL_LINES", "REPAIR", "REPORT"):
        yield getattr(H, f"{name}_SHEET"), [list(row) for row in getattr(H, f"{name}_HEADER")]


TEMPLATE_HEADERS = dict(_template_headers())
REQUIRED_OF_TEMPLATE = [
    pytest.param(sheet, column.name, id=f"{match.spec.kind}-{column.name}")
    for sheet, rows in TEMPLATE_HEADERS.items()
    for match in [find_header(rows, GIS_SHEETS, sheet)]
    for column in match.spec.columns
    if column.required
]


@pytest.mark.parametrize("hint", [True, False], ids=["sheet-name", "no-sheet-name"])
@pytest.mark.parametrize("sheet, required", REQUIRED_OF_TEMPLATE)
def test_template_without_a_required_column_keeps_its_kind(sheet, required, hint):
    """Never a fallback to another kind (a premises sheet without «Номер помещения» is not a houses sheet)."""
    rows = TEMPLATE_HEADERS[sheet]
    full = find_header(rows, GIS_SHEETS, sheet)
    cut = full.columns[required]
    rows = [row[:cut] + row[cut + 1:] for row in rows]
    match = find_header(rows, GIS_SHEETS, sheet if hint else "Лист1")
    assert match is not None
    assert match.spec is full.spec
    assert match.missing_required == (required,)


def test_a_header_that_only_begins_with_another_kinds_text_is_not_that_kinds_column():
    # «Адрес МКД, в котором расположено жилое помещение» begins with the houses template's «Адрес».
    rows = [["Адрес МКД, в котором расположено жилое помещение*", "Кадастровый номер", "Условный номер ЕГРП"]]
    match = find_header(rows, GIS_SHEETS)
    assert match.spec is RESIDENTIAL_PREMISES
    assert match.missing_required == ("premise_number",)


def test_a_kind_without_any_of_its_signature_columns_is_not_chosen():
    # Every header here is shared by several templates: readings would be «complete», but nothing in the
    # sheet is specific to readings (or to any other kind).
    rows = [["Адрес дома", "Номер помещения", "Номер прибора учета в ГИС ЖКХ"]]
    assert find_header(rows, GIS_SHEETS) is None


# --- a required header given twice -----------------------------------------------------------------------------

def test_required_header_given_twice_is_found():
    rows = [TEMPLATE_HEADERS["Жилые помещения"][0] + ["Номер помещения"]]
    match = find_header(rows, GIS_SHEETS, "Жилые помещения")
    assert match.ok
    assert match.columns["premise_number"] == 1
    assert match.duplicates == {"premise_number": (8,)}


def test_shared_sub_headers_under_different_groups_are_not_duplicates():
    rows = TEMPLATE_HEADERS["Разделы 3-6"]
    assert find_header(rows, GIS_SHEETS).duplicates == {}
