"""Review queues: one XLSX per management organisation (УО), in Russian, of what a person must do in GIS ZhKKh.

The УО is the one whose houses export the premise came from: its INN in the export's file name
(`houses_uo_<INN>_….xlsx`, `uo_<INN>_export.zip`), else the file's own name (see transforms/match/keys.py,
`sv_management_organisation`). The summary names the УО by its name where a source gives one
(marts.management_organisations), else says «наименование не указано в выгрузке». Sheets:

    Сводка               counts by status and how to read the file
    Проверить            premises a person must decide on, with up to three candidates and their evidence
    Конфликты            registry numbers that contradict Rosreestr, with the number Rosreestr supports
    Установить связь     numbers Sverka found unambiguously (auto): to be entered as they are
    Не найдены в ЕГРН    premises with no EGRN object, and why

Every file goes through `warehouse.exports.write_xlsx`, which writes values only and neutralises formula-like text.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.exports import write_xlsx

LINK_ACTION = "«Установить связь помещения с информацией из Росреестра»"
# Words of reconciled.premise_matches.match_reason the queue reacts to (warehouse/sql/reconciled/51_premise_matches.sql)
SHARED_NUMBER = "номер достался двум помещениям"
KIND_RU = {"flat": "жилое", "nonres": "нежилое", "common": "нежилое (общее имущество)"}
MAX_CANDIDATES = 3

PREMISES_SQL = """
    SELECT m.management_organisation, m.premise_id, m.match_status, m.cadastral_number, m.match_score,
           m.match_reason, m.candidates, m.registry_verdict, m.house_address, m.source_file, m.source_sheet,
           m.source_row, p.number_text, p.kind, p.area, p.registry_cadastral_number, h.link_method,
           h.egrn_house_id, h.egrn_address, g.several_houses, e.number_text AS egrn_number, e.area AS egrn_area
    FROM reconciled.premise_matches AS m
    JOIN reconciled.gis_premises AS p USING (premise_id)
    JOIN reconciled.houses AS h ON h.gis_house_id = m.gis_house_id
    JOIN reconciled.gis_houses AS g ON g.gis_house_id = m.gis_house_id
    LEFT JOIN reconciled.egrn_premises AS e ON e.cadastral_number = m.cadastral_number
    ORDER BY m.management_organisation, m.house_address, p.number_key, m.source_file, m.source_row
"""

# Candidates a person can still choose: in the linked house, not excluded, not given to another premise.
CANDIDATES_SQL = """
    WITH taken AS (
        SELECT premise_id, cadastral_number FROM reconciled.premise_matches WHERE cadastral_number IS NOT NULL
    )
    SELECT c.premise_id, c.cadastral_number, c.egrn_number, c.egrn_area, c.evidence, c.match_score,
           c.number_level, c.area_level, c.kind_level, c.strong,
           row_number() OVER (PARTITION BY c.premise_id ORDER BY c.match_score DESC, c.cadastral_number) AS rank
    FROM reconciled.premise_candidates AS c
    JOIN reconciled.premise_matches AS m USING (premise_id)
    WHERE m.match_status IN ('review', 'conflict') AND c.same_house AND c.excluded_by IS NULL
      AND NOT exists(SELECT 1 FROM taken AS t
                     WHERE t.cadastral_number = c.cadastral_number AND t.premise_id <> c.premise_id)
    QUALIFY rank <= ?
"""

VERDICT_ACTION = {
    "building": "в ГИС ЖКХ указан кадастровый номер здания, а не помещения",
    "not_found": "такого кадастрового номера нет в выписках ЕГРН по дому (опечатка?)",
    "retired": "кадастровый номер снят с учёта в ЕГРН",
    "other_house": "кадастровый номер принадлежит помещению другого дома",
    "excluded": "кадастровый номер принадлежит комнате, машино-месту или общему имуществу",
    "taken": "кадастровый номер принадлежит другому помещению этого дома",
    "kind": "кадастровый номер принадлежит помещению другого вида (жилое/нежилое)",
    "area": "площадь помещения в ЕГРН сильно отличается",
}


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-zА-Яа-яЁё_.-]+", "_", str(text)).strip("_") or "uo"


def _location(row) -> str:
    sheet = f" [{row.source_sheet}]" if isinstance(row.source_sheet, str) and row.source_sheet else ""
    return f"{row.source_file}{sheet}, строка {row.source_row}"


def _premise_columns(row) -> dict:
    return {
        "Адрес дома (ГИС ЖКХ)": row.house_address,
        "Номер помещения": row.number_text,
        "Вид": KIND_RU.get(row.kind, row.kind),
        "Площадь по паспорту, м²": row.area,
        "Кадастровый номер в ГИС ЖКХ": row.registry_cadastral_number,
    }


def _why(row, options: pd.DataFrame | None) -> str:
    """Why a person must decide, in Russian, from the best candidate's comparison levels."""
    reason = row.match_reason if isinstance(row.match_reason, str) else ""
    if row.several_houses:
        return ("Этим адресом в выгрузке описаны разные дома (разные коды ФИАС или кадастровые номера зданий): "
                "по адресу нельзя понять, в каком из них помещение.")
    if SHARED_NUMBER in reason:
        return "Один и тот же кадастровый номер подошёл двум помещениям ГИС ЖКХ (дубль строки или номера)."
    if options is None or options.empty:
        return "Кадастровый номер в ГИС ЖКХ не удалось ни подтвердить, ни опровергнуть по выпискам ЕГРН."
    best = options.iloc[0]
    strong = int(options["strong"].fillna(False).sum())
    if strong > 1:
        return "Несколько помещений ЕГРН одинаково подходят по номеру и площади."
    if strong == 1:
        return "Дом сопоставлен с ЕГРН ненадёжно или помещение ЕГРН подходит ещё одному помещению ГИС ЖКХ."
    if best["number_level"] in ("exact", "format"):
        return (f"Номер совпадает, но площадь отличается ({row.area:g} и {best['egrn_area']:g} м²): возможно, "
                "номера помещений переставлены.")
    area_agrees = best["area_level"] in ("equal", "rounding", "close")
    if best["number_level"] == "fuzzy":
        return (f"Номер похож ({row.number_text} и {best['egrn_number']}), площадь "
                f"{'совпадает' if area_agrees else 'отличается'}: возможно, опечатка или помещение перенумеровано.")
    if area_agrees:
        return (f"Среди свободных помещений ЕГРН нет № {row.number_text}; совпадает только площадь — помещение "
                "могло быть перенумеровано или не учтено в ЕГРН.")
    return "Ни номер, ни площадь не совпадают уверенно: проверьте по выписке ЕГРН."


def _review_rows(premises: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    by_premise = {k: g for k, g in candidates.groupby("premise_id")}
    rows = []
    for row in premises[premises["match_status"] == "review"].itertuples(index=False):
        out = _premise_columns(row)
        options = by_premise.get(row.premise_id)
        for k in range(1, MAX_CANDIDATES + 1):
            c = options[options["rank"] == k] if options is not None else None
            c = c.iloc[0] if c is not None and len(c) else None
            out[f"Кандидат {k}: кадастровый номер"] = c["cadastral_number"] if c is not None else None
            out[f"Кандидат {k}: номер и площадь в ЕГРН"] = (
                f"№ {c['egrn_number'] or '—'}, {c['egrn_area']:g} м²" if c is not None and pd.notna(c["egrn_area"])
                else (f"№ {c['egrn_number'] or '—'}" if c is not None else None))
            out[f"Кандидат {k}: основания"] = c["evidence"] if c is not None else None
            out[f"Кандидат {k}: оценка"] = round(float(c["match_score"]), 3) if c is not None else None
        out["Почему не автоматически"] = _why(row, options)
        out["Основания (кратко)"] = row.match_reason
        out["Что сделать в ГИС ЖКХ"] = (
            "Сверьте кандидатов с выпиской ЕГРН и техпаспортом (номер, площадь, этаж). Выбранный кадастровый номер "
            f"внесите в карточку помещения: {LINK_ACTION}. Если ни один не подходит — запросите выписку ЕГРН.")
        if row.several_houses:
            out["Что сделать в ГИС ЖКХ"] = (
                "Уточните адреса домов в ГИС ЖКХ (у каждого дома свой адрес по ФИАС: например, «д. 18б» и "
                f"«д. 18, лит. Б»), проверьте, к какому дому относится помещение, затем выполните {LINK_ACTION}.")
        out["Источник"] = _location(row)
        rows.append(out)
    return pd.DataFrame(rows)


def _conflict_rows(premises: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    best = candidates[candidates["rank"] == 1].set_index("premise_id")
    rows = []
    for row in premises[premises["match_status"] == "conflict"].itertuples(index=False):
        out = _premise_columns(row)
        out["Что не так"] = VERDICT_ACTION.get(row.registry_verdict, "номер не подтверждается ЕГРН")
        supported = row.cadastral_number if isinstance(row.cadastral_number, str) else None
        out["Кадастровый номер по ЕГРН"] = supported
        out["Номер и площадь в ЕГРН"] = (
            f"№ {row.egrn_number or '—'}, {row.egrn_area:g} м²" if supported and pd.notna(row.egrn_area) else None)
        possible = best.loc[row.premise_id] if supported is None and row.premise_id in best.index else None
        out["Возможный номер (проверить)"] = possible["cadastral_number"] if possible is not None else None
        out["Основания"] = row.match_reason
        if supported:
            action = (f"Замените кадастровый номер {row.registry_cadastral_number} на {supported}: "
                      f"{LINK_ACTION} в карточке помещения.")
        else:
            action = (f"Удалите неверный кадастровый номер {row.registry_cadastral_number}; найдите помещение в "
                      f"выписке ЕГРН и выполните {LINK_ACTION}.")
        out["Что сделать в ГИС ЖКХ"] = action
        out["Источник"] = _location(row)
        rows.append(out)
    return pd.DataFrame(rows)


def _auto_rows(premises: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for row in premises[premises["match_status"] == "auto"].itertuples(index=False):
        out = _premise_columns(row)
        out["Кадастровый номер по ЕГРН"] = row.cadastral_number
        out["Номер и площадь в ЕГРН"] = (
            f"№ {row.egrn_number or '—'}, {row.egrn_area:g} м²" if pd.notna(row.egrn_area) else None)
        out["Основания"] = row.match_reason
        out["Что сделать в ГИС ЖКХ"] = f"Внесите кадастровый номер {row.cadastral_number}: {LINK_ACTION}."
        out["Источник"] = _location(row)
        rows.append(out)
    return pd.DataFrame(rows)


def _unmatched_rows(premises: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for row in premises[premises["match_status"] == "unmatched"].itertuples(index=False):
        out = _premise_columns(row)
        out["Причина"] = row.match_reason
        out["Что сделать"] = (
            "Проверьте, учтено ли помещение в ЕГРН (запрос выписки); если дом не найден — проверьте адрес и "
            "код ФИАС дома в ГИС ЖКХ.")
        out["Источник"] = _location(row)
        rows.append(out)
    return pd.DataFrame(rows)


NO_NAME = "наименование не указано в выгрузке"


def organisation_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """УО key → its name, from marts.management_organisations (empty before the marts are built)."""
    try:
        return dict(con.execute(
            "SELECT management_organisation, management_organisation_name FROM marts.management_organisations "
            "WHERE management_organisation_name IS NOT NULL").fetchall())
    except duckdb.CatalogException:
        return {}


def _summary(uo: str, premises: pd.DataFrame, name: str | None = None) -> pd.DataFrame:
    counts = premises["match_status"].value_counts()
    label = {"confirmed": "подтверждено ЕГРН (ничего делать не нужно)", "auto": "найдено Сверкой — установить связь",
             "review": "проверить вручную", "conflict": "конфликт с ЕГРН — исправить номер",
             "unmatched": "не найдено в ЕГРН"}
    rows = [{"Показатель": "Управляющая организация", "Значение": name or f"{uo} ({NO_NAME})"},
            {"Показатель": "Управляющая организация (ИНН или файл выгрузки)", "Значение": uo},
            {"Показатель": "Помещений в выгрузке", "Значение": int(len(premises))}]
    rows += [{"Показатель": text, "Значение": int(counts.get(status, 0))} for status, text in label.items()]
    rows.append({"Показатель": "Как работать",
                 "Значение": "Листы «Конфликты» и «Проверить» — решения человека; «Установить связь» — номера, найденные "
                             f"однозначно. Во всех случаях в ГИС ЖКХ: {LINK_ACTION}."})
    return pd.DataFrame(rows)


WIDTHS = {"Адрес дома (ГИС ЖКХ)": 45, "Основания": 60, "Почему не автоматически": 60, "Основания (кратко)": 50, "Что сделать в ГИС ЖКХ": 70,
          "Что не так": 45, "Причина": 55, "Что сделать": 60, "Источник": 50, "Показатель": 50, "Значение": 90,
          "Кандидат 1: основания": 45, "Кандидат 2: основания": 45, "Кандидат 3: основания": 45}


def write_review_queues(con: duckdb.DuckDBPyConnection, out_dir: Path) -> list[Path]:
    """One `review_queue_<УО>.xlsx` per management organisation in `out_dir`; returns the paths written."""
    out_dir = Path(out_dir)
    premises = con.execute(PREMISES_SQL).df()
    candidates = con.execute(CANDIDATES_SQL, [MAX_CANDIDATES]).df()
    names = organisation_names(con)
    paths = []
    for uo, group in premises.groupby("management_organisation", sort=True):
        ids = set(group["premise_id"])
        options = candidates[candidates["premise_id"].isin(ids)]
        sheets = {
            "Сводка": _summary(str(uo), group, names.get(str(uo))),
            "Проверить": _review_rows(group, options),
            "Конфликты": _conflict_rows(group, options),
            "Установить связь": _auto_rows(group),
            "Не найдены в ЕГРН": _unmatched_rows(group),
        }
        sheets = {name: frame if len(frame.columns) else pd.DataFrame({"Нет записей": []})
                  for name, frame in sheets.items()}
        paths.append(write_xlsx(sheets, out_dir / f"review_queue_{_slug(uo)}.xlsx", WIDTHS))
    return paths
