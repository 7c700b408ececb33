"""The checked-in configuration of nightly runs: regions, landing paths, warehouse, schedule, as-of rule.

Validated on load (pydantic, which Prefect already brings), with errors that name the bad field.
Relative paths are resolved against the configuration file's folder.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_CONFIG = Path("deploy") / "regions.toml"


class ConfigError(ValueError):
    """The configuration cannot be used; the message says which field and why."""


class Region(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="two-digit region code, e.g. 66")
    name: str
    landing: Path
    cron: str | None = None  # overrides the schedule's cron

    @field_validator("code")
    @classmethod
    def _two_digits(cls, value: str) -> str:
        if not re.fullmatch(r"\d{2}", value):
            raise ValueError(f"region code must be two digits, got {value!r}")
        return value


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cron: str = "0 2 * * *"
    timezone: str = "Europe/Moscow"
    as_of: str = Field("today", description="today | yesterday | YYYY-MM-DD")

    @field_validator("as_of")
    @classmethod
    def _as_of_rule(cls, value: str) -> str:
        if value not in ("today", "yesterday"):
            dt.date.fromisoformat(value)  # raises a clear ValueError
        return value

    @field_validator("cron")
    @classmethod
    def _five_fields(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError(f"cron needs five fields (minute hour day month weekday), got {value!r}")
        return value


class Storage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: Path = Field(description="the published DuckDB warehouse")
    parts: Path = Field(description="folder of per-region Parquet partitions")
    reports: Path | None = None


class RunConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    warehouse: Storage
    schedule: Schedule = Schedule()
    dask_address: str | None = None
    regions: list[Region] = Field(alias="region", min_length=1)

    def region(self, code: str) -> Region:
        for region in self.regions:
            if region.code == code:
                return region
        raise ConfigError(f"region {code} is not in the configuration (known: {', '.join(r.code for r in self.regions)})")

    def as_of(self, today: dt.date | None = None) -> dt.date:
        today = today or dt.date.today()
        rule = self.schedule.as_of
        if rule == "today":
            return today
        if rule == "yesterday":
            return today - dt.timedelta(days=1)
        return dt.date.fromisoformat(rule)


def load_config(path: Path | str = DEFAULT_CONFIG) -> RunConfig:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        config = RunConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None
    codes = [r.code for r in config.regions]
    if len(set(codes)) != len(codes):
        raise ConfigError(f"{path}: a region code appears twice: {codes}")
    base = path.resolve().parent
    config.warehouse.path = (base / config.warehouse.path).resolve()
    config.warehouse.parts = (base / config.warehouse.parts).resolve()
    if config.warehouse.reports is not None:
        config.warehouse.reports = (base / config.warehouse.reports).resolve()
    for region in config.regions:
        region.landing = (base / region.landing).resolve()
    return config
