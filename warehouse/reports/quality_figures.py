"""The figures of the regional quality report, read from the marts: one place for HTML, XLSX and tests alike.

Rates are given as percentages rounded to one decimal (what a reader sees); counts as integers. Every frame's
columns are the Russian headers the report shows. `QualityFigures.as_json()` is what the HTML embeds for
machines (tests compare it with SQL over the warehouse).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from checks.rules import RULES

SEVERITY_RU = {"error": "ошибка", "warning": "предупреждение", "info": "к сведению"}
APPLIES_TO_RU = {"readings": "Показания ИПУ", "bills": "Платёжные документы"}
REPORT_STATUS_RU = {"on_time": "в срок", "late": "с опозданием", "missing": "не размещён"}
UNKNOWN_UO = "УО не определена"
NO_NAME = "наименование не указано в выгрузке"
UO_NAME = "Наименование УО"


def organisation_names(rows: pd.DataFrame) -> list[str]:
    """The УО's name as a source writes it (marts.management_organisations), else the Russian note that the
    delivery names none; people read the name beside the INN."""
    names = rows["management_organisation_name"] if "management_organisation_name" in rows else [None] * len(rows)
    return [NO_NAME if name is None or pd.isna(name) else str(name) for name in names]


def organisation_label(name: str, key: str) -> str:
    """«ООО УК «Первая» (ИНН 6600000001)», or «6600000001 (наименование не указано в выгрузке)»."""
    if name == NO_NAME:
        return f"{key} ({NO_NAME})"
    return f"{name} (ИНН {key})" if key.isdigit() else f"{name} ({key})"
UNKNOWN_MUNICIPALITY = "не определено (дом не найден)"
TOP_PROBLEMS = 10


def percent(rate: float | None) -> float | None:
    """A 0..1 rate as the percentage the report shows."""
    return None if rate is None or pd.isna(rate) else round(float(rate) * 100, 1)


@dataclass
class QualityFigures:
    region_name: str
    as_of: dt.date | None
    headline: dict
    organisations: pd.DataFrame
    municipalities: pd.DataFrame
    flag_rates: pd.DataFrame
    annual_reports: pd.DataFrame
    top_problems: pd.DataFrame
    expectations: dict | None = None
    notes: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The report's tables by sheet name (the XLSX workbook, after the summary)."""
        return {
            "Главные проблемы": self.top_problems,
            "Управляющие организации": self.organisations,
            "Муниципалитеты": self.municipalities,
            "Правила проверки": self.flag_rates,
            "Годовые отчёты": self.annual_reports,
        }

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(HEADLINE_LABELS[key], value) for key, value in self.headline.items() if key in HEADLINE_LABELS],
            columns=["Показатель", "Значение"],
        )

    def as_json(self) -> dict:
        def records(frame: pd.DataFrame) -> list[dict]:
            return [
                {k: (None if v is None or (isinstance(v, float) and pd.isna(v)) else v) for k, v in row.items()}
                for row in frame.astype(object).to_dict(orient="records")
            ]

        return {
            "region_name": self.region_name,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "headline": self.headline,
            **{name: records(frame) for name, frame in self.tables().items()},
        }


# The summary's figures, in the order shown.
HEADLINE_LABELS = {
    "as_of": "Дата сверки",
    "premises": "Помещений в ГИС ЖКХ",
    "fill_rate_before": "Заполненность кадастровых номеров до сверки, %",
    "fill_rate_after": "Видны собственникам в «Госуслуги.Дом» после сверки, %",
    "premises_with_registry_number": "Помещений с кадастровым номером до сверки",
    "premises_visible": "Помещений, видимых после сверки",
    "auto_to_write_back": "Найдено номеров для записи в ГИС ЖКХ",
    "review_backlog": "На ручной проверке",
    "conflict_backlog": "Противоречат ЕГРН",
    "unmatched": "Не найдены в ЕГРН",
    "readings": "Строк показаний ИПУ",
    "reading_flag_rate": "Показания с замечаниями, %",
    "bill_rows": "Строк платёжных документов",
    "bill_flag_rate": "Строки платёжных документов с замечаниями, %",
    "meters": "Приборов учёта",
    "meters_overdue": "Приборов с истёкшим сроком поверки",
    "houses": "Домов",
    "annual_report_year": "Год годового отчёта (форма 2.8)",
    "organisations_report_overdue": "УО, не разместивших отчёт в срок",
    "quarantined_rows": "Строк в карантине",
}


def load_figures(con: duckdb.DuckDBPyConnection, region_name: str | None = None) -> QualityFigures:
    """Reads every figure of the report from marts.quality_kpis, marts.quality_flag_rates and their sources."""
    kpis = con.execute("SELECT * FROM marts.quality_kpis").df()
    region = kpis[kpis["level"] == "region"].iloc[0]
    as_of = _scalar(con, "SELECT max(as_of) FROM quality.validation_run")
    organisations = _organisations(kpis[kpis["level"] == "management_organisation"])
    headline = {
        "as_of": as_of.strftime("%d.%m.%Y") if as_of else None,
        "premises": int(region["premises"]),
        "fill_rate_before": percent(region["fill_rate_before"]),
        "fill_rate_after": percent(region["fill_rate_after"]),
        "premises_with_registry_number": int(region["premises_with_registry_number"]),
        "premises_visible": int(region["premises_visible"]),
        "auto_to_write_back": int(_scalar(con, "SELECT count(*) FROM marts.premises WHERE match_status = 'auto'")),
        "review_backlog": int(region["review_backlog"]),
        "conflict_backlog": int(region["conflict_backlog"]),
        "unmatched": int(region["unmatched"]),
        "readings": int(region["readings"]),
        "reading_flag_rate": percent(region["reading_flag_rate"]),
        "bill_rows": int(region["bill_rows"]),
        "bill_flag_rate": percent(region["bill_flag_rate"]),
        "meters": int(region["meters"]),
        "meters_overdue": int(region["meters_overdue"]),
        "houses": int(region["houses"]),
        "annual_report_year": int(region["annual_report_year"]),
        "organisations_report_overdue": int((organisations["Годовой отчёт"] != REPORT_STATUS_RU["on_time"]).sum()),
        "houses_report_late": int(region["houses_report_late"]),
        "houses_report_missing": int(region["houses_report_missing"]),
        "quarantined_rows": int(region["quarantined_rows"]),
    }
    flag_rates = _flag_rates(con)
    return QualityFigures(
        region_name=region_name or _region_name(con),
        as_of=as_of,
        headline=headline,
        organisations=organisations,
        municipalities=_municipalities(con, kpis[kpis["level"] == "municipality"]),
        flag_rates=flag_rates,
        annual_reports=_annual_reports(con, int(region["annual_report_year"])),
        top_problems=_top_problems(headline, flag_rates),
        expectations=_expectations(con),
    )


def _scalar(con: duckdb.DuckDBPyConnection, sql: str):
    try:
        return con.execute(sql).fetchone()[0]
    except duckdb.CatalogException:
        return None


def _region_name(con: duckdb.DuckDBPyConnection) -> str:
    """The region most house addresses name, with its OKTMO code: a title when the caller gives none."""
    row = con.execute(
        """
        SELECT mode(region), mode(left(municipality_oktmo, 2)) FROM marts.house_management
        """
    ).fetchone()
    name, code = row if row else (None, None)
    if name and code:
        return f"{name} (ОКТМО {code})"
    return name or (f"регион ОКТМО {code}" if code else "регион")


def _organisations(rows: pd.DataFrame) -> pd.DataFrame:
    """Management organisations, those needing attention first: fewest premises visible in the app, then the
    largest reconciliation backlog, then the highest reading flag rate."""
    rows = rows.assign(backlog=rows["review_backlog"] + rows["conflict_backlog"]).sort_values(
        ["fill_rate_after", "backlog", "reading_flag_rate", "management_organisation"],
        ascending=[True, False, False, True], na_position="last",
    )
    frame = pd.DataFrame({
        "Место": range(1, len(rows) + 1),
        UO_NAME: organisation_names(rows),
        "Управляющая организация (ИНН)": rows["management_organisation"].fillna(UNKNOWN_UO).to_numpy(),
        **_kpi_columns(rows),
        "Годовой отчёт": rows["annual_report_status"].map(lambda s: REPORT_STATUS_RU.get(s, "—")).to_numpy(),
        "Строк в карантине": rows["quarantined_rows"].astype("Int64").to_numpy(),
    })
    return frame


def _kpi_columns(rows: pd.DataFrame) -> dict:
    """The KPI columns every level's table shows, with their Russian headers."""
    return {
        "Домов": rows["houses"].astype(int).to_numpy(),
        "Помещений": rows["premises"].astype(int).to_numpy(),
        "Заполненность до сверки, %": rows["fill_rate_before"].map(percent).to_numpy(),
        "Видны в «Госуслуги.Дом» после сверки, %": rows["fill_rate_after"].map(percent).to_numpy(),
        "На ручной проверке": rows["review_backlog"].astype(int).to_numpy(),
        "Противоречат ЕГРН": rows["conflict_backlog"].astype(int).to_numpy(),
        "Показания с замечаниями, %": rows["reading_flag_rate"].map(percent).to_numpy(),
        "Платёжные документы с замечаниями, %": rows["bill_flag_rate"].map(percent).to_numpy(),
        "Приборов с истёкшей поверкой": rows["meters_overdue"].astype(int).to_numpy(),
    }


def _municipalities(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> pd.DataFrame:
    names = dict(con.execute(
        "SELECT municipality_oktmo, mode(settlement) FROM marts.house_management GROUP BY ALL"
    ).fetchall())
    rows = rows.sort_values("municipality_oktmo", na_position="last")
    labels = [
        UNKNOWN_MUNICIPALITY if pd.isna(code) else (f"{code} ({names[code]})" if names.get(code) else str(code))
        for code in rows["municipality_oktmo"]
    ]
    return pd.DataFrame({
        "Муниципальное образование (ОКТМО)": labels,
        **_kpi_columns(rows),
        "Домов без годового отчёта": rows["houses_report_missing"].astype(int).to_numpy(),
    })


def _flag_rates(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every rule of the rule table at region level, with zero where it flagged nothing."""
    found = con.execute(
        "SELECT applies_to, rule, row_kind, rows_checked, rows_flagged, flag_rate "
        "FROM marts.quality_flag_rates WHERE level = 'region'"
    ).df().set_index("rule")
    checked = dict(con.execute(
        "SELECT applies_to, count(*) FROM marts.quality_checked_rows WHERE row_kind <> 'line' GROUP BY ALL"
    ).fetchall())
    rows = []
    for rule in RULES:
        hit = found.loc[rule.code] if rule.code in found.index else None
        rows.append({
            "Что проверяется": APPLIES_TO_RU[rule.applies_to],
            "Правило": rule.title,
            "Код": rule.code,
            "Важность": SEVERITY_RU[rule.severity],
            "Проверено строк": int(hit["rows_checked"]) if hit is not None else int(checked.get(rule.applies_to, 0)),
            "Строк с замечанием": int(hit["rows_flagged"]) if hit is not None else 0,
            "Доля, %": percent(hit["flag_rate"]) if hit is not None else 0.0,
        })
    frame = pd.DataFrame(rows)
    return frame.sort_values(["Строк с замечанием", "Код"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _annual_reports(con: duckdb.DuckDBPyConnection, report_year: int) -> pd.DataFrame:
    """Management organisations whose report for the due year was late or is missing."""
    rows = con.execute(
        """
        WITH published AS (
            SELECT sv_uo_inn(source_file) AS management_organisation, min(published_on) AS first_published,
                   max(published_on) AS last_published
            FROM staging.gis_management_reports
            WHERE report_year = $year
            GROUP BY ALL
        )
        SELECT k.management_organisation, k.management_organisation_name, k.houses, k.houses_report_on_time, k.houses_report_late,
               k.houses_report_missing, k.annual_report_status, p.first_published, p.last_published
        FROM marts.quality_kpis AS k
        LEFT JOIN published AS p USING (management_organisation)
        WHERE k.level = 'management_organisation' AND k.annual_report_status IN ('late', 'missing')
        ORDER BY k.annual_report_status DESC, k.houses_report_missing DESC, k.management_organisation
        """,
        {"year": report_year},
    ).df()
    deadline = dt.date(report_year + 1, 3, 31)
    return pd.DataFrame({
        UO_NAME: organisation_names(rows),
        "Управляющая организация (ИНН)": rows["management_organisation"].fillna(UNKNOWN_UO).to_numpy(),
        "Отчётный год": [report_year] * len(rows),
        "Срок размещения": [deadline] * len(rows),
        "Статус": rows["annual_report_status"].map(REPORT_STATUS_RU).to_numpy(),
        "Домов": rows["houses"].astype(int).to_numpy(),
        "Размещено в срок": rows["houses_report_on_time"].astype(int).to_numpy(),
        "Размещено с опозданием": rows["houses_report_late"].astype(int).to_numpy(),
        "Не размещено": rows["houses_report_missing"].astype(int).to_numpy(),
        "Дата размещения": [_date(v) for v in rows["last_published"]],
    })


def _date(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _top_problems(headline: dict, flag_rates: pd.DataFrame) -> pd.DataFrame:
    """The largest problems across the report, each with the count and who acts on it."""
    year = headline["annual_report_year"]
    items = [
        ("Кадастровый номер в ГИС ЖКХ противоречит ЕГРН", headline["conflict_backlog"],
         "УО: исправить номер по реестру исправлений"),
        ("Найден кадастровый номер, не внесённый в ГИС ЖКХ", headline["auto_to_write_back"],
         "УО: «Установить связь помещения с информацией из Росреестра»"),
        ("Помещение требует ручной проверки", headline["review_backlog"], "УО: выбрать номер в реестре проверки"),
        ("Помещение не найдено в ЕГРН", headline["unmatched"], "УО и Росреестр: уточнить сведения"),
        ("Прибор учёта с истёкшим сроком поверки", headline["meters_overdue"], "УО: организовать поверку"),
        (f"Дом без годового отчёта за {year} год (форма 2.8)", headline["houses_report_missing"],
         "УО: разместить отчёт; инспекция: проверка по ст. 162 ЖК РФ"),
        (f"Годовой отчёт за {year} год размещён с опозданием", headline["houses_report_late"],
         "Инспекция: учесть при проверке"),
        ("Строка источника в карантине (не загружена)", headline["quarantined_rows"], "Поставщик данных"),
    ]
    for rule in flag_rates.to_dict(orient="records"):
        if rule["Важность"] != SEVERITY_RU["info"]:
            items.append((f"{rule['Что проверяется']}: {rule['Правило']}", rule["Строк с замечанием"],
                          "УО: исправить данные в ГИС ЖКХ"))
    frame = pd.DataFrame(items, columns=["Проблема", "Количество", "Кто исправляет"])
    frame = frame[frame["Количество"] > 0].sort_values("Количество", ascending=False, kind="stable")
    return frame.head(TOP_PROBLEMS).reset_index(drop=True)


def _expectations(con: duckdb.DuckDBPyConnection) -> dict | None:
    """Great Expectations results of the validation stage, when it ran."""
    try:
        total, passed, stop_failed = con.execute(
            "SELECT count(*), count(*) FILTER (success), count(*) FILTER (NOT success AND severity = 'stop') "
            "FROM quality.expectation_results"
        ).fetchone()
    except duckdb.Error:
        return None
    return {"total": int(total), "passed": int(passed), "stop_failed": int(stop_failed)}
