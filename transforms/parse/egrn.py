"""Rosreestr EGRN extracts (XML, one object a file) → raw text tables.

Formats:
- current (2019+): roots `extract_base_params_*` / `extract_about_property_*`, no namespace, one
  `room_record` / `car_parking_space_record` / `build_record` (XSDs in shared/reference/schemas);
- old: `KPOKS` 4.0.1 / `KVOKS` 3.0.1, namespaced, the object under `Realty` (`Flat`, `Building` with
  its `Flats` list); `KVZU`/`KPZU` land parcels and `KPT` are EGRN but not premises.

Tables (every value `str` or None, stripped, empty → None): `egrn_rooms` (premises, rooms in flats,
parking places), `egrn_buildings`, `egrn_building_rooms` (a building's list of its rooms). An
extract of another object kind (land parcel, construction…) is kind `egrn_other` with no rows.

Safety: documents with a DOCTYPE (internal or external entities, billion laughs) are rejected before
and after parsing; the parser never loads DTDs, resolves entities or touches the network.
Personal data: the field maps below name every element read. Rights, owners, persons and
recipients are never named, so nothing from them can reach a table.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import pyarrow as pa
from lxml import etree

# An extract's object kind. An EGRN object that is neither a premise nor a building (land parcel,
# construction, …) is `egrn_other`: recognised and listed as loaded, with no rows.
KIND_ROOM = "egrn_room"
KIND_BUILDING = "egrn_building"
KIND_OTHER = "egrn_other"

FORMAT_CURRENT = "current"

ADDRESS_COLUMNS = (
    "house_fias_guid", "oktmo", "okato", "kladr", "postal_code", "region_code", "district",
    "city_type", "city_name", "urban_district", "locality_type", "locality_name", "street_type",
    "street_name", "house_type", "house_number", "korpus", "stroenie", "apartment_type",
    "apartment_number", "readable_address", "address_note",
)  # fmt: skip
ROOM_COLUMNS = (
    "source_file", "extract_format", "extract_root", "extract_date", "cadastral_number",
    "quarter_cadastral_number", "building_cadastral_number", "parent_room_cadastral_number",
    "object_type_code", "purpose_code", "purpose", "room_type_code", "room_type", "name", "area",
    "floor", "floor_type", "plan_number", "common_property", "special_type",
    *ADDRESS_COLUMNS,
    "registration_date", "cancel_date", "status", "old_numbers", "cadastral_cost",
)  # fmt: skip
BUILDING_COLUMNS = (
    "source_file", "extract_format", "extract_root", "extract_date", "cadastral_number",
    "quarter_cadastral_number", "object_type_code", "purpose_code", "purpose", "name", "area",
    "floors", "underground_floors", "year_built", "year_commissioning", "land_cadastral_numbers",
    *ADDRESS_COLUMNS,
    "registration_date", "cancel_date", "status", "cadastral_cost",
)  # fmt: skip
BUILDING_ROOM_COLUMNS = (
    "source_file", "building_cadastral_number", "room_cadastral_number", "area", "floor", "plan_number",
)  # fmt: skip

# Extracts are a few KB (a big building with its flat list: a few MB); anything larger is not one.
MAX_EXTRACT_BYTES = 64 << 20

OLD_ROOTS = frozenset({"KPOKS", "KVOKS", "KPZU", "KVZU", "KPT"})
_OLD_ROOM_OBJECTS = frozenset({"Flat", "Room", "CarParkingSpace"})
_OLD_BUILDING_OBJECTS = frozenset({"Building"})
_CURRENT_ROOM_RECORDS = frozenset({"room_record", "car_parking_space_record"})
_CURRENT_BUILDING_RECORDS = frozenset({"build_record"})


class EgrnRejected(Exception):
    """The file cannot be read as an EGRN extract; `reason` is a short Russian text for the report."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class EgrnExtract:
    kind: str  # egrn_room | egrn_building | egrn_other
    format: str  # current | kpoks | kvoks | kvzu | …
    root: str
    cadastral_number: str | None = None
    rooms: list[dict[str, str | None]] = field(default_factory=list)
    buildings: list[dict[str, str | None]] = field(default_factory=list)
    building_rooms: list[dict[str, str | None]] = field(default_factory=list)


@dataclass
class EgrnBatch:
    rooms: pa.Table
    buildings: pa.Table
    building_rooms: pa.Table
    rejects: list[tuple[str, str]]  # (source_file, reason)
    kinds: dict[str, str]  # source_file → kind, for every file not rejected


# ---------------------------------------------------------------------------------------------
# Field maps. A map is a dict: child local name → column name (the child's text), a nested map,
# or a handler(element, out). Keys "@Attr" read an attribute of the element itself. The first
# non-empty value of a column wins, so a premise on several floors reports its first level.


class _Node:
    __slots__ = ("attrs", "kids")

    def __init__(self, spec: dict[str, Any]):
        self.attrs = tuple((k[1:], v) for k, v in spec.items() if k.startswith("@"))
        self.kids: dict[str, Any] = {
            k: (_Node(v) if isinstance(v, dict) else v) for k, v in spec.items() if not k.startswith("@")
        }


def _text(el: Any) -> str | None:
    t = el.text
    if t is None:
        return None
    t = t.strip()
    return t or None


_MISS = object()
_MAX_CACHED_TAGS = 512  # a hostile document with endless distinct tags must not grow the maps


def _walk(el: Any, node: _Node, out: dict[str, Any]) -> None:
    """Fill `out` from `el` as `node` says, descending only into the children it names."""
    if node.attrs:
        for attr, col in node.attrs:
            if col not in out:
                v = el.get(attr)
                if v:
                    v = v.strip()
                    if v:
                        out[col] = v
    kids = node.kids
    for child in el:
        tag = child.tag
        sub = kids.get(tag, _MISS)
        if sub is _MISS:
            # First sight of this (namespaced) tag: look it up by local name and remember it,
            # so later documents pay one dict lookup per child.
            if tag.__class__ is not str:
                continue
            sub = kids.get(tag[tag.find("}") + 1 :])
            if len(kids) < _MAX_CACHED_TAGS:
                kids[tag] = sub
        if sub is None:
            continue
        if sub.__class__ is str:
            if sub not in out:
                t = child.text
                if t:
                    t = t.strip()
                    if t:
                        out[sub] = t
        elif sub.__class__ is _Node:
            _walk(child, sub, out)
        else:
            sub(child, out)


def _each(items: str | tuple[str, ...], spec: dict[str, Any] | str, sink: str) -> Callable[[Any, dict], None]:
    """A handler collecting every repeated child (`items`) into `out[sink]` as a list of dicts."""
    names = (items,) if isinstance(items, str) else items
    node = _Node(spec) if isinstance(spec, dict) else None
    column = spec if isinstance(spec, str) else ""

    def collect(el: Any, out: dict[str, Any]) -> None:
        found = out.setdefault(sink, [])
        for child in el:
            tag = child.tag
            if tag.__class__ is not str or tag[tag.find("}") + 1 :] not in names:
                continue
            if node is None:
                value = _text(child)
                if value:
                    found.append({column: value})
            else:
                d: dict[str, Any] = {}
                _walk(child, node, d)
                found.append(d)

    return collect


# Current format (schemas/egrn-extract-v01).
_DETAILS = {"group_top_requisites": {"date_formation": "extract_date"}}
_RECORD_INFO = {"registration_date": "registration_date", "cancel_date": "cancel_date"}
_COMMON_DATA = {
    "common_data": {
        "cad_number": "cadastral_number",
        "quarter_cad_number": "quarter_cadastral_number",
        "type": {"code": "object_type_code"},
    }
}
_ADDRESS_MAIN = {
    "address_fias": {
        "level_settlement": {
            "fias": "house_fias_guid",
            "okato": "okato",
            "kladr": "kladr",
            "oktmo": "oktmo",
            "postal_code": "postal_code",
            "region": {"code": "region_code"},
            "district": {"name_district": "district"},
            "city": {"type_city": "city_type", "name_city": "city_name"},
            "urban_district": {"name_urban_district": "urban_district"},
            "locality": {"type_locality": "locality_type", "name_locality": "locality_name"},
        },
        "detailed_level": {
            "street": {"type_street": "street_type", "name_street": "street_name"},
            "level1": {"type_level1": "house_type", "name_level1": "house_number"},
            "level2": {"name_level2": "korpus"},
            "level3": {"name_level3": "stroenie"},
            "apartment": {"type_apartment": "apartment_type", "name_apartment": "apartment_number"},
        },
    },
    "note": "address_note",
    "readable_address": "readable_address",
}
# AddressOksLocation / AddressLocationBuild: the address, then coded location as a fallback.
_ADDRESS_LOCATION = {
    "address": _ADDRESS_MAIN,
    "location": {"okato": "okato", "oktmo": "oktmo", "region": {"code": "region_code"}},
}
_LEVEL = {"floor": "floor", "floor_type": {"code": "floor_type"}, "plan_number": "plan_number"}
_OLD_NUMBERS = _each("old_number", {"number_type": {"code": "type"}, "number": "number"}, "_old_numbers")

_ROOM_RECORD = {
    "record_info": _RECORD_INFO,
    "object": _COMMON_DATA,
    "cad_links": {
        "parent_cad_number": {"cad_number": "building_cadastral_number"},
        "parent_room_cad_number": {"cad_number": "parent_room_cadastral_number"},
        "old_numbers": _OLD_NUMBERS,
    },
    "params": {
        "area": "area",
        "name": "name",
        "purpose": {"code": "purpose_code", "value": "purpose"},
        "type": {"code": "room_type_code", "value": "room_type"},
        "common_property": "common_property",
        "special_type": {"code": "special_type"},
    },
    "address_room": {"address": _ADDRESS_LOCATION},
    # Rooms list levels; a parking place's location_in_build is one level itself.
    "location_in_build": {"level": _LEVEL, **_LEVEL},
    "cost": {"value": "cadastral_cost"},
}
_BUILD_RECORD = {
    "record_info": _RECORD_INFO,
    "object": _COMMON_DATA,
    "cad_links": {
        "land_cad_numbers": _each("land_cad_number", {"cad_number": "cad"}, "_land"),
        "room_cad_numbers": _each("room_cad_number", {"cad_number": "room_cadastral_number"}, "_rooms"),
        "car_parking_space_cad_numbers": _each(
            ("car_parking_place_cad_number", "car_parking_space_cad_number"),
            {"cad_number": "room_cadastral_number"},
            "_rooms",
        ),
    },
    "params": {
        "area": "area",
        "floors": "floors",
        "underground_floors": "underground_floors",
        "purpose": {"code": "purpose_code", "value": "purpose"},
        "name": "name",
        "year_built": "year_built",
        "year_commisioning": "year_commissioning",  # sic in the schema
        "year_commissioning": "year_commissioning",
    },
    "address_location": _ADDRESS_LOCATION,
    "cost": {"value": "cadastral_cost"},
}
# extract_base_params_build may list its rooms' positions (room_records) beside build_record.
_BUILDING_ROOM_POSITION = {
    "object": {"common_data": {"cad_number": "room_cadastral_number"}},
    "location_in_build": {"level": _LEVEL, **_LEVEL},
}
_RECORD_NUMBER = _Node({"object": _COMMON_DATA})
_CURRENT_ROOM_ROOT = _Node(
    {
        "details_statement": _DETAILS,
        "room_record": _ROOM_RECORD,
        "car_parking_space_record": _ROOM_RECORD,
        "status": "status",
    }
)
_CURRENT_BUILDING_ROOT = _Node(
    {
        "details_statement": _DETAILS,
        "build_record": _BUILD_RECORD,
        "room_records": _each("room_record", _BUILDING_ROOM_POSITION, "_rooms"),
        "car_parking_space_records": _each("car_parking_space_record", _BUILDING_ROOM_POSITION, "_rooms"),
        "status": "status",
    }
)

# Old format (KPOKS 4.0.1, KVOKS 3.0.1; address-output 4.0.1 as `adrs:`).
_OLD_ADDRESS = {
    "FIAS": "house_fias_guid",
    "OKATO": "okato",
    "KLADR": "kladr",
    "OKTMO": "oktmo",
    "PostalCode": "postal_code",
    "Region": "region_code",
    "District": {"@Name": "district"},
    "City": {"@Type": "city_type", "@Name": "city_name"},
    "UrbanDistrict": {"@Name": "urban_district"},
    "Locality": {"@Type": "locality_type", "@Name": "locality_name"},
    "Street": {"@Type": "street_type", "@Name": "street_name"},
    "Level1": {"@Type": "house_type", "@Value": "house_number"},
    "Level2": {"@Value": "korpus"},
    "Level3": {"@Value": "stroenie"},
    "Apartment": {"@Type": "apartment_type", "@Value": "apartment_number"},
    "Note": "address_note",
}
_OLD_OBJECT_HEAD = {
    "@CadastralNumber": "cadastral_number",
    "@State": "status",
    "@DateCreated": "registration_date",
    "@DateRemoved": "cancel_date",
    "CadastralBlock": "quarter_cadastral_number",
    "CadastralBlocks": {"CadastralBlock": "quarter_cadastral_number"},
    "ObjectType": "object_type_code",
    "Name": "name",
    "Area": "area",
    "Address": _OLD_ADDRESS,
    "CadastralCost": {"@Value": "cadastral_cost"},
}
_OLD_POSITION = {"Levels": {"Level": {"@Number": "floor", "@Type": "floor_type", "Position": {"@NumberOnPlan": "plan_number"}}}}
_OLD_FLAT = _Node(
    {
        **_OLD_OBJECT_HEAD,
        "ParentCadastralNumbers": {
            "CadastralNumberOKS": "building_cadastral_number",
            "CadastralNumberFlat": "parent_room_cadastral_number",
        },
        "OldNumbers": _each("OldNumber", {"@Type": "type", "@Number": "number"}, "_old_numbers"),
        "Assignation": {
            "AssignationCode": "purpose_code",
            "AssignationType": "room_type_code",
            "SpecialType": "special_type",
            "TotalAssets": "common_property",
        },
        "PositionInObject": _OLD_POSITION,
    }
)
_OLD_BUILDING = _Node(
    {
        **_OLD_OBJECT_HEAD,
        "ParentCadastralNumbers": _each("CadastralNumber", "cad", "_land"),
        "AssignationBuilding": "purpose_code",
        "ExploitationChar": {"@YearBuilt": "year_built", "@YearUsed": "year_commissioning"},
        "Floors": {"@Floors": "floors", "@UndergroundFloors": "underground_floors"},
        "Flats": _each(
            "Flat",
            {"@CadastralNumber": "room_cadastral_number", "Area": "area", "PositionInObject": _OLD_POSITION},
            "_rooms",
        ),
    }
)
# Only the certificate date is read from the document envelope (never Recipient / ReestrExtract).
_OLD_ENVELOPE = _Node(
    {"CertificationDoc": {"Date": "extract_date"}, "eDocument": {"Sender": {"@Date_Upload": "extract_date"}}}
)


# ---------------------------------------------------------------------------------------------
# Safe XML


_PARSERS = threading.local()  # lxml parsers must not be shared between threads


def _parser() -> etree.XMLParser:
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            attribute_defaults=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            remove_blank_text=True,  # indentation is never data here, and fewer nodes parse faster
        )
        _PARSERS.parser = parser
    return parser


def _parse_xml(data: bytes) -> Any:
    if len(data) > MAX_EXTRACT_BYTES:
        raise EgrnRejected(f"файл слишком велик для выписки ЕГРН: {len(data)} байт")
    if declares_dtd(data):
        raise EgrnRejected("документ объявляет DOCTYPE/ENTITY — отклонён из соображений безопасности")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise EgrnRejected(f"не XML или XML повреждён: {_short(exc)}") from None
    except (ValueError, LookupError) as exc:  # unknown encoding, text where bytes were expected
        raise EgrnRejected(f"не XML или XML повреждён: {_short(exc)}") from None
    # A DTD the byte scan could not see (an exotic encoding): refuse it too; nothing was expanded.
    if root.getroottree().docinfo.doctype:
        raise EgrnRejected("документ объявляет DOCTYPE/ENTITY — отклонён из соображений безопасности")
    return root


_WIDE_DTD_MARKERS = tuple(
    marker.encode(codec)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def declares_dtd(data: bytes) -> bool:
    """A byte scan for DTD declarations, in UTF-16/32 too: refused before libxml2 sees them."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return True
    if b"\x00" in data[:4]:  # a wide encoding
        return any(marker in data for marker in _WIDE_DTD_MARKERS)
    return False


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


def _local(tag: str) -> str:
    return tag[tag.find("}") + 1 :]


# ---------------------------------------------------------------------------------------------
# Sniffing

_NAME = rb"[A-Za-z_][-\w.]*"
_START_TAG = re.compile(rb"<(?:" + _NAME + rb":)?(" + _NAME + rb")")
_DOCTYPE = re.compile(rb"<!DOCTYPE\s+(?:" + _NAME + rb":)?(" + _NAME + rb")")


def is_egrn_root(name: str) -> bool:
    return name.startswith("extract_") or name in OLD_ROOTS


def detect_egrn_root(head: bytes) -> str | None:
    """The root element's local name when the first bytes look like an EGRN extract, else None.

    Reads only the prolog (XML declaration, comments, processing instructions, DOCTYPE); a file
    with a DOCTYPE still reports its root so that the parser, not the sniffer, rejects it with a reason.
    """
    text = _as_ascii_compatible(head).lstrip(b" \t\r\n")
    i = 0
    while i < len(text):
        if text.startswith(b"<?", i):  # XML declaration, xml-stylesheet
            end = text.find(b"?>", i)
            i = end + 2
        elif text.startswith(b"<!--", i):
            end = text.find(b"-->", i)
            i = end + 3
        elif text.startswith(b"<!DOCTYPE", i):
            m = _DOCTYPE.match(text, i)
            return _egrn_name(m)
        elif text.startswith(b"<", i):
            return _egrn_name(_START_TAG.match(text, i))
        else:
            return None  # text before the root element: not XML
        if end < 0:
            return None  # the prolog goes on past the head
        while i < len(text) and text[i] in b" \t\r\n":
            i += 1
    return None


def _egrn_name(match: re.Match[bytes] | None) -> str | None:
    name = match.group(1).decode("ascii") if match else ""
    return name if is_egrn_root(name) else None


def _as_ascii_compatible(head: bytes) -> bytes:
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            body = head[2:]
            return body[: len(body) // 2 * 2].decode(codec, "replace").encode("utf-8", "replace")
    if head[1:2] == b"\x00" and head[:1] == b"<":
        return head[: len(head) // 2 * 2].decode("utf-16-le", "replace").encode("utf-8", "replace")
    return head


# ---------------------------------------------------------------------------------------------
# Parsing


def parse_egrn(data: bytes, source_file: str) -> EgrnExtract:
    """One extract → its rows. Raises `EgrnRejected` for anything that is not a safe EGRN extract."""
    root = _parse_xml(data)
    name = _local(root.tag)
    if name.startswith("extract_"):
        return _parse_current(root, name, source_file)
    if name in OLD_ROOTS:
        return _parse_old(root, name, source_file)
    raise EgrnRejected(f"не выписка ЕГРН: корневой элемент <{name}>")


def _parse_current(root: Any, name: str, source_file: str) -> EgrnExtract:
    # The object kind is the record element's name, whatever the root says.
    records = [c for c in root if c.tag.__class__ is str and c.tag.endswith("_record")]
    kinds = {_local(c.tag) for c in records}
    out: dict[str, Any] = {"source_file": source_file, "extract_format": FORMAT_CURRENT, "extract_root": name}
    if not kinds.isdisjoint(_CURRENT_ROOM_RECORDS):
        _walk(root, _CURRENT_ROOM_ROOT, out)
        return EgrnExtract(KIND_ROOM, FORMAT_CURRENT, name, out.get("cadastral_number"), rooms=[_room_row(out)])
    if not kinds.isdisjoint(_CURRENT_BUILDING_RECORDS):
        _walk(root, _CURRENT_BUILDING_ROOT, out)
        return _building_extract(out, FORMAT_CURRENT, name, source_file)
    if records:  # land_record, construction_record, …: only its number
        _walk(records[0], _RECORD_NUMBER, out)
    return EgrnExtract(KIND_OTHER, FORMAT_CURRENT, name, out.get("cadastral_number"))


def _parse_old(root: Any, name: str, source_file: str) -> EgrnExtract:
    fmt = name.lower()
    envelope: dict[str, Any] = {}
    _walk(root, _OLD_ENVELOPE, envelope)
    base = {
        "source_file": source_file,
        "extract_format": fmt,
        "extract_root": name,
        "extract_date": envelope.get("extract_date"),
    }
    objects = [obj for realty in _children(root, "Realty") for obj in _elements(realty)]
    rooms = [o for o in objects if _local(o.tag) in _OLD_ROOM_OBJECTS]
    buildings = [o for o in objects if _local(o.tag) in _OLD_BUILDING_OBJECTS]
    if rooms:
        rows = []
        for obj in rooms:
            out = dict(base)
            _walk(obj, _OLD_FLAT, out)
            rows.append(_room_row(out))
        return EgrnExtract(KIND_ROOM, fmt, name, rows[0]["cadastral_number"], rooms=rows)
    if buildings:
        extract = EgrnExtract(KIND_BUILDING, fmt, name)
        for obj in buildings:
            out = dict(base)
            _walk(obj, _OLD_BUILDING, out)
            one = _building_extract(out, fmt, name, source_file)
            extract.buildings += one.buildings
            extract.building_rooms += one.building_rooms
        extract.cadastral_number = extract.buildings[0]["cadastral_number"]
        return extract
    # Land parcels (Parcels/Parcel), constructions, unfinished objects: EGRN, not premises.
    candidates = objects or [obj for parcels in _children(root, "Parcels") for obj in _elements(parcels)]
    return EgrnExtract(KIND_OTHER, fmt, name, next(filter(None, map(_old_cad, candidates)), None))


def _old_cad(obj: Any) -> str | None:
    value = (obj.get("CadastralNumber") or "").strip()
    return value or None


def _elements(el: Any) -> list[Any]:
    return [c for c in el if c.tag.__class__ is str]


def _children(el: Any, local: str) -> list[Any]:
    return [c for c in el if c.tag.__class__ is str and _local(c.tag) == local]


def _room_row(out: dict[str, Any]) -> dict[str, str | None]:
    old = out.get("_old_numbers")
    if old:
        out["old_numbers"] = ";".join(
            f"{d.get('type') or ''}:{d['number']}" for d in old if d.get("number")
        ) or None
    return {c: out.get(c) for c in ROOM_COLUMNS}


def _building_extract(out: dict[str, Any], fmt: str, root: str, source_file: str) -> EgrnExtract:
    land = out.get("_land")
    if land:
        out["land_cadastral_numbers"] = ";".join(d["cad"] for d in land if d.get("cad")) or None
    building = {c: out.get(c) for c in BUILDING_COLUMNS}
    cad = building["cadastral_number"]
    # The same room may come from cad_links and from room_records (with its floor): merge them.
    merged: dict[str, dict[str, Any]] = {}
    for d in out.get("_rooms", ()):
        room = d.get("room_cadastral_number")
        if not room:
            continue
        have = merged.get(room)
        if have is None:
            merged[room] = dict(d)
        else:
            for k, v in d.items():
                if v and not have.get(k):
                    have[k] = v
    rooms = [
        {
            "source_file": source_file,
            "building_cadastral_number": cad,
            "room_cadastral_number": room,
            "area": d.get("area"),
            "floor": d.get("floor"),
            "plan_number": d.get("plan_number"),
        }
        for room, d in merged.items()
    ]
    return EgrnExtract(KIND_BUILDING, fmt, root, cad, buildings=[building], building_rooms=rooms)


# ---------------------------------------------------------------------------------------------
# Batches


class _Columns:
    """Rows kept as tuples and turned into Arrow record batches every few thousand rows, so the
    Python strings are freed early and their memory reused (and a big batch stays compact)."""

    CHUNK_ROWS = 8192

    def __init__(self, names: tuple[str, ...]):
        self.names = names
        self.schema = pa.schema([(n, pa.string()) for n in names])
        self.rows: list[tuple[str | None, ...]] = []
        self.batches: list[pa.RecordBatch] = []

    def extend(self, rows: list[dict[str, str | None]]) -> None:
        for row in rows:
            self.rows.append(tuple(map(row.get, self.names)))
        if len(self.rows) >= self.CHUNK_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            columns = [pa.array(col, type=pa.string()) for col in zip(*self.rows)]
            self.batches.append(pa.record_batch(columns, schema=self.schema))
            self.rows = []

    def table(self) -> pa.Table:
        self._flush()
        return pa.Table.from_batches(self.batches, schema=self.schema)


def parse_egrn_batch(files: Iterable[tuple[str, bytes]]) -> EgrnBatch:
    """Many extracts → three Arrow tables (all string columns), the rejects and each file's kind."""
    rooms = _Columns(ROOM_COLUMNS)
    buildings = _Columns(BUILDING_COLUMNS)
    building_rooms = _Columns(BUILDING_ROOM_COLUMNS)
    rejects: list[tuple[str, str]] = []
    kinds: dict[str, str] = {}
    for source_file, data in files:
        try:
            extract = parse_egrn(data, source_file)
        except EgrnRejected as exc:
            rejects.append((source_file, exc.reason))
            continue
        except Exception as exc:  # one odd file must not stop thousands of others
            rejects.append((source_file, f"ошибка разбора выписки: {type(exc).__name__}: {exc}"[:200]))
            continue
        kinds[source_file] = extract.kind
        rooms.extend(extract.rooms)
        buildings.extend(extract.buildings)
        building_rooms.extend(extract.building_rooms)
    return EgrnBatch(rooms.table(), buildings.table(), building_rooms.table(), rejects, kinds)
