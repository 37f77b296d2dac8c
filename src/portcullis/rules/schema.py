"""Fact schemas (pydantic v2) and the shared pieces every route uses.

Every fact is optional: a fact that is absent makes the requirements that need it NOT_KNOWN.  A fact
that is present but malformed (wrong type, bad date, unknown field, a return before a departure)
fails the schema, and :class:`~portcullis.rules.core.FactsError` names each field.
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .core import FactsError, Node
from .trips import Trip, derive_trips


class Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)


class TripIn(Facts):
    departed: Optional[_dt.date] = Field(None, description="date left the UK (and Islands)")
    returned: Optional[_dt.date] = Field(None, description="date came back; omit if not yet returned")
    reason: Optional[str] = Field(None, description="reason for the absence (used by EUSS 'important reason')")
    destination: Optional[str] = None


class MovementIn(Facts):
    direction: Literal["out", "in"]
    date: _dt.date
    port: Optional[str] = None


class TravelFacts(Facts):
    trips: Optional[list[TripIn]] = Field(None, description="trips abroad as declared")
    movements: Optional[list[MovementIn]] = Field(
        None, description="movement records; trips are derived from them when 'trips' is not given "
        "or trips_source is 'movements'")
    trips_source: Optional[Literal["declared", "movements"]] = None


def path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(facts)"


def validate(model: type[Facts], facts: dict) -> Facts:
    if not isinstance(facts, dict):
        raise FactsError([{"field": "(facts)", "message": "facts must be a JSON object"}])
    try:
        obj = model.model_validate(facts)
    except ValidationError as exc:
        errors = []
        for e in exc.errors(include_url=False):
            loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            errors.append({"field": path(loc), "message": e["msg"]})
        raise FactsError(errors) from None
    errors = []
    for name in ("trips",):
        items = getattr(obj, name, None)
        for i, t in enumerate(items or ()):
            if t.departed and t.returned and t.returned < t.departed:
                errors.append({"field": f"{name}[{i}].returned", "message": "return is before departure"})
            if t.departed is None:
                errors.append({"field": f"{name}[{i}].departed", "message": "a declared trip needs a departure date"})
    if errors:
        raise FactsError(errors)
    return obj


def trips_of(facts: TravelFacts, node: Node) -> list[Trip] | None:
    """The trips to count, declared or derived from movements; records which on ``node``.

    Returns None (and marks ``node`` NOT_KNOWN) if neither is given.  Note that an empty list means
    "no trips abroad" and is a fact; an absent list is not."""
    source = facts.trips_source or ("declared" if facts.trips is not None else "movements")
    if source == "declared" and facts.trips is not None:
        node.computed["trips_source"] = "declared"
        return [Trip(t.departed, t.returned, t.reason) for t in facts.trips]
    if facts.movements is not None:
        trips, anomalies = derive_trips([{"direction": m.direction, "date": m.date} for m in facts.movements])
        node.computed["trips_source"] = "movements"
        node.computed["trips_derived"] = [
            {"departed": t.departed, "returned": t.returned} for t in trips]
        if anomalies:
            node.computed["movement_anomalies"] = anomalies
        return trips
    node.unknown("trips abroad not known (neither declared trips nor movement records given)",
                 ["trips"] if source == "declared" else ["movements"])
    return None


def schema_of(model: type[Facts]) -> dict:
    return model.model_json_schema()
