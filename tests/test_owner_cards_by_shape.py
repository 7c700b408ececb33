"""Owner cards and quality KPIs agree per management organisation (УО), whatever shape its houses export came in.

One generated region, with its УО houses exports delivered three ways: an xlsx workbook, the CSV zip GIS ZhKKh
exports (`uo_<ИНН>_export.zip`), and a workbook inside a zip inside a zip. The owner cards and the KPIs are built
from the same house, premise and УО keys (transforms/match/keys.py) and the same account links
(marts.premise_accounts), so per УО the accounts, meters, overdue meters and payment documents on its owners' cards
are what marts.quality_kpis counts.
"""

from __future__ import annotations

import io
import shutil
import zipfile

import duckdb
import pytest

from publish_kit import build_warehouse

# An account of a flat the GIS houses export misses or numbers otherwise (a renumbered or mistyped flat) pays for no premise
# and can be on no card; without those every account, meter and payment document of the region belongs on a card
# (with them the *_on_cards KPI columns still equal the cards: test_card_columns_of_the_kpis_are_the_cards).
NOISE = {"egrn_only_flat": 0.0, "egrn_only_nonres": 0.0, "communal_flat": 0.0, "rooms_only": 0.0,
         "renumbered": 0.0, "renumbered_swap": 0.0, "number_typo": 0.0}


def _nest(landing, workbook) -> str:
    """Moves a houses workbook into gis/houses/postuplenie_2024-12.zip/<inner>.zip/<workbook>; its new source_file."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.write(workbook, workbook.name)
    outer = landing / "gis" / "houses" / "postuplenie_2024-12.zip"
    inner_name = f"uo_delivery_{workbook.stem}.zip"
    with zipfile.ZipFile(outer, "w") as archive:
        archive.writestr(inner_name, inner.getvalue())
    workbook.unlink()
    return f"gis/houses/{outer.name}/{inner_name}/{workbook.name}"


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    from generator import generate_region

    root = tmp_path_factory.mktemp("shapes")
    landing = root / "landing"
    generate_region(landing, premises=400, seed=1, noise=NOISE)
    workbooks = sorted((landing / "gis" / "houses").glob("houses_uo_*.xlsx"))
    assert len(workbooks) >= 2 and list((landing / "gis" / "houses").glob("uo_*_export.zip"))
    nested = _nest(landing, workbooks[-1])
    warehouse = build_warehouse(landing, root / "sverka.duckdb")
    con = duckdb.connect(str(warehouse), read_only=True)
    yield con, nested
    con.close()
    shutil.rmtree(root, ignore_errors=True)


def _shape(source_file: str) -> str:
    if source_file.count(".zip/") >= 2:
        return "zip in zip"
    if ".zip/" in source_file:
        return "csv zip"
    return "xlsx"


CARD_TOTALS = """
    WITH cards AS (SELECT * FROM marts.owner_premise_cards)
    SELECT c.management_organisation,
           (SELECT count(DISTINCT (a.hcs_id, a.account_number))
            FROM cards AS x, unnest(x.accounts) AS u(a) WHERE x.management_organisation = c.management_organisation),
           (SELECT count(DISTINCT m.meter_gis_number)
            FROM cards AS x, unnest(x.meters) AS u(m) WHERE x.management_organisation = c.management_organisation),
           (SELECT count(DISTINCT m.meter_gis_number) FILTER (m.verification_status = 'overdue')
            FROM cards AS x, unnest(x.meters) AS u(m) WHERE x.management_organisation = c.management_organisation),
           (SELECT count(DISTINCT (b.hcs_id, b.period, b.document_number))
            FROM cards AS x, unnest(x.bills) AS u(b) WHERE x.management_organisation = c.management_organisation)
    FROM (SELECT DISTINCT management_organisation FROM cards) AS c
"""


def test_every_delivery_shape_is_in_the_region(shapes):
    con, nested = shapes
    files = [f for (f,) in con.execute("SELECT DISTINCT source_file FROM marts.premises").fetchall()]
    assert {_shape(f) for f in files} == {"xlsx", "csv zip", "zip in zip"}
    assert nested in files


def test_owner_card_totals_per_organisation_equal_the_kpis(shapes):
    con, _ = shapes
    shape_of = dict(con.execute(
        "SELECT management_organisation, any_value(source_file) FROM marts.premises GROUP BY ALL").fetchall())
    cards = {uo: totals for uo, *totals in con.execute(CARD_TOTALS).fetchall()}
    kpis = {
        uo: totals for uo, *totals in con.execute(
            "SELECT management_organisation, accounts, meters, meters_overdue, bills FROM marts.quality_kpis "
            "WHERE level = 'management_organisation' AND management_organisation IS NOT NULL"
        ).fetchall()
    }
    assert set(cards) == set(shape_of) and len(cards) >= 3
    assert {_shape(shape_of[uo]) for uo in cards} == {"xlsx", "csv zip", "zip in zip"}
    for uo, totals in cards.items():
        # (accounts, meters, overdue meters, bills): every УО's owners see something, and all of it
        assert totals[0] > 0 and totals[1] > 0 and totals[3] > 0, (uo, _shape(shape_of[uo]))
        assert totals == kpis[uo], (uo, _shape(shape_of[uo]))
    assert sum(t[2] for t in cards.values()) > 0


def test_card_columns_of_the_kpis_are_the_cards(shapes):
    con, _ = shapes
    cards = {uo: totals for uo, *totals in con.execute(CARD_TOTALS).fetchall()}
    kpis = {
        uo: totals for uo, *totals in con.execute(
            "SELECT management_organisation, accounts_on_cards, meters_on_cards, meters_overdue_on_cards, "
            "bills_on_cards FROM marts.quality_kpis WHERE level = 'management_organisation'"
        ).fetchall()
    }
    for uo, totals in cards.items():
        assert totals == kpis[uo], uo


def test_owner_card_meters_per_organisation_equal_the_kpi_meters(shapes):
    """The meters and overdue meters on each УО's cards are the KPIs' (columns the KPIs have always had)."""
    con, _ = shapes
    cards = {uo: (meters, overdue) for uo, _, meters, overdue, _ in con.execute(CARD_TOTALS).fetchall()}
    kpis = dict((uo, (meters, overdue)) for uo, meters, overdue in con.execute(
        "SELECT management_organisation, meters, meters_overdue FROM marts.quality_kpis "
        "WHERE level = 'management_organisation' AND management_organisation IS NOT NULL").fetchall())
    assert len(cards) >= 3 and all(meters > 0 for meters, _ in kpis.values())
    assert cards == kpis
