"""``portcullis.rules``: the Immigration Rules as dated, cited, explainable requirements.

Pure Python (no Django).  Public API::

    from portcullis.rules import evaluate, routes, route_schema, parameter, rules_version
    from portcullis.rules import Evaluation, Outcome, Status, FactsError

    ev = evaluate("skilled_worker", facts, as_at=date(2025, 8, 1))
    ev.outcome, ev.recommended, ev.band, ev.grounds, ev.leave, ev.requirements, ev.rules_version
    ev.to_dict(); ev.explain_text()

Route ids (see :func:`routes`):

``naturalisation_6_1``, ``naturalisation_6_2``  BNA 1981 s6(1) / s6(2)
``eu_settlement``        Appendix EU: settled and pre-settled status
``skilled_worker``       Appendix Skilled Worker: points, salary, English, funds
``visitor``              Appendix V / Visa National List / ETA, leave to enter at the port
``general_grounds``      Part 9 grounds for refusal (criminality, re-entry bans, deception)
``appeal_deadlines``     FtT appeal and administrative review windows
``jersey_work_permit``   Immigration (Work Permits) (Jersey) Rules 1995 and Jersey policy

``as_at`` is the decision date: it defaults to ``facts["decision_date"]`` or today.  Each rule
looks its parameters up on the date it names (application, CoS assignment, arrival or decision date).
"""

from __future__ import annotations

import datetime as _dt

from .core import Evaluation, FactsError, Leave, Node, Outcome, RulesVersionUnavailable, Status
from .engine import routes, route_schema
from .engine import run as _run
from .params import ParameterNotInForce, ParameterValue, parameter
from .trips import Trip, absence_days, derive_trips
from .version import archived_versions, parameters_for, rules_version

__all__ = [
    "evaluate", "routes", "route_schema", "parameter", "rules_version", "Evaluation", "Outcome", "Status",
    "FactsError", "RulesVersionUnavailable", "ParameterValue", "ParameterNotInForce", "Leave", "Node", "Trip",
    "derive_trips", "absence_days", "count_absences", "archived_versions",
]


def evaluate(route: str, facts: dict, *, as_at: _dt.date | None = None,
             rules_version: str | None = None) -> Evaluation:
    """Evaluate ``facts`` against ``route``.

    Raises :class:`FactsError` (``.errors`` = [{"field", "message"}]) if the facts fail the schema,
    and :class:`RulesVersionUnavailable` if ``rules_version`` names a version that cannot be
    re-evaluated faithfully here (see :mod:`portcullis.rules.version`).
    """
    from .version import rules_version as _current

    version = rules_version or _current()
    params = parameters_for(version)
    return _run(route, facts, as_at, params, version)


def count_absences(start: _dt.date, end: _dt.date, *, trips: list[dict] | None = None,
                   movements: list[dict] | None = None) -> dict:
    """Whole days absent in [start, end] (CONV-01), from declared trips or movement records.

    For casework: ``count_absences(d1, d2, movements=[{"direction": "out", "date": ..., "port": ...}])``
    returns {"absence_days", "trips", "anomalies"}; ``absence_days`` is None if a record cannot be paired.
    """
    anomalies: list[str] = []
    if trips is not None:
        tl = [Trip(_d(t.get("departed")), _d(t.get("returned")), t.get("reason")) for t in trips]
    elif movements is not None:
        tl, anomalies = derive_trips(movements)
    else:
        raise ValueError("give trips or movements")
    return {"absence_days": absence_days(tl, start, end),
            "trips": [{"departed": t.departed, "returned": t.returned} for t in tl], "anomalies": anomalies}


def _d(v):
    if v is None or isinstance(v, _dt.date):
        return v
    return _dt.date.fromisoformat(str(v)[:10])
