from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
CONFORMANCE = FIXTURES / "conformance"


@pytest.fixture
def con():
    """A fresh in-memory warehouse with the schema and parsing macros."""
    from warehouse.landing import create_schema

    connection = duckdb.connect()
    create_schema(connection)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def address_con():
    """An in-memory DuckDB with the address parsing functions only."""
    from transforms.address import register_address_functions

    connection = duckdb.connect()
    register_address_functions(connection)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def prefect_api():
    """One temporary Prefect API server for the whole session (it takes tens of seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
