"""Casework joined to correspondence and border: decisions, RFIs and interviews prepare their letters,
serving the decision letter serves the case, and absences can be counted from recorded movements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from portcullis.audit.models import AuditEvent
from portcullis.border.models import Movement
from portcullis.casework import services
from portcullis.correspondence import services as letters
from portcullis.correspondence.models import Letter

from cw_helpers import example_facts, visitor_facts

pytestmark = pytest.mark.django_db


def _refused(submit, make_staff, to_consideration):
    case = submit(facts=visitor_facts(sufficient_funds=None))
    ao = make_staff("AO", case.queue.code)
    case = to_consideration(services.take_next(ao), ao)
    services.propose_decision(case, outcome="REFUSE", rationale="No evidence of funds after the request.", actor=ao)
    assert not Letter.objects.filter(related=case.reference).exists()  # nothing until the decision takes effect
    eo = make_staff("EO", case.queue.code)
    services.countersign(case, actor=eo)
    return case, ao, eo


def test_refusal_prepares_the_letter_and_serving_it_serves_the_case(submit, make_staff, to_consideration):
    case, ao, eo = _refused(submit, make_staff, to_consideration)
    letter = Letter.objects.get(related=case.reference)
    assert letter.code == "refusal" and letter.state == Letter.State.DRAFT and letter.person_id == case.person_id
    reasons = letter.context["reasons"]
    assert reasons and all(r["paragraph"] and r["requirement"] and r["explanation"] for r in reasons)
    assert "No evidence of funds after the request." in letter.html
    assert any(r["paragraph"] in letter.html for r in reasons)

    letters.issue_letter(letter, actor=ao)
    case.refresh_from_db()
    assert case.status == "decided"  # issued is not served
    served_on = timezone.localdate()
    letters.record_service(letter, served_on=served_on, method="post", actor=ao)
    case.refresh_from_db()
    decision = services.current_decision(case)
    assert case.status == "served"
    assert timezone.localdate(decision.served_at) == served_on
    letter.refresh_from_db()
    assert letter.served_on == served_on
    assert "no right of appeal or administrative review" in letter.html.lower()  # a visit visa refusal
    assert case.transitions.get(action="serve").by == ao
    served = AuditEvent.objects.get(action="casework.serve", person_id=case.person_id)
    assert served.payload["letter"] == letter.pk and served.payload["served_on"] == served_on.isoformat()

    # the case page lists the letter; serving again changes nothing on the case
    c = Client()
    c.force_login(ao)
    page = c.get(f"/cases/{case.reference}/").content.decode()
    assert "Decision on your application: refused" in page and 'data-testid="related-letters"' in page
    letters.record_service(letter, served_on=served_on, method="hand", actor=ao)
    assert case.transitions.filter(action="serve").count() == 1


def test_administrative_review_deadline_runs_from_the_served_date(submit, make_staff, to_consideration):
    facts = example_facts("skilled_worker")
    facts["salary_annual"] = 20000  # under every threshold: NOT_MET, refused on its paragraph
    case = submit(route="skilled_worker", facts=facts)
    eo = make_staff("EO", case.queue.code)
    case = to_consideration(services.take_next(eo), eo)
    decision = services.propose_decision(case, outcome="REFUSE", rationale="", actor=eo)
    if decision.state == "proposed":
        services.countersign(case, actor=make_staff("HEO", case.queue.code))
    letter = Letter.objects.get(related=case.reference, code="refusal")
    assert any("SW" in r["paragraph"] for r in letter.context["reasons"])
    letters.issue_letter(letter, actor=eo)
    letters.record_service(letter, served_on=timezone.localdate(), method="post", actor=eo)
    letter.refresh_from_db()
    review = letter.deadlines["from_service"]["admin_review"]
    assert review["from"] >= timezone.localdate().isoformat()
    assert dt.date.fromisoformat(review["deadline"]) > timezone.localdate() + dt.timedelta(days=13)
    case.refresh_from_db()
    assert case.status == "served"


def test_rfi_and_interview_prepare_their_letters(submit, make_staff):
    case = submit()
    ao = make_staff("AO", case.queue.code)
    case = services.take_next(ao)
    due = timezone.localdate() + dt.timedelta(days=14)
    services.request_evidence(case, items="Bank statements for 6 months\nPayslips", due_date=due, actor=ao)
    rfi = Letter.objects.get(related=case.reference, code="rfi")
    assert rfi.context["rfi"]["items"] == ["Bank statements for 6 months", "Payslips"]
    assert rfi.context["rfi"]["respond_by"] == due.isoformat()
    when = timezone.now() + dt.timedelta(days=7)
    services.schedule_interview(case, when=when, location="Lunar House, Croydon", actor=ao)
    invitation = Letter.objects.get(related=case.reference, code="interview")
    assert "Lunar House, Croydon" in invitation.html


def test_a_letter_that_cannot_be_prepared_does_not_undo_the_decision(submit, make_staff, to_consideration,
                                                                      monkeypatch):
    from portcullis.errors import FieldError, InvalidInput

    def refuse(*a, **k):
        raise InvalidInput(FieldError("context.person.name", "cannot be printed"))

    monkeypatch.setattr(letters, "prepare_letter", refuse)
    case, _ao, _eo = _refused(submit, make_staff, to_consideration)
    case.refresh_from_db()
    assert case.status == "decided" and not Letter.objects.filter(related=case.reference).exists()
    failed = AuditEvent.objects.get(action="correspondence.not_prepared", person_id=case.person_id)
    assert failed.payload["errors"][0]["field"] == "context.person.name"


def test_naturalisation_absences_counted_from_recorded_movements(submit, make_staff, to_consideration):
    facts = example_facts("naturalisation_6_1")
    facts.pop("movements")
    facts["trips_source"] = "movements"
    case = submit(route="naturalisation_6_1", facts=facts)
    eo = make_staff("EO", case.queue.code)
    case = services.take_next(eo)
    trips = [("out", "2022-05-01", "LHR"), ("in", "2022-05-31", "LHR"), ("out", "2024-10-01", "MAN"),
             ("in", "2024-10-11", "MAN")]
    for direction, on, port in trips:
        day = dt.date.fromisoformat(on)
        Movement.objects.create(person=case.person, direction=direction, on=day, port=port, source="desk",
                                at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))))
    case = to_consideration(case, eo)
    evaluation = services.latest_evaluation(case)
    assert evaluation.facts["movements"] == [{"direction": d, "date": on, "port": p} for d, on, p in trips]
    nodes = {n["id"]: n for n in services._nodes(evaluation.tree)}
    total = nodes["NAT.absences_total"]["computed"]
    assert total["trips_source"] == "movements"
    # 1 May to 31 May 2022 and 1 to 11 Oct 2024: the days wholly abroad, as the rules engine counts them
    assert total["trips_derived"] == [{"departed": "2022-05-01", "returned": "2022-05-31"},
                                      {"departed": "2024-10-01", "returned": "2024-10-11"}]
    assert nodes["NAT.absences_final_year"]["computed"]["absence_days"] == 9
    # a movement recorded later is counted at the next evaluation
    Movement.objects.create(person=case.person, direction="out", on=dt.date(2024, 12, 1), port="LHR", source="desk",
                            at=timezone.make_aware(dt.datetime(2024, 12, 1, 9)))
    Movement.objects.create(person=case.person, direction="in", on=dt.date(2024, 12, 21), port="LHR", source="desk",
                            at=timezone.make_aware(dt.datetime(2024, 12, 21, 9)))
    again = services.evaluate_case(case, actor=eo)
    final = {n["id"]: n for n in services._nodes(again.tree)}["NAT.absences_final_year"]
    assert final["computed"]["absence_days"] == 9 + 19
    # the declared facts are untouched
    case.refresh_from_db()
    assert "movements" not in case.facts
