"""`evaluate(landing_dir, warehouse)`: reconciliation quality against the generator's ground truth.

Reads `landing_dir/truth/premises.csv` (one row per GIS premise row: its true cadastral number, empty when
Rosreestr does not know the premise; the registry number as written; the noise categories that apply) and the
warehouse's `reconciled.premise_matches`, joined on (source_file, source_sheet, source_row).

Definitions:
    known          the premise has a true cadastral number (Rosreestr knows it)
    registry wrong GIS carries a number and, canonicalised, it is not the true one (a neighbour's, a typo, another
                   house's, the building's; or any number on a premise Rosreestr does not know)
    precision      of a set of premises given a number: the share whose number is the true one
    recall         of `known` premises: the share given their true number by confirmed + auto. Premises whose
                   registry number is wrong must be `conflict` (never confirmed or auto), so this recall cannot
                   exceed the share of known premises with a right or missing registry number; it is reported
                   over all known premises and over those (`recall_without_wrong_registry`)
    number recall  the true number is in `cadastral_number` whatever the status (conflict rows carry the number
                   Rosreestr supports): the share of known premises given their true number by the column the
                   contract calls "the number Sverka stands behind"
    number precision  of every premise with a `cadastral_number` (confirmed, auto, and the number a conflict
                   offers): the share whose number is the true one
The threshold table accepts, at each score threshold, the premises whose `match_score` reaches it with their
best number (`candidate_cadastral_number`), whatever the status: what a score-only rule would give.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

THRESHOLDS = (0.0, 0.05, 0.2, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)
STATUSES = ("confirmed", "auto", "conflict", "review", "unmatched")


@dataclass
class Evaluation:
    summary: dict
    by_status: pd.DataFrame
    by_noise: pd.DataFrame
    thresholds: pd.DataFrame
    wrong: pd.DataFrame = field(repr=False)     # confirmed/auto rows with a wrong number (for debugging)
    frame: pd.DataFrame = field(repr=False)     # the joined rows

    def to_dict(self) -> dict:
        return {"summary": self.summary, "by_status": self.by_status.to_dict("records"),
                "by_noise": self.by_noise.to_dict("records"), "thresholds": self.thresholds.to_dict("records")}

    def to_text(self) -> str:
        s = self.summary
        lines = [
            f"premises {s['premises']:,}; known to Rosreestr {s['known']:,}; "
            f"registry numbers wrong {s['registry_wrong']:,}",
            f"confirmed+auto precision          {s['precision_confirmed_auto']:.4f}  "
            f"({s['confirmed_auto']:,} premises, {s['confirmed_auto_wrong']} wrong)",
            f"confirmed+auto recall (known)     {s['recall_confirmed_auto']:.4f}",
            f"  … of known without a wrong registry number {s['recall_without_wrong_registry']:.4f}",
            f"number recall (any status)        {s['number_recall']:.4f}",
            f"number precision (any status)     {s['number_precision']:.4f}  "
            f"({s['given']:,} premises with a cadastral_number)",
            f"wrong registry → conflict         {s['wrong_registry_as_conflict']:.4f}",
            f"conflict precision                {s['conflict_precision']:.4f}",
            f"rest of known premises in review  {s['rest_in_review']:.4f}  "
            f"(unmatched {s['known_unmatched']})",
            "",
            "by status",
            self.by_status.to_string(index=False),
            "",
            "by noise category (known premises unless noted)",
            self.by_noise.to_string(index=False),
            "",
            "score threshold trade-off (accept the best candidate when match_score ≥ threshold)",
            self.thresholds.to_string(index=False),
        ]
        return "\n".join(lines)


def _canonical(values: pd.Series) -> pd.Series:
    """The staging canonicalisation of cadastral numbers (spaces out, no leading zeros in the object number)."""
    text = values.fillna("").astype(str).str.replace(r"\s", "", regex=True)
    ok = text.str.fullmatch(r"\d{2}:\d{2}:\d{6,7}:\d+")
    return text.str.replace(r":0+(\d+)$", r":\1", regex=True).where(ok, "")


def load(landing_dir: Path, warehouse: Path | str | duckdb.DuckDBPyConnection) -> pd.DataFrame:
    truth = pd.read_csv(Path(landing_dir) / "truth" / "premises.csv", dtype=str, keep_default_na=False)
    truth["source_row"] = truth["source_row"].astype(int)
    if isinstance(warehouse, duckdb.DuckDBPyConnection):
        con, own = warehouse, False
    else:
        con, own = duckdb.connect(str(warehouse), read_only=True), True
    try:
        matches = con.execute(
            "SELECT source_file, coalesce(source_sheet, '') AS source_sheet, source_row, cadastral_number, "
            "match_status, match_score, match_reason, candidate_cadastral_number "
            "FROM reconciled.premise_matches").df()
    finally:
        if own:
            con.close()
    frame = truth.merge(matches, on=["source_file", "source_sheet", "source_row"], how="left", validate="1:1")
    frame["true"] = frame["true_cadastral_number"]
    frame["known"] = frame["true"] != ""
    frame["registry"] = _canonical(frame["registry_cadastral_number"])
    frame["registry_wrong"] = (frame["registry"] != "") & (frame["registry"] != frame["true"])
    frame["given"] = frame["cadastral_number"].fillna("")
    frame["right"] = (frame["given"] != "") & (frame["given"] == frame["true"])
    frame["match_status"] = frame["match_status"].fillna("missing")
    return frame


def _ratio(a: float, b: float) -> float:
    return float(a) / float(b) if b else float("nan")


def evaluate(landing_dir: Path | str, warehouse: Path | str | duckdb.DuckDBPyConnection) -> Evaluation:
    f = load(Path(landing_dir), warehouse)
    ca = f["match_status"].isin(["confirmed", "auto"])
    known = f["known"]
    clean_known = known & ~f["registry_wrong"]
    rest = known & ~ca & (f["match_status"] != "conflict")
    given = f["given"] != ""
    summary = {
        "premises": len(f),
        "known": int(known.sum()),
        "registry_wrong": int(f["registry_wrong"].sum()),
        "confirmed_auto": int(ca.sum()),
        "confirmed_auto_wrong": int((ca & ~f["right"]).sum()),
        "precision_confirmed_auto": _ratio((ca & f["right"]).sum(), ca.sum()),
        "recall_confirmed_auto": _ratio((ca & f["right"] & known).sum(), known.sum()),
        "recall_without_wrong_registry": _ratio((ca & f["right"] & clean_known).sum(), clean_known.sum()),
        "number_recall": _ratio((f["right"] & known).sum(), known.sum()),
        "given": int(given.sum()),
        "number_precision": _ratio((f["right"] & given).sum(), given.sum()),
        "wrong_registry_as_conflict": _ratio((f["registry_wrong"] & (f["match_status"] == "conflict")).sum(),
                                             f["registry_wrong"].sum()),
        "conflict_precision": _ratio((f["registry_wrong"] & (f["match_status"] == "conflict")).sum(),
                                     (f["match_status"] == "conflict").sum()),
        "rest_in_review": _ratio((rest & (f["match_status"] == "review")).sum(), rest.sum()),
        "known_unmatched": int((known & (f["match_status"] == "unmatched")).sum()),
        "statuses": f["match_status"].value_counts().to_dict(),
    }
    return Evaluation(summary, _by_status(f), _by_noise(f), _thresholds(f),
                      f[ca & ~f["right"]], f)


def _by_status(f: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for status in (*STATUSES, "missing"):
        s = f[f["match_status"] == status]
        if status == "missing" and s.empty:
            continue
        numbered = s["given"] != ""
        rows.append({
            "status": status,
            "premises": len(s),
            "known": int(s["known"].sum()),
            "with_number": int(numbered.sum()),
            "right": int(s["right"].sum()),
            "precision": _ratio(s["right"].sum(), numbered.sum()),
            "registry_wrong": int(s["registry_wrong"].sum()),
            "share_of_known": _ratio(s["known"].sum(), f["known"].sum()),
        })
    return pd.DataFrame(rows)


def _by_noise(f: pd.DataFrame) -> pd.DataFrame:
    tags = f["noise"].str.split(";")
    categories = sorted({t for ts in tags for t in ts if t} | set(f["registry_category"]))
    rows = []
    for cat in categories:
        mask = tags.map(lambda ts, c=cat: c in ts) | (f["registry_category"] == cat)
        s = f[mask]
        k = s[s["known"]]
        ca = k["match_status"].isin(["confirmed", "auto"])
        rows.append({
            "category": cat,
            "premises": len(s),
            "known": len(k),
            "confirmed_auto_right": int((ca & k["right"]).sum()),
            "confirmed_auto_wrong": int((s["match_status"].isin(["confirmed", "auto"]) & ~s["right"]).sum()),
            "conflict": int((s["match_status"] == "conflict").sum()),
            "review": int((s["match_status"] == "review").sum()),
            "unmatched_known": int((k["match_status"] == "unmatched").sum()),
            "recall": _ratio((ca & k["right"]).sum(), len(k)),
        })
    return pd.DataFrame(rows)


def _thresholds(f: pd.DataFrame) -> pd.DataFrame:
    best = f["cadastral_number"].fillna(f["candidate_cadastral_number"]).fillna("")
    score = f["match_score"].fillna(0.0)
    rows = []
    for t in THRESHOLDS:
        accepted = (score >= t) & (best != "")
        right = accepted & (best == f["true"])
        rows.append({
            "threshold": t,
            "accepted": int(accepted.sum()),
            "precision": _ratio(right.sum(), accepted.sum()),
            "recall": _ratio((right & f["known"]).sum(), f["known"].sum()),
        })
    return pd.DataFrame(rows)
