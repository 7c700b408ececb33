"""Bill rules on hand-made edge cases: given accounts, payment documents and lines → the flags expected.

All cases load into one warehouse and validate once (as of 20.01.2025); each case has its own files,
account ids and document numbers (validation_kit.Case). Documents sit on «Разделы 1-2» rows 3..,
lines on «Разделы 3-6» rows 100...
"""

from __future__ import annotations

import datetime as dt

import pytest

from validation_kit import Case, flags, fresh_warehouse, land, land_cases, message, publish, validate

BILL_FLAGS = "quality.bill_flags"
SUM, CHARGE, DUPLICATE = "lines_sum_mismatch", "charge_mismatch", "duplicate_document"
UNKNOWN, NEGATIVE, PERIOD, NO_DOCUMENT = "unknown_account", "negative_amount", "bad_period", "unknown_document"
ACCOUNT = "66АА000001-01"


def account(hcs_id=ACCOUNT, row=3, number="700001") -> dict:
    return {"row": row, "record_number": str(row), "account_number": number, "hcs_id": hcs_id}


def document(row, number, amount, hcs_id=ACCOUNT, period="01.2024", **more) -> dict:
    return {"row": row, "hcs_id": hcs_id, "document_number": number, "period": period, "amount_due": amount, **more}


def line(row, number, service, volume, tariff, charge, recalculation="0", payable=None, **more) -> dict:
    return {"row": row, "document_number": number, "service": service, "volume_individual": volume,
            "tariff": tariff, "charge_individual": charge, "charged_total": charge,
            "recalculation": recalculation, "payable_total": payable if payable is not None else charge, **more}


def case(name, documents, lines=(), expected=None, note="", accounts=None) -> Case:
    rows = {"gis_accounts": accounts if accounts is not None else [account()],
            "gis_bills": documents, "gis_bill_lines": list(lines)}
    return Case(name, rows, {("bills", row): rules for row, rules in (expected or {}).items()}, note)


WATER = ("Холодное водоснабжение", "4,782", "51,69")  # 4,782 × 51,69 = 247,18158
SUM_LINES = [line(100, "D1", *WATER, "247,19"),
             line(101, "D1", "Содержание жилого помещения", "36,7", "33,46", "1227,98"),
             line(102, "D1", "Электроснабжение", "0", "5,52", "0")]  # Σ = 1475,17

CASES = [
    # --- lines_sum_mismatch: a kopeck of rounding is fine
    *[case(f"sum_{amount.replace(',', '_')}", [document(3, "D1", amount)], SUM_LINES, expected)
      for amount, expected in [("1475,17", {}), ("1475,18", {}), ("1475,16", {}),
                               ("1475,19", {3: {SUM}}), ("1500", {3: {SUM}})]],
    case("sum_with_recalculation_and_capital_repair", [document(3, "D1", "1100", capital_repair_payable="1000")],
         [line(100, "D1", "Отопление", "1", "200", "200", recalculation="-100", payable="100")], {},
         "the capital-repair contribution is in the document's total beside the lines"),
    case("sum_without_lines", [document(3, "D1", "500")], [], {3: {SUM}}),
    # --- charge_mismatch
    *[case(f"charge_{charge.replace(',', '_')}", [document(3, "D1", charge)], [line(100, "D1", *WATER, charge)],
           expected)
      for charge, expected in [("247,18", {}), ("247,19", {}), ("247,17", {100: {CHARGE}}),
                               ("247,20", {100: {CHARGE}})]],
    *[case(f"one_kopeck_{charge.replace(',', '_')}", [document(3, "D1", charge)],
           [line(100, "D1", "Вывоз ТКО", "1", "10", charge)], expected)
      for charge, expected in [("10,01", {}), ("9,99", {}), ("10,02", {100: {CHARGE}}), ("9,98", {100: {CHARGE}})]],
    case("charge_with_common_property_part", [document(3, "D1", "70")],
         [{"row": 100, "document_number": "D1", "service": "Электроснабжение", "tariff": "5",
           "volume_individual": "10", "volume_common": "4", "charge_individual": "50", "charge_common": "20",
           "payable_total": "70"}], {}),
    case("charge_off_in_the_common_part", [document(3, "D1", "80")],
         [{"row": 100, "document_number": "D1", "service": "Электроснабжение", "tariff": "5",
           "volume_individual": "10", "volume_common": "4", "charge_individual": "50", "charge_common": "30",
           "payable_total": "80"}], {100: {CHARGE}}),
    # --- negative_amount
    case("recalculations", [document(3, "D1", "-120")],
         [line(100, "D1", "Горячее водоснабжение", "1", "100", "100", recalculation="-160", payable="-60"),
          {"row": 101, "document_number": "D1", "service": "Перерасчет за холодное водоснабжение",
           "charged_total": "-60", "payable_total": "-60"}],
         {}, "a recalculation larger than the month's charge; a recalculation line of its own"),
    case("negative_without_recalculation", [document(3, "D1", "-103,38")],
         [line(100, "D1", "Холодное водоснабжение", "-2", "51,69", "-103,38")], {100: {NEGATIVE}}),
    case("negative_payable_without_recalculation", [document(3, "D1", "-5")],
         [line(100, "D1", "Вывоз ТКО", "1", "10", "10", payable="-5")], {100: {NEGATIVE}}),
    # --- documents
    case("duplicates",
         [document(3, "D1", "0"), document(4, "D2", "0", hcs_id="66АА000002-01"),
          document(5, "D3", "0", period="02.2024"), document(6, "D1/2", "0"),
          document(7, "D1/3", "0", file="pd_2024_01_again.xlsx")],
         [], {6: {DUPLICATE}, 7: {DUPLICATE}},
         accounts=[account(), account("66АА000002-01", row=4, number="700002")],
         note="another account or another period is no duplicate; a second and third one are"),
    case("unknown_account", [document(3, "D1", "0"), document(4, "D9", "0", hcs_id="66ЯЯ999999-02")],
         [], {4: {UNKNOWN}}),
    *[case(f"bad_period_{k}", [document(3, "D1", "0", period=period), document(4, "D2", "0", period="01.2025")],
           [], {3: {PERIOD}})
      for k, period in enumerate(["13.2024", "00.2024", "14.2024", "05.20245", "04.202", None, "02.2025"])],
    case("unreadable_periods_are_no_duplicates",
         [document(3, "D1", "0", period="21.2024"), document(4, "D2", "0", period="21.2024")],
         [], {3: {PERIOD}, 4: {PERIOD}}),
    # --- lines and their documents
    case("sections_as_separate_csv", [document(3, "D1", "100", file="pd_sections_1_2.csv", sheet=None)],
         [line(100, "D1", "Вывоз ТКО", "10", "10", "100", file="pd_sections_3_6.csv", sheet=None)], {},
         "lines find their document by its number when the sections come as two CSV files"),
    case("line_without_document", [document(3, "D1", "100")],
         [line(100, "D1", "Вывоз ТКО", "10", "10", "100"), line(101, "D404", "Вывоз ТКО", "1", "10", "10")],
         {101: {NO_DOCUMENT}}),
]
BY_NAME = {c.name: c for c in CASES}


@pytest.fixture(scope="module")
def warehouse():
    con = fresh_warehouse()
    land_cases(con, CASES)
    validate(con)
    yield con
    con.close()


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_case(warehouse, name):
    expected = {row: rules for (_, row), rules in BY_NAME[name].expected.items()}
    assert flags(warehouse, BILL_FLAGS, case=name) == expected, BY_NAME[name].note


@pytest.mark.parametrize("name, row, rule, text", [
    ("sum_1475_19", 3, SUM, "1475,19 руб. не равна сумме строк документа 1475,17 руб. (строк: 3, разница 0,02 руб.)"),
    ("sum_without_lines", 3, SUM, "(строк: 0, разница 500,00 руб.)"),
    ("charge_247_20", 100, CHARGE, "«Холодное водоснабжение» 247,20 руб., а объём 4,782 × тариф 51,69 = 247,18 руб. "
                                   "(разница 0,02 руб.)"),
    ("negative_without_recalculation", 100, NEGATIVE, "«Холодное водоснабжение»: -103,38 руб., перерасчёт 0,00 руб."),
    ("duplicates", 6, DUPLICATE, "уже есть документ duplicates:D1 (duplicates/pd.xlsx, строка 3)"),
    ("unknown_account", 4, UNKNOWN, "Идентификатора ЖКУ unknown_account:66ЯЯ999999-02 нет"),
    ("bad_period_0", 3, PERIOD, "Расчётный период «13.2024» не читается как ММ.ГГГГ"),
    ("bad_period_1", 3, PERIOD, "«00.2024» не читается"),
    ("bad_period_3", 3, PERIOD, "«05.20245» не читается"),
    ("bad_period_5", 3, PERIOD, "Расчётный период не заполнен"),
    ("bad_period_6", 3, PERIOD, "Расчётный период 02.2025 ещё не наступил на 20.01.2025"),
    ("line_without_document", 101, NO_DOCUMENT, "документ line_without_document:D404, которого нет"),
])
def test_message(warehouse, name, row, rule, text):
    assert text in message(warehouse, row, rule, BILL_FLAGS, case=name)


def test_marts_keep_the_documents_that_count():
    con = fresh_warehouse()
    land(con, "gis_accounts", [account()])
    land(con, "gis_bills", [document(3, "D1", "100"), document(4, "D1/2", "100"),
                            document(5, "D2", "100", period="14.2024"), document(6, "D3", "60", period="02.2024")])
    land(con, "gis_bill_lines", [line(100, "D1", "Вывоз ТКО", "10", "10", "100"),
                                 line(101, "D1/2", "Вывоз ТКО", "10", "10", "100"),
                                 line(102, "D3", "Вывоз ТКО", "5", "10", "50")])
    validate(con, all_sources=True)
    publish(con)
    bills = con.execute(
        "SELECT hcs_id, period, document_number, account_number, lines_count, lines_total, flags FROM marts.bills"
    ).fetchall()
    assert bills == [(ACCOUNT, dt.date(2024, 1, 1), "D1", "700001", 1, 100.0, []),
                     (ACCOUNT, dt.date(2024, 2, 1), "D3", "700001", 1, 50.0, [SUM])]
    lines = con.execute("SELECT period, document_number, source_row FROM marts.bill_lines").fetchall()
    assert lines == [(dt.date(2024, 1, 1), "D1", 100), (dt.date(2024, 2, 1), "D3", 102)]
    columns = {d[0] for d in con.execute("SELECT * FROM marts.accounts LIMIT 0").description}
    assert not columns & {"payer_ogrn", "payer_kpp", "is_tenant"}
