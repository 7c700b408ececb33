"""Reconciliation: link GIS ZhKKh houses to EGRN houses, then give each GIS premise its cadastral number.

    reconcile(con) -> dict        staging.* → reconciled.* (houses, premise_candidates, premise_matches, …)
    levels                        comparison levels: SQL and evidence written together
    exclusions                    EGRN objects never matched to a GIS premise (rooms in flats, parking places…)
    evaluate(landing, warehouse)  precision and recall against the generator's truth/ (transforms.match.evaluate)
"""

from transforms.match.reconcile import reconcile

__all__ = ["reconcile"]
