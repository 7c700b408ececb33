"""Given rows → expected status: hand-made GIS ZhKKh and EGRN rows go through the real landing → staging typing,
then `reconcile` runs over them, so each case tests exactly what real files would get.

A case is a few houses, each with its GIS premise rows and its EGRN objects. Cases share one warehouse (one
reconcile run for a whole test module): every case has its own houses export (file), street and cadastral
quarter, so cases cannot see each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from transforms.match import reconcile
from transforms.parse.specs import ALL_TABLES, SPECS_BY_KIND
from warehouse.landing import create_schema
from warehouse.staging import build_staging

FLAT, NONRES, COMMON = "206002000000", "206001000000", "206001000000"
ROOM_TYPE_FLAT, ROOM_TYPE_ROOM = "205001000000", "205002000000"


@dataclass
class Egrn:
    """One EGRN object of a house: `kind` flat | nonres | common | room | parking."""

    number: str | None
    area: float | None
    kind: str = "flat"
    object_no: int | None = None      # the object part of the cadastral number (default: by position)
    parent: str | None = None         # the number of the flat a room is registered in
    name: str | None = None
    linked: bool = True               # the extract names its building
    earlier_area: float | None = None  # an older extract of the object, with this area, is delivered too


@dataclass
class Gis:
    """One GIS premise row: `kind` flat | nonres | common; `registry` is the «Кадастровый номер» as written."""

    number: str
    area: float | None
    kind: str = "flat"
    registry: str | None = None


@dataclass
class House:
    settlement: str
    street: str
    house: str
    quarter: str                      # «66:41:0000101»: the house's objects are numbered in it
    premises: list[Gis] = field(default_factory=list)
    objects: list[Egrn] = field(default_factory=list)
    settlement_type: str = "г"
    street_type: str = "ул"
    gis_street: str | None = None     # how GIS writes the street, when it differs
    gis_fias: str | None = None
    egrn_fias: str | None = None
    gis_building: str | None = None   # the building number GIS carries («Кадастровый номер» of the house)
    building_extract: bool = True
    in_egrn: bool = True

    @property
    def building(self) -> str:
        return f"{self.quarter}:1"

    def cad(self, position: int) -> str:
        """The cadastral number of this house's `position`-th EGRN object (0-based)."""
        obj = self.objects[position]
        return f"{self.quarter}:{obj.object_no or 100 + position}"

    def cad_of(self, number: str, kind: str = "flat") -> str:
        """The cadastral number of the object `number`; a flat registered only as its rooms still has one."""
        found = [self.cad(i) for i, o in enumerate(self.objects) if o.number == number and o.kind == kind]
        return found[0] if found else f"{self.quarter}:9{number}"

    @property
    def gis_address(self) -> str:
        return (f"обл. Свердловская, {self.settlement_type}. {self.settlement}, {self.street_type}. "
                f"{self.gis_street or self.street}, д. {self.house}")


def _rows(case: str, houses: list[House]) -> dict[str, list[dict]]:
    file = f"gis/houses_uo_{case}.xlsx"
    out: dict[str, list[dict]] = {k: [] for k in ("gis_houses", "gis_residential_premises",
                                                    "gis_nonresidential_premises", "egrn_rooms", "egrn_buildings")}
    res_row = non_row = 1
    for h_index, h in enumerate(houses):
        out["gis_houses"].append({"file": file, "sheet": "Характеристики МКД", "row": 3 + h_index,
                                  "address": h.gis_address, "house_fias_guid": h.gis_fias,
                                  "cadastral_number": h.gis_building})
        for p in h.premises:
            if p.kind == "flat":
                res_row += 1
                out["gis_residential_premises"].append({
                    "file": file, "sheet": "Жилые помещения", "row": res_row, "house_address": h.gis_address,
                    "premise_number": p.number, "total_area": p.area, "cadastral_number": p.registry})
            else:
                non_row += 1
                out["gis_nonresidential_premises"].append({
                    "file": file, "sheet": "Нежилые помещения", "row": non_row, "house_address": h.gis_address,
                    "premise_number": p.number, "total_area": p.area, "cadastral_number": p.registry,
                    "is_common_property": "Да" if p.kind == "common" else "Нет"})
        if not h.in_egrn:
            continue
        place = ({"city_type": h.settlement_type, "city_name": h.settlement} if h.settlement_type == "г"
                 else {"locality_type": h.settlement_type, "locality_name": h.settlement})
        address = {**place, "region_code": "66", "street_type": h.street_type, "street_name": h.street,
                   "house_type": "д", "house_number": h.house}
        if h.building_extract:
            out["egrn_buildings"].append({"file": f"rosreestr/{case}/{h.building.replace(':', '_')}.xml", "row": 1,
                                          "extract_format": "current", "cadastral_number": h.building,
                                          "house_fias_guid": h.egrn_fias, **address})
        for i, o in enumerate(h.objects):
            cad = h.cad(i)
            row = {"file": f"rosreestr/{case}/{cad.replace(':', '_')}.xml", "row": 1, "extract_format": "current",
                   "extract_root": "extract_base_params_room", "cadastral_number": cad, "area": o.area,
                   "house_fias_guid": h.egrn_fias, "name": o.name,
                   "building_cadastral_number": h.building if o.linked else None, **address}
            if o.kind == "flat":
                row.update(purpose_code=FLAT, room_type_code=ROOM_TYPE_FLAT, apartment_type="кв",
                           apartment_number=o.number)
            elif o.kind == "room":
                row.update(purpose_code=FLAT, room_type_code=ROOM_TYPE_ROOM, apartment_type="кв",
                           apartment_number=o.parent, parent_room_cadastral_number=h.cad_of(o.parent))
            elif o.kind == "parking":
                row.update(extract_root="extract_base_params_car_parking_space", object_type_code="002001009000",
                           apartment_type="м/м", apartment_number=o.number)
            elif o.kind == "common":
                row.update(purpose_code=COMMON, apartment_type="пом", apartment_number=o.number,
                           common_property="true", name=o.name or "Подвал")
            else:
                row.update(purpose_code=NONRES, apartment_type="пом", apartment_number=o.number,
                           name=o.name or "Нежилое помещение")
            out["egrn_rooms"].append({**row, "extract_date": "2024-06-01"})
            if o.earlier_area is not None:
                out["egrn_rooms"].append({**row, "file": row["file"].replace(".xml", "_2019.xml"),
                                          "extract_date": "2019-03-15", "area": o.earlier_area})
    return out


def land(con: duckdb.DuckDBPyConnection, kind: str, rows: list[dict]) -> None:
    spec = SPECS_BY_KIND[kind]
    names = [c.name for c in spec.columns]
    for row in rows:
        unknown = set(row) - set(names) - {"row", "file", "sheet"}
        assert not unknown, f"not a column of {kind}: {unknown}"
        values = [None if row.get(n) is None else str(row[n]) for n in names]
        con.execute(
            f"INSERT INTO landing.{kind} (file_sha256, source_file, source_sheet, source_row, {', '.join(names)}) "
            f"VALUES (?, ?, ?, ?, {', '.join('?' for _ in names)})",
            ["sha", row["file"], row.get("sheet"), row["row"], *values])


def build(cases: dict[str, list[House]]) -> duckdb.DuckDBPyConnection:
    """A warehouse with every case's rows typed into staging and reconciled."""
    con = duckdb.connect()
    create_schema(con)
    for case, houses in cases.items():
        for kind, rows in _rows(case, houses).items():
            land(con, kind, rows)
    for spec in ALL_TABLES:
        build_staging(con, spec)
    reconcile(con)
    return con


def matches(con: duckdb.DuckDBPyConnection, case: str) -> dict[str, dict]:
    """GIS premise number (with «(н)» for non-residential rows) → its premise_matches row."""
    rows = con.execute(
        """SELECT p.number_text || CASE WHEN m.source_sheet = 'Нежилые помещения' THEN ' (н)' ELSE '' END,
                  m.match_status, m.cadastral_number, m.match_reason, m.match_score, m.candidate_cadastral_number
           FROM reconciled.premise_matches AS m JOIN reconciled.gis_premises AS p USING (premise_id)
           WHERE m.source_file = ?""", [f"gis/houses_uo_{case}.xlsx"]).fetchall()
    return {r[0]: {"status": r[1], "number": r[2], "reason": r[3], "score": r[4], "candidate": r[5]} for r in rows}


def houses(con: duckdb.DuckDBPyConnection, case: str) -> dict[str, dict]:
    """GIS house address → its reconciled.houses row."""
    rows = con.execute(
        "SELECT address, egrn_house_id, link_status, link_method, trusted, contradictions FROM reconciled.houses "
        "WHERE workbook = ?", [f"gis/houses_uo_{case}.xlsx"]).fetchall()
    return {r[0]: {"egrn_house_id": r[1], "status": r[2], "method": r[3], "trusted": r[4], "contradictions": r[5]}
            for r in rows}
