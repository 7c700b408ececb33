"""Payment documents workbooks («Разделы 1-2», «Разделы 3-6»), one per organisation and month.

Both sheets are built once for the whole region (column-wise, vectorised) and cut into per-file parts.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import headers as H
from .metering import periods
from .region import Region
from .rng import stream
from .sheets import Sheet, constant, describe, layout, number, runs, text
from .write_gis import CREATED
from .write_readings import formula_cells
from .xlsx import write_xlsx


def _documents_sheet(d: pd.DataFrame, bik: np.ndarray, account: np.ndarray, status: np.ndarray) -> Sheet:
    k = len(d)
    return Sheet(H.BILLS_SHEET, H.BILLS_HEADER, [
        text(d["jku_id"]), text(d["doc_type"]), text(d["doc_number"]), text(d["period"]),
        number(d["area"].to_numpy(float), 1), number(d["living"].to_numpy(float), 1),
        number(d["area"].to_numpy(float), 1), number(d["residents"].to_numpy()),
        number(d["sum"].to_numpy(float), 2), number(d["debt"].to_numpy(float), 2),
        number(d["advance"].to_numpy(float), 2), number(d["paid"].to_numpy(float), 2),
        number(d["to_pay"].to_numpy(float), 2), text(bik), text(account),
        constant("", k), constant("", k), constant("", k), constant("", k), text(status),
    ], layout(k, 2))


def _lines_sheet(ln: pd.DataFrame, status: np.ndarray) -> Sheet:
    m = len(ln)
    charge = number(ln["charge"].to_numpy(float), 2)
    total = number(ln["total"].to_numpy(float), 2)
    return Sheet(H.BILL_LINES_SHEET, H.BILL_LINES_HEADER, [
        text(ln["doc_number"]), text(ln["service"]), text(ln["unit"]), text(ln["method"]),
        number(ln["volume"].to_numpy(float), 5), constant("", m), constant("", m),
        number(ln["tariff"].to_numpy(float), 2), charge, constant("", m), charge,
        number(ln["recalc"].to_numpy(float), 2), number(np.zeros(m)), number(ln["norm"].to_numpy(float), 4),
        total, total, constant("", m), text(status),
    ], layout(m, 2))


def write_bills(region: Region, docs: pd.DataFrame, lines: pd.DataFrame,
                out_dir: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """Returns manifest records, truth rows (one per row and rule) and formula-like cells written."""
    p = region.params
    rng = stream(p.seed, "write-bills")
    per = periods(region)
    T = len(per)
    uos = region.uos.set_index("uo_idx")
    # File order: organisation, month, then the documents' own order.
    doc_key = docs["uo_idx"].to_numpy() * T + docs["t"].to_numpy()
    d_order = np.lexsort((docs["order"].to_numpy(), doc_key))
    d = docs.iloc[d_order]
    doc_key = doc_key[d_order]
    position = pd.Series(np.arange(len(d)), index=d.index)
    line_pos = position.reindex(lines["doc"].to_numpy()).to_numpy()
    l_order = np.argsort(line_pos, kind="stable")
    ln = lines.iloc[l_order]
    line_key = doc_key[line_pos[l_order]]
    banks = {u: (f"04{rng.integers(1_000_000, 9_999_999)}", f"40702810{rng.integers(10**11, 10**12)}")
             for u in uos.index}
    uo_of_doc = d["uo_idx"].to_numpy()
    bik = np.array([banks[u][0] for u in uo_of_doc], dtype=object)
    account = np.array([banks[u][1] for u in uo_of_doc], dtype=object)
    status_docs = formula_cells(rng, len(d), p.rates["formula_text"])
    status_lines = formula_cells(rng, len(ln), p.rates["formula_text"])
    head_all = _documents_sheet(d, bik, account, status_docs)
    body_all = _lines_sheet(ln, status_lines)
    line_groups = {k: (a, b) for k, a, b in runs(line_key)}
    per_sheet = {"docs": (d["rule"].to_numpy(object), d["doc_number"].to_numpy(object)),
                 "lines": (ln["rule"].to_numpy(object), ln["doc_number"].to_numpy(object))}
    records, truth, formulas = [], [], []
    for k, a, b in runs(doc_key):
        uo_idx, t = divmod(k, T)
        year, month = per[t]
        la, lb = line_groups.get(k, (0, 0))
        head, body = head_all.part(a, b), body_all.part(la, lb)
        path = f"gis/payments/{uos.loc[uo_idx, 'inn']}/pd_{year}_{month:02d}.xlsx"
        (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(out_dir / path, [head, body], CREATED, shared_strings=bool(uos.loc[uo_idx, "excel"]))
        records += [describe(head, path, head.name, "bills", "xlsx"), describe(body, path, body.name, "bills", "xlsx")]
        for sheet, which, status, start, stop in ((head, "docs", status_docs, a, b),
                                                  (body, "lines", status_lines, la, lb)):
            rules = per_sheet[which][0][start:stop]
            numbers = per_sheet[which][1][start:stop]
            first = len(sheet.header) + 1
            truth += [{"source_file": path, "source_sheet": sheet.name, "source_row": first + i, "rule": rules[i],
                       "document_number": numbers[i]} for i in np.flatnonzero(rules != "")]
            column = sheet.header[0][-1]
            cells = status[start:stop]
            formulas += [{"source_file": path, "source_sheet": sheet.name, "source_row": first + i,
                          "column": column, "text": cells[i]} for i in np.flatnonzero(cells != "")]
    return records, truth, formulas
