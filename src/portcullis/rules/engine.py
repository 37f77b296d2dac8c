"""Route registry and the ``evaluate`` entry point."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Callable

from .core import Ctx, Evaluation, FactsError, Leave, Node, Outcome, decide
from .params import ParameterSet
from .schema import Facts, validate


@dataclass(frozen=True)
class Route:
    id: str
    title: str
    facts_model: type[Facts]
    #: run(facts, ctx) -> (root node, leave if granted, route-specific result dict)
    run: Callable[[Facts, Ctx], tuple[Node, Leave | None, dict]]
    description: str = ""


_ROUTES: dict[str, Route] = {}
ROUTE_MODULES = ("naturalisation", "eu_settlement", "skilled_worker", "visitor", "general_grounds",
                 "appeal_deadlines", "jersey_work_permit")


def register(route: Route) -> Route:
    _ROUTES[route.id] = route
    return route


def _load_routes() -> None:
    if _ROUTES:
        return
    import importlib

    for name in ROUTE_MODULES:  # importing a module registers its routes
        importlib.import_module(f"{__package__}.routes.{name}")


def routes() -> list[str]:
    _load_routes()
    return list(_ROUTES)


def get_route(route_id: str) -> Route:
    _load_routes()
    try:
        return _ROUTES[route_id]
    except KeyError:
        raise FactsError([{"field": "route", "message": f"unknown route {route_id!r}; routes: {', '.join(_ROUTES)}"}]) from None


def route_schema(route_id: str) -> dict:
    r = get_route(route_id)
    schema = r.facts_model.model_json_schema()
    schema["title"] = f"{r.id} facts"
    schema["description"] = (r.title + ". " + r.description).strip()
    return schema


def run(route_id: str, facts: dict, as_at: _dt.date | None, params: ParameterSet, version: str) -> Evaluation:
    r = get_route(route_id)
    obj = validate(r.facts_model, facts)
    if isinstance(as_at, _dt.datetime):
        as_at = as_at.date()
    as_at = as_at or getattr(obj, "decision_date", None) or _dt.date.today()
    ctx = Ctx(params, as_at)
    root, leave, result = r.run(obj, ctx)
    outcome, recommended, band, grounds, missing = decide(root)
    if outcome is not Outcome.GRANT and not (outcome is Outcome.REFER and recommended is Outcome.GRANT):
        leave = None
    return Evaluation(
        route=r.id, outcome=outcome, requirements=root, rules_version=version, as_at=as_at,
        dates=dict(ctx.dates), recommended=recommended, band=band, grounds=grounds, leave=leave,
        result=result, missing_facts=missing, facts=obj,
    )
