"""The expectation suites, declared as plain data: one suite per published table.

Each suite names the SQL that pulls its table from DuckDB (with the reference columns its integrity checks
need, computed by the same joins the marts use) and its expectations, each with a declared severity:
`stop` — a failure stops the publish; `warn` — it is reported. Great Expectations classes are looked up by
name only when the suites run (checks/expectations/gx_run.py), so declaring them costs nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from checks.rules import BILLS, READINGS, RULES

STOP, WARN = "stop", "warn"
CADASTRAL_PATTERN = r"^\d{2}:\d{2}:\d{6,7}:\d+$"
AS_OF = "{as_of}"  # stands for the run's as-of date in a bound


@dataclass(frozen=True)
class Expect:
    kind: str  # Great Expectations class name, e.g. ExpectColumnValuesToBeUnique
    severity: str  # stop | warn
    description: str  # Russian, shown in Data Docs
    kwargs: dict = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        names = [self.kwargs[k] for k in ("column", "column_A", "column_B") if k in self.kwargs]
        return tuple(names) + tuple(self.kwargs.get("column_list", ()))

    @property
    def column_label(self) -> str | None:
        return ", ".join(self.columns) or None


@dataclass(frozen=True)
class Suite:
    table: str
    query: str
    expectations: tuple[Expect, ...]

    @property
    def columns(self) -> list[str]:
        """The columns the expectations read: only those are pulled into pandas."""
        return list(dict.fromkeys(c for e in self.expectations for c in e.columns))


# --- small constructors that read like the checks -------------------------------------------------


def unique(column: str, severity: str = STOP, what: str = "") -> Expect:
    return Expect("ExpectColumnValuesToBeUnique", severity, what or f"{column} не повторяется", {"column": column})


def unique_together(columns: list[str], severity: str = STOP, what: str = "") -> Expect:
    return Expect(
        "ExpectCompoundColumnsToBeUnique", severity, what or f"сочетание {', '.join(columns)} не повторяется",
        {"column_list": columns},
    )


def required(column: str, severity: str = STOP) -> Expect:
    return Expect("ExpectColumnValuesToNotBeNull", severity, f"{column} заполнено", {"column": column})


def between(column: str, low=None, high=None, severity: str = STOP, what: str = "") -> Expect:
    return Expect(
        "ExpectColumnValuesToBeBetween", severity, what or f"{column} в пределах [{low}; {high}]",
        {"column": column, "min_value": low, "max_value": high},
    )


def one_of(column: str, values: list, severity: str = STOP) -> Expect:
    return Expect(
        "ExpectColumnValuesToBeInSet", severity, f"{column} — одно из: {', '.join(map(str, values))}",
        {"column": column, "value_set": values},
    )


def matches(column: str, pattern: str, severity: str = STOP, what: str = "") -> Expect:
    return Expect(
        "ExpectColumnValuesToMatchRegex", severity, what or f"{column} по шаблону {pattern}",
        {"column": column, "regex": pattern},
    )


def references(column: str, what: str, severity: str = STOP) -> Expect:
    """Referential integrity: `column` is a boolean the suite's SQL computes by a join (NULL = no key)."""
    return Expect("ExpectColumnValuesToBeInSet", severity, what, {"column": column, "value_set": [True]})


def not_empty(severity: str = WARN) -> Expect:
    return Expect("ExpectTableRowCountToBeBetween", severity, "в таблице есть строки", {"min_value": 1})


def not_after_as_of(column: str, severity: str = STOP) -> Expect:
    return between(column, None, AS_OF, severity, f"{column} не позже даты сверки")


# --- the suites --------------------------------------------------------------------------------------

PREMISES = Suite(
    "marts.premises",
    "SELECT * FROM marts.premises",
    (
        not_empty(),
        unique_together(["source_file", "source_sheet", "source_row"], what="одна строка на строку источника"),
        required("source_file"),
        required("source_row"),
        required("premise_number"),
        one_of("premise_kind", ["residential", "non_residential"]),
        matches("cadastral_number", CADASTRAL_PATTERN, what="кадастровый номер в каноническом виде"),
        matches("registry_cadastral_number", CADASTRAL_PATTERN, what="номер из ГИС ЖКХ в каноническом виде"),
        one_of("cadastral_source", ["registry", "matched"]),
        one_of("match_status", ["confirmed", "auto", "review", "conflict", "unmatched"]),
        between("match_score", 0, 1),
        between("total_area", 0, 10_000, WARN, "площадь помещения от 0 до 10 000 м²"),
        unique("cadastral_number", WARN, "один кадастровый номер — одно помещение"),
    ),
)

ACCOUNTS = Suite(
    "marts.accounts",
    """
    SELECT a.*,
           CASE WHEN a.house_fias_guid IS NOT NULL
                THEN a.house_fias_guid IN (SELECT house_fias_guid FROM marts.premises) END AS house_listed
    FROM marts.accounts AS a
    """,
    (
        not_empty(),
        required("account_number"),
        unique("hcs_id", what="идентификатор ЖКУ не повторяется"),
        between("total_area", 0, 10_000, WARN, "площадь от 0 до 10 000 м²"),
        between("residents", 0, 100, WARN, "проживающих от 0 до 100"),
        references("house_listed", "дом помещения ЛС есть среди домов marts.premises (по ФИАС)", WARN),
    ),
)

METERS = Suite(
    "marts.meters",
    """
    SELECT m.*,
           CASE WHEN m.hcs_id IS NOT NULL
                THEN m.hcs_id IN (SELECT hcs_id FROM marts.accounts WHERE hcs_id IS NOT NULL) END AS account_listed
    FROM marts.meters AS m
    """,
    (
        not_empty(),
        required("meter_gis_number"),
        unique("meter_gis_number"),
        required("resource"),
        one_of("verification_status", ["ok", "due_soon", "overdue"]),
        required("next_verification_on", WARN),
        between("verification_interval_years", 1, 20, WARN, "межповерочный интервал от 1 до 20 лет"),
        between("base_value_t1", 0, None),
        between("base_value_t2", 0, None),
        between("base_value_t3", 0, None),
        references("account_listed", "лицевой счёт ПУ есть в marts.accounts", WARN),
    ),
)

READINGS_SUITE = Suite(
    "marts.readings",
    """
    SELECT r.*,
           r.meter_gis_number IN (SELECT meter_gis_number FROM marts.meters) AS meter_listed
    FROM marts.readings AS r
    """,
    (
        not_empty(),
        unique_together(["meter_gis_number", "period"], what="одно принятое показание на ПУ и период"),
        required("meter_gis_number"),
        required("period"),
        references("meter_listed", "ПУ показания есть в marts.meters"),
        not_after_as_of("read_on"),
        not_after_as_of("period"),
        between("value_t1", 0, None),
        between("value_t2", 0, None),
        between("value_t3", 0, None),
        between("consumption_t1", 0, None, what="расход Т1 не отрицателен"),
        between("consumption_t2", 0, None, what="расход Т2 не отрицателен"),
        between("consumption_t3", 0, None, what="расход Т3 не отрицателен"),
        between("consumption_total", 0, None, what="расход не отрицателен"),
        between("months_since_previous", 1, None),
    ),
)

BILLS_SUITE = Suite(
    "marts.bills",
    """
    SELECT b.*,
           b.hcs_id IN (SELECT hcs_id FROM marts.accounts WHERE hcs_id IS NOT NULL) AS account_listed
    FROM marts.bills AS b
    """,
    (
        not_empty(),
        unique_together(["hcs_id", "period"], what="один платёжный документ на ЛС и период"),
        required("hcs_id"),
        required("period"),
        required("document_number"),
        references("account_listed", "лицевой счёт документа есть в marts.accounts"),
        not_after_as_of("period"),
        required("amount_due", WARN),
        between("lines_count", 1, None, WARN, "в документе есть строки"),
        unique("document_number", WARN, "номер платёжного документа не повторяется"),
    ),
)

BILL_LINES = Suite(
    "marts.bill_lines",
    """
    SELECT l.*,
           EXISTS (SELECT 1 FROM marts.bills AS b WHERE b.hcs_id = l.hcs_id AND b.period = l.period) AS bill_listed
    FROM marts.bill_lines AS l
    """,
    (
        not_empty(),
        unique_together(["source_file", "source_sheet", "source_row"], what="одна строка на строку источника"),
        required("service"),
        references("bill_listed", "документ строки есть в marts.bills"),
        between("tariff", 0, None, WARN, "тариф не отрицателен"),
    ),
)


def flag_suite(table: str, applies_to: str) -> Suite:
    codes = [r.code for r in RULES if r.applies_to == applies_to]
    return Suite(
        table,
        f"SELECT * FROM {table}",
        (
            unique_together(["source_file", "source_sheet", "source_row", "rule"], what="одна отметка на строку и правило"),
            required("source_file"),
            required("source_row"),
            one_of("rule", codes),
            one_of("severity", ["error", "warning", "info"]),
            required("message"),
        ),
    )


SUITES: tuple[Suite, ...] = (
    PREMISES, ACCOUNTS, METERS, READINGS_SUITE, BILLS_SUITE, BILL_LINES,
    flag_suite("quality.reading_flags", READINGS),
    flag_suite("quality.bill_flags", BILLS),
)


def resolve_bounds(kwargs: dict, as_of: dt.date) -> dict:
    """The as-of placeholder replaced by the run's date (as a pandas-comparable timestamp)."""
    import pandas as pd

    return {k: (pd.Timestamp(as_of) if v == AS_OF else v) for k, v in kwargs.items()}
