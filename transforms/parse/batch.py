"""Parsing a batch of landing files into raw text tables, kind recognised from content.

The result (`LandingBatch`) is plain data: the loader appends it to the warehouse's landing
tables, so parsing can run anywhere (a process pool, a Dask worker) and loading stays in the one
process that writes DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from transforms.parse.spreadsheet import ParsedSheet, UnreadableFile, looks_like_xlsx, read_csv, read_xlsx

XML_SNIFF_BYTES = 4096


class _ColumnBlock:
    """Rows of one kind as growing column lists: one Arrow table at the end instead of one per file."""

    def __init__(self) -> None:
        self.length = 0
        self.columns: dict[str, list] = {}

    def append(self, n: int, columns: dict[str, list]) -> None:
        for name in columns.keys() - self.columns.keys():
            self.columns[name] = [None] * self.length
        for name, values in self.columns.items():
            values.extend(columns[name] if name in columns else [None] * n)
        self.length += n

    def to_table(self) -> pa.Table:
        return pa.table({name: pa.array(values, pa.int64() if name == "source_row" else pa.string())
                         for name, values in self.columns.items()})


@dataclass
class LandingBatch:
    files: list[dict] = field(default_factory=list)
    sheets: list[dict] = field(default_factory=list)
    rejected_rows: list[dict] = field(default_factory=list)
    tables: dict[str, list[pa.Table]] = field(default_factory=dict)
    _pending: dict[str, _ColumnBlock] = field(default_factory=dict, repr=False)
    _records: dict[str, list[dict]] = field(default_factory=dict, repr=False)

    def add_sheet(self, sheet: ParsedSheet, sha256: str) -> None:
        self.sheets.append(
            {
                "source_file": sheet.source_file,
                "source_sheet": sheet.source_sheet,
                "kind": sheet.kind,
                "status": sheet.status,
                "reason": sheet.reason,
                "rows_read": sheet.rows_read,
            }
        )
        for row, reason in sheet.rejected_rows:
            self.rejected_rows.append(
                {"source_file": sheet.source_file, "source_sheet": sheet.source_sheet,
                 "source_row": row, "reason": reason, "kind": sheet.kind}
            )
        if sheet.status == "parsed" and sheet.source_rows:
            self.add_rows(sheet.kind, sheet.source_file, sheet.source_sheet, sheet.source_rows,
                          sheet.columns, sha256)

    def add_rows(self, kind: str, source_file: str, source_sheet: str | None, source_rows: list[int],
                 columns: dict[str, list], sha256: str) -> None:
        n = len(source_rows)
        lineage = {"file_sha256": [sha256] * n, "source_file": [source_file] * n,
                   "source_sheet": [source_sheet] * n, "source_row": list(source_rows)}
        self._pending.setdefault(kind, _ColumnBlock()).append(n, {**lineage, **columns})

    def add_records(self, kind: str, source_file: str, rows: list[dict], sha256: str) -> None:
        """Rows as dicts with the same keys for every row of a kind (EGRN extracts: one or a few rows each)."""
        records = self._records.setdefault(kind, [])
        for number, row in enumerate(rows, start=1):
            records.append({**row, "file_sha256": sha256, "source_file": source_file, "source_sheet": None,
                            "source_row": number})

    def compact(self) -> "LandingBatch":
        """The rows added so far as one Arrow table per kind: a batch of thousands of one-row extracts then
        pickles (between processes) and inserts as a few tables rather than thousands."""
        for kind, block in self._pending.items():
            self.tables.setdefault(kind, []).append(block.to_table())
        for kind, records in self._records.items():
            schema = pa.schema([(name, pa.int64() if name == "source_row" else pa.string()) for name in records[0]])
            self.tables.setdefault(kind, []).append(pa.Table.from_pylist(records, schema=schema))
        self._pending.clear()
        self._records.clear()
        return self

    def add_file(self, source_file: str, sha256: str | None, size: int, kind: str | None,
                 status: str, reason: str | None = None) -> None:
        self.files.append(
            {"source_file": source_file, "file_sha256": sha256, "size_bytes": size,
             "kind": kind, "status": status, "reason": reason}
        )

    def extend(self, other: "LandingBatch") -> None:
        other.compact()
        self.files += other.files
        self.sheets += other.sheets
        self.rejected_rows += other.rejected_rows
        for kind, tables in other.tables.items():
            self.tables.setdefault(kind, []).extend(tables)


SIGNATURE = "signature"  # kind and status of a detached electronic signature beside an extract
SIGNATURE_SUFFIXES = (".sig", ".sgn", ".p7s")
SIGNATURE_REASON = "файл электронной подписи (PKCS#7/CMS): данных не содержит, не загружается"
# The object identifier 1.2.840.113549.1.7 (PKCS#7 content types) as DER bytes, without its last arc.
_PKCS7_OID = b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07"
_PKCS7_BASE64 = b"GCSqGSIb3DQEHA"  # the same identifier inside base64 text (a CryptoPro «.sig» without armour)


def _der_pkcs7(data: bytes) -> bool:
    """A DER/BER ContentInfo: a SEQUENCE whose first element is a PKCS#7 content-type identifier."""
    if len(data) < 2 or data[0] != 0x30:
        return False
    length = data[1]
    start = 2 if length < 0x80 or length == 0x80 else 2 + (length & 0x7F)
    return length <= 0x84 and data[start:start + len(_PKCS7_OID)] == _PKCS7_OID


def looks_like_signature(source_file: str, data: bytes) -> bool:
    """Detached signatures that come with extracts: by name (.sig, .sgn, .p7s) or by content (PKCS#7 in
    DER, PEM or bare base64)."""
    if source_file.lower().endswith(SIGNATURE_SUFFIXES) or _der_pkcs7(data):
        return True
    head = data[:64].lstrip()
    return head.startswith((b"-----BEGIN PKCS7", b"-----BEGIN CMS")) or (
        head[:2] == b"MI" and _PKCS7_BASE64 in head[:24]
    )


_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 13))


def _looks_like_text(data: bytes) -> bool:
    """Text has no NUL and almost no other control bytes; random or compressed bytes have plenty."""
    head = data[:4096]
    if b"\x00" in head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls <= max(2, len(head) // 200)


def _workbook_status(sheets: list[ParsedSheet]) -> tuple[str, str | None]:
    """A workbook is parsed when a sheet loads; rejected when its only known sheets are rejected."""
    if any(sheet.status == "parsed" for sheet in sheets):
        return "parsed", None
    rejected = [sheet for sheet in sheets if sheet.status == "rejected"]
    if rejected:
        return "rejected", "; ".join(dict.fromkeys(f"{sheet.source_sheet}: {sheet.reason}" for sheet in rejected))
    return "unrecognised", "книга Excel без листов известных шаблонов ГИС ЖКХ"


def parse_file(batch: LandingBatch, source_file: str, data: bytes, sha256: str) -> None:
    """Recognises one file from its bytes and adds what it holds to the batch."""
    from transforms.parse import egrn

    size = len(data)
    head = data[:XML_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    try:
        if looks_like_xlsx(data):
            sheets = read_xlsx(data, source_file)
            kinds = sorted({s.kind for s in sheets if s.kind})
            status, reason = _workbook_status(sheets)
            batch.add_file(source_file, sha256, size, ",".join(kinds) or None, status, reason)
            for sheet in sheets:
                batch.add_sheet(sheet, sha256)
            return
        if head.startswith(b"<"):
            root = egrn.detect_egrn_root(data[:XML_SNIFF_BYTES])
            if root is None and egrn.declares_dtd(data[:XML_SNIFF_BYTES]):
                reason = "XML объявляет DOCTYPE/ENTITY — отклонён из соображений безопасности"
                batch.add_file(source_file, sha256, size, None, "rejected", reason)
                batch.add_sheet(ParsedSheet(source_file, None, None, "rejected", reason=reason), sha256)
                return
            if root is None:
                batch.add_file(source_file, sha256, size, None, "unrecognised",
                               "XML неизвестного формата (не выписка ЕГРН)")
                batch.add_sheet(ParsedSheet(source_file, None, None, "unrecognised",
                                            reason="XML неизвестного формата (не выписка ЕГРН)"), sha256)
                return
            _parse_egrn(batch, source_file, data, sha256, root)
            return
        if looks_like_signature(source_file, data):
            # Expected beside extracts, not a problem: listed with 0 rows.
            batch.add_file(source_file, sha256, size, SIGNATURE, SIGNATURE, SIGNATURE_REASON)
            batch.add_sheet(ParsedSheet(source_file, None, SIGNATURE, SIGNATURE, reason=SIGNATURE_REASON), sha256)
            return
        if _looks_like_text(data):
            try:
                sheet = read_csv(data, source_file)
            except UnreadableFile as exc:  # not text after all: nothing we know
                sheet = ParsedSheet(source_file, None, None, "unrecognised", reason=str(exc))
            batch.add_file(source_file, sha256, size, sheet.kind,
                           "parsed" if sheet.status == "parsed" else sheet.status, sheet.reason)
            batch.add_sheet(sheet, sha256)
            return
        reason = "двоичный файл неизвестного формата"
        batch.add_file(source_file, sha256, size, None, "unrecognised", reason)
        batch.add_sheet(ParsedSheet(source_file, None, None, "unrecognised", reason=reason), sha256)
    except UnreadableFile as exc:
        batch.add_file(source_file, sha256, size, None, "rejected", str(exc))
        batch.add_sheet(ParsedSheet(source_file, None, None, "rejected", reason=str(exc)), sha256)


EGRN_KIND_OF_TABLE = {"rooms": "egrn_rooms", "buildings": "egrn_buildings", "building_rooms": "egrn_building_rooms"}


def _parse_egrn(batch: LandingBatch, source_file: str, data: bytes, sha256: str, root: str) -> None:
    from transforms.parse import egrn

    try:
        extract = egrn.parse_egrn(data, source_file)
    except egrn.EgrnRejected as exc:
        reason = str(exc)
        batch.add_file(source_file, sha256, len(data), "egrn", "rejected", reason)
        sheet = ParsedSheet(source_file, None, "egrn", "rejected", reason=reason)
        sheet.rejected_rows = [(1, reason)]
        batch.add_sheet(sheet, sha256)
        return
    # The extract's own object is its one source row; a building's list of premises are child rows.
    main_kind = {"egrn_room": "egrn_rooms", "egrn_building": "egrn_buildings"}.get(extract.kind)
    batch.add_file(source_file, sha256, len(data), main_kind or extract.kind, "parsed")
    rows_read = len(extract.rooms) + len(extract.buildings)
    batch.sheets.append(
        {"source_file": source_file, "source_sheet": None, "kind": main_kind or extract.kind,
         "status": "parsed", "reason": None if main_kind else "объект ЕГРН не является помещением или зданием",
         "rows_read": rows_read}
    )
    for table_name, rows in (("rooms", extract.rooms), ("buildings", extract.buildings),
                             ("building_rooms", extract.building_rooms)):
        if rows:
            batch.add_records(EGRN_KIND_OF_TABLE[table_name], source_file, rows, sha256)


