"""The rule table: every reading and bill rule with its code, severity, Russian message and SQL.

A rule's SQL (checks/sql/<applies_to>/<code>.sql) returns the offending rows: their lineage
(`source_file`, `source_sheet`, `source_row`), the row's identity (meter and period, or account, document
and period) and the values its message names. It passes on zero rows. The rules read the validation models
in checks/sql/models, built first by the runner:

- `quality.meter_register` — one row per meter number, the listing with the latest verification, and its
  verification due date = last verification (else factory sealing, commissioning, installation) + the
  interval in calendar years;
- `quality.reading_steps` (stored) and the view `quality.reading_history` — every reading row placed in its
  meter's history, keyed by its row id in staging (`reading_id`; lineage is read back from staging). A
  reading is *usable* when its meter is known, every value given follows the GIS pattern, some value is
  given, it is not dated after as-of and its period is known; the latest usable submission of a meter and
  period (by reading date, then place in the sources) is *counted* (earlier ones, usable or not, are
  superseded); a zone's value is *accepted* when not below the last accepted value of that zone, or below
  the meter's base reading before any accepted reading; a reading is accepted when all its zones are;
- `quality.bill_line_items`, `quality.bill_documents` — lines linked to their documents (same workbook,
  else a unique document number), line sums, the raw text of unreadable periods, duplicate order (the
  first document of an account and period in source order counts), keyed by staging row ids.

Row-level reading rules (bad_value, future_date, unknown_meter, verification_overdue) read staging
directly with the same predicates (checks/sql/macros.sql) the history uses.

Severity: `error` — the row cannot be used as is; `warning` — plausible but must be checked;
`info` — nothing to fix, for the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from checks.messages import message_sql

SQL_DIR = Path(__file__).parent / "sql"

READINGS, BILLS = "readings", "bills"
ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Rule:
    code: str
    applies_to: str  # readings | bills
    severity: str  # error | warning | info
    title: str  # short Russian name for reports
    message: str  # Russian template over the columns of the rule's SQL

    @property
    def sql_path(self) -> Path:
        return SQL_DIR / self.applies_to / f"{self.code}.sql"

    @property
    def sql(self) -> str:
        return self.sql_path.read_text(encoding="utf-8")

    @property
    def message_sql(self) -> str:
        return message_sql(self.message)


RULES: tuple[Rule, ...] = (
    # --- meter readings («Импорт показаний ИПУ») ------------------------------------------------------
    Rule(
        "below_previous", READINGS, ERROR,
        "Показание ниже предыдущего",
        "Показание ниже {compared_with}: {comparison}. Показания ПУ не могут уменьшаться — проверьте, "
        "не перепутаны ли цифры или тарифные зоны и не заменён ли прибор без внесения нового ПУ в ГИС ЖКХ.",
    ),
    Rule(
        "spike", READINGS, WARNING,
        "Резкий рост расхода",
        "Расход за период {period:period} — {consumption:number}, в {ratio:ratio} раза больше обычного "
        "месячного расхода этого ПУ ({usual:number}, медиана за {history_months:int} мес.). Проверьте "
        "показание на опечатку; если оно верно — нет ли утечки или неисправности прибора.",
    ),
    Rule(
        "verification_overdue", READINGS, WARNING,
        "Истёк срок поверки",
        "Показание снято {read_on:date}, после срока поверки ПУ {due_on:date} (поверка {verified_on:date}, "
        "межповерочный интервал {interval_years:years}). Проверьте, пройдена ли поверка, и внесите новую "
        "дату поверки в сведения о ПУ; показания просроченного прибора не принимаются к расчёту.",
    ),
    Rule(
        "verification_due_soon", READINGS, INFO,
        "Скоро срок поверки",
        "Срок поверки ПУ наступает {due_on:date} (через {days_left:int} дн.). Напомните собственнику "
        "о поверке прибора учёта.",
    ),
    Rule(
        "bad_value", READINGS, ERROR,
        "Показание не по формату ГИС ЖКХ",
        "Показание не соответствует формату ГИС ЖКХ (неотрицательное число, до 15 цифр в целой части и "
        "до 7 знаков после запятой): {bad_values}. Проверьте значение по прибору и передайте показание заново.",
    ),
    Rule(
        "future_date", READINGS, ERROR,
        "Дата показания в будущем",
        "Показание датировано {read_on:date} за период {period:period} — позже даты сверки {as_of:date}. "
        "Проверьте дату снятия показания и расчётный период.",
    ),
    Rule(
        "unknown_meter", READINGS, ERROR,
        "Неизвестный ПУ",
        "Прибора учёта с номером {meter_gis_number} нет в сведениях о ПУ. Проверьте номер ПУ в ГИС ЖКХ "
        "или внесите прибор в сведения о ПУ.",
    ),
    Rule(
        "superseded", READINGS, INFO,
        "Показание заменено",
        "Показание за период {period:period} от {read_on:date} заменено более поздней передачей "
        "от {later_read_on:date}; учитывается последняя. Проверьте, что замена сделана намеренно.",
    ),
    # --- payment documents («Разделы 1-2», «Разделы 3-6») -------------------------------------------------
    Rule(
        "lines_sum_mismatch", BILLS, ERROR,
        "Сумма ПД не равна сумме строк",
        "Сумма к оплате за расчётный период {amount_due:money} руб. не равна сумме строк документа "
        "{lines_total:money} руб. (строк: {lines_count:int}, разница {difference:money} руб.). Проверьте итог "
        "платёжного документа и строки разделов 3–6.",
    ),
    Rule(
        "charge_mismatch", BILLS, ERROR,
        "Начисление не равно объём × тариф",
        "Начислено по услуге «{service}» {charge:money} руб., а объём {volume:number} × тариф "
        "{tariff:number} = {expected:money} руб. (разница {difference:money} руб.). Проверьте объём, тариф "
        "и сумму начисления.",
    ),
    Rule(
        "duplicate_document", BILLS, ERROR,
        "Повторный платёжный документ",
        "Повторный платёжный документ по идентификатору ЖКУ {hcs_id} за период {period:period}: уже есть "
        "документ {first_document_number} ({first_source_file}, строка {first_source_row:int}). Проверьте, "
        "не выгружен ли документ повторно, и оставьте один.",
    ),
    Rule(
        "unknown_account", BILLS, ERROR,
        "Неизвестный лицевой счёт",
        "Идентификатора ЖКУ {hcs_id} нет в сведениях о лицевых счетах. Проверьте идентификатор в "
        "платёжном документе или внесите лицевой счёт.",
    ),
    Rule(
        "negative_amount", BILLS, WARNING,
        "Отрицательная сумма без перерасчёта",
        "Отрицательная сумма по услуге «{service}»: {amount:money} руб., перерасчёт {recalculation:money} руб. "
        "Проверьте объём и начисление; уменьшение платы оформляется перерасчётом.",
    ),
    Rule(
        "bad_period", BILLS, ERROR,
        "Неверный расчётный период",
        "Расчётный период {problem}. Укажите период в формате ММ.ГГГГ.",
    ),
    Rule(
        "unknown_document", BILLS, ERROR,
        "Строка без платёжного документа",
        "Строка по услуге «{service}» ссылается на платёжный документ {document_number}, которого нет "
        "в разделах 1–2. Проверьте номер документа.",
    ),
)

RULES_BY_CODE = {rule.code: rule for rule in RULES}

# The validation models, in build order; their SQL is in checks/sql/models.
MODELS: tuple[str, ...] = ("meter_register", "reading_steps", "reading_history", "bill_line_items", "bill_documents")


def model_sql(name: str) -> str:
    return (SQL_DIR / "models" / f"{name}.sql").read_text(encoding="utf-8")
