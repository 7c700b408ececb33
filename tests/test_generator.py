"""The synthetic-region generator: layout, determinism, truth consistency, noise coverage, readable formats,
and an independent re-check that readings and bills anomalies fire exactly the rules the truth names."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from python_calamine import CalamineWorkbook

from generator import NOISE_DEFAULTS, generate_region
from generator import headers as H

AS_OF = date(2025, 1, 20)


# ---------------------------------------------------------------------------------------------------------------
# fixtures and helpers

@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("region") / "landing"
    generate_region(out, premises=2000, seed=42)
    return out


@pytest.fixture(scope="module")
def truth(region):
    t = region / "truth"
    read = lambda name: pd.read_csv(t / name, dtype=str, keep_default_na=False)   # noqa: E731
    return {
        "premises": read("premises.csv"), "houses": read("houses.csv"), "egrn": read("egrn_objects.csv"),
        "readings": read("reading_anomalies.csv"), "bills": read("bill_anomalies.csv"),
        "expected": read("expected_rows.csv"), "reports": read("annual_reports.csv"),
        "formulas": read("formula_cells.csv"), "manifest": json.loads((t / "manifest.json").read_text("utf-8")),
    }


def landing_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "truth" not in p.relative_to(root).parts[:1])


def zip_members(data: bytes, prefix: str):
    """(source_file, bytes) of every member, descending into zips inside zips."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            content = z.read(name)
            if name.endswith(".zip"):
                yield from zip_members(content, f"{prefix}/{name}")
            else:
                yield f"{prefix}/{name}", content


def source_bytes(root: Path, source_file: str) -> bytes:
    """Bytes of a landing file given its source_file (zip chains included)."""
    parts = source_file.split(".zip/")
    if len(parts) == 1:
        return (root / source_file).read_bytes()
    data = (root / (parts[0] + ".zip")).read_bytes()
    for k, part in enumerate(parts[1:], start=1):
        name = part + (".zip" if k < len(parts) - 1 else "")
        data = zipfile.ZipFile(io.BytesIO(data)).read(name)
    return data


_sheet_cache: dict = {}


def sheet_rows(root: Path, source_file: str, sheet: str) -> list[list]:
    """All rows of a sheet (xlsx) or CSV file as a spreadsheet shows them (row 1 = index 0)."""
    key = (str(root), source_file, sheet)
    if key not in _sheet_cache:
        data = source_bytes(root, source_file)
        if source_file.endswith(".xlsx"):
            wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
            _sheet_cache[key] = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        else:
            try:
                textual = data.decode("utf-8")
            except UnicodeDecodeError:
                textual = data.decode("cp1251")
            first = textual.split("\n", 1)[0]
            delimiter = ";" if first.count(";") > first.count(",") else ","
            _sheet_cache[key] = list(csv.reader(io.StringIO(textual, newline=""), delimiter=delimiter))
    return _sheet_cache[key]


def cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (date, datetime)):
        return value.strftime("%d.%m.%Y")
    return "" if value is None else str(value)


def number(value) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace(",", ".")
    return float(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else None


# ---------------------------------------------------------------------------------------------------------------
# layout and formats

def test_layout_has_every_kind_of_landing_file(region):
    names = {p.relative_to(region).as_posix() for p in landing_files(region)}
    assert any(re.fullmatch(r"gis/houses/houses_uo_\d{10}_2024-12\.xlsx", n) for n in names)
    assert any(re.fullmatch(r"gis/houses/uo_\d{10}_export\.zip", n) for n in names)
    assert any(n.startswith("gis/accounts/") for n in names)
    assert any(n.startswith("gis/meters/meters_info_") for n in names)
    assert any(re.fullmatch(r"gis/readings/\d{10}/ipu_2024_\d\d\.xlsx", n) for n in names)
    assert any(re.fullmatch(r"gis/readings/\d{10}/ipu_2024_\d\d\.csv", n) for n in names)
    assert any(re.fullmatch(r"gis/payments/\d{10}/pd_2024_\d\d\.xlsx", n) for n in names)
    assert any(n.startswith("gis/kapremont/rpkr_66_") for n in names)
    assert any(n.startswith("gis/reports/") for n in names)
    assert any(re.fullmatch(r"rosreestr/vypiski_egrn_2024-11_\d\d\.zip", n) for n in names)
    assert any(n.startswith("rosreestr/archive_2017/") and n.endswith(".xml") for n in names)
    assert all(not n.startswith("truth") for n in names)
    for name in ("premises.csv", "houses.csv", "egrn_objects.csv", "reading_anomalies.csv", "bill_anomalies.csv",
                 "manifest.json", "expected_rows.csv"):
        assert (region / "truth" / name).is_file()


def test_houses_workbooks_mirror_the_conformance_templates(region, truth):
    expected = truth["expected"]
    houses = expected[expected["kind"] == "gis_Характеристики МКД"]
    for row in houses.itertuples():
        if row.format != "xlsx":
            continue
        wb = CalamineWorkbook.from_path(region / row.source_file)
        assert wb.sheet_names == [H.HOUSES_SHEET, H.RESIDENTIAL_SHEET, H.NONRES_SHEET]
        top = wb.get_sheet_by_name(H.HOUSES_SHEET).to_python(skip_empty_area=False)[:2]
        assert [[c or None for c in r] for r in top] == H.HOUSES_HEADER
        res = wb.get_sheet_by_name(H.RESIDENTIAL_SHEET).to_python(skip_empty_area=False)[0]
        assert res == H.RESIDENTIAL_HEADER[0]
        assert "Общая площадь жилого помещения\nпо паспорту помещения*" in res
    csv_member = expected[(expected["format"] == "csv") & (expected["kind"] == "gis_Жилые помещения")].iloc[0]
    data = source_bytes(region, csv_member.source_file)
    head = data.decode("cp1251").split("\r\n")[0].split(";")
    assert head[0] == "Номер помещения*" and "Общая площадь жилого помещения по паспорту помещения*" in head


def test_expected_rows_match_the_files(region, truth):
    for row in truth["expected"].itertuples():
        rows = sheet_rows(region, row.source_file, row.source_sheet)
        assert len(rows) == int(row.last_row), row.source_file
        data_rows = [k + 1 for k, r in enumerate(rows) if k + 1 > int(row.header_rows)
                     and any(cell_text(c).strip() for c in r)]
        blanks = [int(x) for x in row.blank_rows.split(";") if x]
        assert len(data_rows) == int(row.data_rows), row.source_file
        assert data_rows[0] == int(row.first_row)
        for b in blanks:
            assert not any(cell_text(c).strip() for c in rows[b - 1])


def test_every_xml_is_well_formed_and_one_object_per_file(region, truth):
    roots = defaultdict(int)
    seen = set()
    for path in landing_files(region):
        rel = path.relative_to(region).as_posix()
        if not rel.startswith("rosreestr/"):
            continue
        members = zip_members(path.read_bytes(), rel) if rel.endswith(".zip") else [(rel, path.read_bytes())]
        for name, data in members:
            seen.add(name)
            if name.endswith(".xml"):
                root = etree.fromstring(data)
                roots[etree.QName(root).localname] += 1
    assert {"extract_base_params_room", "extract_about_property_room", "extract_base_params_build", "KPOKS",
            "KVOKS"} <= set(roots)
    egrn = truth["egrn"]
    assert set(egrn["source_file"]) <= seen
    assert roots["KVOKS"] + roots["KPOKS"] + roots["extract_base_params_room"] >= len(egrn) * 0.8


def test_xml_content_matches_the_truth(region, truth):
    egrn = truth["egrn"].sample(200, random_state=1)
    for obj in egrn.itertuples():
        xml = etree.fromstring(source_bytes(region, obj.source_file))
        if obj.xml_root in ("KPOKS", "KVOKS"):
            tag = "Flat" if obj.xml_root == "KPOKS" else "Building"
            node = xml.find(f".//{{*}}{tag}")
            assert node.get("CadastralNumber") == obj.cadastral_number
        else:
            assert xml.findtext(".//object/common_data/cad_number") == obj.cadastral_number
            if obj.kind == "room_in_flat":
                parent = xml.findtext(".//cad_links/parent_room_cad_number/cad_number") or ""
                assert parent == obj.parent_room_cadastral_number
    personal = truth["egrn"][truth["egrn"]["noise"].str.contains("personal_data")]
    assert len(personal) > 0
    sample = personal[~personal["xml_root"].isin(["KPOKS"])].iloc[0]
    xml = etree.fromstring(source_bytes(region, sample.source_file))
    assert xml.find(".//right_records//right_holder") is not None


# ---------------------------------------------------------------------------------------------------------------
# truth

def test_premises_truth_points_at_real_rows(region, truth):
    premises = truth["premises"]
    assert len(premises) == truth["manifest"]["counts"]["gis_premise_rows"]
    for row in premises.itertuples():
        rows = sheet_rows(region, row.source_file, row.source_sheet)
        cells = rows[int(row.source_row) - 1]
        number_column = 0 if row.source_file.endswith(".csv") and row.premise_kind == "residential" else 1
        assert cell_text(cells[number_column]) == row.premise_number, row


def test_premises_truth_is_consistent_with_egrn(truth):
    premises, egrn = truth["premises"], truth["egrn"]
    true_numbers = premises.loc[premises["true_cadastral_number"] != "", "true_cadastral_number"]
    assert true_numbers.is_unique
    by_cad = egrn.set_index("cadastral_number")
    assert set(true_numbers) <= set(by_cad.index)
    assert (by_cad.loc[true_numbers, "in_gis"] == "1").all()
    in_gis = egrn[(egrn["in_gis"] == "1")]
    assert set(in_gis["cadastral_number"]) == set(true_numbers)
    # Never a parking place or a room inside a flat as the truth of a GIS premise.
    assert not set(by_cad.loc[true_numbers, "kind"]) & {"parking", "room_in_flat", "building"}
    gis_only = premises[premises["true_cadastral_number"] == ""]
    assert gis_only["noise"].str.contains("gis_only|egrn_rooms_only").all()


def test_registry_numbers_are_right_for_about_61_percent(truth):
    premises = truth["premises"]
    right = premises["registry_cadastral_number"].str.strip() == premises["true_cadastral_number"]
    right &= premises["true_cadastral_number"] != ""
    assert 0.57 <= right.mean() <= 0.65
    assert (premises.loc[premises["registry_category"] == "cad_ok", "registry_cadastral_number"]
            == premises.loc[premises["registry_category"] == "cad_ok", "true_cadastral_number"]).all()


PREMISE_CATEGORIES = {
    "cad_missing", "cad_neighbour", "cad_typo", "cad_other_house", "cad_building", "cad_spaces", "number_format",
    "egrn_number_format", "roman_numeral", "renumbered", "renumbered_swap", "renumbered_same_area", "same_area",
    "area_drift", "area_rounding", "area_text", "street_yo", "street_typo", "street_type_after", "street_im",
    "street_ordinal", "house_number_format", "stray_spaces", "address_spaces", "placeholder", "house_fias_missing",
    "house_fias_wrong", "building_cad_missing", "building_cad_wrong", "building_extract_missing", "twin_street",
    "twin_address", "small_settlement", "gis_only", "egrn_rooms_only", "communal_flat", "common_property",
    "old_format",
}


def test_every_noise_category_appears_at_default_noise(region, truth):
    seen = {tag for cell in truth["premises"]["noise"] for tag in cell.split(";") if tag}
    assert PREMISE_CATEGORIES <= seen, PREMISE_CATEGORIES - seen
    egrn_seen = {tag for cell in truth["egrn"]["noise"] for tag in cell.split(";") if tag}
    assert {"old_format", "personal_data", "egrn_only", "no_address_fias", "signature_file",
            "delivered_twice"} <= egrn_seen
    assert {"room", "building", "parking", "common", "room_in_flat"} <= set(truth["egrn"]["kind"])
    assert set(truth["readings"]["rule"]) == {"below_previous", "spike", "verification_overdue",
                                              "verification_due_soon", "bad_value", "future_date",
                                              "unknown_meter", "superseded"}
    assert set(truth["bills"]["rule"]) == {"lines_sum_mismatch", "charge_mismatch", "duplicate_document",
                                           "unknown_account", "negative_amount", "bad_period"}
    assert {"on_time", "late", "missing"} <= set(truth["reports"]["status"])
    assert truth["formulas"]["text"].str.match(r"^[=+\-@]").all() and len(truth["formulas"]) > 0
    blanks = truth["expected"]["blank_rows"]
    assert (blanks != "").any()
    placeholders = truth["premises"]["registry_cadastral_number"]
    assert {"Не заполнено", "Нет", "-", "отсутствует"} & set(placeholders)


def test_formula_like_cells_are_written_as_text(region, truth):
    for row in truth["formulas"].head(20).itertuples():
        rows = sheet_rows(region, row.source_file, row.source_sheet)
        assert row.text in [cell_text(c) for c in rows[int(row.source_row) - 1]]


# ---------------------------------------------------------------------------------------------------------------
# an independent re-check of the readings and bills rules on the written files

def _reading_files(truth):
    exp = truth["expected"]
    return exp[exp["kind"] == "readings"], exp[exp["kind"] == "meters"]


def test_readings_anomalies_are_exactly_the_rules_that_fire(region, truth):
    readings_files, meter_files = _reading_files(truth)
    meters = {}
    for f in meter_files.itertuples():
        for r in sheet_rows(region, f.source_file, f.source_sheet)[1:]:
            if not r or not r[0]:
                continue
            interval = int(re.match(r"\d+", r[18]).group())
            last = r[16]
            try:
                due = last.replace(year=last.year + interval)
            except ValueError:                                    # 29 February
                due = last.replace(year=last.year + interval, day=28)
            meters[r[21]] = {"base": [number(r[11]), number(r[12]), number(r[13])], "due": due}
    rows = []
    for f in readings_files.itertuples():
        for k, r in enumerate(sheet_rows(region, f.source_file, f.source_sheet)):
            if k == 0 or not any(cell_text(c) for c in r):
                continue
            raw = [cell_text(c) for c in r[4:7]]
            d = r[7] if isinstance(r[7], date) else datetime.strptime(r[7], "%d.%m.%Y").date()
            rows.append({"file": f.source_file, "sheet": f.source_sheet, "row": k + 1, "meter": cell_text(r[1]),
                         "period": r[3], "raw": raw, "date": d, "order": len(rows)})
    fired = set()
    by_meter = defaultdict(list)
    pattern = re.compile(r"\d{1,15}([.,]\d{1,7})?")
    for x in rows:
        key = (x["file"], x["sheet"], x["row"])
        if x["meter"] not in meters:
            fired.add(key + ("unknown_meter",))
            continue
        if x["raw"][0] and not pattern.fullmatch(x["raw"][0]):
            fired.add(key + ("bad_value",))
            continue
        if x["date"] > AS_OF:
            fired.add(key + ("future_date",))
        if x["date"] > meters[x["meter"]]["due"]:
            fired.add(key + ("verification_overdue",))
        by_meter[x["meter"]].append(x)
    for meter, series in by_meter.items():
        series.sort(key=lambda x: (x["period"][3:], x["period"][:2], x["date"], x["order"]))
        accepted = []
        for x in series:
            if accepted and accepted[-1]["period"] == x["period"]:
                prev = accepted.pop()
                fired.add((prev["file"], prev["sheet"], prev["row"], "superseded"))
            accepted.append(x)
        last = meters[meter]["base"]
        consumption = []
        for x in accepted:
            values = [number(v) for v in x["raw"]]
            for z in range(3):
                if values[z] is not None and last[z] is not None and values[z] < last[z] - 1e-9:
                    fired.add((x["file"], x["sheet"], x["row"], "below_previous"))
            consumption.append(sum((v or 0) - (b or 0) for v, b in zip(values, last)))
            x["consumption"] = consumption[-1]
            last = [v if v is not None else b for v, b in zip(values, last)]
        positive = sorted(c for c in consumption)
        median = positive[len(positive) // 2] if positive else 0
        for x in accepted:
            if median > 0 and x["consumption"] >= 10 * median and len(accepted) >= 4:
                fired.add((x["file"], x["sheet"], x["row"], "spike"))
        latest = max(series, key=lambda x: (x["date"], x["order"]))
        due = meters[meter]["due"]
        if AS_OF < due <= AS_OF + timedelta(days=30):
            fired.add((latest["file"], latest["sheet"], latest["row"], "verification_due_soon"))
    expected = {(r.source_file, r.source_sheet, int(r.source_row), r.rule) for r in truth["readings"].itertuples()}
    assert fired == expected, (sorted(fired - expected)[:5], sorted(expected - fired)[:5])


def test_bill_anomalies_are_exactly_the_rules_that_fire(region, truth):
    exp = truth["expected"]
    accounts = set()
    for f in exp[(exp["kind"] == "accounts") & (exp["source_sheet"] == H.ACCOUNTS_SHEET)].itertuples():
        accounts |= {r[2] for r in sheet_rows(region, f.source_file, f.source_sheet)[2:] if len(r) > 2}
    fired = set()
    for f in exp[(exp["kind"] == "bills") & (exp["source_sheet"] == H.BILLS_SHEET)].itertuples():
        docs = sheet_rows(region, f.source_file, H.BILLS_SHEET)
        lines = sheet_rows(region, f.source_file, H.BILL_LINES_SHEET)
        totals = defaultdict(float)
        for k, r in enumerate(lines[2:], start=3):
            volume, tariff, charge, recalc, total = (number(r[4]), number(r[7]), number(r[8]), number(r[11]),
                                                     number(r[14]))
            totals[r[0]] += total
            if abs(charge - round(volume * tariff, 2)) > 0.011:
                fired.add((f.source_file, H.BILL_LINES_SHEET, k, "charge_mismatch"))
            if total < 0 and recalc == 0:
                fired.add((f.source_file, H.BILL_LINES_SHEET, k, "negative_amount"))
        seen = set()
        for k, r in enumerate(docs[2:], start=3):
            key = (f.source_file, H.BILLS_SHEET, k)
            if abs(number(r[8]) - totals[r[2]]) > 0.011:
                fired.add(key + ("lines_sum_mismatch",))
            if r[0] not in accounts:
                fired.add(key + ("unknown_account",))
            if not re.fullmatch(r"(0[1-9]|1[0-2])\.\d{4}", r[3]):
                fired.add(key + ("bad_period",))
            if (r[0], r[3]) in seen:
                fired.add(key + ("duplicate_document",))
            seen.add((r[0], r[3]))
    expected = {(r.source_file, r.source_sheet, int(r.source_row), r.rule) for r in truth["bills"].itertuples()}
    assert fired == expected, (sorted(fired - expected)[:5], sorted(expected - fired)[:5])


# ---------------------------------------------------------------------------------------------------------------
# determinism, subsets, parameters

def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_bytes_different_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_region(a, premises=600, seed=7, months=3)
    generate_region(b, premises=600, seed=7, months=3)
    generate_region(c, premises=600, seed=8, months=3)
    da, db, dc = _digest(a), _digest(b), _digest(c)
    assert da == db
    for name in da:
        if name.endswith(".zip"):                     # zips: same members, same order, same timestamps
            za, zb = zipfile.ZipFile(a / name), zipfile.ZipFile(b / name)
            assert [(i.filename, i.date_time, i.CRC) for i in za.infolist()] == \
                   [(i.filename, i.date_time, i.CRC) for i in zb.infolist()]
    assert da != dc
    assert da["truth/premises.csv"] != dc.get("truth/premises.csv")


def test_a_subset_of_kinds_writes_the_same_bytes(tmp_path):
    full, part = tmp_path / "full", tmp_path / "part"
    generate_region(full, premises=500, seed=3, months=2)
    generate_region(part, premises=500, seed=3, months=2, kinds={"houses", "egrn"})
    dfull, dpart = _digest(full), _digest(part)
    shared = [n for n in dpart if n.startswith(("gis/", "rosreestr/")) or n in ("truth/premises.csv",
                                                                                  "truth/egrn_objects.csv")]
    assert shared and all(dfull[n] == dpart[n] for n in shared)
    assert not any(n.startswith("gis/readings") for n in dpart)


def test_clean_region_without_noise(tmp_path):
    out = tmp_path / "clean"
    summary = generate_region(out, premises=400, seed=1, months=3, noise={"scale": 0})
    premises = pd.read_csv(out / "truth" / "premises.csv", dtype=str, keep_default_na=False)
    assert (premises["registry_category"] == "cad_ok").all()
    assert (premises["registry_cadastral_number"] == premises["true_cadastral_number"]).all()
    assert summary["counts"]["reading_anomalies"] == {} and summary["counts"]["bill_anomalies"] == {}


@pytest.mark.parametrize("code, name", [("25", "Приморский"), ("72", "Тюменская")])
def test_other_regions(tmp_path, code, name):
    out = tmp_path / code
    generate_region(out, premises=150, seed=2, region=code, months=2)
    houses = pd.read_csv(out / "truth" / "houses.csv", dtype=str, keep_default_na=False)
    assert houses["building_cadastral_number"].str.startswith(f"{code}:").all()
    assert houses["gis_address"].str.contains(name).any() or houses["gis_address"].str.contains("г.").all()
    premises = pd.read_csv(out / "truth" / "premises.csv", dtype=str, keep_default_na=False)
    assert len(premises) > 100


def test_tiny_region_and_bad_arguments(tmp_path):
    summary = generate_region(tmp_path / "tiny", premises=100, seed=1, months=1)
    assert summary["counts"]["premises"] == 100
    with pytest.raises(ValueError):
        generate_region(tmp_path / "x", region="99")
    with pytest.raises(ValueError):
        generate_region(tmp_path / "y", kinds={"nonsense"})
    with pytest.raises(ValueError):
        generate_region(tmp_path / "z", noise={"no_such_rate": 1})
    with pytest.raises(FileExistsError):
        generate_region(tmp_path / "tiny", premises=100)


def test_manifest_counts_rows(truth):
    manifest = truth["manifest"]
    assert manifest["seed"] == 42 and manifest["parameters"]["premises"] == 2000
    assert manifest["counts"]["premises"] == 2000
    assert set(NOISE_DEFAULTS) == set(manifest["parameters"]["noise"])
    table = pd.DataFrame(manifest["tables"])
    assert table["data_rows"].sum() > 0 and (table["first_row"] >= 2).all()
