"""Prefect deployments of the nightly runs, built from the checked-in configuration.

One deployment per region (`nightly-<code>`, on the region's cron) and one for every region at once
(`nightly-all`, unscheduled: trigger it, or give the fleet one schedule). Each deployment runs at
most one flow at a time, and publishing takes a global concurrency slot per warehouse file, since
DuckDB has one writer; the flow also holds the warehouse's lock file, so that a `sverka run` or
`sverka nightly` on the same warehouse is refused while it runs. With `[warehouse] reports` set, each
region's quality report and review queues go to `<reports>/<code>/`.
"""

from __future__ import annotations

from pathlib import Path

from prefect.schedules import Cron

from flows.config import load_config
from flows.national import national_flow, warehouse_slot
from flows.preflight import check_reports, check_warehouse


def build_deployments(config_path: Path | str) -> list:
    config = load_config(config_path)
    path = str(Path(config_path).resolve())
    deployments = [
        national_flow.to_deployment(
            name=f"nightly-{region.code}",
            description=f"Ночная сверка: {region.name}",
            schedules=[Cron(region.cron or config.schedule.cron, timezone=config.schedule.timezone)],
            parameters={"config_path": path, "regions": [region.code]},
            tags=["sverka", "nightly", f"region-{region.code}"],
            concurrency_limit=1,
        )
        for region in config.regions
    ]
    deployments.append(
        national_flow.to_deployment(
            name="nightly-all",
            description="Ночная сверка всех регионов конфигурации (регионы распределяются по Dask)",
            parameters={"config_path": path},
            tags=["sverka", "nightly"],
            concurrency_limit=1,
        )
    )
    return deployments


def ensure_concurrency_limit(config_path: Path | str) -> str:
    """The one-writer slot of the configured warehouse, created on the Prefect server if missing."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

    name = warehouse_slot(str(load_config(config_path).warehouse.path))
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
        except Exception:  # ObjectNotFound: first serve against this server
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
    return name


def serve(config_path: Path | str) -> None:
    """Registers the deployments and runs their flows in this process until interrupted."""
    from prefect import serve as prefect_serve

    config = load_config(config_path)
    check_warehouse(config.warehouse.path)  # refuse now, not at 02:00
    check_reports(config.warehouse.reports)
    deployments = build_deployments(config_path)
    ensure_concurrency_limit(config_path)
    prefect_serve(*deployments)
