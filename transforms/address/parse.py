"""`parse_addresses`: the Python batch entry point (what `sverka address parse` prints).

It runs the SQL stages (stages.py) over the whole batch in an in-memory DuckDB — the same SQL as the
`address_parse` / `address_parse_table` macros — so Python and SQL results cannot drift apart.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from transforms.address import stages
from transforms.address.sql import register_address_functions

ADDRESS_COLUMNS = ("input", *stages.PARSED_COLUMNS)  # CONTRACT §1, in order

_lock = threading.Lock()
_con: duckdb.DuckDBPyConnection | None = None


def _connection() -> duckdb.DuckDBPyConnection:
    global _con
    if _con is None:
        _con = duckdb.connect(":memory:")
        register_address_functions(_con)
    return _con


# Lines parsed per query: DuckDB holds about 2 KB per address while parsing, so a chunk bounds memory
# (~0.5 GB) at a small cost (~0.1 s of planning per chunk). Results do not depend on the chunking.
CHUNK = 250_000


def parse_addresses_arrow(lines: Sequence[str | None], *, with_room: bool = False,
                          con: duckdb.DuckDBPyConnection | None = None) -> pa.Table:
    """Parse addresses into an Arrow table (columns as `parse_addresses`)."""
    lines = list(lines)
    chunks = [_parse_chunk(lines[i:i + CHUNK], with_room, con) for i in range(0, len(lines), CHUNK)]
    return pa.concat_tables(chunks) if chunks else _parse_chunk([], with_room, con)


def _parse_chunk(lines: list[str | None], with_room: bool, con: duckdb.DuckDBPyConnection | None) -> pa.Table:
    batch = pa.table({
        "address_row": pa.array(np.arange(len(lines), dtype=np.int64)),
        "input": pa.array(lines, type=pa.string()),
    })
    columns = ", ".join(("address_row", *ADDRESS_COLUMNS, *(stages.EXTRA_COLUMNS if with_room else ())))
    query = (f"SELECT {columns} FROM "
             f"({stages.pipeline_sql('SELECT address_row, input FROM address_batch', ordered=False)})")
    with _lock if con is None else contextlib.nullcontext():
        db = con or _connection()
        db.register("address_batch", batch)
        try:
            table = db.sql(query).to_arrow_table()
        finally:
            db.unregister("address_batch")
    # back to input order (cheaper in Arrow than as an ORDER BY over every output column)
    return table.take(pc.sort_indices(table["address_row"])).drop_columns(["address_row"])


def parse_addresses(lines: Sequence[str | None], *, with_room: bool = False,
                    con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """One row per input line, in order, with the CONTRACT §1 columns: `input, region, district,
    settlement_type, settlement, street_type, street, house, korpus, stroenie, litera, premise_type,
    premise` (and `room` when asked). Missing parts are None.

    `con`: run on this DuckDB connection (which must have `register_address_functions` applied)
    instead of the module's private one."""
    lines = list(lines)
    table = parse_addresses_arrow(lines, with_room=with_room, con=con)
    # object columns holding str or None (what the CSV writer and callers expect); `input` is the caller's
    # own strings, in the same order
    columns = {"input": pd.Series(lines, dtype=object)}
    for name in table.column_names[1:]:
        columns[name] = pd.Series(table.column(name).to_numpy(zero_copy_only=False), dtype=object, copy=False)
    return pd.DataFrame(columns)

