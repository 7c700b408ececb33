"""Fast CSV bytes in the dialects GIS exports use: `;` or `,`, decimal comma or dot, UTF-8 or Windows-1251.

Lines are built with pyarrow string kernels; a field is quoted only when it holds the separator, a quote or a line
break (as Excel and Python's csv module do). One data row is one physical line, so `source_row` = header lines +
row index + 1.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from .sheets import NUMBER, Sheet
from .xlsx import _buffer_bytes

CHUNK = 200_000


@dataclass(frozen=True)
class Dialect:
    sep: str = ";"
    decimal: str = ","
    encoding: str = "cp1251"
    newline: str = "\r\n"


CP1251_SEMICOLON = Dialect(";", ",", "cp1251", "\r\n")
UTF8_COMMA = Dialect(",", ",", "utf-8", "\n")          # as the conformance ipu_2024_04.csv: «"455,315"»
UTF8_SEMICOLON = Dialect(";", ",", "utf-8", "\r\n")


def _quote(arr: pa.Array, sep: str) -> pa.Array:
    needs = pc.or_(pc.or_(pc.match_substring(arr, sep), pc.match_substring(arr, '"')),
                   pc.or_(pc.match_substring(arr, "\n"), pc.match_substring(arr, "\r")))
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(arr, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, arr)


def _header_line(cells: list[str | None], dialect: Dialect) -> str:
    out = []
    for cell in cells:
        cell = (cell or "").replace("\n", " ")           # one header row = one physical line
        if any(ch in cell for ch in (dialect.sep, '"', "\n", "\r")):
            cell = '"' + cell.replace('"', '""') + '"'
        out.append(cell)
    return dialect.sep.join(out) + dialect.newline


def csv_bytes(sheet: Sheet, dialect: Dialect) -> bytes:
    """The whole file; characters the encoding lacks are replaced («?»), as a real cp1251 export would."""
    pieces: list[bytes] = []
    width = len(sheet.columns)
    head = "".join(_header_line((h + [None] * width)[:width], dialect) for h in sheet.header)
    pieces.append(head.encode(dialect.encoding, errors="replace"))
    for start in range(0, sheet.n, CHUNK):
        stop = min(start + CHUNK, sheet.n)
        fields = []
        for col in sheet.columns:
            values = col.values.slice(start, stop - start)
            if dialect.decimal != ".":
                if isinstance(col.kind, int):
                    if col.kind == NUMBER:
                        values = pc.replace_substring(values, ".", dialect.decimal)
                else:
                    is_number = pa.array(col.kind[start:stop] == NUMBER)
                    values = pc.if_else(is_number, pc.replace_substring(values, ".", dialect.decimal), values)
            fields.append(pc.fill_null(_quote(values, dialect.sep), ""))
        line = pc.binary_join_element_wise(*fields, dialect.sep)
        line = pc.binary_join_element_wise(line, dialect.newline, "")
        data = bytes(_buffer_bytes(line))
        if dialect.encoding != "utf-8":
            data = data.decode("utf-8").encode(dialect.encoding, errors="replace")
        pieces.append(data)
    return b"".join(pieces)
