"""Helpers for the casework tests: example facts and applicants."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
from pathlib import Path

import pytest

from portcullis.people.services import DocumentInput, NameInput, PersonDetails

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "portcullis" / "rules" / "examples"
_n = itertools.count(1)


def example_facts(route: str) -> dict:
    """The route's example facts as a caseworker keys them: without the decision date, which is the
    date the case is evaluated (the application date and date of birth must agree with the records)."""
    facts = copy.deepcopy(json.loads((EXAMPLES / f"{route}.json").read_text())["facts"])
    facts.pop("decision_date", None)
    return facts


def visitor_facts(**changes) -> dict:
    facts = example_facts("visitor")
    facts["arrival_date"] = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    facts.update(changes)
    return {k: v for k, v in facts.items() if v is not None}


def applicant(name="Ana María Peña", dob="1990-03-04", number=None, nationality="USA") -> PersonDetails:
    number = number or f"P{next(_n):07d}"
    return PersonDetails(names=[NameInput(full_name=name)], birth_date=dob, nationalities=[nationality],
                         documents=[DocumentInput(number=number, issuing_state=nationality)])


