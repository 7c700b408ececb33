"""Validation: reading and bill rules (SQL returning offending rows) and Great Expectations suites.

    from checks import run_rules, run_expectations
    run_rules(con, as_of)                      # fills quality.reading_flags / quality.bill_flags
    outcome = run_expectations(con, docs_dir)  # fills quality.expectation_results, renders Data Docs

Great Expectations is imported only when expectations run: importing `checks` stays fast.
"""

from __future__ import annotations

from checks.config import RuleConfig
from checks.rules import RULES, RULES_BY_CODE, Rule
from checks.runner import run_rules

__all__ = [
    "RULES", "RULES_BY_CODE", "Rule", "RuleConfig", "run_rules",
    "run_expectations", "build_data_docs", "ExpectationOutcome",
]


def __getattr__(name: str):
    # The expectations package declares suites as plain data; GX itself loads inside its functions.
    if name in ("run_expectations", "build_data_docs", "ExpectationOutcome"):
        from checks import expectations

        return getattr(expectations, name)
    raise AttributeError(f"module 'checks' has no attribute {name!r}")
