"""The regional quality report as one self-contained HTML page, in Russian.

Styles, the sorting script and the charts (inline SVG) are inside the page, so it opens offline from a file or
an e-mail attachment. Key figures carry `data-figure="<name>"`, and the figures the page was built from are
embedded as JSON (`<script type="application/json" id="sverka-figures">`) for machines and tests.
"""

from __future__ import annotations

import datetime as dt
import json
from html import escape
from pathlib import Path

import pandas as pd

from warehouse.reports.charts import Series, bar_chart
from warehouse.reports.quality_figures import UO_NAME, QualityFigures, organisation_label

NBSP = "\u00a0"
BEFORE = Series("до сверки (номер был в ГИС ЖКХ)", "#b8c4d6")
AFTER = Series("после сверки (видны в «Госуслуги.Дом»)", "#2f6db5")
FLAGS = Series("доля строк с замечанием", "#d9822b")
# Numbers shown as they are, without thousands separators.
PLAIN_NUMBERS = {"Отчётный год", "Место"}

STYLE = """
body { font-family: Arial, Helvetica, sans-serif; margin: 24px auto; max-width: 1180px; color: #1f2328;
       line-height: 1.4; padding: 0 16px; }
h1 { font-size: 26px; margin-bottom: 4px; } h2 { font-size: 20px; margin-top: 36px; border-bottom: 1px solid #ddd; }
.meta { color: #57606a; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 20px 0; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 14px; min-width: 170px; flex: 1 1 170px; }
.card .value { font-size: 26px; font-weight: bold; color: #2f6db5; }
.card.bad .value { color: #c0392b; }
.card .label { font-size: 13px; color: #57606a; }
table { border-collapse: collapse; margin: 10px 0; font-size: 13px; }
.scroll { overflow-x: auto; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; vertical-align: top; }
th { background: #eef3fa; text-align: left; cursor: pointer; }
td.num { text-align: right; white-space: nowrap; }
tr:nth-child(even) td { background: #fafbfc; }
.note { font-size: 13px; color: #57606a; }
@media print { th { cursor: auto; } h2 { page-break-after: avoid; } }
"""

# Click a column header to sort by it; numbers sort by their raw value (data-value).
SCRIPT = """
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, column) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var descending = th.getAttribute('aria-sort') !== 'descending';
      table.querySelectorAll('th').forEach(function (other) { other.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      function key(row) {
        var cell = row.cells[column], raw = cell.getAttribute('data-value');
        return raw !== null && raw !== '' && !isNaN(raw) ? parseFloat(raw) : cell.textContent.trim();
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), order = (x > y) - (x < y);
        return descending ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
document.body.setAttribute('data-sortable', 'ready');
"""


def fmt_int(value) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{int(value):,}".replace(",", NBSP)


def fmt_percent(value) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{float(value):.1f}".replace(".", ",") + NBSP + "%"


def fmt_date(value) -> str:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return "—"
    return pd.Timestamp(value).strftime("%d.%m.%Y")


def render_html(figures: QualityFigures, data_docs: str | None = None, xlsx_name: str | None = None) -> str:
    """The whole page; `data_docs` is a relative link to the Great Expectations Data Docs when they exist."""
    h = figures.headline
    title = f"Качество данных ЖКХ: {figures.region_name}"
    sections = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">Дата сверки: <b data-figure="as_of">{escape(h["as_of"] or "—")}</b>. '
        f"Сверка ГИС ЖКХ с ЕГРН (Росреестр), проверка показаний приборов учёта и платёжных документов. "
        f"Отчёт для государственной жилищной инспекции.</p>",
        _cards(h),
        _section("Главные проблемы", "problems",
                 "<p>Что встречается чаще всего и кто это исправляет.</p>" + _table(figures.top_problems)),
        _section("Видны ли помещения собственникам", "fill-rate", _fill_rate(figures)),
        _section("Управляющие организации", "organisations",
                 "<p>Сначала — организации, у которых меньше всего помещений видно собственникам в "
                 "«Госуслуги.Дом»; при равенстве — с большим числом нерешённых расхождений. "
                 "Щёлкните заголовок столбца, чтобы упорядочить по нему.</p>" + _table(figures.organisations)),
        _section("Муниципальные образования", "municipalities", _table(figures.municipalities)),
        _section("Замечания к показаниям и платёжным документам", "flag-rates", _flag_rates(figures)),
        _section("Годовые отчёты управляющих организаций (форма 2.8)", "annual-reports", _annual_reports(figures)),
        _section("Проверки опубликованных таблиц", "expectations", _expectations(figures, data_docs)),
        _section("Как читать отчёт", "glossary", _glossary(xlsx_name)),
    ]
    payload = json.dumps(figures.as_json(), ensure_ascii=False, default=_json_default).replace("</", "<\\/")
    return (
        "<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        + "\n".join(sections)
        + f'\n<script type="application/json" id="sverka-figures">{payload}</script>'
        + f"\n<script>{SCRIPT}</script></body></html>\n"
    )


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON: {type(value).__name__}")


def _section(title: str, anchor: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{body}</section>'


def _cards(h: dict) -> str:
    cards = [
        ("fill_rate_before", fmt_percent(h["fill_rate_before"]), "заполненность кадастровых номеров до сверки", False),
        ("fill_rate_after", fmt_percent(h["fill_rate_after"]),
         "помещений видны собственникам в «Госуслуги.Дом» после сверки", False),
        ("premises", fmt_int(h["premises"]), "помещений в ГИС ЖКХ", False),
        ("conflict_backlog", fmt_int(h["conflict_backlog"]), "номеров противоречат ЕГРН", h["conflict_backlog"] > 0),
        ("review_backlog", fmt_int(h["review_backlog"]), "помещений на ручной проверке", h["review_backlog"] > 0),
        ("reading_flag_rate", fmt_percent(h["reading_flag_rate"]), "показаний ИПУ с замечаниями", False),
        ("bill_flag_rate", fmt_percent(h["bill_flag_rate"]), "строк платёжных документов с замечаниями", False),
        ("meters_overdue", fmt_int(h["meters_overdue"]), "приборов учёта с истёкшей поверкой", h["meters_overdue"] > 0),
        ("organisations_report_overdue", fmt_int(h["organisations_report_overdue"]),
         f"УО не разместили отчёт за {h['annual_report_year']} год в срок", h["organisations_report_overdue"] > 0),
        ("quarantined_rows", fmt_int(h["quarantined_rows"]), "строк источников в карантине", False),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card{" bad" if bad else ""}"><div class="value" data-figure="{name}">{escape(value)}</div>'
        f'<div class="label">{escape(label)}</div></div>'
        for name, value, label, bad in cards
    ) + "</div>"


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return '<p class="note">Нет строк.</p>'
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(frame.columns, record):
            cells.append(_cell(str(column), value))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="scroll"><table class="sortable"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _cell(column: str, value) -> str:
    if isinstance(value, (dt.date, pd.Timestamp)):
        return f'<td class="num" data-value="{pd.Timestamp(value).strftime("%Y%m%d")}">{fmt_date(value)}</td>'
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return '<td class="num" data-value="">—</td>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if column.endswith(", %"):
            text = fmt_percent(value)
        elif column in PLAIN_NUMBERS or not float(value).is_integer():
            text = str(value).replace(".", ",")
        else:
            text = fmt_int(value)
        return f'<td class="num" data-value="{value}">{escape(text)}</td>'
    return f"<td>{escape(str(value))}</td>"


def _fill_rate(figures: QualityFigures) -> str:
    h = figures.headline
    orgs = figures.organisations
    labels = ["Весь регион"] + [organisation_label(name, str(key)) for name, key
                                in zip(orgs[UO_NAME], orgs["Управляющая организация (ИНН)"])]
    values = [[h["fill_rate_before"], h["fill_rate_after"]]] + [
        [before, after] for before, after in zip(orgs["Заполненность до сверки, %"],
                                                 orgs["Видны в «Госуслуги.Дом» после сверки, %"])
    ]
    values = [[None if v is None or pd.isna(v) else float(v) for v in pair] for pair in values]
    chart = bar_chart("Заполненность кадастровых номеров до и после сверки, %", labels, values, [BEFORE, AFTER],
                      100.0, fmt_percent)
    return (
        "<p>Собственник видит своё помещение в «Госуслуги.Дом», только когда в ГИС ЖКХ записан кадастровый "
        f"номер из ЕГРН. До сверки номер был у <b>{fmt_percent(h['fill_rate_before'])}</b> помещений "
        f"({fmt_int(h['premises_with_registry_number'])} из {fmt_int(h['premises'])}); после сверки "
        f"<b>{fmt_percent(h['fill_rate_after'])}</b> ({fmt_int(h['premises_visible'])}): номера, подтверждённые "
        f"Росреестром, и {fmt_int(h['auto_to_write_back'])} найденных Сверкой номеров, которые управляющим "
        "организациям осталось внести в ГИС ЖКХ.</p>" + chart
    )


def _flag_rates(figures: QualityFigures) -> str:
    rates = figures.flag_rates[figures.flag_rates["Строк с замечанием"] > 0].sort_values(
        "Доля, %", ascending=False, kind="stable")
    labels = [f"{a}: {r}" for a, r in zip(rates["Что проверяется"], rates["Правило"])]
    values = [[float(v)] for v in rates["Доля, %"]]
    scale = max([v[0] for v in values] + [1.0])
    chart = bar_chart("Доля строк с замечанием по правилам, %", labels, values, [FLAGS], scale, fmt_percent)
    h = figures.headline
    return (
        f"<p>Показаний ИПУ с ошибками или предупреждениями: <b>{fmt_percent(h['reading_flag_rate'])}</b> из "
        f"{fmt_int(h['readings'])}; строк платёжных документов: <b>{fmt_percent(h['bill_flag_rate'])}</b> из "
        f"{fmt_int(h['bill_rows'])}. Доля правила считается от строк того вида, который оно проверяет: показаний, "
        "документов («Разделы 1-2») или строк услуг («Разделы 3-6»). Замечания «к сведению» — не ошибки.</p>"
        + chart + _table(figures.flag_rates)
    )


def _annual_reports(figures: QualityFigures) -> str:
    h = figures.headline
    year = h["annual_report_year"]
    intro = (
        f"<p>По ч. 11 ст. 162 Жилищного кодекса РФ управляющая организация ежегодно в течение первого квартала "
        f"представляет собственникам отчёт за прошедший год. Последний год, срок отчёта за который прошёл на дату "
        f"сверки, — <b>{year}</b> (срок — 31.03.{year + 1}). Не разместили отчёт в срок: "
        f"<b data-figure=\"organisations_report_overdue_text\">{fmt_int(h['organisations_report_overdue'])}</b> УО; "
        f"домов без отчёта — {fmt_int(h['houses_report_missing'])}, с опозданием — "
        f"{fmt_int(h['houses_report_late'])}.</p>"
    )
    if figures.annual_reports.empty:
        return intro + '<p class="note">Все управляющие организации разместили отчёт в срок.</p>'
    return intro + _table(figures.annual_reports)


def _expectations(figures: QualityFigures, data_docs: str | None) -> str:
    parts = []
    e = figures.expectations
    if e:
        parts.append(f"<p>Проверки Great Expectations: пройдено <b>{fmt_int(e['passed'])}</b> из "
                     f"{fmt_int(e['total'])}; не пройдено обязательных — {fmt_int(e['stop_failed'])}.</p>")
    else:
        parts.append('<p class="note">Результатов проверок Great Expectations в хранилище нет.</p>')
    if data_docs:
        parts.append(f'<p><a href="{escape(data_docs)}">Подробные результаты проверок (Data Docs)</a></p>')
    return "".join(parts)


def _glossary(xlsx_name: str | None) -> str:
    items = [
        ("Заполненность до сверки", "доля помещений, у которых в ГИС ЖКХ уже был кадастровый номер (верный или нет)."),
        ("Видны после сверки", "доля помещений, номер которых подтвердил Росреестр (confirmed) или нашла Сверка "
                               "однозначно (auto) — после записи найденного номера в ГИС ЖКХ."),
        ("На ручной проверке", "кандидатов несколько или связь неоднозначна: решает специалист УО."),
        ("Противоречат ЕГРН", "номер в ГИС ЖКХ принадлежит другому объекту или не существует."),
        ("Управляющая организация", "по ИНН в имени файла выгрузки ГИС ЖКХ (houses_uo_<ИНН>_…, "
                                    "uo_<ИНН>_export.zip); строки без ИНН — по дому, к которому относятся. "
                                    "Наименование — из региональной программы капремонта (владелец специального "
                                    "счёта домов УО); если его нет ни в одном источнике, показан ИНН с пометкой "
                                    "«наименование не указано в выгрузке»."),
        ("Муниципальное образование", "первые 8 цифр ОКТМО дома из выгрузки ГИС ЖКХ."),
    ]
    body = "<dl>" + "".join(f"<dt><b>{escape(t)}</b></dt><dd>{escape(d)}</dd>" for t, d in items) + "</dl>"
    if xlsx_name:
        body += f'<p>Те же цифры в таблице Excel: <a href="{escape(xlsx_name)}">{escape(xlsx_name)}</a>.</p>'
    return body


def write_html(figures: QualityFigures, path: Path, data_docs: str | None = None, xlsx_name: str | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(figures, data_docs, xlsx_name), encoding="utf-8")
    return path
