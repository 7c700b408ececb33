"""Reading rules on hand-made edge cases: given meter and reading rows → the flags expected on each row.

All cases load into one warehouse and validate once (as of 20.01.2025); each case has its own files and
meter numbers (validation_kit.Case).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from checks import RULES, RuleConfig
from checks.messages import placeholders
from validation_kit import AS_OF, Case, flags, fresh_warehouse, land, land_cases, message, publish, validate

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "CONTRACT.md"
BELOW, SPIKE, OVERDUE, DUE_SOON = "below_previous", "spike", "verification_overdue", "verification_due_soon"
BAD, FUTURE, UNKNOWN, SUPERSEDED = "bad_value", "future_date", "unknown_meter", "superseded"


def meter(number="M1", base="100", verified="15.03.2023", interval="6 лет", row=2, **more) -> dict:
    return {"row": row, "meter_gis_number": number, "serial_number": f"s-{number}",
            "resource": "Холодная вода", "base_value_t1": base, "last_verified_on": verified,
            "verification_interval_years": interval, **more}


def reading(row, period, t1, read_on, number="M1", t2=None, t3=None) -> dict:
    return {"row": row, "meter_gis_number": number, "period": period, "value_t1": t1, "value_t2": t2,
            "value_t3": t3, "read_on": read_on}


def monthly(first_row, values, number="M1", year=2024, day=25) -> list[dict]:
    """One reading a month from January, values as given."""
    return [reading(first_row + k, f"{k + 1:02d}.{year}", v, f"{day:02d}.{k + 1:02d}.{year}", number)
            for k, v in enumerate(values)]


def case(name, meters, readings, expected=None, note="") -> Case:
    return Case(name, {"gis_meters": meters, "gis_readings": readings},
                {("gis_readings", row): rules for row, rules in (expected or {}).items()}, note)


BAD_VALUES = ["-5", "12,3,4", "12.3.4", "80341699991815510", "1234567890123456", "105,12345678", "1О5", "abc", "1 105"]
GOOD_VALUES = ["105", "105,1234567", "105.5", "123456789012345", "100"]

CASES = [
    # --- below_previous
    case("first_below_base", [meter("M1"), meter("M2", row=3)],
         [reading(10, "01.2024", "99,5", "25.01.2024", "M1"), reading(11, "01.2024", "100", "25.01.2024", "M2")],
         {10: {BELOW}}, "the first reading of a meter is compared with its base reading"),
    case("below_last_accepted", [meter()], monthly(10, ["110", "108", "109", "112"]),
         {11: {BELOW}, 12: {BELOW}}, "108 and 109 are both below 110, the last accepted; 112 is fine"),
    case("replaced_meter",
         [meter("OLD", base="500"), meter("NEW", base="0,5", row=3, verified="02.04.2024")],
         monthly(10, ["505", "510", "515"], "OLD")
         + [reading(20 + k, f"{m:02d}.2024", v, f"25.{m:02d}.2024", "NEW")
            for k, (m, v) in enumerate([(4, "5,2"), (5, "10,1"), (6, "14,9"), (7, "19,8")])],
         {}, "a new device starts from its own base; its first month is no spike"),
    case("new_meter_below_its_base", [meter("NEW", base="12")],
         [reading(10, "04.2024", "5", "25.04.2024", "NEW"), reading(11, "05.2024", "17", "25.05.2024", "NEW")],
         {10: {BELOW}}),
    case("two_tariff", [meter(base="1000", base_value_t2="500", tariff_kind="Двухтарифный")],
         [reading(10, "01.2024", "1100", "25.01.2024", t2="520"),
          reading(11, "02.2024", "1200", "25.02.2024", t2="510"),
          reading(12, "03.2024", "1300", "25.03.2024", t2="530")],
         {11: {BELOW}}, "T1 fine, T2 below 520; March's T2 is compared with 520, the last accepted T2"),
    # --- dates
    case("last_day_of_period", [meter()],
         [reading(10, "01.2024", "105", "31.01.2024"), reading(11, "02.2024", "110", "29.02.2024"),
          reading(12, "03.2024", "115", "02.04.2024")],
         {}, "the last day of a month, a leap day, a March reading taken in the first days of April"),
    case("leap_day_verification", [meter(verified="29.02.2020", interval="4 года")],
         [reading(10, "02.2024", "105", "29.02.2024"), reading(11, "03.2024", "110", "01.03.2024")],
         {11: {OVERDUE}}, "verified 29.02.2020 for 4 years: due 29.02.2024, a reading on that day is in time"),
    case("future_dates", [meter()],
         [reading(10, "12.2024", "105", "20.01.2025"), reading(11, "01.2025", "110", "21.01.2025"),
          reading(12, "02.2025", "115", None)],
         {11: {FUTURE}, 12: {FUTURE}}, "on as-of is fine; a day after is not; nor a period not yet begun"),
    case("future_is_no_baseline", [meter()],
         [reading(10, "12.2024", "900", "25.01.2025"), reading(11, "12.2024", "105", "19.01.2025")],
         {10: {FUTURE}}, "a future-dated typo neither supersedes nor raises the previous value"),
    # --- verification (as of 20.01.2025)
    case("due_in_21_days", [meter(verified="10.02.2019")], monthly(10, ["105", "110", "115"]), {12: {DUE_SOON}}),
    case("due_in_30_days", [meter(verified="19.02.2019")], monthly(10, ["105", "110", "115"]), {12: {DUE_SOON}}),
    case("due_in_31_days", [meter(verified="20.02.2019")], monthly(10, ["105", "110", "115"]), {}),
    case("due_on_as_of", [meter(verified="20.01.2019")], monthly(10, ["105", "110", "115"]), {},
         "due on as-of itself is not 'soon': it is due"),
    case("due_soon_after_a_resubmission", [meter(verified="10.02.2019")],
         [reading(10, "11.2024", "105", "25.11.2024"), reading(11, "12.2024", "111", "22.12.2024"),
          reading(12, "12.2024", "110", "24.12.2024")],
         {11: {SUPERSEDED}, 12: {DUE_SOON}}),
    case("due_soon_latest_from_a_csv", [meter(verified="10.02.2019")],
         monthly(10, ["105", "110"]) + [{**reading(12, "03.2024", "115", "25.03.2024"), "file": "ipu_03.csv",
                                         "sheet": None}],
         {12: {DUE_SOON}}, "a CSV has no sheet: the flag keeps the CSV row's own lineage"),
    case("overdue_after_due_date", [meter(verified="15.03.2018")], monthly(10, ["105", "110", "115", "120"], day=15),
         {13: {OVERDUE}}, "due 15.03.2024: the reading of that day is in time, the next one is not"),
    # --- submissions
    case("resubmission_after_correction", [meter()],
         [reading(10, "01.2024", "105", "25.01.2024"), reading(11, "02.2024", "1100", "20.02.2024"),
          reading(12, "02.2024", "110", "22.02.2024"), reading(13, "03.2024", "115", "25.03.2024")],
         {11: {SUPERSEDED}}, "a typo corrected two days later; March is compared with 110, not the typo"),
    case("unusable_resubmission", [meter()],
         [reading(10, "01.2024", "105", "20.01.2024"), reading(11, "01.2024", "1О5", "22.01.2024")],
         {11: {BAD}}, "a resubmission GIS would refuse does not replace the earlier one"),
    case("same_day_resubmission", [meter()],
         [reading(10, "01.2024", "104", "20.01.2024"), reading(11, "01.2024", "105", "20.01.2024")],
         {10: {SUPERSEDED}}, "same date: the later row counts"),
    case("unknown_meter", [meter("M1")], [reading(10, "01.2024", "105", "25.01.2024", "M404")], {10: {UNKNOWN}}),
    # --- values
    *[case(f"bad_value_{k}", [meter()], [reading(10, "01.2024", raw, "25.01.2024"),
                                          reading(11, "02.2024", "110", "25.02.2024")], {10: {BAD}})
      for k, raw in enumerate(BAD_VALUES)],
    *[case(f"good_value_{k}", [meter(base="100")], [reading(10, "01.2024", raw, "25.01.2024")], {})
      for k, raw in enumerate(GOOD_VALUES)],
    case("bad_value_in_t2_and_no_value", [meter(base_value_t2="50")],
         [reading(10, "01.2024", "105", "25.01.2024", t2="-3"), reading(11, "02.2024", None, "25.02.2024"),
          reading(12, "03.2024", "Не заполнено", "25.03.2024")],
         {10: {BAD}, 11: {BAD}, 12: {BAD}}),
    # --- spike
    case("spike", [meter(base="100")], monthly(10, ["105", "110", "115,5", "120", "125", "130", "190", "195"]),
         {16: {SPIKE}}, "about 5 a month, then 60 in July: 12× the usual"),
    case("spike_short_history", [meter(base="100")], monthly(10, ["105", "110", "170"]),
         {}, "two monthly consumptions: the median of {5, 60} says nothing"),
    case("spike_third_month", [meter(base="100")], monthly(10, ["105", "110", "170", "175"]),
         {12: {SPIKE}}, "a third month makes 60 stand out against the median 5"),
    case("missed_months", [meter(base="100")],
         monthly(10, ["105", "110", "115", "120"])
         + [reading(20, "11.2024", "155", "25.11.2024"), reading(21, "12.2024", "160", "25.12.2024")],
         {}, "35 over a seven-month gap is the usual rate"),
    case("first_after_base", [meter(base="100")], monthly(10, ["400", "405", "410", "415", "420"]),
         {}, "the base reading may be years old: what accumulated since is not a month"),
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
    assert flags(warehouse, case=name) == expected, BY_NAME[name].note


@pytest.mark.parametrize("name, row, rule, text", [
    ("first_below_base", 10, BELOW, "ниже базового показания ПУ: Т1: 99,5 < 100."),
    ("below_last_accepted", 12, BELOW, "последнего принятого показания (за 01.2024): Т1: 109 < 110"),
    ("two_tariff", 11, BELOW, "(за 01.2024): Т2: 510 < 520. Показания"),
    ("leap_day_verification", 11, OVERDUE, "после срока поверки ПУ 29.02.2024 (поверка 29.02.2020, "
                                           "межповерочный интервал 4 года)"),
    ("overdue_after_due_date", 13, OVERDUE, "межповерочный интервал 6 лет)"),
    ("future_dates", 11, FUTURE, "датировано 21.01.2025 за период 01.2025 — позже даты сверки 20.01.2025"),
    ("due_soon_after_a_resubmission", 12, DUE_SOON, "наступает 10.02.2025 (через 21 дн.)"),
    ("resubmission_after_correction", 11, SUPERSEDED, "за период 02.2024 от 20.02.2024 заменено более поздней "
                                                      "передачей от 22.02.2024"),
    ("unknown_meter", 10, UNKNOWN, "с номером unknown_meter:M404 нет в сведениях о ПУ"),
    *[(f"bad_value_{k}", 10, BAD, f": Т1 «{raw}». Проверьте") for k, raw in enumerate(BAD_VALUES)],
    ("bad_value_in_t2_and_no_value", 10, BAD, ": Т2 «-3»."),
    ("bad_value_in_t2_and_no_value", 11, BAD, "значение не заполнено"),
    ("spike", 16, SPIKE, "Расход за период 07.2024 — 60, в 12,0 раза больше обычного месячного расхода этого ПУ "
                         "(5, медиана за 7 мес.)"),
])
def test_message(warehouse, name, row, rule, text):
    assert text in message(warehouse, row, rule, case=name)


def test_flags_on_csv_rows_have_no_sheet(warehouse):
    rows = warehouse.execute(
        "SELECT source_file, source_sheet, source_row FROM quality.reading_flags "
        "WHERE starts_with(source_file, 'due_soon_latest_from_a_csv/')"
    ).fetchall()
    assert rows == [("due_soon_latest_from_a_csv/ipu_03.csv", None, 12)]


def test_accepted_readings_keep_their_period_and_date(warehouse):
    accepted = warehouse.execute(
        "SELECT s.source_row, h.reading_period, s.read_on FROM quality.reading_history AS h "
        "JOIN staging.gis_readings AS s ON s.rowid = h.reading_id "
        "WHERE h.is_accepted AND starts_with(s.source_file, 'last_day_of_period/') ORDER BY 1"
    ).fetchall()
    assert accepted == [(10, dt.date(2024, 1, 1), dt.date(2024, 1, 31)),
                        (11, dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
                        (12, dt.date(2024, 3, 1), dt.date(2024, 4, 2))]
    counted = warehouse.execute(
        "SELECT s.source_row FROM quality.reading_history AS h JOIN staging.gis_readings AS s ON s.rowid = h.reading_id "
        "WHERE h.is_accepted AND starts_with(s.source_file, 'resubmission_after_correction/') ORDER BY 1"
    ).fetchall()
    assert counted == [(10,), (12,), (13,)]


def test_spike_threshold_is_configurable():
    con = fresh_warehouse()
    land_cases(con, [BY_NAME["spike"]])
    validate(con, config=RuleConfig(spike_factor=15))
    assert flags(con) == {}
    validate(con, config=RuleConfig(spike_factor=11.5))
    assert flags(con) == {16: {SPIKE}}
    with pytest.raises(ValueError):
        RuleConfig(spike_factor=1)


# --- the rule table and its contract ---------------------------------------------------------------------


def test_contract_rule_codes_are_in_the_rule_table():
    ours = {r.code for r in RULES}
    assert {"below_previous", "spike", "verification_overdue", "verification_due_soon", "bad_value",
            "future_date", "unknown_meter", "superseded", "lines_sum_mismatch", "charge_mismatch",
            "duplicate_document", "unknown_account", "negative_amount", "bad_period"} <= ours
    if CONTRACT.exists():  # the shared contract sits beside the repository on the build machine
        text = CONTRACT.read_text(encoding="utf-8")
        section = text[text.find("Rule codes"):text.find("`quality.quarantine`")]
        contract_codes = set(re.findall(r"`([a-z_]+)`", section)) - {"error", "warning", "info"}
        assert contract_codes <= ours


def test_every_message_names_only_columns_its_sql_returns(warehouse):
    for rule in RULES:
        sql = re.sub(r"\$(\w+)", lambda m: {"as_of": "DATE '2025-01-20'"}.get(m.group(1), "1"), rule.sql)
        columns = {d[0] for d in warehouse.execute(f"SELECT * FROM ({sql}) LIMIT 0").description}
        assert {"source_file", "source_sheet", "source_row"} <= columns, rule.code
        missing = {name for name, _ in placeholders(rule.message)} - columns
        assert not missing, f"{rule.code}: {missing}"
        assert re.search("[а-яА-Я]", rule.message), rule.code
        assert rule.severity in ("error", "warning", "info")


def test_empty_stand_ins_have_the_shape_of_the_models():
    """warehouse/sql/marts/_validation_models.sql lets the marts build before the rules ever ran."""
    from warehouse.landing import SQL_DIR

    tables = ("meter_register", "reading_steps", "reading_history", "bill_line_items", "bill_documents",
              "reading_flags", "bill_flags", "validation_run")
    from transforms.parse.specs import GIS_SHEETS
    from warehouse.staging import build_staging

    stand_in, real = fresh_warehouse(), fresh_warehouse()
    for spec in GIS_SHEETS:
        build_staging(stand_in, spec)
    stand_in.execute((SQL_DIR / "marts" / "_validation_models.sql").read_text(encoding="utf-8"))
    publish(stand_in)  # the marts build, empty
    validate(real)
    for name in tables:
        shape = [(c[0], c[1]) for c in stand_in.execute(f"DESCRIBE quality.{name}").fetchall()]
        assert shape == [(c[0], c[1]) for c in real.execute(f"DESCRIBE quality.{name}").fetchall()], name
    assert stand_in.execute("SELECT count(*) FROM marts.readings").fetchall() == [(0,)]


def test_rerun_leaves_the_flags_unchanged(warehouse):
    first = warehouse.execute("SELECT * FROM quality.reading_flags").fetchall()
    validate(warehouse)
    assert warehouse.execute("SELECT * FROM quality.reading_flags").fetchall() == first
    assert first == sorted(first, key=lambda r: (r[0], r[1] or "", r[2], r[3]))


def test_marts_readings_hold_accepted_readings_with_consumption():
    con = fresh_warehouse()
    land(con, "gis_meters", [meter(base="100", base_value_t2="50", account_id="66АА000001-01")])
    land(con, "gis_readings", [
        reading(10, "01.2024", "105", "25.01.2024", t2="52"),
        reading(11, "02.2024", "103", "25.02.2024", t2="53"),  # T1 below previous: only T2 stands
        reading(12, "03.2024", "112", "25.03.2024", t2="55"),
        reading(13, "04.2024", "-1", "25.04.2024", t2="56"),   # unreadable: not in the mart
    ])
    validate(con, all_sources=True)
    publish(con)
    rows = con.execute(
        "SELECT period, value_t1, value_t2, consumption_t1, consumption_t2, consumption_total, "
        "months_since_previous, flags, hcs_id FROM marts.readings ORDER BY period"
    ).fetchall()
    account = "66АА000001-01"
    assert rows == [(dt.date(2024, 1, 1), 105.0, 52.0, 5.0, 2.0, 7.0, None, [], account),
                    (dt.date(2024, 2, 1), None, 53.0, None, 1.0, 1.0, 1, ["below_previous"], account),
                    (dt.date(2024, 3, 1), 112.0, 55.0, 7.0, 2.0, 9.0, 1, [], account)]
    meters = con.execute(
        "SELECT verification_status, next_verification_on, accepted_readings, last_value_t1 FROM marts.meters"
    ).fetchall()
    assert meters == [("ok", dt.date(2029, 3, 15), 2, 112.0)]
    assert AS_OF == dt.date(2025, 1, 20)


# --- the history against a plain reference ------------------------------------------------------------------


def reference_history(meters: dict, rows: list[dict], as_of: dt.date) -> dict[int, dict]:
    """The definitions of checks/rules.py written as a plain loop: row → counted, superseded, previous values."""
    out: dict[int, dict] = {}
    by_meter: dict[str, list[dict]] = {}
    for row in rows:
        by_meter.setdefault(row["meter"], []).append(row)
    for number, submissions in by_meter.items():
        base = meters.get(number)
        # submission order: period, date (none first), place in the sources
        submissions.sort(key=lambda r: (r["period"], r["read_on"] or dt.date.min, r["row"]))
        counted = {}
        for r in submissions:
            r["usable"] = (base is not None and not r["bad"] and any(v is not None for v in r["values"])
                           and r["read_on"] <= as_of)
            if r["usable"]:
                counted[r["period"]] = r  # the last usable one of its period
        for r in submissions:
            last = counted.get(r["period"])
            out[r["row"]] = {"counted": last is r, "superseded": last is not None and r is not last
                             and submissions.index(r) < submissions.index(last)}
        if base is None:
            continue
        best = list(base)
        last_accepted = None
        for period in sorted(counted):
            r = counted[period]
            previous = list(best)
            below = [v is not None and p is not None and v < p for v, p in zip(r["values"], previous)]
            accepted_somewhere = any(v is not None and (p is None or v >= p) for v, p in zip(r["values"], previous))
            out[r["row"]].update(previous=previous, below=any(below), previous_period=last_accepted)
            best = [p if v is None else (v if p is None else max(p, v)) for v, p in zip(r["values"], previous)]
            if accepted_somewhere:
                last_accepted = period
    return out


def test_history_matches_a_plain_reference():
    import random

    rng = random.Random(7)
    con = fresh_warehouse()
    meters, landed_meters, rows, landed = {}, [], [], []
    for m in range(150):
        number, zones = f"R{m}", rng.choice([1, 1, 1, 2, 3])
        base = [round(rng.uniform(0, 500), 3) if z < zones else None for z in range(3)]
        if rng.random() < 0.05:
            base[0] = None
        if m % 25 != 24:  # every 25th meter is missing from the device list
            meters[number] = base
            landed_meters.append({"row": 2 + m, "meter_gis_number": number, "serial_number": number,
                                  "resource": "Электрическая энергия", "verification_interval_years": "16",
                                  "last_verified_on": "01.01.2020",
                                  **{f"base_value_t{z + 1}": (None if b is None else str(b).replace(".", ","))
                                     for z, b in enumerate(base)}})
        level = [b or 0.0 for b in base]
        for month in range(1, 13):
            for _ in range(rng.choice([0, 1, 1, 1, 1, 1, 1, 2, 3])):
                level = [x + rng.uniform(0, 30) for x in level]
                values = [round(max(0.0, x - (rng.uniform(1, 60) if rng.random() < 0.08 else 0)), 3) for x in level]
                values = [v if z < zones and rng.random() > 0.04 else None for z, v in enumerate(values)]
                bad = rng.random() < 0.03
                read_on = dt.date(2024, month, rng.randint(1, 28))
                if month == 12 and rng.random() < 0.1:
                    read_on = dt.date(2025, 1, rng.choice([19, 20, 21, 25]))
                row = 10 + len(rows)
                rows.append({"row": row, "meter": number, "period": dt.date(2024, month, 1), "read_on": read_on,
                             "values": values, "bad": bad})
                text = [None if v is None else str(v).replace(".", ",") for v in values]
                if bad:
                    text[0] = "-" + (text[0] or "1")
                landed.append({"row": row, "meter_gis_number": number, "period": f"{month:02d}.2024",
                               "value_t1": text[0], "value_t2": text[1], "value_t3": text[2],
                               "read_on": read_on.strftime("%d.%m.%Y")})
    land(con, "gis_meters", landed_meters)
    land(con, "gis_readings", landed)
    validate(con)
    expected = reference_history(meters, rows, AS_OF)
    got = {
        row: {"counted": counted, "superseded": superseded, "previous": [p1, p2, p3], "below": below is not None,
              "previous_period": previous_period}
        for row, counted, superseded, p1, p2, p3, below, previous_period in con.execute(
            "SELECT s.source_row, h.is_counted, h.is_superseded, h.previous_t1, h.previous_t2, h.previous_t3, "
            "h.below_previous, h.previous_period FROM quality.reading_history AS h "
            "JOIN staging.gis_readings AS s ON s.rowid = h.reading_id"
        ).fetchall()
    }
    assert set(got) == set(expected)
    for row, want in expected.items():
        have = got[row]
        assert (have["counted"], have["superseded"]) == (want["counted"], want["superseded"]), row
        if "previous" in want:
            assert all((h is None and w is None) or (h is not None and w is not None and abs(h - w) < 1e-9)
                       for h, w in zip(have["previous"], want["previous"])), (row, have, want)
            assert (have["below"], have["previous_period"]) == (want["below"], want["previous_period"]), row
    irregular = con.execute("SELECT count(DISTINCT meter_id) FROM quality.reading_steps WHERE NOT is_counted").fetchall()
    assert irregular[0][0] > 10  # both the quick and the exact path were exercised
