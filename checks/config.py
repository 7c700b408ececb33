"""Thresholds of the rules; every one is bound into the SQL as a parameter."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class RuleConfig:
    # spike: a period's consumption at least this many times the meter's median monthly consumption …
    spike_factor: float = 10.0
    # … judged only when the meter has at least this many monthly consumptions between two readings.
    spike_min_history: int = 3
    # verification_due_soon: due within this many days after as-of.
    due_soon_days: int = 30
    # charge_mismatch: |charge − volume × tariff| above this many rubles.
    charge_tolerance: float = 0.01
    # lines_sum_mismatch: |document sum − Σ lines| above this many rubles.
    sum_tolerance: float = 0.01

    def __post_init__(self) -> None:
        if self.spike_factor <= 1:
            raise ValueError("spike_factor must be above 1")
        if self.spike_min_history < 1:
            raise ValueError("spike_min_history must be at least 1")
        if self.due_soon_days < 0 or self.charge_tolerance < 0 or self.sum_tolerance < 0:
            raise ValueError("due_soon_days and tolerances cannot be negative")

    def parameters(self) -> dict:
        return asdict(self)
