"""EGRN objects that are never a GIS premise's match, whatever their number or area says.

A room inside a communal flat carries the flat's number in its address; a parking place is numbered 1, 2, 3 like
flats; a common-property basement is «пом. I» = 1. Each rule is a condition over a candidate pair (`g`, `e`) and
the Russian reason shown to people. Excluded pairs stay in `reconciled.premise_candidates` as evidence (a flat
registered only as its rooms is explained by them) but are never assigned.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exclusion:
    name: str
    condition: str
    label: str  # Russian, shown in match_reason and the review queue

    def sql(self) -> str:
        return self.condition

    def reason(self) -> str:
        return self.label


ROOM_INSIDE_FLAT = Exclusion(
    "room_in_flat", "e.kind = 'room_in_flat'", "комната в квартире (в ЕГРН учтена внутри квартиры)")
PARKING_PLACE = Exclusion("parking", "e.kind = 'parking'", "машино-место")
COMMON_PROPERTY_FOR_FLAT = Exclusion(
    "common_for_flat", "e.kind = 'common' AND g.kind = 'flat'", "общее имущество дома, не квартира")

EXCLUSIONS = (ROOM_INSIDE_FLAT, PARKING_PLACE, COMMON_PROPERTY_FOR_FLAT)


def excluded_by_sql() -> str:
    """The first exclusion that applies to the pair (its Russian reason), or NULL."""
    whens = " ".join(f"WHEN {rule.sql()} THEN '{rule.reason()}'" for rule in EXCLUSIONS)
    return f"CASE {whens} END"


def never_paired_sql(alias: str = "e") -> str:
    """EGRN kinds that are not even blocked on area (they are found by number or registry number only)."""
    return f"{alias}.kind IN ('room_in_flat', 'parking')"
