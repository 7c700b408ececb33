"""Reads GIS ZhKKh spreadsheets (xlsx, or one CSV per sheet) into raw text tables with lineage.

Every value leaves as `str` or None, exactly as written: casting and quarantine happen in SQL.
`source_row` is the row number a spreadsheet program shows; for CSV it is the 1-based physical line
on which the record starts (header lines count).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from python_calamine import CalamineWorkbook

from transforms.parse.headers import HEADER_SEARCH_ROWS, MAX_HEADER_DEPTH, HeaderMatch, find_header
from transforms.parse.specs import GIS_SHEETS, SheetSpec

XLSX_MAGIC = b"PK\x03\x04"
CSV_DELIMITERS = (";", ",", "\t")


@dataclass
class ParsedSheet:
    """One sheet (or CSV file) of one source file, read but not yet typed."""

    source_file: str
    source_sheet: str | None
    kind: str | None  # None: not a known template
    status: str  # "parsed" | "rejected" | "unrecognised"
    reason: str | None = None
    columns: dict[str, list[str | None]] = field(default_factory=dict)
    source_rows: list[int] = field(default_factory=list)
    rejected_rows: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.source_rows) + len(self.rejected_rows)


class UnreadableFile(Exception):
    """The file cannot be read at all (corrupt workbook, undecodable text)."""


# --- cells ---------------------------------------------------------------------------------

def _float_text(value: float) -> str:
    # Integral floats are how xlsx stores integers: 1.0 is the premise number "1".
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def _datetime_text(value: dt.datetime) -> str:
    if value.hour == value.minute == value.second == 0:
        return value.strftime("%d.%m.%Y")
    return value.strftime("%d.%m.%Y %H:%M:%S")


_CELL_TEXT = {
    float: _float_text,
    int: str,
    bool: lambda v: "Да" if v else "Нет",
    dt.datetime: _datetime_text,
    dt.date: lambda v: v.strftime("%d.%m.%Y"),
    dt.time: lambda v: v.strftime("%H:%M:%S"),
    dt.timedelta: str,
}


def cell_text(value: object) -> str | None:
    """A spreadsheet cell as the text a person sees, or None when empty."""
    if value is None:
        return None
    if type(value) is str:
        return value.strip() or None
    convert = _CELL_TEXT.get(type(value))
    text = convert(value) if convert else str(value).strip()
    return text or None


def _is_blank(row: Sequence[object]) -> bool:
    for v in row:
        if v is not None and v != "" and (type(v) is not str or v.strip()):
            return False
    return True


# --- sheets --------------------------------------------------------------------------------

def parse_grid(
    rows: Sequence[Sequence[object]],
    row_numbers: Sequence[int],
    source_file: str,
    source_sheet: str | None,
    specs: Sequence[SheetSpec] = GIS_SHEETS,
) -> ParsedSheet:
    """Finds the header, recognises the kind and lifts the data rows into text columns."""
    match = find_header(rows[: HEADER_SEARCH_ROWS + MAX_HEADER_DEPTH], specs, source_sheet)
    if match is None:
        return ParsedSheet(
            source_file, source_sheet, None, "unrecognised",
            reason="не распознан шаблон ГИС ЖКХ: заголовки столбцов не найдены в первых 20 строках",
        )
    spec = match.spec
    data = [
        (row, number)
        for row, number in zip(rows[match.data_start:], row_numbers[match.data_start:])
        if not _is_blank(row)
    ]
    if not match.ok:
        sheet = ParsedSheet(source_file, source_sheet, spec.kind, "rejected",
                            reason=missing_columns_reason(spec, match.missing_required))
        # The rows are still accounted for: every one is quarantined with the sheet's reason.
        sheet.rejected_rows = [(number, sheet.reason) for _, number in data]
        return sheet

    # Only the spec's columns are converted: other columns (personal data among them) are never read.
    columns: dict[str, list[str | None]] = {
        name: _column_text(data, index) for name, index in match.columns.items()
    }
    sheet = ParsedSheet(source_file, source_sheet, spec.kind, "parsed")
    if match.duplicates:
        data, columns, sheet.rejected_rows, sheet.reason = _settle_duplicates(spec, match, data, columns)
    sheet.source_rows = [number for _, number in data]
    # Columns of the spec that the sheet does not have load as NULL.
    for column in spec.columns:
        columns.setdefault(column.name, [None] * len(data))
    sheet.columns = columns
    return sheet


def _column_text(data: Sequence[tuple[Sequence[object], int]], index: int) -> list[str | None]:
    return [cell_text(row[index]) if index < len(row) else None for row, _ in data]


def _quoted(spec: SheetSpec, names: Sequence[str]) -> str:
    return ", ".join(f"«{spec.column(name).headers[0]}»" for name in names)


def missing_columns_reason(spec: SheetSpec, missing: Sequence[str]) -> str:
    """«нет обязательного столбца «Номер помещения»» (several: «нет обязательных столбцов «…», «…»»)."""
    noun = "обязательного столбца" if len(missing) == 1 else "обязательных столбцов"
    return f"нет {noun} {_quoted(spec, missing)}"


def _settle_duplicates(
    spec: SheetSpec, match: HeaderMatch, data: list[tuple[Sequence[object], int]], columns: dict[str, list[str | None]]
) -> tuple[list[tuple[Sequence[object], int]], dict[str, list[str | None]], list[tuple[int, str]], str]:
    """A required header given twice: rows where the copies agree load once, the others are quarantined.

    Copies agree when their cells read as the same text (an empty cell beside a filled one disagrees).
    Returns the rows that load, their columns, the quarantined (row, reason) pairs and the sheet's note.
    """
    disagreeing: dict[int, str] = {}  # position in `data` -> reason of the first column that disagrees
    for name, others in match.duplicates.items():
        reason = f"столбец {_quoted(spec, [name])} указан дважды с разными значениями"
        first = columns[name]
        for index in others:
            for position, (a, b) in enumerate(zip(first, _column_text(data, index))):
                if a != b:
                    disagreeing.setdefault(position, reason)
    named = _quoted(spec, list(match.duplicates))
    plural = len(match.duplicates) > 1
    if not disagreeing:
        note = (f"столбцы {named} указаны дважды" if plural else f"столбец {named} указан дважды") + \
            ": значения совпадают, загружены один раз"
        return data, columns, [], note
    rejected = [(data[position][1], reason) for position, reason in sorted(disagreeing.items())]
    keep = [position for position in range(len(data)) if position not in disagreeing]
    note = (f"столбцы {named} указаны дважды" if plural else f"столбец {named} указан дважды") + \
        f": строки с разными значениями помещены в карантин ({len(rejected)})"
    return ([data[p] for p in keep], {name: [values[p] for p in keep] for name, values in columns.items()},
            rejected, note)


def read_xlsx(data: bytes, source_file: str, specs: Sequence[SheetSpec] = GIS_SHEETS) -> list[ParsedSheet]:
    """Every sheet of a workbook; a sheet that is not a known template comes back `unrecognised`."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several error types for broken files
        raise UnreadableFile(f"книга Excel не читается: {exc}") from exc
    sheets = []
    for name in workbook.sheet_names:
        try:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            sheets.append(ParsedSheet(source_file, name, None, "rejected", reason=f"лист не читается: {exc}"))
            continue
        if not rows or all(_is_blank(r) for r in rows[: HEADER_SEARCH_ROWS + MAX_HEADER_DEPTH]):
            if len(rows) <= HEADER_SEARCH_ROWS + MAX_HEADER_DEPTH:
                continue  # an empty sheet has nothing to account for
        sheets.append(parse_grid(rows, range(1, len(rows) + 1), source_file, name, specs))
    return sheets


# --- CSV -----------------------------------------------------------------------------------

def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1251: the two encodings GIS exports come in."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("текст не в кодировке UTF-8 или Windows-1251") from exc


def sniff_delimiter(text: str, sample_lines: int = 50) -> str:
    """The delimiter that splits the first lines (outside quotes) into the same number of fields most often.

    Raw counts mislead: a semicolon file of nine premises whose unquoted addresses hold commas has more
    commas than semicolons, but only the semicolons are as many on every line.
    """
    per_line: list[Counter] = []
    line: Counter = Counter()
    quoted = False
    for ch in text[:100_000]:
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "\n":
            if line:
                per_line.append(line)
                if len(per_line) >= sample_lines:
                    break
            line = Counter()
        elif ch in CSV_DELIMITERS:
            line[ch] += 1
    if line:
        per_line.append(line)

    def consistency(delimiter: str) -> tuple[int, int]:
        fields, lines = Counter(c[delimiter] for c in per_line).most_common(1)[0] if per_line else (0, 0)
        return (lines, fields) if fields else (0, 0)

    return max(CSV_DELIMITERS, key=consistency)


def csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Yields (physical line where the record starts, fields); blank lines yield empty lists."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    for fields in reader:
        yield line, fields
        line = reader.line_num + 1


def read_csv(data: bytes, source_file: str, specs: Sequence[SheetSpec] = GIS_SHEETS) -> ParsedSheet:
    text = decode_text(data)
    if "\x00" in text[:4096]:
        raise UnreadableFile("двоичный файл, а не CSV")
    delimiter = sniff_delimiter(text)
    try:
        records = list(csv_records(text, delimiter))
    except csv.Error as exc:
        raise UnreadableFile(f"CSV не разбирается: {exc}") from exc
    rows = [fields for _, fields in records]
    numbers = [line for line, _ in records]
    return parse_grid(rows, numbers, source_file, None, specs)


def looks_like_xlsx(data: bytes) -> bool:
    """An xlsx is a zip whose members include the workbook part."""
    if data[:4] != XLSX_MAGIC:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
