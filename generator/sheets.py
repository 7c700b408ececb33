"""Tables on their way to a spreadsheet or CSV file: columns of cell texts with a cell type per row.

A column holds the text of every cell (None = empty cell) and the kind of cell to write: text, number (dot
decimal, written as a numeric cell in xlsx and with the file's decimal separator in CSV) or date (ДД.ММ.ГГГГ,
a date cell in xlsx). Values are pyarrow string arrays so million-row sheets are built without Python loops.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TEXT, NUMBER, DATE = 1, 2, 3


@dataclass
class Column:
    values: pa.Array                          # pa.string(), nulls are empty cells
    kind: int | np.ndarray = TEXT             # one kind for the column or one per row (np.int8)

    def __len__(self) -> int:
        return len(self.values)


@dataclass
class Sheet:
    name: str
    header: list[list[str | None]]            # header rows, top to bottom
    columns: list[Column]
    rows: np.ndarray                          # spreadsheet row number of every data row (gaps = blank rows)
    merges: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.rows)

    def part(self, start: int, stop: int, blank_before: np.ndarray | None = None) -> "Sheet":
        """Rows start:stop as a sheet of their own (one file of a bigger table), renumbered from the header."""
        cols = [Column(c.values.slice(start, stop - start), c.kind if np.isscalar(c.kind) else c.kind[start:stop])
                for c in self.columns]
        return Sheet(self.name, self.header, cols, layout(stop - start, len(self.header), blank_before), self.merges)


def text(values, kind: int | np.ndarray = TEXT) -> Column:
    """A column from strings: numpy/pandas/arrow (None/'' → empty cell)."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        arr = values
    elif isinstance(values, pd.Series):
        arr = pa.array(values, from_pandas=True)              # zero-copy for pandas' arrow-backed strings
        if arr.type != pa.string():
            arr = arr.cast(pa.string())
    else:
        arr = pa.array(np.asarray(values, dtype=object), type=pa.string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    return Column(arr, kind)


def number(values, decimals: int | None = None) -> Column:
    """A numeric column from floats or ints; NaN → empty cell; shortest exact text («36.7», «1964»)."""
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        if decimals is not None:
            arr = np.round(arr, decimals)
        arr = arr + 0.0                                        # no «-0» from rounding tiny negatives
        # Arrow prints whole floats without «.0» and the shortest round-trip digits otherwise.
        strings = pa.array(arr, from_pandas=True).cast(pa.string())
    else:
        strings = pa.array(arr.astype(np.int64)).cast(pa.string())
    return Column(strings, NUMBER)


def constant(value: str, n: int) -> Column:
    """The same text in every row (or empty cells for '')."""
    if value == "":
        return Column(pa.nulls(n, pa.string()), TEXT)
    return Column(pa.repeat(pa.scalar(value, pa.string()), n), TEXT)


def dates(values) -> Column:
    """A date column from «ДД.ММ.ГГГГ» strings."""
    return Column(text(values).values, DATE)


def mixed(values, kinds: np.ndarray) -> Column:
    """Per-row cell kinds (e.g. premise numbers: some numeric cells, some text)."""
    return Column(text(values).values, np.asarray(kinds, dtype=np.int8))


def layout(n: int, header_rows: int, blank_before: np.ndarray | None = None) -> np.ndarray:
    """Spreadsheet row numbers for n data rows after the header, with blank rows before some of them."""
    rows = np.arange(n, dtype=np.int64) + header_rows + 1
    if blank_before is not None and len(blank_before):
        extra = np.zeros(n, dtype=np.int64)
        np.add.at(extra, np.asarray(blank_before, dtype=np.int64), 1)
        rows += np.cumsum(extra)
    return rows


def runs(keys: np.ndarray) -> list[tuple[int, int, int]]:
    """(key, start, stop) of the runs of equal values in a sorted key array: the rows of each output file."""
    keys = np.asarray(keys)
    if len(keys) == 0:
        return []
    edges = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = np.concatenate([[0], edges])
    stops = np.concatenate([edges, [len(keys)]])
    return [(keys[a].item() if hasattr(keys[a], "item") else keys[a], int(a), int(b)) for a, b in zip(starts, stops)]


def format_dates(days: np.ndarray) -> np.ndarray:
    """numpy datetime64[D] → «ДД.ММ.ГГГГ» strings (object array); arithmetic instead of strftime (10× faster)."""
    days = np.asarray(days, dtype="datetime64[D]")
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    year = years.astype(int) + 1970
    month = (months - years.astype("datetime64[M]")).astype(int) + 1
    day = (days - months.astype("datetime64[D]")).astype(int) + 1
    pad = lambda v, w: pc.utf8_lpad(pa.array(v, type=pa.int64()).cast(pa.string()), w, "0")   # noqa: E731
    text = pc.binary_join_element_wise(pad(day, 2), pad(month, 2), pad(year, 4), ".")
    return np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)


def describe(sheet: Sheet, source_file: str, source_sheet: str | None, kind: str, fmt: str, **extra) -> dict:
    """A manifest record: where the data rows of a file or sheet are (as conformance/expected_rows.csv)."""
    rows = sheet.rows
    blanks: list[int] = []
    if len(rows):
        gaps = np.flatnonzero(np.diff(rows) > 1)
        blanks = [int(r) for g in gaps for r in range(rows[g] + 1, rows[g + 1])]
    return {
        "source_file": source_file, "source_sheet": source_sheet or "", "kind": kind, "format": fmt,
        "header_rows": len(sheet.header), "data_rows": int(len(rows)),
        "first_row": int(rows[0]) if len(rows) else None, "last_row": int(rows[-1]) if len(rows) else None,
        "blank_rows": ";".join(map(str, blanks)), **extra,
    }
