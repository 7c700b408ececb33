"""`sverka serve` refuses a warehouse it could never write when it starts, not at the first nightly run."""

import subprocess
import sys
from pathlib import Path

SVERKA = str(Path(sys.executable).with_name("sverka"))


def test_serve_refuses_a_warehouse_path_that_is_a_folder(tmp_path):
    (tmp_path / "sverka.duckdb").mkdir()
    config = tmp_path / "regions.toml"
    config.write_text('[warehouse]\npath = "sverka.duckdb"\nparts = "parts"\n\n'
                      '[[region]]\ncode = "66"\nname = "Свердловская область"\nlanding = "landing-66"\n',
                      encoding="utf-8")
    done = subprocess.run([SVERKA, "serve", "--config", str(config)], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PREFECT_API_URL": "http://127.0.0.1:9/api",
                               "PREFECT_HOME": str(tmp_path / "prefect-home")})
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"sverka: путь хранилища — папка, а нужен файл DuckDB: {tmp_path / 'sverka.duckdb'} / "
        f"warehouse path is a folder, not a DuckDB file: {tmp_path / 'sverka.duckdb'}")
