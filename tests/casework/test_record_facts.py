"""No double keying: the application date, the applicant's date of birth and the decision date come
from the records; a keyed value that disagrees is refused, naming the field, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest

from portcullis.audit.models import AuditEvent
from portcullis.casework import services
from portcullis.casework.models import Application
from portcullis.errors import InvalidInput
from portcullis.people.models import Person

from cw_helpers import applicant, example_facts

NAT_FEE = services.FeeInput(amount="1500.00")


def _nat_facts(**drop_or_set):
    facts = example_facts("naturalisation_6_1")
    for name, value in drop_or_set.items():
        if value is None:
            facts.pop(name, None)
        else:
            facts[name] = value
    return facts


def test_record_facts_are_filled_from_the_case_and_the_person(submit, make_staff):
    applied = dt.date(2025, 3, 1)
    case = submit("naturalisation_6_1", facts=_nat_facts(application_date=None, date_of_birth=None),
                  applicant=applicant(dob="1985-02-10"), application_date=applied, fee=NAT_FEE)
    assert case.facts["application_date"] == "2025-03-01"
    assert case.facts["date_of_birth"] == "1985-02-10"
    assert "decision_date" not in case.facts
    # the decision date is the date the case is evaluated
    as_at = dt.date.today()
    assert services.facts_for_evaluation(case, as_at)["decision_date"] == as_at.isoformat()
    eo = make_staff("EO", "cro-nationality")
    case = services.take_next(eo)
    for step in ("validate", "start_checks", "start_consideration"):
        case = services.move(case, step, actor=eo)
    evaluation = services.latest_evaluation(case)
    assert evaluation.facts["decision_date"] == evaluation.as_at.isoformat()
    assert evaluation.facts["date_of_birth"] == "1985-02-10"


def test_application_date_keyed_once_in_the_facts_becomes_the_cases(submit):
    case = submit("naturalisation_6_1", facts=_nat_facts(), fee=NAT_FEE)
    assert case.application_date == dt.date(2025, 3, 1)


@pytest.mark.parametrize("facts,kw,field", [
    (dict(date_of_birth="1985-02-11"), {}, "facts.date_of_birth"),
    (dict(application_date="2025-03-02"), dict(application_date=dt.date(2025, 3, 1)), "facts.application_date"),
    (dict(decision_date="2025-06-01"), {}, "facts.decision_date"),
])
def test_a_keyed_record_fact_that_disagrees_is_refused_and_nothing_written(submit, facts, kw, field):
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput) as exc:
        submit("naturalisation_6_1", facts=_nat_facts(**facts), applicant=applicant(dob="1985-02-10"), fee=NAT_FEE,
               **kw)
    assert field in [e.field for e in exc.value.errors]
    assert "record" in str(exc.value) or "evaluated" in str(exc.value)
    assert Application.objects.count() == 0
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_existing_person_found_by_document_is_the_record_the_facts_must_agree_with(submit):
    first = submit("visitor", applicant=applicant(number="K7654321", dob="1985-02-10"))
    before = (Person.objects.count(), AuditEvent.objects.count(), Application.objects.count())
    # the same passport, keyed with another date of birth in the facts: the record says 1985-02-10
    details = applicant(number="K7654321", dob="")
    with pytest.raises(InvalidInput) as exc:
        submit("naturalisation_6_1", facts=_nat_facts(date_of_birth="1979-01-01"), applicant=details, fee=NAT_FEE)
    assert [e.field for e in exc.value.errors] == ["facts.date_of_birth"]
    assert "1985-02-10" in exc.value.errors[0].message
    assert (Person.objects.count(), AuditEvent.objects.count(), Application.objects.count()) == before
    assert first.person.applications.count() == 1


def test_evidence_cannot_rekey_a_record_fact(submit, make_staff):
    case = submit("naturalisation_6_1", facts=_nat_facts(), applicant=applicant(dob="1985-02-10"), fee=NAT_FEE)
    eo = make_staff("EO", "cro-nationality")
    case = services.take_next(eo)
    rfi = services.request_evidence(case, items="Proof of date of birth",
                                    due_date=dt.date.today() + dt.timedelta(days=14), actor=eo)
    with pytest.raises(InvalidInput) as exc:
        services.record_evidence(rfi, response="birth certificate", facts={"date_of_birth": "1986-02-10"}, actor=eo)
    assert [e.field for e in exc.value.errors] == ["facts.date_of_birth"]
    rfi.refresh_from_db()
    assert rfi.responded_at is None
