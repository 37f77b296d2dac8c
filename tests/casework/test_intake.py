"""Intake: one person per applicant, dependants, validated facts, a fee, hashed evidence, nothing on bad input."""

from __future__ import annotations

import hashlib

import pytest

from portcullis.audit.models import AuditEvent
from portcullis.casework import services
from portcullis.casework.models import Application, Check, Evidence, Transition
from portcullis.errors import InvalidInput
from portcullis.people.models import Person

from cw_helpers import applicant, visitor_facts


def test_intake_creates_case_in_route_queue_with_clock_and_checks(submit):
    case = submit("visitor", evidence=[services.EvidenceInput("bank.pdf", b"%PDF statement", "Bank statement")])
    assert case.reference.startswith(f"CW-{case.application_date.year}-")
    assert case.status == "received" and case.queue.code == "shf-visas" and case.owner is None
    # visit visa: 3 weeks of 5 working days
    assert (case.target_date - case.application_date).days in range(19, 24)
    assert case.clock_due == case.target_date
    assert {c.kind for c in case.checks.all()} == {"identity", "biometrics", "watchlist", "immigration_history"}
    ev = Evidence.objects.get(application=case)
    assert ev.sha256 == hashlib.sha256(b"%PDF statement").hexdigest()
    assert ev.file.read() == b"%PDF statement"
    fee = case.fees.get()
    assert str(fee.amount) == "127.00" and fee.expected_amount is not None
    assert Transition.objects.get(application=case).to_status == "received"
    event = AuditEvent.objects.get(action="casework.received")
    assert event.person_id == case.person_id


def test_same_applicant_twice_is_one_person(submit):
    first = submit(applicant=applicant(number="X1234567"))
    second = submit(applicant=applicant(number="X1234567"))
    assert first.person_id == second.person_id
    assert Person.objects.count() == 1


def test_dependants_are_resolved_and_linked(submit):
    case = submit(dependants=[services.DependantInput(applicant("Lucía Peña", "2015-06-01"), "child")])
    dep = case.dependants.get()
    assert dep.relationship == "child" and dep.person_id != case.person_id
    assert AuditEvent.objects.filter(action="casework.dependant_added", person_id=dep.person_id).exists()


def test_naturalisation_goes_to_nationality_queue(submit):
    from cw_helpers import example_facts

    case = submit("naturalisation_6_1", facts=example_facts("naturalisation_6_1"),
                  fee=services.FeeInput(amount="1500.00"))
    assert case.queue.code == "cro-nationality"
    assert case.service_standard == "service_standard.nationality"


@pytest.mark.parametrize("change,field", [
    (dict(route="unicorn"), "route"),
    (dict(facts=visitor_facts(intended_stay_days="many")), "facts.intended_stay_days"),
    (dict(fee=services.FeeInput(amount="-3")), "fee.amount"),
    (dict(fee=None), "fee.amount"),
    (dict(queue="nope"), "queue"),
    (dict(applicant=applicant(dob="2090-01-01")), "applicant.birth_date"),
    (dict(evidence=[services.EvidenceInput("empty.pdf", b"")]), "evidence[0].content"),
    (dict(dependants=[services.DependantInput(applicant("Kid"), "cousin")]), "dependants[0].relationship"),
])
def test_bad_input_names_the_field_and_writes_nothing(submit, change, field):
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput) as exc:
        submit(**change)
    assert field in [e.field for e in exc.value.errors]
    assert Application.objects.count() == 0
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_api_intake_and_read(submit, api, client):
    import base64

    payload = {
        "route": "visitor", "facts": visitor_facts(),
        "applicant": {"names": [{"full_name": "Анна Петрова"}], "birth_date": "1975-04-02",
                      "nationalities": ["RUS"], "documents": [{"number": "7512345", "issuing_state": "RUS"}]},
        "fee": {"amount": "127.00"},
        "evidence": [{"filename": "letter.txt", "content_base64": base64.b64encode(b"hello").decode()}],
    }
    r = api.post("/api/v1/cases", payload)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "received" and body["queue"] == "shf-visas"
    assert body["evidence"][0]["sha256"] == hashlib.sha256(b"hello").hexdigest()
    r = api.get(f"/api/v1/cases/{body['reference']}")
    assert r.status_code == 200 and r.json()["person"] == body["person"]


def test_api_intake_bad_facts_is_problem_json_naming_field(submit, api):
    r = api.post("/api/v1/cases", {"route": "visitor", "facts": visitor_facts(intended_stay_days="x"),
                                   "applicant": {"names": [{"full_name": "A B"}]}, "fee": {"amount": "1"}})
    assert r.status_code == 422
    assert "facts.intended_stay_days" in [e["field"] for e in r.json()["errors"]]
    assert Application.objects.count() == 0
