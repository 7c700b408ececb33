"""A small generated region taken through every stage into a warehouse, built once per test process and shared
by the publishing tests (marts, reports, notebooks, the publish flow).

The stages are called as `sverka run` calls them: ingest → staging → reconciliation → validation rules → marts,
inside an atomic build.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import shutil
import tempfile
from pathlib import Path

AS_OF = dt.date(2025, 1, 20)
PREMISES = 400
SEED = 1


@functools.lru_cache(maxsize=1)
def region() -> Path:
    """The folder holding `landing/` (generated, with `truth/`) and the built `sverka.duckdb`."""
    from generator import generate_region

    root = Path(tempfile.mkdtemp(prefix="sverka-publish-"))
    atexit.register(shutil.rmtree, root, True)
    generate_region(root / "landing", premises=PREMISES, seed=SEED)
    build_warehouse(root / "landing", root / "sverka.duckdb")
    return root


def region_warehouse() -> Path:
    return region() / "sverka.duckdb"


def build_warehouse(landing: Path, warehouse: Path, as_of: dt.date = AS_OF) -> Path:
    from checks import run_rules
    from flows import stages
    from transforms.match import reconcile
    from warehouse.marts import build_marts
    from warehouse.publish import building

    with building(warehouse) as con:
        stages.ingest(con, landing)
        stages.carry_over_load_times(con, None, dt.datetime.combine(as_of, dt.time()))
        stages.stage(con)
        reconcile(con)
        run_rules(con, as_of)
        build_marts(con)
    return warehouse


# --- given rows -------------------------------------------------------------------------------------------------
# The publishing marts run over the typed staging tables and these contract tables of the other stages.
CONTRACT_TABLES = {
    "marts.premises": "source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, house_address VARCHAR, "
                      "premise_number VARCHAR, premise_kind VARCHAR, registry_cadastral_number VARCHAR, "
                      "cadastral_number VARCHAR, match_status VARCHAR, premise_id BIGINT, house_id BIGINT",
    "marts.meters": "meter_gis_number VARCHAR, house_address VARCHAR, verification_status VARCHAR, source_file VARCHAR, "
                    "hcs_id VARCHAR",
    "marts.accounts": "hcs_id VARCHAR, account_number VARCHAR, source_file VARCHAR, source_sheet VARCHAR, "
                      "source_row BIGINT",
    "marts.bills": "hcs_id VARCHAR, period DATE, document_number VARCHAR, source_file VARCHAR, source_sheet VARCHAR, "
                   "source_row BIGINT",
    "quality.reading_flags": "source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, rule VARCHAR, "
                             "severity VARCHAR, message VARCHAR",
    "quality.bill_flags": "source_file VARCHAR, source_sheet VARCHAR, source_row BIGINT, rule VARCHAR, "
                          "severity VARCHAR, message VARCHAR",
}


def empty_warehouse(as_of: dt.date = AS_OF):
    """An in-memory warehouse with every staging table and the contract tables, all empty, and the as-of date."""
    import duckdb

    from transforms.parse.specs import ALL_TABLES
    from warehouse.landing import create_schema
    from warehouse.staging import typed_sql

    con = duckdb.connect()
    create_schema(con)
    for spec in ALL_TABLES:
        con.execute(
            f"CREATE OR REPLACE TABLE staging.{spec.kind} AS SELECT * EXCLUDE (_quarantine_reasons, _value_issues) "
            f"FROM ({typed_sql(spec)}) WHERE false"
        )
    for table, columns in CONTRACT_TABLES.items():
        con.execute(f"CREATE OR REPLACE TABLE {table} ({columns})")
    con.execute("CREATE OR REPLACE TABLE quality.validation_run AS SELECT CAST(? AS DATE) AS as_of", [as_of])
    return con


def given(con, table: str, rows: list[dict]) -> None:
    """Appends rows (column → value) to `table`; columns not named stay NULL."""
    for row in rows:
        placeholders = ", ".join("?" for _ in row)
        con.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({placeholders})", list(row.values()))


def run_publishing_marts(con) -> None:
    """Only the publishing marts' SQL (macros, house management, house cards, quality KPIs), in build order, after
    the GIS houses and premises of reconciliation (the given premises get their house from it)."""
    from transforms.match.keys import register_match_functions
    from transforms.match.models import run_model
    from transforms.match.reconcile import GIS_ADDRESSES, parse_addresses_into
    from warehouse.marts import MARTS_DIR

    register_match_functions(con, temporary=False)
    con.execute("CREATE SCHEMA IF NOT EXISTS reconciled")
    parse_addresses_into(con, GIS_ADDRESSES, "_gis_addresses_parsed")
    for model in ("20_gis_houses", "21_gis_premises"):
        run_model(con, model)
    con.execute(
        "UPDATE marts.premises AS p SET premise_id = g.premise_id, house_id = g.gis_house_id "
        "FROM reconciled.gis_premises AS g WHERE g.source_file = p.source_file "
        "AND g.source_sheet IS NOT DISTINCT FROM p.source_sheet AND g.source_row = p.source_row"
    )
    for name in ("_macros.sql", "house_management.sql", "premise_accounts.sql", "house_cards.sql", "quality_kpis.sql"):
        con.execute((MARTS_DIR / name).read_text(encoding="utf-8"))
