"""Cadastral numbers «66:41:0365230:308» (region:district:quarter:object) and their typical mistakes."""
from __future__ import annotations

import numpy as np


def numbers(quarters: np.ndarray, objects: np.ndarray) -> np.ndarray:
    """Full numbers from quarter strings («66:41:0365230») and object numbers."""
    out = np.empty(len(objects), dtype=object)
    out[:] = [f"{q}:{o}" for q, o in zip(quarters, objects)]
    return out


def underscored(cad: str) -> str:
    """«66:41:0365230:308» → «66_41_0365230_308» (file names of extracts)."""
    return cad.replace(":", "_")


def dashed(cad: str) -> str:
    """«66:41:0365230:308» → «66-41-0365230-308» («Выписка_66-41-…» file names)."""
    return cad.replace(":", "-")


def typo(rng: np.random.Generator, cads: np.ndarray) -> np.ndarray:
    """One slip per number: a changed or dropped digit of the object part, or swapped quarter digits."""
    out = np.empty(len(cads), dtype=object)
    kinds = rng.integers(0, 4, size=len(cads))
    digits = rng.integers(0, 10, size=len(cads))
    for i, (cad, kind, digit) in enumerate(zip(cads, kinds, digits)):
        region, district, quarter, obj = cad.split(":")
        if kind == 0:                                     # last digit of the object number changed
            new_last = str((int(obj[-1]) + 1 + digit % 9) % 10)
            obj = obj[:-1] + new_last
        elif kind == 1 and len(obj) > 1:                  # a digit dropped
            obj = obj[:-2] + obj[-1]
        elif kind == 2:                                   # two neighbouring quarter digits swapped
            j = 2 + digit % (len(quarter) - 3)
            if quarter[j] == quarter[j + 1]:
                quarter = quarter[:j] + str((int(quarter[j]) + 1) % 10) + quarter[j + 1:]
            else:
                quarter = quarter[:j] + quarter[j + 1] + quarter[j] + quarter[j + 2:]
        else:                                             # a digit doubled
            obj = obj + obj[-1]
        out[i] = f"{region}:{district}:{quarter}:{obj}"
    return out
