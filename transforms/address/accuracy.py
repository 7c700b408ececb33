"""How often the parse gets house, building and flat right on addresses with hand-checked expected values.

    score(expected, parsed) -> Scores        expected: DataFrame with `input` and `expected_*` columns
    evaluate(path) -> Scores                 read such a CSV, parse its `input`, score

Expected columns (empty = the part is absent): `expected_house`, `expected_korpus`, `expected_stroenie`,
`expected_litera`, `expected_flat`, optionally `expected_district`, `expected_settlement` and a `notation`
label. Values are written as the parse writes them (CONTRACT §1 normal form: `14А`, `8/1Б`).

- house accuracy: `house` equals the expected house number;
- building accuracy: `korpus`, `stroenie` and `litera` all equal the expected ones;
- flat accuracy: `premise` equals the expected flat (a row with no flat must get none);
- district / settlement accuracy: over the rows that give an expected value only.
Comparisons are whole-column (pandas), no per-row Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

Parser = Callable[[list[str]], pd.DataFrame]


@dataclass(frozen=True)
class Scores:
    rows: int
    house: float
    building: float
    flat: float
    district: float | None = None
    settlement: float | None = None
    by_notation: dict[str, dict[str, float]] = field(default_factory=dict)
    misses: pd.DataFrame | None = None  # rows where house, building or flat is wrong

    def line(self) -> str:
        parts = [f"rows {self.rows}", f"house {self.house:.3f}", f"building {self.building:.3f}",
                 f"flat {self.flat:.3f}"]
        if self.district is not None:
            parts.append(f"district {self.district:.3f}")
        if self.settlement is not None:
            parts.append(f"settlement {self.settlement:.3f}")
        return ", ".join(parts)


def _text(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str)


def load_expected(path: str | Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _equal(parsed: pd.Series, expected: pd.Series) -> pd.Series:
    return _text(parsed).reset_index(drop=True) == _text(expected).reset_index(drop=True)


def score(expected: pd.DataFrame, parsed: pd.DataFrame) -> Scores:
    """Accuracies of `parsed` (parse_addresses output, same row order) against `expected`."""
    expected = expected.reset_index(drop=True)
    parsed = parsed.reset_index(drop=True)
    if len(expected) != len(parsed):
        raise ValueError(f"{len(parsed)} parsed rows for {len(expected)} expected")
    hits = pd.DataFrame({
        "house": _equal(parsed["house"], expected["expected_house"]),
        "building": (_equal(parsed["korpus"], expected["expected_korpus"])
                     & _equal(parsed["stroenie"], expected["expected_stroenie"])
                     & _equal(parsed["litera"], expected["expected_litera"])),
        "flat": _equal(parsed["premise"], expected["expected_flat"]),
    })
    optional = {}
    for name in ("district", "settlement"):
        column = f"expected_{name}"
        if column in expected and (expected[column] != "").any():
            given = expected[column] != ""
            optional[name] = float(_equal(parsed[name], expected[column])[given].mean())
    by_notation = {}
    if "notation" in expected:
        grouped = hits.groupby(expected["notation"])
        by_notation = {k: {m: float(v) for m, v in row.items()} | {"rows": int(grouped.size()[k])}
                       for k, row in grouped.mean().iterrows()}
    wrong = ~(hits["house"] & hits["building"] & hits["flat"])
    shown = ["input", "house", "korpus", "stroenie", "litera", "premise"]
    misses = pd.concat([parsed.loc[wrong, shown],
                        expected.loc[wrong, [c for c in expected if c.startswith("expected_")]]], axis=1)
    return Scores(len(expected), float(hits["house"].mean()), float(hits["building"].mean()),
                  float(hits["flat"].mean()), optional.get("district"), optional.get("settlement"),
                  by_notation, misses)


def evaluate(path: str | Path, parse: Parser | None = None) -> Scores:
    """Parse the `input` column of the CSV at `path` and score it."""
    if parse is None:
        from transforms.address.parse import parse_addresses as parse
    expected = load_expected(path)
    return score(expected, parse(expected["input"].tolist()))
