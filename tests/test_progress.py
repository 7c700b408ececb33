"""A region's build reports its stages to the progress display, and its log lines name region, stage and file."""

import datetime as dt
import logging

import duckdb
import pytest
from typer.testing import CliRunner

from conftest import CONFORMANCE
from flows.cli import app
from flows.pipeline import build_region
from transforms.landing.archive import landing_units

AS_OF = dt.date(2025, 1, 20)
STAGES = ["ingest", "staging", "reconcile", "rules", "marts", "expectations"]


class RecordingProgress:
    def __init__(self):
        self.stages: list[tuple[str, int | None]] = []
        self.advanced: dict[str, int] = {}

    def stage(self, name, total=None):
        self.stages.append((name, total))

    def advance(self, n=1):
        name = self.stages[-1][0]
        self.advanced[name] = self.advanced.get(name, 0) + n


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    progress = RecordingProgress()
    handler = _Collect()
    logger = logging.getLogger("sverka")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        with duckdb.connect() as con:
            build_region(con, CONFORMANCE / "landing", AS_OF, dt.datetime(2025, 1, 20), region="77",
                         progress=progress)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    return progress, handler.messages


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_every_stage_is_reported_in_order_and_ingest_counts_its_units(built):
    progress, _ = built
    assert [name for name, _ in progress.stages] == STAGES
    units = len(landing_units(CONFORMANCE / "landing"))
    assert progress.stages[0] == ("ingest", units)
    assert progress.advanced == {"ingest": units}


def test_log_lines_name_the_region_the_stage_and_the_file(built):
    _, messages = built
    assert messages and all(m.startswith("region 77: ") for m in messages)
    stages_logged = {m.removeprefix("region 77: ").split(" ", 1)[0].rstrip(":") for m in messages}
    assert set(STAGES) <= stages_logged
    assert any(m.startswith("region 77: ingest gis/houses_uo_2024-12.xlsx: ") for m in messages)


def test_log_lines_outside_a_region_are_left_alone(caplog):
    with caplog.at_level(logging.INFO, logger="sverka"):
        logging.getLogger("sverka").info("reconcile: nothing")
    assert caplog.messages == ["reconcile: nothing"]


def test_cli_run_shows_a_line_per_stage(tmp_path):
    result = CliRunner().invoke(app, ["run", str(CONFORMANCE / "landing"), "--warehouse", str(tmp_path / "w.duckdb"),
                                      "--as-of", "2025-01-20"])
    assert result.exit_code == 0, result.output
    for name in STAGES:
        assert name in result.output
