"""Street-name similarity with rapidfuzz, over the few distinct street names the house pairs bring together.

The SQL pairs houses that share a settlement and a house number (or an identifier); only pairs whose street keys
differ need a fuzzy comparison — a few thousand distinct (GIS street, EGRN street) pairs even for a million
premises, so rapidfuzz never sees a row per premise.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

DISTINCT_STREET_PAIRS = """
    SELECT DISTINCT g.street_key AS gis_street_key, k.street_key AS egrn_street_key
    FROM house_pairs AS p
    JOIN reconciled.gis_houses AS g USING (gis_house_id)
    JOIN reconciled.egrn_house_keys AS k USING (egrn_house_id)
    WHERE g.street_key <> k.street_key
"""


def street_similarity(gis_streets: list[str], egrn_streets: list[str]) -> list[float]:
    """Pairwise similarity 0..1 of street keys (`street_key` forms: lower case, no type, ordinals at the end).

    `ratio` (normalised Indel) catches the typos real exports have («фруннзе» ~ «фрунзе», «сибиярка»);
    `token_sort_ratio` catches reordered words («героев танкограда»). The larger of the two counts."""
    if not gis_streets:
        return []
    ratio = cpdist(gis_streets, egrn_streets, scorer=fuzz.ratio, workers=1)
    sorted_ratio = cpdist(gis_streets, egrn_streets, scorer=fuzz.token_sort_ratio, workers=1)
    return [round(max(a, b) / 100.0, 4) for a, b in zip(ratio.tolist(), sorted_ratio.tolist())]


def build_street_similarity(con: duckdb.DuckDBPyConnection) -> int:
    """Fills the temporary table `street_similarity` for the street pairs in `house_pairs`."""
    rows = con.execute(DISTINCT_STREET_PAIRS).fetchall()
    gis = [r[0] for r in rows]
    egrn = [r[1] for r in rows]
    table = pa.table({
        "gis_street_key": pa.array(gis, pa.string()),
        "egrn_street_key": pa.array(egrn, pa.string()),
        "similarity": pa.array(street_similarity(gis, egrn), pa.float64()),
    })
    con.register("_street_similarity_arrow", table)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE street_similarity AS SELECT * FROM _street_similarity_arrow")
    finally:
        con.unregister("_street_similarity_arrow")
    return len(rows)
