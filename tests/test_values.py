"""Value parsing macros used by every staging model (warehouse/sql/macros.sql)."""

import datetime as dt

import pytest


@pytest.mark.parametrize(
    "expr, expected",
    [
        ("sv_decimal('1 234,56')", 1234.56),
        ("sv_decimal('36.7')", 36.7),
        ("sv_decimal('1\u00a0000,5')", 1000.5),
        ("sv_decimal('abc')", None),
        ("sv_integer('1961')", 1961),
        ("sv_integer('3,5')", None),
        ("sv_date('29.02.2024')", dt.date(2024, 2, 29)),
        ("sv_date('29.02.2023')", None),
        ("sv_date('2006-01-06T00:00:00')", dt.date(2006, 1, 6)),
        ("sv_period('01.2024')", dt.date(2024, 1, 1)),
        ("sv_period('1.2024')", dt.date(2024, 1, 1)),
        ("sv_period('13.2024')", None),
        ("sv_period('2024-01')", None),
        ("sv_cadastral_number(' 66:41:0218860:182 ')", "66:41:0218860:182"),
        ("sv_cadastral_number('66:41:0218860:0182')", "66:41:0218860:182"),
        ("sv_cadastral_number('66:41:21886:182')", None),
        ("sv_guid('599E891A-6BCC-4B32-A1A7-A5DC7C12C335')", "599e891a-6bcc-4b32-a1a7-a5dc7c12c335"),
        ("sv_guid('599e891a')", None),
        ("sv_blank_identifier('Нет')", True),
        ("sv_blank_identifier('отсутствует')", True),
        ("sv_blank('Не заполнено')", True),
        ("sv_blank('Нет')", False),
        ("sv_flag('да')", True),
        ("sv_flag('Нет')", False),
        ("sv_reading('442,261')", 442.261),
        ("sv_reading('1234567890123456')", None),  # 16 digits: over the GIS ZhKKh pattern
        ("sv_reading('1.12345678')", None),  # 8 decimals
        ("sv_reading('-5')", None),
        ("sv_years('4 года')", 4),
        ("sv_years('16 лет')", 16),
        ("sv_years('5')", 5),
    ],
)
def test_macro(con, expr, expected):
    assert con.execute(f"SELECT {expr}").fetchone()[0] == expected
