"""`reconcile(con)`: GIS ZhKKh premises ↔ EGRN cadastral numbers, from staging.* into reconciled.*.

Steps (SQL models in warehouse/sql/reconciled, Python only where SQL cannot do the job):
    addresses        transforms/address parses the distinct house addresses (GIS) and the readable addresses of
                     extracts without a structured one (EGRN) — each distinct text once
    10–14 EGRN       objects with kind and number keys; each attached to its house (building number, building
                     list, FIAS GUID, address); the keys every EGRN house is known by
    20–21 GIS        houses (an address in one export) and premises with their keys
    30–32 houses     candidate pairs → street similarity (rapidfuzz, streets.py) → evidence → one link per house
    40    candidates premise pairs in the linked house (number, area) and by registry number, with every level
    50    decisions  the decision: confirmed | auto | review | conflict | unmatched, one number per premise at most
    51    matches    the decision in words, for the pair shown only (the evidence of 3–4 million candidate pairs is
                     never put together)
    60    evidence   the analysts' table macro reconciled.premise_evidence(file, row)

Returns counts per status and per house link status, and the seconds each step took.
"""

from __future__ import annotations

import logging
import time

import duckdb

from transforms.match.keys import register_match_functions
from transforms.match.models import run_model
from transforms.match.streets import build_street_similarity

log = logging.getLogger("sverka")

PARSED_COLUMNS = "input, settlement_type, settlement, street_type, street, house, korpus, stroenie, litera, " \
                 "premise_type, premise, room"

# Addresses to parse: GIS houses' «Адрес» (and premise rows' house addresses), and the readable addresses of
# EGRN extracts that carry no structured number or house.
GIS_ADDRESSES = """
    SELECT address FROM staging.gis_houses
    UNION SELECT house_address FROM staging.gis_residential_premises
    UNION SELECT house_address FROM staging.gis_nonresidential_premises
"""
EGRN_ADDRESSES = """
    SELECT readable_address AS address FROM staging.egrn_rooms
    WHERE readable_address IS NOT NULL
      AND (apartment_number IS NULL OR (street_name IS NULL AND house_number IS NULL))
    UNION
    SELECT readable_address FROM staging.egrn_buildings
    WHERE readable_address IS NOT NULL AND street_name IS NULL AND house_number IS NULL
"""


def parse_addresses_into(con: duckdb.DuckDBPyConnection, source_sql: str, table: str) -> int:
    """Parses each distinct address of `source_sql` (column `address`) into the temporary `table`."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _addresses_to_parse AS "
                f"SELECT DISTINCT address FROM ({source_sql}) WHERE address IS NOT NULL")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS "
                f"SELECT {PARSED_COLUMNS} FROM address_parse_table('_addresses_to_parse', address)")
    count = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    con.execute("DROP TABLE _addresses_to_parse")
    return count


def reconcile(con: duckdb.DuckDBPyConnection) -> dict:
    """Reads staging.* and writes reconciled.gis_houses, gis_premises, egrn_premises, egrn_houses,
    egrn_house_keys, house_candidates, houses, premise_candidates and premise_matches."""
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(step: str, t0: float) -> None:
        timings[step] = round(time.perf_counter() - t0, 2)

    t0 = time.perf_counter()
    con.execute("CREATE SCHEMA IF NOT EXISTS reconciled")
    register_match_functions(con)
    parsed_gis = parse_addresses_into(con, GIS_ADDRESSES, "_gis_addresses_parsed")
    parsed_egrn = parse_addresses_into(con, EGRN_ADDRESSES, "_egrn_addresses_parsed")
    lap("addresses", t0)

    t0 = time.perf_counter()
    for name in ("10_egrn_objects", "11_egrn_house_addresses", "12_egrn_premises", "13_egrn_house_keys",
                 "14_egrn_houses"):
        run_model(con, name)
    lap("egrn", t0)

    t0 = time.perf_counter()
    for name in ("20_gis_houses", "21_gis_premises"):
        run_model(con, name)
    lap("gis", t0)

    t0 = time.perf_counter()
    run_model(con, "30_house_pairs")
    street_pairs = build_street_similarity(con)
    run_model(con, "31_house_candidates")
    run_model(con, "32_houses")
    lap("houses", t0)

    t0 = time.perf_counter()
    run_model(con, "40_premise_candidates")
    lap("candidates", t0)
    t0 = time.perf_counter()
    run_model(con, "50_premise_decisions")
    run_model(con, "51_premise_matches")
    run_model(con, "60_premise_evidence")
    lap("decision", t0)

    for table in ("egrn_objects", "egrn_house_addresses", "house_pairs", "street_similarity", "premise_decisions",
                  "_gis_addresses_parsed", "_egrn_addresses_parsed"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    timings["total"] = round(time.perf_counter() - started, 2)

    statuses = dict(con.execute(
        "SELECT match_status, count(*) FROM reconciled.premise_matches GROUP BY ALL ORDER BY ALL").fetchall())
    links = dict(con.execute(
        "SELECT link_status, count(*) FROM reconciled.houses GROUP BY ALL ORDER BY ALL").fetchall())
    summary = {
        "premises": sum(statuses.values()),
        "statuses": statuses,
        "houses": links,
        "addresses_parsed": {"gis": parsed_gis, "egrn": parsed_egrn},
        "street_pairs_compared": street_pairs,
        "seconds": timings,
    }
    log.info("reconcile: %d premises in %d linked houses: %s (%.1f s)", summary["premises"],
             summary["houses"].get("linked", 0), ", ".join(f"{k} {v}" for k, v in summary["statuses"].items()),
             summary["seconds"]["total"])
    return summary
