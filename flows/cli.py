"""The `sverka` command line: thin wrappers over the pipeline's functions."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(
    help="Sverka: reconciles GIS ZhKKh premises with Rosreestr (EGRN) and publishes a DuckDB warehouse.",
    no_args_is_help=True,
    add_completion=False,
)
address_app = typer.Typer(help="Address normalisation.", no_args_is_help=True)
app.add_typer(address_app, name="address")


def _parse_date(value: Optional[str]) -> Optional[dt.date]:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected YYYY-MM-DD, got {value!r}")


@app.command()
def generate(
    out_dir: Path = typer.Argument(..., help="Folder to write the synthetic region into."),
    premises: int = typer.Option(2000, "--premises", min=100, max=1_000_000, help="Number of GIS premises."),
    seed: int = typer.Option(42, "--seed", help="Random seed: the same seed writes the same bytes."),
    region: str = typer.Option("66", "--region", help="Two-digit region code (66 Свердловская, 25 Приморский…)."),
) -> None:
    """Writes a synthetic region in the official formats, with ground truth in OUT_DIR/truth/.

    Example: sverka generate demo/landing --premises 5000 --seed 7
    """
    from generator import generate_region

    try:
        summary = generate_region(out_dir, premises=premises, seed=seed, region=region)
    except (ValueError, FileExistsError) as exc:
        typer.echo(f"sverka: {exc}", err=True)
        raise typer.Exit(2)
    typer.echo(f"region {region}: {summary['counts']['premises']} premises written to {out_dir} (ground truth in {out_dir}/truth)")


@app.command()
def run(
    landing_dir: Path = typer.Argument(..., help="Folder of source files (zips allowed)."),
    warehouse: Path = typer.Option(..., "--warehouse", help="DuckDB file to publish."),
    reports: Optional[Path] = typer.Option(None, "--reports", help="Folder for the quality reports."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Reference date YYYY-MM-DD for date rules (default: today)."),
    workers: int = typer.Option(0, "--workers", help="Parsing processes (0: one per core)."),
    prefect: bool = typer.Option(False, "--prefect", help="Run as a Prefect flow (tracked by the configured Prefect API)."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress display and no load report."),
    all_files: bool = typer.Option(False, "--all-files", help="Print the load report line by line, one per file and sheet."),
) -> None:
    """Ingests every file under LANDING_DIR, reconciles, validates and publishes the warehouse.

    Example: sverka run demo/landing --warehouse demo/sverka.duckdb --reports demo/reports --as-of 2025-01-20
    """
    _run(landing_dir, warehouse, reports, _parse_date(as_of), workers, quiet, prefect, all_files=all_files)


@app.command()
def ingest(
    landing_dir: Path = typer.Argument(..., help="Folder of source files (zips allowed)."),
    warehouse: Path = typer.Option(..., "--warehouse", help="DuckDB file to publish."),
    workers: int = typer.Option(0, "--workers", help="Parsing processes (0: one per core)."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress display and no load report."),
) -> None:
    """Runs only the first stage: landing and staging tables, quarantine and the load report.

    Example: sverka ingest demo/landing --warehouse demo/ingest.duckdb
    """
    _run(landing_dir, warehouse, None, None, workers, quiet, until="ingest")


@app.command()
def evaluate(
    landing_dir: Path = typer.Argument(..., exists=True, file_okay=False, help="A region written by `sverka generate` (with truth/)."),
    warehouse: Path = typer.Argument(..., exists=True, dir_okay=False, help="The warehouse `sverka run` built from it."),
) -> None:
    """Scores reconciliation against the generator's ground truth: precision and recall per status and
    noise category, and the precision/recall trade-off over score thresholds.

    Example: sverka evaluate demo/landing demo/sverka.duckdb
    """
    from transforms.match.evaluate import evaluate as score

    if not (landing_dir / "truth" / "premises.csv").exists():
        typer.echo(f"sverka: no ground truth in {landing_dir / 'truth'} (only generated regions have one)", err=True)
        raise typer.Exit(2)
    typer.echo(score(landing_dir, warehouse).to_text())


@app.command()
def serve(
    config: Path = typer.Option(Path("deploy/regions.toml"), "--config", help="Nightly-run configuration (TOML)."),
) -> None:
    """Registers the nightly deployments (one per region, with cron schedules) and serves them.

    Point it at a Prefect server first: PREFECT_API_URL=http://127.0.0.1:4200/api sverka serve
    Example: sverka serve --config deploy/regions.toml
    """
    from flows.config import ConfigError
    from flows.deploy import serve as serve_deployments
    from flows.preflight import RunRefused

    try:
        serve_deployments(config)
    except ConfigError as exc:
        typer.echo(f"sverka: {exc}", err=True)
        raise typer.Exit(2)
    except RunRefused as exc:  # the configured warehouse cannot be written
        _refuse(exc)


@app.command()
def nightly(
    config: Path = typer.Option(Path("deploy/regions.toml"), "--config", help="Nightly-run configuration (TOML)."),
    region: Optional[list[str]] = typer.Option(None, "--region", help="Region code to run (repeatable; default: all)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Reference date YYYY-MM-DD (default: the configuration's rule)."),
    dask_address: Optional[str] = typer.Option(None, "--dask-address", help="An existing Dask scheduler, e.g. tcp://10.0.0.5:8786."),
    workers: int = typer.Option(2, "--workers", help="Workers of the local Dask cluster when no address is given."),
) -> None:
    """Runs the configured regions once, fanned out on Dask, and publishes the warehouse.

    Example: sverka nightly --config deploy/regions.toml --region 66 --region 25
    """
    from flows.config import ConfigError
    from flows.national import RegionsFailed, run_national
    from flows.preflight import RunRefused

    _logging()
    try:
        result = run_national(str(config), region or None, _parse_date(as_of), dask_address, workers)
    except ConfigError as exc:
        typer.echo(f"sverka: {exc}", err=True)
        raise typer.Exit(2)
    except RunRefused as exc:  # e.g. another run holds the warehouse
        _refuse(exc)
    except RegionsFailed as exc:
        for failure in exc.failures:
            typer.echo(f"region {failure['region']}: failed: {failure['error']}", err=True)
        typer.echo("sverka: the other regions were published; failed regions keep their last good data", err=True)
        raise typer.Exit(1)
    for r in result["regions"]:
        typer.echo(f"region {r['region']}: {'unchanged, reused' if r['reused'] else 'recomputed'}")
        for report in r.get("reports", []):
            typer.echo(f"report: {report}")


@address_app.command("parse")
def address_parse() -> None:
    """Reads one address a line on stdin; writes the parsed parts as CSV on stdout.

    Example: echo "обл. Свердловская, г. Екатеринбург, ул. Луначарского, д. 21, кв. 5" | sverka address parse
    """
    from transforms.address import parse_addresses
    from warehouse.exports import write_csv

    lines = [line.rstrip("\r\n") for line in sys.stdin]
    write_csv(parse_addresses(lines), sys.stdout)


def _run(landing_dir, warehouse, reports, as_of, workers, quiet, prefect=False, until=None, all_files=False) -> None:
    import contextlib
    import os

    from flows.preflight import RunRefused, guarded_run

    with contextlib.ExitStack() as held:
        try:  # before any work: bad paths, an empty landing folder, another run on the warehouse
            held.enter_context(guarded_run(warehouse, landing_dir, reports if until != "ingest" else None))
        except RunRefused as exc:
            _refuse(exc)
        _run_locked(landing_dir, warehouse, reports, as_of, workers or os.cpu_count() or 1, quiet, prefect, until,
                    all_files)


def _refuse(exc) -> None:
    """One line, Russian and English, and the refusal's exit code (2; 3 when another run holds the warehouse)."""
    typer.echo(f"sverka: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


def _run_locked(landing_dir, warehouse, reports, as_of, workers, quiet, prefect, until, all_files) -> None:
    from flows.pipeline import load_report, run_pipeline
    from flows.preflight import RunRefused
    from flows.progress import SILENT, TerminalProgress

    progress = SILENT if quiet or prefect else TerminalProgress()
    _logging(progress.log_handler())
    try:
        with progress:
            if prefect:
                from flows.nightly import region_flow

                region_flow(str(landing_dir), str(warehouse), str(reports) if reports else None, as_of)
                result_reports: list = []
            else:
                result = run_pipeline(landing_dir, warehouse, reports, as_of, workers=workers, until=until,
                                      progress=progress)
                result_reports = result.reports
    except RunRefused as exc:  # e.g. nothing in the landing folder was recognised
        _refuse(exc)
    except Exception as exc:  # the one-line reason the contract promises
        typer.echo(f"sverka: run failed: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1)
    if not quiet:
        _print_load_report(load_report(warehouse), all_files)
    typer.echo(f"warehouse: {warehouse}")
    for report in result_reports:
        typer.echo(f"report: {report}")


def _logging(handler: logging.Handler | None = None) -> None:
    """INFO from Sverka on stderr (through the progress display when there is one); libraries at WARNING."""
    if handler is None:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                            stream=sys.stderr)
    else:
        logging.basicConfig(level=logging.INFO, format="%(message)s", handlers=[handler])
    for noisy in ("great_expectations", "distributed", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _print_table(header: tuple, rows: list[tuple], max_width: int = 70) -> None:
    """Plain columns; long paths keep their end (the file name), long texts their beginning."""
    table = [header] + [tuple("" if v is None else str(v) for v in r) for r in rows]
    widths = [min(max_width, max(len(r[i]) for r in table)) for i in range(len(header))]
    numeric = [all(r[i].isdigit() for r in table[1:] if r[i]) for i in range(len(header))]

    def fit(text: str, width: int, is_path: bool) -> str:
        if len(text) <= width:
            return text
        return "…" + text[-(width - 1):] if is_path else text[: width - 1] + "…"

    for row in table:
        cells = [
            fit(c, w, header[i] == "source_file").rjust(w) if numeric[i] else fit(c, w, header[i] == "source_file").ljust(w)
            for i, (c, w) in enumerate(zip(row, widths))
        ]
        typer.echo("  ".join(cells).rstrip())


# Load-report statuses that are no problem: a loaded file, and a signature (.sig/.p7s) beside an extract.
EXPECTED_STATUSES = ("loaded", "signature")


def _print_load_report(rows: list[tuple], all_files: bool = False) -> None:
    """The load report: totals per kind and status, then every file that did not load cleanly.

    Signature files hold no rows by design: they are counted on one line, not listed as problems."""
    if all_files:
        _print_table(("source_file", "sheet", "kind", "status", "read", "loaded", "quarantined"), [r[:7] for r in rows])
    else:
        groups: dict[tuple, list[int]] = {}
        for r in rows:
            if r[3] == "signature":
                continue
            g = groups.setdefault((r[2] or "—", r[3]), [0, 0, 0, 0])
            g[0] += 1
            g[1] += r[4]
            g[2] += r[5]
            g[3] += r[6]
        _print_table(("kind", "status", "files/sheets", "read", "loaded", "quarantined"),
                     [k + tuple(v) for k, v in sorted(groups.items())])
        signatures = sum(r[3] == "signature" for r in rows)
        if signatures:
            typer.echo(f"signature files (.sig/.p7s beside extracts, no rows expected): {signatures}")
        problems = [r for r in rows if r[3] not in EXPECTED_STATUSES]
        if problems:
            typer.echo(f"\nnot loaded cleanly ({len(problems)}):")
            shown = problems[:40]
            _print_table(("source_file", "sheet", "status", "quarantined", "reason"),
                         [(r[0], r[1], r[3], r[6], r[7]) for r in shown], max_width=60)
            if len(problems) > len(shown):
                expected = ", ".join(f"'{s}'" for s in EXPECTED_STATUSES)
                typer.echo(f"… and {len(problems) - len(shown)} more: "
                           f"SELECT * FROM quality.load_report WHERE status NOT IN ({expected})")
    totals = [sum(r[i] for r in rows) for i in (4, 5, 6)]
    typer.echo(f"{len(rows)} files/sheets; rows read {totals[0]}, loaded {totals[1]}, quarantined {totals[2]}")


if __name__ == "__main__":
    app()
