"""Make the address normaliser callable from DuckDB SQL.

After `register_address_functions(con)` an analyst can write

    SELECT address, p.* FROM (SELECT address, address_parse(address) AS p FROM houses);  -- scalar
    SELECT address_parse(address).house FROM houses;
    SELECT * FROM address_parse_table('houses', address);                -- whole column, fastest
    SELECT premise_number_key('пом. 1-Н'), street_key('1-я Парковая');

Macros (plain SQL, vectorised):
    address_parse(text)              STRUCT of the CONTRACT §1 parts (+ room)
    address_parse_table(tbl, col)    TABLE: address_row, input, the parts (+ room), one row per row of tbl
    premise_number_key(text)         premise matching key (`пом. Н-01` → `1Н`, `IV` → `4`)
    street_key(text)                 name matching key (`1-я Парковая` → `парковая 1`)
    address_number(text)             normal form of a house/premise number (`25 а` → `25А`)
Both parse macros run the same stages (stages.py) and so give the same parts.
"""

from __future__ import annotations

from functools import lru_cache

import duckdb

from transforms.address import premise_number, stages, street_name

PARSE_FIELDS = (*stages.PARSED_COLUMNS, *stages.EXTRA_COLUMNS)


@lru_cache(maxsize=1)
def address_macros_sql() -> tuple[str, ...]:
    """Every CREATE MACRO statement, in dependency order."""
    fields = ", ".join(f"{c} := {c}" for c in PARSE_FIELDS)
    one_row = stages.pipeline_sql("SELECT 1 AS address_row, address_text AS input")
    column = stages.pipeline_sql("SELECT row_number() OVER () AS address_row, address_column AS input "
                                 "FROM query_table(address_table)")
    return (
        *premise_number.sql_macros(),
        *street_name.sql_macros(),
        f"CREATE OR REPLACE MACRO address_parse(address_text) AS "
        f"((SELECT struct_pack({fields}) FROM ({one_row})))",
        f"CREATE OR REPLACE MACRO address_parse_table(address_table, address_column) AS TABLE {column}",
    )


def register_address_functions(con: duckdb.DuckDBPyConnection, *, temporary: bool = True) -> None:
    """Create the address macros on `con`. Temporary macros live with the connection and work on a
    read-only warehouse; `temporary=False` stores them in the database."""
    for statement in address_macros_sql():
        if temporary:
            statement = statement.replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO", 1)
        con.execute(statement)
