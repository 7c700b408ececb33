"""Validation rules throughput: 10,000,000 meter readings and 1,000,000 payment documents (with ~6,000,000
service lines), synthetic, written straight into DuckDB tables of the staging shape (no xlsx). Times
`checks.run_rules` (every reading and bill rule over the whole history, messages included) and the same
rules written in pandas (benchmarks/pandas_rules.py, loading from DuckDB timed apart), each in its own
process so that each peak RSS is its own. Wall and CPU time are both printed: the machine may be shared.

    .venv/bin/python benchmarks/bench_validation.py [--readings 10000000] [--documents 1000000] [--skip-pandas]

The data has the anomalies the rules look for at about the generator's rates (below previous, spikes,
unreadable values, future dates, unknown meters, resubmissions, overdue verification; sum and charge
mismatches, negative lines, legitimate recalculations, duplicates, unknown accounts, bad periods), so the
flag tables and their messages have realistic sizes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
AS_OF = dt.date(2025, 1, 20)
MONTHS = 12


# --- synthetic warehouse ------------------------------------------------------------------------------


def build(path: Path, readings: int, documents: int) -> dict:
    """Writes the synthetic staging tables into a DuckDB file; returns row counts."""
    import duckdb

    from checks.runner import prepare

    meters = readings // MONTHS
    accounts = documents // MONTHS
    con = duckdb.connect(str(path))
    prepare(con)  # schema and empty staging tables of the real shape
    con.execute("SET preserve_insertion_order = false")
    # u(i, salt) = a uniform [0, 1) number from a hash: the data is the same on every run.
    con.execute("CREATE OR REPLACE MACRO u(i, salt) AS (hash(i, salt) % 1000000) / 1000000.0")
    con.execute(
        """
        INSERT INTO staging.gis_meters BY NAME
        SELECT 'bench' AS file_sha256, 'gis/meters/org' || (m % 50) || '.xlsx' AS source_file,
               'Сведения о ПУ' AS source_sheet, m + 2 AS source_row,
               'S' || m AS serial_number, 'Индивидуальный' AS meter_kind,
               CASE WHEN m % 3 = 0 THEN 'Электрическая энергия' ELSE 'Холодная вода' END AS resource,
               CASE WHEN m % 5 = 0 THEN 'Двухтарифный' ELSE 'Однотарифный' END AS tariff_kind,
               'H' || (m // 3) AS account_id,
               round(100 + 900 * u(m, 1), 3) AS base_value_t1,
               CASE WHEN m % 5 = 0 THEN round(50 + 400 * u(m, 2), 3) END AS base_value_t2,
               -- 2 % of meters overdue all year, 1 % due within 30 days after as-of, the rest fine
               CASE WHEN u(m, 3) < 0.02 THEN DATE '2017-01-10'
                    WHEN u(m, 3) < 0.03 THEN DATE '2019-02-01' + CAST(20 * u(m, 4) AS INTEGER)
                    ELSE DATE '2020-01-01' + CAST(1500 * u(m, 4) AS INTEGER) END AS last_verified_on,
               6 AS verification_interval_years,
               'M' || m AS meter_gis_number
        FROM range(?) AS t(m)
        """,
        [meters],
    )
    con.execute(
        """
        CREATE TEMP TABLE series AS
        SELECT m, k, 3 + 5 * u(m, 5) AS mean, round(100 + 900 * u(m, 1), 3) AS base1,
               round(50 + 400 * u(m, 2), 3) AS base2, u(m * 100 + k, 6) AS anomaly
        FROM range(?) AS a(m), range(?) AS b(k)
        """,
        [meters, MONTHS],
    )
    con.execute(
        """
        INSERT INTO staging.gis_readings BY NAME
        WITH v AS (
            SELECT *,
                   CASE WHEN anomaly < 0.006 THEN base1 + mean * k - mean                  -- below previous
                        WHEN anomaly < 0.010 AND k = 11 THEN base1 + mean * (k + 21)       -- spike (last month)
                        ELSE base1 + mean * (k + 1) + 0.3 * mean * u(m * 100 + k, 7) END AS v1,
                   CASE WHEN m % 5 = 0 THEN base2 + 0.4 * mean * (k + 1) END AS v2,
                   CAST(DATE '2024-01-20' + to_months(k) AS DATE) + CAST(6 * u(m * 100 + k, 8) AS INTEGER) AS day
            FROM series
        )
        SELECT 'bench' AS file_sha256,
               'gis/readings/org' || (m % 50) || '/ipu_2024_' || lpad(CAST(k + 1 AS VARCHAR), 2, '0') || '.xlsx'
                   AS source_file,
               'Импорт показаний ИПУ' AS source_sheet, m // 50 + 2 AS source_row,
               CASE WHEN anomaly BETWEEN 0.99 AND 0.993 THEN 'X' || m ELSE 'M' || m END AS meter_gis_number,
               'Холодная вода' AS resource, DATE '2024-01-01' + to_months(k) AS period,
               CASE WHEN anomaly BETWEEN 0.98 AND 0.984 THEN NULL ELSE round(v1, 3) END AS value_t1,
               CASE WHEN anomaly BETWEEN 0.98 AND 0.984 THEN '-5' ELSE CAST(round(v1, 3) AS VARCHAR) END
                   AS value_t1_raw,
               round(v2, 3) AS value_t2, CAST(round(v2, 3) AS VARCHAR) AS value_t2_raw,
               CASE WHEN anomaly BETWEEN 0.97 AND 0.973 AND k = 11 THEN DATE '2025-02-03' ELSE day END AS read_on
        FROM v
        """
    )
    # Resubmissions: an earlier submission of 0.4 % of readings, a few days before, with a lower value.
    con.execute(
        """
        INSERT INTO staging.gis_readings BY NAME
        SELECT * REPLACE (read_on - 3 AS read_on, value_t1 - 1 AS value_t1,
                          CAST(value_t1 - 1 AS VARCHAR) AS value_t1_raw, source_row + 100000 AS source_row)
        FROM staging.gis_readings
        WHERE u(hash(meter_gis_number) + month(period), 9) < 0.004 AND value_t1 IS NOT NULL
        """
    )
    con.execute(
        """
        INSERT INTO staging.gis_accounts BY NAME
        SELECT 'bench' AS file_sha256, 'gis/accounts/org' || (a % 50) || '.xlsx' AS source_file,
               'Основные сведения' AS source_sheet, a // 50 + 3 AS source_row, a AS record_number,
               CAST(700000 + a AS VARCHAR) AS account_number, 'H' || a AS hcs_id, 45.0 AS total_area
        FROM range(?) AS t(a)
        """,
        [accounts],
    )
    services = ", ".join(f"({n}, '{name}', {tariff})" for n, (name, tariff) in enumerate([
        ("Содержание жилого помещения", 33.46), ("Холодное водоснабжение", 51.69),
        ("Горячее водоснабжение", 226.3), ("Водоотведение", 34.77), ("Электроснабжение", 5.52),
        ("Отопление", 2150.77)], start=1))
    con.execute(
        f"""
        CREATE TEMP TABLE lines AS
        WITH docs AS (SELECT a, k, a * 100 + k AS d FROM range(?) AS x(a), range(?) AS y(k)),
        services(n, service, tariff) AS (VALUES {services})
        SELECT d, a, k, n, service, tariff,
               round(CASE n WHEN 1 THEN 45 WHEN 6 THEN 1.026 ELSE 1 + 8 * u(d * 10 + n, 10) END, 3) AS volume,
               u(d * 10 + n, 11) AS anomaly
        FROM docs, services
        """,
        [accounts, MONTHS],
    )
    con.execute(
        """
        CREATE TEMP TABLE priced AS
        SELECT *,
               CASE WHEN anomaly < 0.003 THEN -volume ELSE volume END AS billed_volume,
               round(CASE WHEN anomaly < 0.003 THEN -volume ELSE volume END * tariff, 2)
                 + CASE WHEN anomaly BETWEEN 0.5 AND 0.504 THEN 55.55 ELSE 0 END AS charge,
               CASE WHEN anomaly BETWEEN 0.6 AND 0.61 THEN -round(volume * tariff * 1.2, 2) ELSE 0 END AS recalc
        FROM lines
        """
    )
    con.execute(
        """
        INSERT INTO staging.gis_bill_lines BY NAME
        SELECT 'bench' AS file_sha256,
               'gis/payments/org' || (a % 50) || '/pd_2024_' || lpad(CAST(k + 1 AS VARCHAR), 2, '0') || '.xlsx'
                   AS source_file,
               'Разделы 3-6' AS source_sheet, (a // 50) * 6 + n + 2 AS source_row,
               a || '-' || k AS document_number, service, billed_volume AS volume_individual, tariff,
               charge AS charge_individual, charge AS charged_total, recalc AS recalculation,
               round(charge + recalc, 2) AS payable_total
        FROM priced
        """
    )
    con.execute(
        """
        INSERT INTO staging.gis_bills BY NAME
        WITH sums AS (SELECT a, k, round(sum(round(charge + recalc, 2)), 2) AS total FROM priced GROUP BY a, k)
        SELECT 'bench' AS file_sha256,
               'gis/payments/org' || (a % 50) || '/pd_2024_' || lpad(CAST(k + 1 AS VARCHAR), 2, '0') || '.xlsx'
                   AS source_file,
               'Разделы 1-2' AS source_sheet, a // 50 + 3 AS source_row,
               CASE WHEN u(a * 100 + k, 12) < 0.003 THEN 'Z' || a ELSE 'H' || a END AS hcs_id,
               a || '-' || k AS document_number,
               CASE WHEN u(a * 100 + k, 13) < 0.003 THEN NULL ELSE DATE '2024-01-01' + to_months(k) END AS period,
               total + CASE WHEN u(a * 100 + k, 14) < 0.004 THEN 100 ELSE 0 END AS amount_due
        FROM sums
        """
    )
    # Duplicates: 0.3 % of documents delivered twice, with their lines (later rows of the same file).
    con.execute(
        """
        CREATE TEMP TABLE duplicated AS
        SELECT document_number FROM staging.gis_bills WHERE u(hash(document_number), 15) < 0.003 AND period IS NOT NULL
        """
    )
    for table in ("gis_bills", "gis_bill_lines"):
        con.execute(
            f"""
            INSERT INTO staging.{table} BY NAME
            SELECT * REPLACE (document_number || '/2' AS document_number, source_row + 1000000 AS source_row)
            FROM staging.{table} WHERE document_number IN (SELECT document_number FROM duplicated)
            """
        )
    con.execute(
        """
        INSERT INTO quality.value_issues
        SELECT source_file, source_sheet, source_row, 'gis_bills', 'Расчетный период (ММ.ГГГГ)', '13.2024',
               'не читается как период ММ.ГГГГ; загружено пустым'
        FROM staging.gis_bills WHERE period IS NULL
        """
    )
    counts = {t: con.execute(f"SELECT count(*) FROM staging.{t}").fetchall()[0][0]
              for t in ("gis_meters", "gis_readings", "gis_accounts", "gis_bills", "gis_bill_lines")}
    con.execute("CHECKPOINT")
    con.close()
    return counts


# --- the two engines ----------------------------------------------------------------------------------


def run_duckdb(path: Path) -> dict:
    import duckdb

    from checks import run_rules

    con = duckdb.connect(str(path))
    started, cpu = time.perf_counter(), time.process_time()
    summary = run_rules(con, AS_OF)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    con.close()
    return {"seconds": seconds, "cpu_seconds": cpu, "load_seconds": 0.0, "flags": summary["rules"],
            "steps": summary["seconds"]}


def run_pandas(path: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    started = time.perf_counter()
    # only the columns the rules read (a careful pandas user would not load the rest)
    columns = {
        "gis_meters": "* EXCLUDE (file_sha256)",
        "gis_readings": "source_file, source_sheet, source_row, meter_gis_number, period, read_on, value_t1, "
                        "value_t2, value_t3, value_t1_raw, value_t2_raw, value_t3_raw",
        "gis_accounts": "hcs_id",
        "gis_bills": "source_file, source_sheet, source_row, hcs_id, document_number, period, amount_due, "
                     "capital_repair_payable",
        "gis_bill_lines": "source_file, source_sheet, source_row, document_number, service, volume_individual, "
                          "volume_common, tariff, charge_individual, charge_common, charged_total, recalculation, "
                          "payable_total",
    }
    frames = {t: con.execute(f"SELECT {c} FROM staging.{t}").df() for t, c in columns.items()}
    frames["value_issues"] = con.execute("SELECT * FROM quality.value_issues").df()
    con.close()
    loaded, cpu = time.perf_counter(), time.process_time()
    from pandas_rules import run_rules_pandas  # noqa: E402  (benchmarks/pandas_rules.py)

    counts = run_rules_pandas(frames, AS_OF)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    return {"seconds": done - loaded, "cpu_seconds": cpu, "load_seconds": loaded - started, "flags": counts}


def child(engine: str, path: str) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    result = run_duckdb(Path(path)) if engine == "duckdb" else run_pandas(Path(path))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def in_process(engine: str, path: Path) -> dict | None:
    out = subprocess.run([sys.executable, __file__, "--child", engine, str(path)], capture_output=True, text=True)
    if out.returncode != 0:  # e.g. killed for memory: say so and carry on with the other engine
        print(f"{engine} run failed (exit {out.returncode}):\n{out.stderr[-3000:]}")
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readings", type=int, default=10_000_000)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        started = time.perf_counter()
        counts = build(path, args.readings, args.documents)
        print(f"synthetic warehouse: {counts} in {time.perf_counter() - started:.1f} s")
        rows = counts["gis_readings"] + counts["gis_bills"] + counts["gis_bill_lines"]
        results = {"duckdb": in_process("duckdb", path)}
        if not args.skip_pandas:
            results["pandas"] = in_process("pandas", path)
        results = {engine: r for engine, r in results.items() if r is not None}
        if "duckdb" not in results:
            raise SystemExit("the duckdb run failed")
    load = os.getloadavg()[0]
    print(f"\nmachine: {os.cpu_count()} cores, load average {load:.1f} when the runs ended")
    print(f"{'engine':<8} {'rules s':>9} {'CPU s':>7} {'load s':>8} {'rows/s':>12} {'peak RSS MB':>12}")
    for engine, r in results.items():
        print(f"{engine:<8} {r['seconds']:>9.1f} {r['cpu_seconds']:>7.1f} {r['load_seconds']:>8.1f} "
              f"{rows / r['seconds']:>12,.0f} {r['peak_rss_mb']:>12,.0f}")
    if "pandas" in results:
        pandas, duck = results["pandas"], results["duckdb"]
        print(f"pandas / duckdb time: rules {pandas['seconds'] / duck['seconds']:.1f}×, with getting the data into "
              f"pandas {(pandas['seconds'] + pandas['load_seconds']) / duck['seconds']:.1f}× "
              f"(duckdb also writes its validation models into the warehouse file)")
        print(f"\n{'rule':<24} {'duckdb':>10} {'pandas':>10}")
        for rule, n in results["duckdb"]["flags"].items():
            print(f"{rule:<24} {n:>10,} {results['pandas']['flags'].get(rule, 0):>10,}")
    print("\nduckdb steps (s):", json.dumps(results["duckdb"]["steps"]))
    print(f"rows validated: {rows:,} (readings {counts['gis_readings']:,}, documents {counts['gis_bills']:,}, "
          f"lines {counts['gis_bill_lines']:,}); as of {AS_OF}")


if __name__ == "__main__":
    main()
