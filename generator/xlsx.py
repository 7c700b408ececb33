"""A minimal, fast and deterministic xlsx writer.

xlsxwriter writes ~170k cells/s in pure Python, far too slow for million-row regions, so sheet XML is built
column-wise with pyarrow string kernels and streamed into the zip in chunks. Cells are inline strings (as the
independent conformance sample writes them), numbers and dates (style 1, «DD.MM.YYYY»). Fixed timestamps and
document dates make the bytes depend on the content only.
"""
from __future__ import annotations

import zipfile
from datetime import datetime
from typing import BinaryIO
from xml.sax.saxutils import escape

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .archive import member_info
from .sheets import NUMBER, TEXT, Sheet

CHUNK = 100_000
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _xml_text(arr: pa.Array) -> pa.Array:
    """Escape &, <, > (only when some value needs it: the check is much cheaper than three replaces)."""
    if not pc.any(pc.match_substring_regex(arr, "[&<>]")).as_py():
        return arr
    arr = pc.replace_substring(arr, "&", "&amp;")
    arr = pc.replace_substring(arr, "<", "&lt;")
    return pc.replace_substring(arr, ">", "&gt;")


_TEXT_OPEN = '" t="inlineStr"><is><t>'
_TEXT_OPEN_SPACES = '" t="inlineStr"><is><t xml:space="preserve">'


class SharedStrings:
    """The workbook's shared-string table, as Excel writes it: text cells hold an index into it."""

    def __init__(self):
        self.parts: list[pa.Array] = []
        self.size = 0

    def indices(self, values: pa.Array) -> pa.Array:
        encoded = pc.dictionary_encode(values)
        offset = self.size
        self.parts.append(encoded.dictionary)
        self.size += len(encoded.dictionary)
        return pc.cast(pc.add(pc.cast(encoded.indices, pa.int64()), offset), pa.string())

    def xml(self):
        yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               f'count="{self.size}" uniqueCount="{self.size}">').encode("utf-8")
        for part in self.parts:
            for start in range(0, len(part), CHUNK):
                chunk = part.slice(start, CHUNK)
                yield _buffer_bytes(_text_element(chunk, "<si>", "</si>"))
        yield b"</sst>"


def _text_element(values: pa.Array, before: str, after: str) -> pa.Array:
    """<t>…</t> with xml:space="preserve" only where leading or trailing spaces need it."""
    escaped = _xml_text(values)
    spaced = pc.match_substring_regex(values, r"^\s|\s$")
    plain = pc.binary_join_element_wise(before, "<t>", escaped, "</t>", after, "")
    if not pc.any(spaced).as_py():
        return plain
    kept = pc.binary_join_element_wise(before, '<t xml:space="preserve">', escaped, "</t>", after, "")
    return pc.if_else(spaced, kept, plain)


def _inline(ref: str, rows: pa.Array, values: pa.Array) -> pa.Array:
    spaced = pc.match_substring_regex(values, r"^\s|\s$")
    escaped = _xml_text(values)
    plain = pc.binary_join_element_wise(ref, rows, _TEXT_OPEN, escaped, "</t></is></c>", "")
    if not pc.any(spaced).as_py():
        return plain
    kept = pc.binary_join_element_wise(ref, rows, _TEXT_OPEN_SPACES, escaped, "</t></is></c>", "")
    return pc.if_else(pc.fill_null(spaced, False), kept, plain)


def _cells(letter: str, rows: pa.Array, values: pa.Array, kind, sst: SharedStrings | None = None) -> pa.Array:
    """XML of one column's cells for a chunk of rows (null for empty cells).

    A column with one cell kind is one string kernel call; a mixed column builds each kind on the values masked
    to its rows (cheap on nulls) and coalesces them."""
    if values.null_count == len(values):
        return values
    ref = f'<c r="{letter}'
    if np.isscalar(kind):
        return _kind_cells(ref, rows, values, int(kind), sst)
    kind = np.asarray(kind)
    variants = []
    for k in np.unique(kind).tolist():
        masked = pc.if_else(pa.array(kind == k), values, pa.scalar(None, pa.string()))
        variants.append(_kind_cells(ref, rows, masked, k, sst))
    return variants[0] if len(variants) == 1 else pc.coalesce(*variants)


def _kind_cells(ref: str, rows: pa.Array, values: pa.Array, k: int, sst: SharedStrings | None) -> pa.Array:
    if k == TEXT and sst is not None:
        return pc.binary_join_element_wise(ref, rows, '" t="s"><v>', sst.indices(values), "</v></c>", "")
    if k == TEXT:
        return _inline(ref, rows, values)
    if k == NUMBER:
        return pc.binary_join_element_wise(ref, rows, '"><v>', values, "</v></c>", "")
    parsed = pc.strptime(values, format="%d.%m.%Y", unit="s", error_is_null=True)
    serial = pc.add(pc.divide(pc.cast(parsed, pa.int64()), 86400), 25569)
    date_xml = pc.binary_join_element_wise(ref, rows, '" s="1"><v>', pc.cast(serial, pa.string()), "</v></c>", "")
    not_dates = pc.if_else(pc.is_null(parsed), values, pa.scalar(None, pa.string()))
    if not_dates.null_count == len(not_dates):
        return date_xml
    return pc.coalesce(date_xml, _inline(ref, rows, not_dates))    # text that is not a date stays text


def _header_xml(sheet: Sheet) -> bytes:
    parts = []
    for r, cells in enumerate(sheet.header, start=1):
        row = [f'<row r="{r}">']
        for j, value in enumerate(cells):
            if value is None or value == "":
                continue
            row.append(f'<c r="{column_letter(j)}{r}" t="inlineStr"><is><t xml:space="preserve">'
                       f'{escape(value)}</t></is></c>')
        row.append("</row>")
        parts.append("".join(row))
    return "".join(parts).encode("utf-8")


def _sheet_chunks(sheet: Sheet, sst: SharedStrings | None = None):
    """Yield the worksheet XML in pieces (header, data chunks, footer)."""
    width = max([len(sheet.columns)] + [len(h) for h in sheet.header])
    last_row = int(sheet.rows[-1]) if sheet.n else len(sheet.header)
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<dimension ref="A1:{column_letter(width - 1)}{max(last_row, 1)}"/>'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/><sheetData>'
    ).encode("utf-8")
    yield _header_xml(sheet)
    letters = [column_letter(j) for j in range(len(sheet.columns))]
    for start in range(0, sheet.n, CHUNK):
        stop = min(start + CHUNK, sheet.n)
        rows = pa.array(sheet.rows[start:stop]).cast(pa.string())
        parts = ['<row r="', rows, '">']
        for letter, col in zip(letters, sheet.columns):
            kind = col.kind if np.isscalar(col.kind) else col.kind[start:stop]
            parts.append(_cells(letter, rows, col.values.slice(start, stop - start), kind, sst))
        parts.append("</row>")
        # Empty cells are nulls: skipped in the join.
        xml = pc.binary_join_element_wise(*parts, "", null_handling="skip")
        yield _buffer_bytes(xml)
    tail = "</sheetData>"
    if sheet.merges:
        tail += f'<mergeCells count="{len(sheet.merges)}">' + "".join(
            f'<mergeCell ref="{m}"/>' for m in sheet.merges) + "</mergeCells>"
    tail += '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
    yield tail.encode("utf-8")


def _buffer_bytes(arr: pa.Array) -> memoryview:
    """The concatenation of all strings of an arrow array, without a Python-level join."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32 if arr.type == pa.string() else np.int64)
    first, last = offsets[arr.offset], offsets[arr.offset + len(arr)]
    return memoryview(arr.buffers()[2])[first:last]


def _static_parts(sheets: list[Sheet], created: datetime, shared: bool) -> dict[str, str]:
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1))
    sheet_entries = "".join(f'<sheet name="{escape(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                            for i, s in enumerate(sheets, start=1))
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
    n = len(sheets)
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    sst_type = ('<Override PartName="/xl/sharedStrings.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                if shared else "")
    sst_rel = (f'<Relationship Id="rId{n + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
               'relationships/sharedStrings" Target="sharedStrings.xml"/>' if shared else "")
    return {
        "[Content_Types].xml": head + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}{sst_type}"
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>"),
        "_rels/.rels": head + (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"),
        "docProps/app.xml": head + (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>Microsoft Excel</Application></Properties>"),
        "docProps/core.xml": head + (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<dc:creator>ГИС ЖКХ</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "</cp:coreProperties>"),
        "xl/workbook.xml": head + (
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>{sheet_entries}</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": head + (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{sheet_rels}"
            f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/styles" Target="styles.xml"/>{sst_rel}</Relationships>'),
        "xl/styles.xml": head + (
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<numFmts count="1"><numFmt numFmtId="164" formatCode="DD.MM.YYYY"/></numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"),
    }


def write_xlsx(target: str | BinaryIO, sheets: list[Sheet], created: datetime, level: int = 1,
               shared_strings: bool = False) -> None:
    """Write the sheets as one workbook to a path or a binary file object.

    `shared_strings` writes text cells through a shared-string table (as Excel saves files); otherwise text is
    inline (as many export tools write it). Readers must handle both.
    """
    static = _static_parts(sheets, created, shared_strings)
    sst = SharedStrings() if shared_strings else None
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name in ("[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml",
                     "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"):
            zf.writestr(member_info(name, _XLSX_DATE, level), static[name])
        for i, sheet in enumerate(sheets, start=1):
            with zf.open(member_info(f"xl/worksheets/sheet{i}.xml", _XLSX_DATE, level), "w", force_zip64=True) as fh:
                for piece in _sheet_chunks(sheet, sst):
                    fh.write(piece)
        if sst is not None:
            with zf.open(member_info("xl/sharedStrings.xml", _XLSX_DATE, level), "w", force_zip64=True) as fh:
                for piece in sst.xml():
                    fh.write(piece)


_XLSX_DATE = (1980, 1, 1, 0, 0, 0)               # what Excel itself stores for workbook parts
