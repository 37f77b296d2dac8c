"""Checks, evidence requests and the clock, interviews, evaluation, decisions within delegated authority."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from portcullis.audit.models import AuditEvent
from portcullis.casework import services
from portcullis.casework.models import BiometricAppointment, Check, EnrolmentSite, NaturalisationCertificate
from portcullis.documents import generate_mrz
from portcullis.errors import Conflict, InvalidInput
from portcullis.status.models import StatusRecord
from portcullis.workforce.authority import NotAuthorised

from cw_helpers import applicant, example_facts, visitor_facts


def _mrz(number="P7654321", dob=dt.date(1990, 3, 4)):
    return generate_mrz(issuing_state="USA", surname="PENA", given_names="ANA MARIA", document_number=number,
                        nationality="USA", birth_date=dob, sex="F", expiry_date=dt.date.today() + dt.timedelta(days=900))


def _taken(submit, make_staff, grade="AO", **kw):
    case = submit(**kw)
    officer = make_staff(grade, case.queue.code)
    case = services.take_next(officer)
    return case, officer


def _pass_all_checks(case, officer, mrz):
    services.record_identity_check(case, mrz=mrz, actor=officer)
    services.run_watchlist_check(case, actor=officer)
    services.run_history_check(case, actor=officer)
    site, _ = EnrolmentSite.objects.get_or_create(code="shf", defaults={"name": "Sheffield", "capacity_per_slot": 2})
    appt = services.book_biometrics(case, site_code="shf", slot_start=_next_slot(), actor=officer)
    services.record_biometrics(appt, attended=True, actor=officer)


def _next_slot(days=3):
    d = timezone.localdate() + dt.timedelta(days=days)
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(d, dt.time(10, 0)))


def test_identity_check_from_mrz(submit, make_staff):
    case, ao = _taken(submit, make_staff, applicant=applicant(number="P7654321"))
    check = services.record_identity_check(case, mrz=_mrz(), actor=ao)
    assert check.result == "passed", check.details
    check = services.record_identity_check(case, mrz=_mrz(number="Z9999999"), actor=ao)
    assert check.result == "refer" and "document number" in check.note
    check = services.record_identity_check(case, mrz="P<USAGARBAGE", actor=ao)
    assert check.result == "failed"
    with pytest.raises(InvalidInput):
        services.record_identity_check(case, mrz="  ", actor=ao)


def test_biometric_slots_have_capacity(submit, make_staff):
    EnrolmentSite.objects.create(code="shf", name="Sheffield", capacity_per_slot=1)
    a, ao = _taken(submit, make_staff)
    b = submit()
    slot = _next_slot()
    services.book_biometrics(a, site_code="shf", slot_start=slot, actor=ao)
    with pytest.raises(InvalidInput) as exc:
        services.book_biometrics(b, site_code="shf", slot_start=slot, actor=ao)
    assert exc.value.errors[0].field == "slot_start"
    with pytest.raises(InvalidInput):
        services.book_biometrics(b, site_code="shf", slot_start=slot + dt.timedelta(minutes=7), actor=ao)
    services.book_biometrics(b, site_code="shf", slot_start=slot + dt.timedelta(minutes=15), actor=ao)
    assert BiometricAppointment.objects.count() == 2


def test_rfi_pauses_the_clock_and_updates_facts(submit, make_staff, to_consideration):
    case, ao = _taken(submit, make_staff, facts=visitor_facts(sufficient_funds=None))
    case = to_consideration(case, ao)
    with pytest.raises(InvalidInput) as exc:
        services.request_evidence(case, items="", due_date=dt.date.today(), actor=ao)
    assert {e.field for e in exc.value.errors} == {"items", "due_date"}
    rfi = services.request_evidence(case, items="Bank statements for 3 months", due_date=dt.date.today() + dt.timedelta(days=14),
                                    actor=ao)
    case.refresh_from_db()
    assert case.sub_status == "awaiting_evidence" and case.paused_since == dt.date.today()
    # five days pass while paused
    type(case).objects.filter(pk=case.pk).update(paused_since=dt.date.today() - dt.timedelta(days=5))
    services.record_evidence(rfi, response="statements show £4,000", facts={"sufficient_funds": True},
                             files=[services.EvidenceInput("stmt.pdf", b"%PDF")], actor=ao)
    case.refresh_from_db()
    assert case.paused_since is None and case.paused_days == 5
    assert case.clock_due == case.target_date + dt.timedelta(days=5)
    assert case.facts["sufficient_funds"] is True and case.sub_status == ""
    assert services.latest_evaluation(case).outcome == "GRANT"
    with pytest.raises(Conflict):
        services.record_evidence(rfi, response="again", actor=ao)


def test_rfi_bad_facts_change_nothing(submit, make_staff):
    case, ao = _taken(submit, make_staff)
    rfi = services.request_evidence(case, items="x", due_date=dt.date.today() + dt.timedelta(days=3), actor=ao)
    with pytest.raises(InvalidInput) as exc:
        services.record_evidence(rfi, response="r", facts={"intended_stay_days": "lots"}, actor=ao)
    assert exc.value.errors[0].field == "facts.intended_stay_days"
    rfi.refresh_from_db()
    assert rfi.responded_at is None


def test_interview_scheduled_and_recorded(submit, make_staff):
    case, ao = _taken(submit, make_staff)
    interview = services.schedule_interview(case, when=timezone.now() + dt.timedelta(days=2), location="Room 4", actor=ao)
    case.refresh_from_db()
    assert case.sub_status == "interview_scheduled"
    with pytest.raises(InvalidInput):
        services.record_interview(interview, record_text=" ", actor=ao)
    services.record_interview(interview, record_text="Q1 purpose of visit? A: tourism", actor=ao)
    case.refresh_from_db()
    assert case.sub_status == ""


def test_grant_blocked_while_mandatory_check_outstanding_then_creates_leave(submit, make_staff, to_consideration):
    case, ao = _taken(submit, make_staff, applicant=applicant(number="P7654321"))
    case = to_consideration(case, ao)
    with pytest.raises(InvalidInput) as exc:
        services.propose_decision(case, outcome="GRANT", rationale="", actor=ao)
    assert exc.value.errors[0].field == "checks"
    _pass_all_checks(case, ao, _mrz())
    decision = services.propose_decision(case, outcome="GRANT", rationale="", actor=ao)  # AO may grant a visit visa
    assert decision.state == "decided"
    case.refresh_from_db()
    assert case.status == "decided"
    rec = StatusRecord.objects.get(person=case.person)
    assert rec.kind == "entry_clearance" and rec.source_ref == case.reference and rec.expiry_date is not None
    assert "no work" in rec.conditions
    ctx = services.decision_letter_context(decision)
    assert ctx["outcome"] == "GRANT" and ctx["leave"]["kind"] == "entry_clearance" and ctx["reasons"] == []
    assert ctx["challenge"]["kind"] is None
    services.move(case, "serve", actor=ao)
    services.move(case, "close", actor=ao)
    case.refresh_from_db()
    assert case.status == "closed"


def test_rationale_required_when_refer_and_refusal_needs_eo_countersignature(submit, make_staff, to_consideration):
    case, ao = _taken(submit, make_staff, facts=visitor_facts(sufficient_funds=None))
    case = to_consideration(case, ao)
    assert services.latest_evaluation(case).outcome == "REFER"
    with pytest.raises(InvalidInput) as exc:
        services.propose_decision(case, outcome="REFUSE", rationale="", actor=ao)
    assert exc.value.errors[0].field == "rationale"
    decision = services.propose_decision(case, outcome="REFUSE", rationale="No evidence of funds after RFI.", actor=ao)
    assert decision.state == "proposed"
    case.refresh_from_db()
    assert case.status == "pending_countersignature"
    with pytest.raises(NotAuthorised):
        services.countersign(case, actor=ao)  # an AO may not countersign
    other_ao = make_staff("AO", "shf-visas")
    with pytest.raises(NotAuthorised):
        services.countersign(case, actor=other_ao)
    eo = make_staff("EO", "shf-visas")
    decision = services.countersign(case, actor=eo)
    assert decision.state == "decided" and decision.countersigned_by == eo
    ctx = services.decision_letter_context(decision)
    assert ctx["outcome"] == "REFUSE" and ctx["reasons"][0]["requirement"] == "V4.2(e)"
    assert ctx["countersigned_by"].endswith("(EO)") and ctx["decided_by"].endswith("(AO)")
    assert ctx["rationale"] == "No evidence of funds after RFI."
    assert set(ctx) == {"case_reference", "route", "route_name", "outcome", "decided_on", "decided_by",
                        "countersigned_by", "person", "leave", "reasons", "rationale", "challenge"}
    assert not StatusRecord.objects.filter(person=case.person).exists()
    assert AuditEvent.objects.filter(action="casework.countersigned", person_id=case.person_id).exists()


def test_countersigner_can_return_with_reason(submit, make_staff, to_consideration):
    case, ao = _taken(submit, make_staff, facts=visitor_facts(sufficient_funds=False))
    case = to_consideration(case, ao)
    services.propose_decision(case, outcome="REFUSE", rationale="", actor=ao)  # agrees with REFUSE: no rationale needed
    eo = make_staff("EO", "shf-visas")
    with pytest.raises(InvalidInput):
        services.countersign(case, actor=eo, approve=False)
    services.countersign(case, actor=eo, approve=False, reason="ask for bank statements first")
    case.refresh_from_db()
    assert case.status == "consideration" and case.sub_status == "returned"


def test_naturalisation_refusal_needs_heo_countersignature_and_grant_issues_certificate(submit, make_staff,
                                                                                       to_consideration):
    facts = example_facts("naturalisation_6_1")
    case, eo = _taken(submit, make_staff, grade="EO", route="naturalisation_6_1", facts=facts,
                      fee=services.FeeInput(amount="1500"))
    case = to_consideration(case, eo)
    d = services.propose_decision(case, outcome="REFUSE", rationale="not of good character", actor=eo)
    assert d.state == "proposed"
    other_eo = make_staff("EO", "cro-nationality")
    with pytest.raises(NotAuthorised):
        services.countersign(case, actor=other_eo)
    heo = make_staff("HEO", "cro-nationality")
    services.countersign(case, actor=heo, approve=False, reason="the evidence supports a grant")
    # an HEO's own naturalisation refusal needs another officer's countersignature
    services.reallocate(case, actor=heo, reason="HEO looks at it", to_user=heo)
    d = services.propose_decision(case, outcome="REFUSE", rationale="not of good character", actor=heo)
    assert d.state == "proposed"
    with pytest.raises(Conflict):
        services.countersign(case, actor=heo)
    services.countersign(case, actor=make_staff("HEO", "cro-nationality"), approve=False, reason="grant")
    services.reallocate(case, actor=heo, reason="back to the EO", to_user=eo)
    _pass_all_checks(case, eo, _mrz(number=case.person.identifiers.first().number,
                                    dob=dt.date.fromisoformat(facts["date_of_birth"])))
    d = services.propose_decision(case, outcome="GRANT", rationale="", actor=eo)
    assert d.state == "decided"
    cert = NaturalisationCertificate.objects.get(application=case)
    assert cert.section == "6(1)" and cert.number.startswith("NC")
    assert services.decision_letter_context(d)["leave"]["kind"] == "naturalisation_certificate"


def test_watchlist_and_history_checks_record_results(submit, make_staff):
    case, ao = _taken(submit, make_staff)
    assert services.run_watchlist_check(case, actor=ao).result == "passed"
    assert services.run_history_check(case, actor=ao).result == "passed"
    c = services.record_check(case, kind="watchlist", result="passed", note="reviewed", actor=ao)
    assert c.details["manual"] is True
    with pytest.raises(InvalidInput):
        services.record_check(case, kind="watchlist", result="passed", note="", actor=ao)
    assert Check.objects.filter(application=case, result="outstanding").count() == 2
