"""XML text of EGRN extracts from plain records (string templates: ~20 µs an extract).

Element paths follow the conformance sample and the EGRN schemas: current format
`extract_base_params_room|extract_about_property_room/room_record`, `…_build/build_record`,
`extract_base_params_car_parking_space/car_parking_space_record`; old format KPOKS 4.0.1 (Flat) and KVOKS 3.0.1
(Building with Flats). Address blocks are rendered once per house (`house_pieces`) and reused.
"""
from __future__ import annotations

from collections import namedtuple
from xml.sax.saxutils import escape, quoteattr

from . import addresses

# One extract to render. `holders`: None, or a tuple of owner tuples (see right_records).
Item = namedtuple("Item", [
    "index", "root", "kind", "cad", "house", "reg_date", "guid", "kuvi", "structured", "with_fias",
    "readable_style", "parent_link", "old_number", "plan_number", "price", "owners", "area", "floor",
    "number", "parent_room_cad", "parent_number", "common_name", "holders", "container", "member",
    "signature", "duplicate",
])

ROOT_NAMES = {
    "base_room": "extract_base_params_room",
    "about_room": "extract_about_property_room",
    "parking_space": "extract_base_params_car_parking_space",
    "base_build": "extract_base_params_build",
    "about_build": "extract_about_property_build",
    "kpoks": "KPOKS",
    "kvoks": "KVOKS",
}
ROOM_PARAMS = {
    # kind → (name, purpose code, purpose value, type code, type value)
    "flat": ("Квартира", "206002000000", "Жилое помещение", "205001000000", "Квартира"),
    "room_in_flat": ("Комната", "206002000000", "Жилое помещение", "205002000000", "Комната"),
    "nonres": ("Нежилое помещение", "206001000000", "Нежилое помещение", "", ""),
    "common": ("", "206001000000", "Нежилое помещение", "", ""),
    "parking": ("Машино-место", "206001000000", "Нежилое помещение", "", ""),
}
FLOOR_TYPES = {"floor": ("01", "Этаж"), "basement": ("04", "Подвал"), "underground": ("06", "Подземный этаж"),
               "technical": ("07", "Технический этаж")}


def esc(value) -> str:
    return escape(str(value))


def _indent(lines: list[str], depth: int) -> str:
    pad = "  " * depth
    return "".join(f"{pad}{line}\n" for line in lines)


# ---------------------------------------------------------------------------------------------------------------
# per-house pieces

def house_pieces(info, house: dict) -> dict:
    """Address blocks of one house at the depths rooms and buildings need, readable texts, KPOKS address."""
    st, sname = house["settlement_type"], house["settlement"]
    settlement = (["<city>", f"  <type_city>{esc(st)}</type_city>", f"  <name_city>{esc(sname)}</name_city>", "</city>"]
                  if st == "г" else
                  ["<locality>", f"  <type_locality>{esc(st)}</type_locality>",
                   f"  <name_locality>{esc(sname)}</name_locality>", "</locality>"])
    level_settlement = [f"<okato>{house['okato']}</okato>", f"<oktmo>{house['oktmo']}</oktmo>",
                        f"<postal_code>{house['postal_code']}</postal_code>",
                        "<region>", f"  <code>{info.code}</code>", f"  <value>{esc(info.full_name)}</value>",
                        "</region>", *settlement]
    number = addresses.egrn_house_number(house)
    korpus = ""
    if " к. " in number:
        number, korpus = number.split(" к. ")
    detailed = ["<street>", f"  <type_street>{esc(house['street_type'])}</type_street>",
                f"  <name_street>{esc(house['street_egrn'])}</name_street>", "</street>",
                "<level1>", "  <type_level1>д</type_level1>", f"  <name_level1>{esc(number)}</name_level1>", "</level1>"]
    if korpus:
        detailed += ["<level2>", "  <type_level2>к</type_level2>", f"  <name_level2>{esc(korpus)}</name_level2>",
                     "</level2>"]

    def fias_block(with_fias: bool, depth: int) -> tuple[str, str]:
        head = ["<address_fias>", "  <level_settlement>"]
        if with_fias:
            head.append(f"    <fias>{house['fias_guid']}</fias>")
        head += ["    " + x for x in level_settlement] + ["  </level_settlement>", "  <detailed_level>"]
        head += ["    " + x for x in detailed]
        return _indent(head, depth), _indent(["  </detailed_level>", "</address_fias>"], depth)

    settlement_attr = (f'<adrs:City Name={quoteattr(sname)} Type="{st}"/>' if st == "г"
                       else f'<adrs:Locality Name={quoteattr(sname)} Type="{st}"/>')
    kpoks = [f"<adrs:OKATO>{house['okato']}</adrs:OKATO>", f"<adrs:Region>{info.code}</adrs:Region>", settlement_attr,
             f'<adrs:Street Name={quoteattr(house["street_egrn"])} Type="{house["street_type"]}"/>',
             f'<adrs:Level1 Type="д" Value={quoteattr(number)}/>']
    return {
        "quarter": house["quarter"], "building_cad": house["building_cad"], "land_cad": house["land_cad"],
        "floors": int(house["floors"]), "underground": int(house["underground"]), "year": int(house["year"]),
        "lists_rooms": bool(house["build_lists_rooms"]),
        "room_fias": {True: fias_block(True, 5), False: fias_block(False, 5)},
        "build_fias": {True: fias_block(True, 4), False: fias_block(False, 4)},
        "readable": [esc(addresses.egrn_house_text(info, house, s)) for s in range(addresses.EGRN_STYLES)],
        "kpoks_address": _indent(kpoks, 4), "kvoks_address": _indent(kpoks, 4),
        "rooms": [], "parking": [], "flats": [],
    }


# ---------------------------------------------------------------------------------------------------------------
# current format

def _head(root_name: str, o: Item, ctx: dict, record: str) -> str:
    return (f"<?xml version='1.0' encoding='UTF-8'?>\n<{root_name} guid=\"{o.guid}\">\n"
            "  <details_statement>\n    <group_top_requisites>\n"
            f"      <organ_registr_rights>{ctx['organ']}</organ_registr_rights>\n"
            f"      <date_formation>{ctx['date']}</date_formation>\n"
            f"      <registration_number>КУВИ-001/{ctx['date'][:4]}-{o.kuvi}</registration_number>\n"
            "    </group_top_requisites>\n  </details_statement>\n"
            f"  <{record}>\n    <record_info>\n"
            f"      <registration_date>{o.reg_date}T00:00:00</registration_date>\n    </record_info>\n"
            "    <object>\n      <common_data>\n"
            f"        <cad_number>{o.cad}</cad_number>\n")


def _object_type(quarter: str, code: str, value: str) -> str:
    return (f"        <quarter_cad_number>{quarter}</quarter_cad_number>\n"
            f"        <type>\n          <code>{code}</code>\n          <value>{value}</value>\n        </type>\n"
            "      </common_data>\n    </object>\n")


_INDIVIDUAL = """\
        <right_holder>
          <individual>
            <surname>{0}</surname>
            <name>{1}</name>
            <patronymic>{2}</patronymic>
            <birth_date>{3}</birth_date>
            <birth_place>{4}</birth_place>
            <citizenship>
              <person_citizenship_country>
                <citizenship_country>
                  <code>643</code>
                  <value>Российская Федерация</value>
                </citizenship_country>
              </person_citizenship_country>
            </citizenship>
            <snils>{5}</snils>
            <identity_doc>
              <document_code>
                <code>008001001000</code>
                <value>Паспорт гражданина Российской Федерации</value>
              </document_code>
              <document_series>{6}</document_series>
              <document_number>{7}</document_number>
              <document_date>{8}</document_date>
              <document_issuer>{9}</document_issuer>
            </identity_doc>
          </individual>
        </right_holder>
"""
_LEGAL = """\
        <right_holder>
          <legal_entity>
            <entity>
              <resident>
                <name>{0}</name>
                <inn>{1}</inn>
                <ogrn>{2}</ogrn>
              </resident>
            </entity>
          </legal_entity>
        </right_holder>
"""


def right_records(o: Item) -> str:
    """Owners with personal data (names, birth, SNILS, passport) or an owning organisation.

    holders: ("legal", name, inn, ogrn) or ("person", surname, name, patronymic, birth date, birth place, SNILS,
    passport series, number, date, issuer), one or two of them."""
    holders = o.holders
    if holders[0][0] == "legal":
        body = _LEGAL.format(esc(holders[0][1]), holders[0][2], holders[0][3])
        right = ("001001000000", "Собственность")
    else:
        body = "".join(_INDIVIDUAL.format(h[1], h[2], h[3], h[4], esc(h[5]), h[6], h[7], h[8], h[9], esc(h[10]))
                       for h in holders)
        right = ("001002000000", "Общая долевая собственность") if len(holders) > 1 else ("001001000000", "Собственность")
    shares = (f"        <shares>\n          <share>\n            <numerator>1</numerator>\n"
              f"            <denominator>{len(holders)}</denominator>\n          </share>\n        </shares>\n"
              if len(holders) > 1 else "")
    return ("  <right_records>\n    <right_record>\n      <record_info>\n"
            f"        <registration_date>{o.reg_date}T00:00:00</registration_date>\n      </record_info>\n"
            "      <right_data>\n        <right_type>\n"
            f"          <code>{right[0]}</code>\n          <value>{right[1]}</value>\n        </right_type>\n"
            f"        <right_number>{o.cad}-{o.cad[:2]}/{o.kuvi % 1000:03d}/{o.reg_date[:4]}-{o.kuvi % 97 + 1}</right_number>\n"
            f"{shares}      </right_data>\n      <right_holders>\n{body}      </right_holders>\n"
            "    </right_record>\n  </right_records>\n")


def room_xml(o: Item, h: dict, ctx: dict) -> str:
    kind = o.kind
    parking_space = o.root == "parking_space"
    root_name = ROOT_NAMES[o.root]
    record = "car_parking_space_record" if parking_space else "room_record"
    name, pcode, pvalue, tcode, tvalue = ROOM_PARAMS[kind]
    if kind == "common":
        name = o.common_name
    number = o.number
    out = [_head(root_name, o, ctx, record),
           _object_type(h["quarter"], "002001009000", "Машино-место") if parking_space
           else _object_type(h["quarter"], "002001003000", "Помещение")]
    links = ""
    if o.parent_link:
        links += f"      <parent_cad_number>\n        <cad_number>{h['building_cad']}</cad_number>\n      </parent_cad_number>\n"
    if o.parent_room_cad:
        links += (f"      <parent_room_cad_number>\n        <cad_number>{o.parent_room_cad}</cad_number>\n"
                  "      </parent_room_cad_number>\n")
    if o.old_number:
        links += ("      <old_numbers>\n        <old_number>\n          <number_type>\n"
                  "            <code>03</code>\n            <value>Условный номер</value>\n"
                  f"          </number_type>\n          <number>{o.old_number}</number>\n"
                  "        </old_number>\n      </old_numbers>\n")
    if links:
        out.append(f"    <cad_links>\n{links}    </cad_links>\n")
    params = f"    <params>\n      <area>{o.area}</area>\n"
    if not parking_space:
        if name and (kind != "flat" or o.owners != 3):       # some flats carry no name, as in real extracts
            params += f"      <name>{esc(name)}</name>\n"
        params += f"      <purpose>\n        <code>{pcode}</code>\n        <value>{pvalue}</value>\n      </purpose>\n"
        if tcode:
            params += f"      <type>\n        <code>{tcode}</code>\n        <value>{tvalue}</value>\n      </type>\n"
        if kind == "common" and o.owners != 2:
            params += "      <common_property>true</common_property>\n"
    out.append(params + "    </params>\n")
    if kind == "flat":
        apartment, words = ("кв", number), 0
    elif kind == "room_in_flat":
        apartment, words = ("кв", o.parent_number), 2
    elif kind == "parking":
        apartment, words = ("м/м", number), 3
    else:
        apartment, words = ("пом", number), 1
    style = o.readable_style
    premise = addresses.PREMISE_WORDS[style][words].format(n=apartment[1], r=number)
    out.append("    <address_room>\n      <address>\n        <address>\n")
    if o.structured:
        head, tail = h["room_fias"][o.with_fias]
        out.append(f"{head}              <apartment>\n                <type_apartment>{apartment[0]}</type_apartment>\n"
                   f"                <name_apartment>{esc(apartment[1])}</name_apartment>\n              </apartment>\n"
                   f"{tail}")
    out.append(f"          <readable_address>{h['readable'][style]}, {esc(premise)}</readable_address>\n"
               "        </address>\n      </address>\n")
    if kind == "room_in_flat":
        out.append(f"      <room_number>{esc(number)}</room_number>\n")
    out.append("    </address_room>\n")
    floor = o.floor
    floor_type = ("basement" if floor == 0 else "underground" if floor < 0
                  else "technical" if kind == "common" and floor > h["floors"] else "floor")
    code, value = FLOOR_TYPES[floor_type]
    plan = f"        <plan_number>{esc(number)}</plan_number>\n" if o.plan_number else ""
    out.append(f"    <location_in_build>\n      <level>\n        <floor>{floor}</floor>\n"
               f"        <floor_type>\n          <code>{code}</code>\n          <value>{value}</value>\n"
               f"        </floor_type>\n{plan}      </level>\n    </location_in_build>\n"
               f"    <cost>\n      <value>{o.area * o.price:.2f}</value>\n    </cost>\n  </{record}>\n")
    if o.holders:
        out.append(right_records(o))
    out.append(f"  <recipient_statement>{ctx['recipient']}</recipient_statement>\n"
               f"  <status>Актуальные</status>\n</{root_name}>\n")
    return "".join(out)


def build_xml(o: Item, h: dict, ctx: dict) -> str:
    root_name = ROOT_NAMES[o.root]
    out = [_head(root_name, o, ctx, "build_record"), _object_type(h["quarter"], "002001002000", "Здание"),
           "    <cad_links>\n      <land_cad_numbers>\n        <land_cad_number>\n"
           f"          <cad_number>{h['land_cad']}</cad_number>\n        </land_cad_number>\n      </land_cad_numbers>\n"]
    if h["lists_rooms"] and h["rooms"]:
        out.append("      <room_cad_numbers>\n" + "".join(
            f"        <room_cad_number>\n          <cad_number>{c}</cad_number>\n        </room_cad_number>\n"
            for c in h["rooms"]) + "      </room_cad_numbers>\n")
    if h["lists_rooms"] and h["parking"]:
        out.append("      <car_parking_space_cad_numbers>\n" + "".join(
            f"        <car_parking_space_cad_number>\n          <cad_number>{c}</cad_number>\n"
            "        </car_parking_space_cad_number>\n" for c in h["parking"]) + "      </car_parking_space_cad_numbers>\n")
    out.append("    </cad_links>\n")
    out.append(f"    <params>\n      <area>{o.area}</area>\n      <floors>{h['floors']}</floors>\n"
               f"      <underground_floors>{h['underground']}</underground_floors>\n"
               "      <purpose>\n        <code>204003000000</code>\n        <value>Многоквартирный дом</value>\n"
               "      </purpose>\n      <name>Жилой дом</name>\n"
               f"      <year_built>{h['year']}</year_built>\n      <year_commisioning>{h['year']}</year_commisioning>\n"
               "    </params>\n    <address_location>\n      <address>\n")
    if o.structured:
        out.append("".join(h["build_fias"][o.with_fias]))
    out.append(f"        <readable_address>{h['readable'][o.readable_style]}</readable_address>\n"
               "      </address>\n    </address_location>\n"
               f"    <cost>\n      <value>{o.area * o.price * 0.9:.2f}</value>\n    </cost>\n  </build_record>\n"
               f"  <recipient_statement>{ctx['recipient']}</recipient_statement>\n"
               f"  <status>Актуальные</status>\n</{root_name}>\n")
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------------
# old format

_KP_NS = ('xmlns="urn://x-artefacts-rosreestr-ru/outgoing/{root}/{version}" '
          'xmlns:num="urn://x-artefacts-rosreestr-ru/commons/complex-types/numbers/1.0" '
          'xmlns:adrs="urn://x-artefacts-rosreestr-ru/commons/complex-types/address-output/4.0.1" '
          'xmlns:cer="urn://x-artefacts-rosreestr-ru/commons/complex-types/certification-doc/1.0"')
_KPOKS_OPEN = (f"<?xml version='1.0' encoding='UTF-8'?>\n<KPOKS {_KP_NS.format(root='kpoks', version='4.0.1')} "
               'xmlns:flat="urn://x-artefacts-rosreestr-ru/commons/complex-types/assignation-flat/1.0.1">\n  <Realty>\n')
_KVOKS_OPEN = (f"<?xml version='1.0' encoding='UTF-8'?>\n<KVOKS {_KP_NS.format(root='kvoks', version='3.0.1')} "
               'xmlns:param="urn://x-artefacts-rosreestr-ru/commons/complex-types/parameters-oks/2.0.1">\n  <Realty>\n')


def _certification(o: Item, ctx: dict, root: str) -> str:
    return ("  <CertificationDoc>\n    <cer:Organization>ФГИС ЕГРН</cer:Organization>\n"
            f"    <cer:Date>{ctx['old_date']}</cer:Date>\n    <cer:Number>99/2017/{o.kuvi % 100_000_000}</cer:Number>\n"
            f"  </CertificationDoc>\n</{root}>\n")


def _level(floor: int, plan: str, depth: int) -> str:
    pad = "  " * depth
    return (f'{pad}<PositionInObject>\n{pad}  <Levels>\n'
            f'{pad}    <Level Number="{max(floor, 0):02d}" Type="{"01" if floor > 0 else "04"}">\n'
            f"{pad}      <Position NumberOnPlan={quoteattr(plan)}/>\n{pad}    </Level>\n{pad}  </Levels>\n"
            f"{pad}</PositionInObject>\n")


def kpoks_xml(o: Item, h: dict, ctx: dict) -> str:
    flat = o.kind == "flat"
    out = [_KPOKS_OPEN,
           f'    <Flat CadastralNumber="{o.cad}" State="01" DateCreated="{o.reg_date}">\n'
           f"      <CadastralBlock>{h['quarter']}</CadastralBlock>\n      <ObjectType>002001003000</ObjectType>\n"]
    if o.parent_link:
        out.append(f"      <ParentCadastralNumbers>\n        <CadastralNumberOKS>{h['building_cad']}</CadastralNumberOKS>\n"
                   "      </ParentCadastralNumbers>\n")
    if o.old_number:
        out.append(f'      <OldNumbers>\n        <num:OldNumber Type="03" Number="{o.old_number}"/>\n      </OldNumbers>\n')
    out.append("      <Assignation>\n"
               f"        <flat:AssignationCode>{'206002000000' if flat else '206001000000'}</flat:AssignationCode>\n"
               + ("        <flat:AssignationType>205001000000</flat:AssignationType>\n" if flat else "")
               + f"      </Assignation>\n      <Area>{o.area}</Area>\n      <Address>\n{h['kpoks_address']}"
               f'        <adrs:Apartment Type="{"кв" if flat else "пом"}" Value={quoteattr(o.number)}/>\n'
               "      </Address>\n" + _level(o.floor, o.number, 3)
               + f'      <CadastralCost Value="{o.area * o.price * 0.8:.2f}" Unit="383"/>\n')
    if o.holders:
        shared = len(o.holders) > 1
        out.append("      <Rights>\n")
        for holder in o.holders:
            out.append("        <Right>\n"
                       f"          <Name>{'Общая долевая собственность' if shared else 'Собственность'}</Name>\n"
                       f"          <Type>{'001002000000' if shared else '001001000000'}</Type>\n"
                       "          <Owners>\n            <Owner>\n")
            if holder[0] == "legal":
                out.append(f"              <Organization>\n                <Name>{esc(holder[1])}</Name>\n"
                           "              </Organization>\n")
            else:
                out.append(f"              <Person>\n                <FamilyName>{holder[1]}</FamilyName>\n"
                           f"                <FirstName>{holder[2]}</FirstName>\n"
                           f"                <Patronymic>{holder[3]}</Patronymic>\n              </Person>\n")
            out.append("            </Owner>\n          </Owners>\n"
                       + (f'          <Share Numerator="1" Denominator="{len(o.holders)}"/>\n' if shared else "")
                       + "          <Registration>\n"
                       f"            <RegNumber>{o.cad[:2]}-{o.cad[:2]}-01/{o.kuvi % 1000:03d}/{o.reg_date[:4]}-{o.kuvi % 900}</RegNumber>\n"
                       f"            <RegDate>{o.reg_date}</RegDate>\n          </Registration>\n        </Right>\n")
        out.append("      </Rights>\n")
    out.append("    </Flat>\n  </Realty>\n" + _certification(o, ctx, "KPOKS"))
    return "".join(out)


def kvoks_xml(o: Item, h: dict, ctx: dict) -> str:
    out = [_KVOKS_OPEN,
           f'    <Building CadastralNumber="{o.cad}" State="01" DateCreated="{o.reg_date}">\n'
           f"      <CadastralBlocks>\n        <CadastralBlock>{h['quarter']}</CadastralBlock>\n      </CadastralBlocks>\n"
           "      <ObjectType>002001002000</ObjectType>\n"
           f"      <ParentCadastralNumbers>\n        <CadastralNumber>{h['land_cad']}</CadastralNumber>\n"
           "      </ParentCadastralNumbers>\n      <Name>Жилой дом</Name>\n"
           "      <AssignationBuilding>204003000000</AssignationBuilding>\n"
           f'      <ExploitationChar YearBuilt="{h["year"]}"/>\n      <Floors Floors="{h["floors"]}"/>\n'
           f"      <Area>{o.area}</Area>\n      <Address>\n{h['kvoks_address']}      </Address>\n"
           f'      <CadastralCost Value="{o.area * o.price * 0.7:.2f}" Unit="383"/>\n']
    if h["flats"]:
        out.append("      <Flats>\n")
        for cad, area, floor, number in h["flats"]:
            out.append(f'        <Flat CadastralNumber="{cad}">\n          <Area>{area}</Area>\n'
                       + _level(int(floor), number, 5) + "        </Flat>\n")
        out.append("      </Flats>\n")
    out.append("    </Building>\n  </Realty>\n" + _certification(o, ctx, "KVOKS"))
    return "".join(out)


TEMPLATES = {"base_room": room_xml, "about_room": room_xml, "parking_space": room_xml,
             "base_build": build_xml, "about_build": build_xml, "kpoks": kpoks_xml, "kvoks": kvoks_xml}


def render(o: Item, h: dict, ctx: dict) -> bytes:
    return TEMPLATES[o.root](o, h, ctx).encode("utf-8")
