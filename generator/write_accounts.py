"""Personal-accounts workbooks («Основные сведения», «Помещения»), one per management organisation.

Both sheets are built once for the region and cut per organisation; «№ записи» restarts in every file.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import headers as H
from .region import Region
from .rng import stream
from .sheets import NUMBER, TEXT, Sheet, constant, describe, layout, mixed, number, runs, text
from .write_gis import CREATED, period_label
from .xlsx import write_xlsx


def accounts_file(region: Region, uo) -> str:
    return f"gis/accounts/accounts_{uo.inn}_{period_label(region)}.xlsx"


def write_accounts(region: Region, accounts: pd.DataFrame, out_dir: Path) -> list[dict]:
    rng = stream(region.params.seed, "write-accounts")
    acc = accounts.sort_values(["uo_idx"], kind="stable")
    m = len(acc)
    uo = acc["uo_idx"].to_numpy()
    spans = runs(uo)
    # «№ записи» counts from 1 in every file.
    record_no = np.arange(m) - np.repeat([a for _, a, _ in spans], [b - a for _, a, b in spans]) + 1
    houses = region.houses
    h = acc["house_idx"].to_numpy()
    fias = houses["fias_w"].to_numpy(object)[h]
    write_fias = (rng.random(len(houses)) < 0.5)[h] & (np.char.str_len(fias.astype(str)) == 36)
    # The premise number as the accounts export writes it: the houses export's spelling or the plain one.
    written = region.gis["number_w"].to_numpy(object)[acc["gis_row"].to_numpy()]
    plain = region.units["number"].to_numpy(object)[acc["unit_idx"].to_numpy()]
    number_text = np.where(rng.random(m) < 0.7, written, plain)
    is_digit = np.char.isdigit(number_text.astype(str)) & ~np.char.startswith(number_text.astype(str), "0")
    kinds = np.where(is_digit & (rng.random(m) < 0.5), NUMBER, TEXT).astype(np.int8)
    main = Sheet(H.ACCOUNTS_SHEET, H.ACCOUNTS_HEADER, [
        number(record_no), text(acc["ls_number"]), text(acc["jku_id"]), constant("ЛС УО", m), text(acc["tenant"]),
        text(acc["split"]), text(acc["surname"]), text(acc["first_name"]), text(acc["patronymic"]),
        text(acc["snils"]), text(acc["ogrn"]), text(acc["kpp"]),
        number(acc["area"].to_numpy(float), 1), number(acc["living"].to_numpy(float), 1),
        number(acc["area"].to_numpy(float), 1), number(acc["residents"].to_numpy()),
    ], layout(m, 2))
    premises = Sheet(H.ACCOUNT_PREMISES_SHEET, H.ACCOUNT_PREMISES_HEADER, [
        number(record_no), text(houses["gis_address"].to_numpy(object)[h]), text(np.where(write_fias, fias, "")),
        text(np.where(acc["kind"].to_numpy() == "flat", "Жилое помещение", "Нежилое помещение")),
        mixed(number_text, kinds), text(acc["room"]), constant("", m), number(acc["share"].to_numpy(float), 2),
    ], layout(m, 2))
    uos = region.uos.set_index("uo_idx")
    records = []
    for uo_idx, a, b in spans:
        row = uos.loc[uo_idx]
        path = f"gis/accounts/accounts_{row['inn']}_{period_label(region)}.xlsx"
        parts = [main.part(a, b), premises.part(a, b)]
        (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(out_dir / path, parts, CREATED, shared_strings=bool(row["excel"]))
        records += [describe(part, path, part.name, "accounts", "xlsx") for part in parts]
    return records
