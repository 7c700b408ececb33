"""Address normaliser throughput on one core: addresses/s, peak memory, and the ratio to the obvious
alternative (a per-row Python regex loop).

    .venv/bin/python benchmarks/bench_address.py [--n 500000] [--loop-n 50000]
    .venv/bin/python benchmarks/bench_address.py --accuracy-only [--baseline REV]

`--accuracy-only` skips the timing and prints house / building / flat accuracy on the hand-checked real
samples (tests/fixtures/address/real_addresses.csv, household_addresses.csv), per household notation too;
with `--baseline REV` (a git revision, e.g. `main`) the same figures for the parser at REV, side by side.

Input: premise-level addresses built from the 10,537 real Reforma Ekaterinburg house addresses
(tests/fixtures/address), each written in one of three real styles (Reforma, EGRN `readable_address`,
GIS ZhKKh export) with a flat number, so every address is distinct. A second run uses house addresses
repeated the way GIS premise sheets repeat them. Each mode runs in its own process, so its peak RSS is
its own; CPU time (not wall time) is used for the rate because the machine may be shared.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIXTURE = ROOT / "tests" / "fixtures" / "address" / "reforma_ekaterinburg_addresses.csv.gz"
ACCURACY_FILES = ("real_addresses.csv", "household_addresses.csv")


def house_addresses() -> list[str]:
    with gzip.open(FIXTURE, "rt", encoding="utf-8", newline="") as f:
        return [row["ADDRESS"] for row in csv.DictReader(f)]


def premise_addresses(n: int) -> list[str]:
    """n distinct flat addresses in three real styles."""
    from transforms.address import parse_addresses

    houses = parse_addresses(house_addresses()).to_dict("records")
    houses = [h for h in houses if h["street"] and h["house"]]
    full = {"ул": "улица", "пер": "переулок", "пр-кт": "проспект", "б-р": "бульвар"}
    out = []
    for i in range(n):
        h = houses[i % len(houses)]
        flat = i // len(houses) + 1
        style = i % 3
        if style == 0:
            out.append(f"{h['input']}, кв. {flat}")
        elif style == 1:
            out.append(f"Российская Федерация, Свердловская область, городской округ город Екатеринбург, "
                       f"город {h['settlement']}, {full.get(h['street_type'], h['street_type'])} {h['street']}, "
                       f"дом {h['house']}, квартира {flat:03d}")
        else:
            out.append(f"620000, Свердловская обл, {h['settlement']} г, {h['street']} {h['street_type']}, "
                       f"д. {h['house']}, кв. {flat}")
    return out


def repeated_house_addresses(n: int) -> list[str]:
    """GIS premise sheets: each house address repeated once per premise (here 40 premises a house)."""
    houses = house_addresses()
    return [houses[(i // 40) % len(houses)] for i in range(n)]


# --- the obvious alternative: a per-row Python regex loop ------------------------------------------


def same_rules_loop():
    """Per-row Python with the same rule set: the same cleaning regexes, the same type dictionary and
    type patterns (Python `re`), the same number normal form; slots filled first-come (simpler than the
    SQL's position rules, so if anything this loop is flattered)."""
    from transforms.address import number_normal_form
    from transforms.address import stages as S
    from transforms.address import types as T

    passes = [(re.compile(p), r) for p, r in S.clean_passes()]
    prefix, suffix = (re.compile(p) for p in S.type_patterns())
    types = T.type_dictionary()
    numeric = set(T.BUILDING_KINDS)

    def parse(line: str) -> dict:
        row: dict[str, tuple] = {}
        for raw in line.replace(";", ",").split(","):
            for rx, rewrite in passes:
                raw = rx.sub(rewrite, raw)
            for piece in raw.split(","):
                piece = piece.strip(" .")
                if not piece:
                    continue
                low = piece.lower().replace("ё", "е")
                head = prefix.match(low)
                tail = None if head else suffix.search(low)
                if head:
                    alias, name = head.group(2), piece[head.end():]
                elif tail:
                    alias, name = tail.group(1), piece[:tail.start()]
                else:
                    alias, name = None, piece
                entry = types.get(T.alias_key(alias)) if alias else None
                name = name.strip(" .")
                if entry is None:
                    kind, short = ("number" if name[:1].isdigit() else "name"), None
                elif entry.building_kind and (name[:1].isdigit() or not entry.object_kind):
                    kind, short = entry.building_kind, entry.building_short
                else:
                    kind, short = entry.object_kind, entry.object_short
                value = number_normal_form(name) if kind in numeric or kind == "number" else name
                row.setdefault(kind, (short, value))
        return row

    return parse


_TYPE = re.compile(r"^(обл|г|п|с|д|ул|пер|пр-кт|б-р|ш|наб|кв|пом|к|корп|стр|лит|дом|квартира|улица|переулок|"
                   r"город|область|поселок|проспект)\.?\s+(.*)$", re.I)
_SLOT = {"обл": "region", "область": "region", "г": "settlement", "город": "settlement", "п": "settlement",
         "поселок": "settlement", "с": "settlement", "ул": "street", "улица": "street", "пер": "street",
         "переулок": "street", "пр-кт": "street", "проспект": "street", "б-р": "street", "ш": "street",
         "наб": "street", "д": "house", "дом": "house", "к": "korpus", "корп": "korpus", "стр": "stroenie",
         "лит": "litera", "кв": "premise", "квартира": "premise", "пом": "premise"}
_NUMBER_NOISE = re.compile(r"[\s.\-№]")


def minimal_loop(line: str) -> dict:
    """The least a per-row parser can do: prefix types from a 30-word list, nothing else."""
    row: dict[str, str] = {}
    for part in line.split(","):
        m = _TYPE.match(part.strip())
        if not m:
            continue
        slot = _SLOT[m.group(1).lower()]
        value = m.group(2)
        if slot in ("house", "korpus", "stroenie", "litera", "premise"):
            value = _NUMBER_NOISE.sub("", value).upper()
        row.setdefault(slot, value)
    return row


# --- one mode per process ----------------------------------------------------------------------------


def run_mode(mode: str, n: int, data: str) -> dict:
    lines = premise_addresses(n) if data == "premises" else repeated_house_addresses(n)
    import duckdb
    import pyarrow as pa

    from transforms.address import (parse_addresses, parse_addresses_arrow, premise_number_key,
                                    register_address_functions, street_key)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    con = duckdb.connect()
    con.execute("SET threads = 1")
    register_address_functions(con)
    con.register("addr_arrow", pa.table({"address": lines}))
    con.execute("CREATE TABLE addr AS SELECT * FROM addr_arrow")
    con.unregister("addr_arrow")
    sample = lines[0]

    cpu, wall = time.process_time(), time.perf_counter()
    if mode == "sql_table":
        con.execute("CREATE TABLE out AS SELECT * FROM address_parse_table('addr', address)")
        rows = con.execute("SELECT count(*) FROM out").fetchone()[0]
    elif mode == "sql_scalar":
        con.execute("CREATE TABLE out AS SELECT address, address_parse(address) AS p FROM addr")
        rows = con.execute("SELECT count(*) FROM out").fetchone()[0]
    elif mode == "python_arrow":
        rows = parse_addresses_arrow(lines, con=con).num_rows
    elif mode == "python_pandas":
        rows = len(parse_addresses(lines, con=con))
    elif mode == "loop_same_rules":
        parse = same_rules_loop()
        rows = len([parse(line) for line in lines])
    elif mode == "loop_minimal":
        rows = len([minimal_loop(line) for line in lines])
    elif mode in ("premise_key_sql", "street_key_sql"):
        con.execute("CREATE TABLE parts AS SELECT p.premise, p.street FROM "
                    "address_parse_table('addr', address) p")
        cpu, wall = time.process_time(), time.perf_counter()
        column, macro = ("premise", "premise_number_key") if mode == "premise_key_sql" else ("street", "street_key")
        con.execute(f"CREATE TABLE out AS SELECT {macro}({column}) AS k FROM parts")
        rows = con.execute("SELECT count(*) FROM out").fetchone()[0]
    elif mode in ("premise_key_python", "street_key_python"):
        column, fn = (("premise", premise_number_key) if mode == "premise_key_python" else ("street", street_key))
        query = f"SELECT p.{column} FROM address_parse_table('addr', address) p"
        values = [r[0] for r in con.execute(query).fetchall()]
        cpu, wall = time.process_time(), time.perf_counter()
        rows = len([fn(v) for v in values])
    else:
        raise SystemExit(f"unknown mode {mode}")
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"mode": mode, "data": data, "n": rows, "cpu_s": cpu, "wall_s": wall,
            "per_s_cpu": rows / cpu, "per_s_wall": rows / wall,
            "peak_rss_mb": rss_after / 1024, "peak_rss_before_mb": rss_before / 1024, "sample": sample}


# --- accuracy on real addresses -------------------------------------------------------------------------


def accuracy_figures(code_root: Path) -> dict:
    """Scores of the parser found under `code_root` on the real samples of this checkout."""
    import importlib.util

    sys.path.insert(0, str(code_root))
    from transforms.address.parse import parse_addresses

    # the scorer of this checkout, whatever revision the parser comes from
    spec = importlib.util.spec_from_file_location("address_accuracy", ROOT / "transforms" / "address" / "accuracy.py")
    accuracy = importlib.util.module_from_spec(spec)
    sys.modules["address_accuracy"] = accuracy
    spec.loader.exec_module(accuracy)
    load_expected, score = accuracy.load_expected, accuracy.score

    out = {}
    for name in ACCURACY_FILES:
        expected = load_expected(ROOT / "tests" / "fixtures" / "address" / name)
        s = score(expected, parse_addresses(expected["input"].tolist()))
        out[name] = {"rows": s.rows, "house": s.house, "building": s.building, "flat": s.flat,
                     "district": s.district, "settlement": s.settlement,
                     "by_notation": s.by_notation if name == "household_addresses.csv" else {}}
    return out


def _baseline_figures(rev: str) -> dict:
    """Accuracy of the parser at git revision `rev` (its transforms/ in a temporary directory)."""
    import tarfile
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev, "transforms"],
                                 capture_output=True, check=True).stdout
        with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        out = subprocess.run([sys.executable, __file__, "--accuracy-json", tmp],
                             capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_accuracy(baseline: str | None) -> None:
    now = accuracy_figures(ROOT)
    before = _baseline_figures(baseline) if baseline else None

    def cell(figures, name, metric):
        value = figures[name][metric] if figures else None
        return "   -  " if value is None else f"{value:6.3f}"

    head = f"{'sample':28s} {'rows':>5s} {'metric':>10s} " + (f"{'before':>7s} " if before else "") + f"{'after':>7s}"
    print(head)
    for name in ACCURACY_FILES:
        for metric in ("house", "building", "flat", "district", "settlement"):
            if now[name][metric] is None:
                continue
            print(f"{name:28s} {now[name]['rows']:5d} {metric:>10s} "
                  + (f"{cell(before, name, metric):>7s} " if before else "") + f"{cell(now, name, metric):>7s}")
    print("\nhousehold notations (house / building / flat):")

    def trio(f):
        return f"{f['house']:.2f} / {f['building']:.2f} / {f['flat']:.2f}"

    for notation, figures in now["household_addresses.csv"]["by_notation"].items():
        was = before["household_addresses.csv"]["by_notation"].get(notation) if before else None
        was_text = f"{trio(was)} -> " if was else ""
        print(f"  {notation:22s} {figures['rows']:4d} rows  {was_text}{trio(figures)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accuracy-only", action="store_true",
                    help="print accuracy on the real address samples instead of timing")
    ap.add_argument("--baseline", help="with --accuracy-only: also score the parser at this git revision")
    ap.add_argument("--accuracy-json", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=500_000)
    ap.add_argument("--loop-n", type=int, default=50_000)
    ap.add_argument("--mode")
    ap.add_argument("--data", default="premises")
    args = ap.parse_args()
    if args.accuracy_json:
        print(json.dumps(accuracy_figures(Path(args.accuracy_json)), ensure_ascii=False))
        return
    if args.accuracy_only:
        print_accuracy(args.baseline)
        return
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.n, args.data), ensure_ascii=False))
        return

    runs = [("sql_table", args.n, "premises"), ("python_arrow", args.n, "premises"),
            ("python_pandas", args.n, "premises"), ("sql_scalar", args.loop_n, "premises"),
            ("loop_same_rules", args.loop_n, "premises"), ("loop_minimal", args.loop_n, "premises"),
            ("sql_table", args.n, "houses"),
            ("premise_key_sql", args.n, "premises"), ("premise_key_python", args.n, "premises"),
            ("street_key_sql", args.n, "premises"), ("street_key_python", args.n, "premises")]
    results = []
    for mode, n, data in runs:
        out = subprocess.run([sys.executable, __file__, "--mode", mode, "--n", str(n), "--data", data],
                             capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'mode':18s} {'data':9s} {'rows':>9s} {'addr/s (cpu)':>13s} {'addr/s (wall)':>14s} "
          f"{'peak RSS MB':>12s} {'(input built)':>13s}")
    for r in results:
        print(f"{r['mode']:18s} {r['data']:9s} {r['n']:9d} {r['per_s_cpu']:13,.0f} {r['per_s_wall']:14,.0f} "
              f"{r['peak_rss_mb']:12.0f} {r['peak_rss_before_mb']:13.0f}")
    by = {(r["mode"], r["data"]): r for r in results}
    for loop in ("loop_same_rules", "loop_minimal"):
        base = by[(loop, "premises")]["per_s_cpu"]
        print(" ".join(f"{mode} / {loop}: {by[(mode, 'premises')]['per_s_cpu'] / base:.1f}x;"
                       for mode in ("sql_table", "python_arrow", "python_pandas")))
    print("sample input:", results[0]["sample"])


if __name__ == "__main__":
    main()
