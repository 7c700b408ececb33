"""A real Prefect server on loopback: deployments registered by `sverka serve`, a run triggered through
the API and executed by the served process, the warehouse updated. Everything is stopped at the end."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from conftest import CONFORMANCE

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(url)


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    process = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=open(tmp_path / "server.log", "wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health", 180)
        yield {**env, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def test_served_deployment_runs_and_publishes(server, tmp_path):
    landing = tmp_path / "landing-66"
    shutil.copytree(CONFORMANCE / "landing", landing)
    config = tmp_path / "regions.toml"
    config.write_text(
        '[warehouse]\npath = "sverka.duckdb"\nparts = "parts"\n\n'
        '[schedule]\ncron = "0 2 * * *"\nas_of = "2025-01-20"\n\n'
        '[[region]]\ncode = "66"\nname = "Свердловская область"\nlanding = "landing-66"\n',
        encoding="utf-8",
    )
    env = {**server, "SVERKA_DASK_WORKERS": "1"}
    serving = subprocess.Popen(
        [str(BIN / "sverka"), "serve", "--config", str(config)],
        env=env, cwd=tmp_path, stdout=open(tmp_path / "serve.log", "wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 120
        listed = ""
        while time.time() < deadline and "nightly-66" not in listed:
            listed = subprocess.run([str(BIN / "prefect"), "deployment", "ls"], env=env, capture_output=True,
                                    text=True).stdout
            time.sleep(1)
        assert "nightly-66" in listed, (tmp_path / "serve.log").read_text()

        run = subprocess.run(
            [str(BIN / "prefect"), "deployment", "run", "sverka-national/nightly-66", "--watch",
             "--watch-timeout", "600"],
            env=env, capture_output=True, text=True, timeout=700,
        )
        assert run.returncode == 0, run.stdout + run.stderr + (tmp_path / "serve.log").read_text()
        assert "Completed" in run.stdout
    finally:
        os.killpg(serving.pid, signal.SIGTERM)
        serving.wait(timeout=60)

    with duckdb.connect(str(tmp_path / "sverka.duckdb"), read_only=True) as con:
        premises = con.execute("SELECT count(*) FROM marts.premises WHERE region_partition = '66'").fetchone()[0]
    assert premises == 60
