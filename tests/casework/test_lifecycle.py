"""The state machine, queues, take-next, reallocation, priority and the stuck-case report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from portcullis.audit.models import AuditEvent
from portcullis.casework import services
from portcullis.casework.models import Application, Transition
from portcullis.errors import Conflict, InvalidInput
from portcullis.workforce.authority import NotAuthorised


def test_take_next_gives_oldest_clock_first_and_priority_before_that(submit, make_staff):
    ao = make_staff("AO", "shf-visas")
    today = dt.date.today()
    old = submit(application_date=today - dt.timedelta(days=10))
    new = submit(application_date=today - dt.timedelta(days=2))
    child = submit(application_date=today - dt.timedelta(days=1), child=True)
    taken = [services.take_next(ao) for _ in range(3)]
    assert [c.pk for c in taken] == [child.pk, old.pk, new.pk]
    assert services.take_next(ao) is None
    assert all(c.owner_id == ao.pk for c in Application.objects.all())
    assert AuditEvent.objects.filter(action="casework.taken").count() == 3


def test_take_next_only_from_own_team(submit, make_staff):
    submit()
    other = make_staff("AO", "cro-nationality")
    assert services.take_next(other) is None


def test_case_always_has_owner_or_queue(submit):
    case = submit()
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=case.pk).update(queue=None, owner=None)


def test_transitions_follow_the_machine_and_are_audited(submit, make_staff, to_consideration):
    ao = make_staff("AO", "shf-visas")
    case = services.take_next(ao)
    case = submit() if case is None else case
    with pytest.raises(Conflict):
        services.move(case, "start_consideration", actor=ao)  # must validate first
    case = to_consideration(case, ao)
    assert case.status == "consideration"
    steps = list(Transition.objects.filter(application=case).values_list("action", "to_status"))
    assert steps[-3:] == [("validate", "validated"), ("start_checks", "checks"), ("start_consideration", "consideration")]
    assert AuditEvent.objects.filter(action="casework.start_consideration", person_id=case.person_id).exists()
    # entering consideration stores an evaluation with the case
    assert case.evaluations.count() == 1


def test_aa_cannot_validate_and_reject_needs_reason(submit, make_staff):
    case = submit()
    with pytest.raises(NotAuthorised):
        services.move(case, "validate", actor=submit.clerk)
    eo = make_staff("EO", "shf-visas")
    with pytest.raises(InvalidInput) as exc:
        services.move(case, "reject_invalid", actor=eo)
    assert exc.value.errors[0].field == "reason"
    case = services.move(case, "reject_invalid", actor=eo, reason="no fee and no passport")
    assert case.status == "rejected"


def test_reallocate_needs_heo_and_a_reason(submit, make_staff):
    case = submit()
    ao, ao2, heo = make_staff("AO", "shf-visas"), make_staff("AO", "shf-visas"), make_staff("HEO", "shf-visas")
    services.take_next(ao)
    with pytest.raises(NotAuthorised):
        services.reallocate(case, actor=ao, reason="x", to_user=ao2)
    with pytest.raises(InvalidInput):
        services.reallocate(case, actor=heo, reason="", to_user=ao2)
    case = services.reallocate(case, actor=heo, reason="ao on leave", to_user=ao2)
    assert case.owner_id == ao2.pk and case.queue.code == "shf-visas"
    case = services.release(case, actor=ao2)
    assert case.owner is None and case.queue is not None


def test_priority_flags_set_by_eo(submit, make_staff):
    case = submit()
    eo = make_staff("EO", "shf-visas")
    case = services.set_priority(case, actor=eo, reason="applicant is 16", child=True, vulnerable=False,
                                 high_profile=False)
    assert case.child and case.priority > 0


def test_stuck_report_lists_cases_without_transition(submit):
    stale, fresh = submit(), submit()
    Application.objects.filter(pk=stale.pk).update(last_transition_at=timezone.now() - dt.timedelta(days=30))
    assert [c.pk for c in services.stuck_cases(10)] == [stale.pk]
    assert fresh.pk in [c.pk for c in services.stuck_cases(0)]


def test_stuck_cli(submit, capsys):
    from portcullis.cli import main

    stale = submit()
    Application.objects.filter(pk=stale.pk).update(last_transition_at=timezone.now() - dt.timedelta(days=30))
    assert main(["cases", "stuck", "--days", "14"]) == 0
    out = capsys.readouterr().out
    assert stale.reference in out


def test_team_queue_filters(submit, make_staff):
    a = submit()
    b = submit(vulnerable=True)
    team = a.queue
    assert [c.pk for c in services.team_queue(team, flag="vulnerable")] == [b.pk]
    assert {c.pk for c in services.team_queue(team, owner="unallocated")} == {a.pk, b.pk}
    Application.objects.filter(pk=a.pk).update(clock_due=dt.date.today() - dt.timedelta(days=1))
    assert [c.pk for c in services.team_queue(team, breached=True)] == [a.pk]


def test_api_take_next_and_transition(submit, client, make_staff):
    from portcullis.api.models import ApiToken

    case = submit()
    ao = make_staff("AO", "shf-visas")
    _t, raw = ApiToken.issue(user=ao, name="t")
    h = {"Authorization": f"Bearer {raw}"}
    r = client.post("/api/v1/cases/take-next", headers=h, content_type="application/json")
    assert r.status_code == 200 and r.json()["reference"] == case.reference
    assert client.post("/api/v1/cases/take-next", headers=h).status_code == 204
    r = client.post(f"/api/v1/cases/{case.reference}/transitions", {"action": "validate"}, headers=h,
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "validated"
    r = client.post(f"/api/v1/cases/{case.reference}/transitions", {"action": "close"}, headers=h,
                    content_type="application/json")
    assert r.status_code == 409
