"""The regional capital-repair programme (short-term plan) and the management organisations' annual reports
(form 2.8), with the headers designed in headers.py.

Some organisations publish their report late (after the 31 March deadline) or not at all; the truth lists every
organisation and year with its status.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from . import addresses, headers as H
from .reference import repair_jobs
from .region import Region
from .rng import pick, stream
from .sheets import DATE, Column, Sheet, describe, layout, number, text
from .write_gis import CREATED
from .write_readings import formula_cells
from .xlsx import write_xlsx

REPAIR_NOTES = ("", "", "", "перенос срока", "по решению ОСС", "-перенос на следующий год", "=ИТОГО")


def write_repair_programme(region: Region, out_dir: Path) -> tuple[list[dict], pd.DataFrame]:
    p = region.params
    rng = stream(p.seed, "repair")
    houses = region.houses
    jobs = repair_jobs()
    weights = jobs["count"].to_numpy(float)
    has = rng.random(len(houses)) < 0.4
    if len(houses) and not has.any():
        has[0] = True
    count = np.where(has, rng.integers(1, 4, size=len(houses)), 0)
    h = np.repeat(np.arange(len(houses)), count)
    n = len(h)
    job = rng.choice(len(jobs), size=n, p=weights / weights.sum())
    first_year = p.period_end[0] + 1
    start_year = first_year + rng.integers(0, 3, size=n)
    start_month = rng.integers(3, 10, size=n)
    length = rng.integers(1, 7, size=n)
    end_total = start_month - 1 + length
    end_year, end_month = start_year + end_total // 12, end_total % 12 + 1
    area = houses["area_total"].to_numpy()[h]
    cost = np.round(jobs["median_cost_thousand"].to_numpy()[job] * 1000 * np.clip(area / 3000, 0.3, 5)
                    * rng.uniform(0.7, 1.4, size=n), 2)
    special = (rng.random(len(houses)) < 0.25)[h]
    uo_names = region.uos["name"].to_numpy(object)[houses["uo_idx"].to_numpy()[h]]
    fias = houses["fias_guid"].to_numpy(object)[h].copy()
    fias[rng.random(n) < 0.1] = ""                                  # linked by the address only
    address = np.array([addresses.gis_house_address(p.info, row, 3, 0) for _, row in houses.iterrows()],
                       dtype=object)[h]
    notes = np.where(rng.random(n) < 0.1, pick(rng, REPAIR_NOTES, n), "")
    notes = np.where(notes == "", formula_cells(rng, n, p.rates["formula_text"] * 3), notes)
    header = [[H.REPAIR_TITLE], []] + H.REPAIR_HEADER
    cols = [
        number(np.arange(1, n + 1)), text(address), text(fias), text(houses["oktmo"].to_numpy(object)[h]),
        text(jobs["work_type"].to_numpy(object)[job]),
        text(np.array([f"{m:02d}.{y}" for m, y in zip(start_month, start_year)], dtype=object)),
        text(np.array([f"{m:02d}.{y}" for m, y in zip(end_month, end_year)], dtype=object)),
        text(np.where(special, "Специальный счет", "Региональный оператор")),
        text(np.where(special, uo_names, "")), number(cost, 2), text(notes),
    ]
    sheet = Sheet(H.REPAIR_SHEET, header, cols, layout(n, 3))
    path = f"gis/kapremont/rpkr_{p.info.code}_{first_year}-{first_year + 2}.xlsx"
    (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
    write_xlsx(out_dir / path, [sheet], CREATED)
    truth = pd.DataFrame({
        "source_file": path, "source_sheet": sheet.name, "source_row": sheet.rows,
        "house_id": houses["house_id"].to_numpy(object)[h], "work_type": jobs["work_type"].to_numpy(object)[job],
        "start": cols[5].values.to_pylist(), "end": cols[6].values.to_pylist(),
        "fund": np.where(special, "Специальный счет", "Региональный оператор"), "note": notes,
    })
    return [describe(sheet, path, sheet.name, "capital_repair", "xlsx", header_row=3)], truth


def write_annual_reports(region: Region, out_dir: Path) -> tuple[list[dict], pd.DataFrame]:
    """Form 2.8 per organisation and year (the two years before the period end)."""
    p = region.params
    rng = stream(p.seed, "reports")
    records, status_rows = [], []
    years = [p.period_end[0] - 2, p.period_end[0] - 1]
    for uo in region.uos.itertuples():
        houses = region.houses[region.houses["uo_idx"] == uo.uo_idx]
        for year in years:
            deadline = date(year + 1, 3, 31)
            if uo.report == "none":
                status_rows.append({"uo_id": uo.uo_id, "inn": uo.inn, "year": year, "status": "missing",
                                    "published": "", "deadline": deadline.isoformat(), "source_file": ""})
                continue
            if uo.report == "late":
                published = deadline + timedelta(days=int(rng.integers(10, 240)))
            else:
                published = date(year + 1, 1, 20) + timedelta(days=int(rng.integers(0, 70)))
            sheet = _report_sheet(rng, houses, year, published)
            path = f"gis/reports/{uo.inn}/otchet_2_8_{year}.xlsx"
            (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
            write_xlsx(out_dir / path, [sheet], CREATED)
            records.append(describe(sheet, path, sheet.name, "annual_report", "xlsx"))
            status_rows.append({"uo_id": uo.uo_id, "inn": uo.inn, "year": year,
                                "status": "late" if published > deadline else "on_time",
                                "published": published.isoformat(), "deadline": deadline.isoformat(),
                                "source_file": path})
    return records, pd.DataFrame(status_rows)


def _report_sheet(rng, houses: pd.DataFrame, year: int, published: date) -> Sheet:
    n = len(houses)
    area = houses["area_total"].to_numpy()
    money = lambda x: np.round(x, 2)                                  # noqa: E731 - tiny local helper
    over_b = money(area * rng.uniform(0, 8, n))
    balance_b = money(area * rng.uniform(-20, 40, n))
    arrears_b = money(area * rng.uniform(5, 60, n))
    maintenance = money(area * rng.uniform(16, 26, n) * 12)
    repair = money(area * rng.uniform(5, 10, n) * 12)
    management = money(area * rng.uniform(3, 6, n) * 12)
    charged = money(maintenance + repair + management)
    owners = money(charged * rng.uniform(0.82, 1.02, n))
    target = money(np.where(rng.random(n) < 0.2, area * rng.uniform(1, 5, n), 0))
    subsidies = money(np.where(rng.random(n) < 0.1, area * rng.uniform(0.5, 2, n), 0))
    common = money(np.where(rng.random(n) < 0.3, rng.uniform(5000, 120000, n), 0))
    other = money(np.where(rng.random(n) < 0.2, rng.uniform(1000, 30000, n), 0))
    received = money(owners + target + subsidies + common + other)
    total = money(balance_b + received)
    arrears_e = money(np.maximum(0, arrears_b + charged - owners))
    over_e = money(area * rng.uniform(0, 8, n))
    balance_e = money(total - charged * rng.uniform(0.9, 1.04, n))
    pub = published.strftime("%d.%m.%Y")
    cols = [
        text(houses["gis_address"].to_numpy(object)), text(houses["fias_w"].to_numpy(object)), number(np.full(n, year)),
        Column(text(np.full(n, f"01.01.{year}", dtype=object)).values, DATE),
        Column(text(np.full(n, f"31.12.{year}", dtype=object)).values, DATE),
        Column(text(np.full(n, pub, dtype=object)).values, DATE),
        number(over_b, 2), number(balance_b, 2), number(arrears_b, 2), number(charged, 2), number(maintenance, 2),
        number(repair, 2), number(management, 2), number(received, 2), number(owners, 2), number(target, 2),
        number(subsidies, 2), number(common, 2), number(other, 2), number(total, 2), number(over_e, 2),
        number(balance_e, 2), number(arrears_e, 2),
    ]
    return Sheet(H.REPORT_SHEET, H.REPORT_HEADER, cols, layout(n, 2), H.REPORT_MERGES)
