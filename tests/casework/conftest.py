"""Fixtures for casework: applications built through the intake service."""

from __future__ import annotations

import pytest

from cw_helpers import EXAMPLES, applicant, example_facts, visitor_facts


@pytest.fixture
def submit(db, make_staff):
    """submit(route="visitor", facts=None, **fields) -> Application, received by an AA of shf-visas."""
    from portcullis.casework import services

    clerk = make_staff("AA", "shf-visas")
    for code in ("cro-nationality", "jsy-casework"):
        make_staff("AA", code)

    def do(route="visitor", facts=None, actor=None, **kw):
        if facts is None:
            facts = example_facts(route) if (EXAMPLES / f"{route}.json").exists() and route != "visitor" else visitor_facts()
        if "date_of_birth" in facts and "applicant_reference" not in kw:
            kw.setdefault("applicant", applicant(dob=facts["date_of_birth"]))
        kw.setdefault("applicant", applicant())
        kw.setdefault("fee", services.FeeInput(amount="127.00", payment_reference="WP-1"))
        return services.submit_application(services.ApplicationInput(route=route, facts=facts, **kw),
                                           actor=actor or clerk)

    do.clerk = clerk
    return do


@pytest.fixture
def to_consideration():
    from portcullis.casework import services

    def do(case, actor):
        for step in ("validate", "start_checks", "start_consideration"):
            case = services.move(case, step, actor=actor)
        return case

    return do
