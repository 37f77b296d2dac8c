"""Facts the records already hold are never keyed again.

A route's facts may name the application date, the applicant's date of birth and the decision
date.  Portcullis already holds each of them: on the case, on the person record, and as the date
the case is evaluated (the decision date).  They are filled in from there.  A value keyed into the
facts that disagrees with the record is refused, naming the field: neither the record nor the
keyed value is silently preferred.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from portcullis.errors import FieldError

#: Fact name -> where its value comes from (used in the error message).
RECORD_FACTS = {
    "application_date": "the application date on the case",
    "date_of_birth": "the applicant's date of birth on the person record",
    "decision_date": "the date the case is evaluated",
}


@cache
def fact_names(rules_route: str) -> tuple[str, ...]:
    """The route's top-level facts in the schema's order (building the schema costs ~15 ms: once per process)."""
    from portcullis.rules import route_schema

    return tuple(route_schema(rules_route).get("properties", {}))


def full_birth_date(text: str | None) -> str | None:
    """``YYYY-MM-DD`` if ``text`` is a whole date of birth; None for a partial or unknown one."""
    try:
        return dt.date.fromisoformat(text).isoformat() if text and len(text) == 10 else None
    except ValueError:
        return None


def record_values(rules_route: str, *, application_date: dt.date, birth_date: str | None,
                  decision_date: dt.date | None = None) -> dict:
    """The record facts the route asks for, as the records hold them (ISO dates)."""
    fields = fact_names(rules_route)
    values = {"application_date": application_date.isoformat(), "date_of_birth": full_birth_date(birth_date),
              "decision_date": decision_date.isoformat() if decision_date else None}
    return {name: value for name, value in values.items() if name in fields and value is not None}


def conflicts(facts: dict, values: dict, *, keyed_decision_date: bool = True) -> list[FieldError]:
    """Errors for facts keyed with a value that differs from the record.

    A decision date cannot be keyed at all (``keyed_decision_date=False`` at intake and when
    evidence is recorded): the case has not been decided, and it is evaluated as at the day it is."""
    errors = []
    if not keyed_decision_date and "decision_date" in facts:
        errors.append(FieldError("facts.decision_date", f"leave it out: it is {RECORD_FACTS['decision_date']}"))
    for name, value in values.items():
        if name in facts and facts[name] not in (None, value):
            errors.append(FieldError(f"facts.{name}", f"is {facts[name]!s}, but {RECORD_FACTS[name]} is {value}; "
                                                      "leave it out: it is taken from the record"))
    return errors


def with_record_values(facts: dict, values: dict) -> dict:
    """``facts`` with the record facts filled in."""
    return {**facts, **values}
