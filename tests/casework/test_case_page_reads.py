"""The case page reads only the rows a case has, still shows every one of them, and logs every view.

``get_case(presence=True)`` tells the page which of the case's own tables have rows for it, so an
empty table costs no query; take-next needs only the team's id, not the team row.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portcullis.audit.models import AccessLogEntry, AuditEvent
from portcullis.casework import services
from portcullis.casework.models import Application, NaturalisationCertificate

from cw_helpers import applicant, visitor_facts

pytestmark = pytest.mark.django_db


def test_bare_case_page_skips_the_empty_tables_and_logs_the_view(client, submit, make_staff):
    case = submit()  # received: no decision, interview, appointment, dependant, RFI, evaluation
    eo = make_staff("EO", "shf-visas")
    client.force_login(eo)
    client.get("/")  # session touched once; the page itself then writes no session row
    before = AccessLogEntry.objects.count()
    with CaptureQueriesContext(connection) as q:
        r = client.get(f"/cases/{case.reference}/")
    assert r.status_code == 200
    statements = [x["sql"] for x in q.captured_queries]
    for table in ("casework_interview", "casework_biometricappointment", "casework_dependant",
                  "casework_requestforevidence", "casework_decision", "casework_evaluation",
                  "casework_naturalisationcertificate"):
        assert not [s for s in statements if s.startswith(f'SELECT "{table}".')], table  # (EXISTS in the case query)
    assert not [s for s in statements if s.startswith('UPDATE "django_session"')]
    # The view of the person record is logged, exactly once.
    assert AccessLogEntry.objects.count() == before + 1
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert (entry.user_id, entry.person_id, entry.view, entry.purpose) == (eo.pk, case.person_id, "casework.case",
                                                                           case.reference)
    body = r.content.decode()
    assert "Not evaluated yet." in body and "No files" in body
    assert case.get_status_display() in body


def test_full_case_page_shows_every_kind_of_row(client, submit, make_staff):
    from portcullis.casework.models import EnrolmentSite

    case = submit(facts=visitor_facts(sufficient_funds=False),
                  fee=services.FeeInput(amount="127.00", payment_reference="PAY-77"),
                  evidence=[services.EvidenceInput("passport-scan.pdf", b"%PDF scan", "Passport")],
                  dependants=[services.DependantInput(applicant("Lucía Peña", "2015-06-01"), "child")])
    ao = make_staff("AO", "shf-visas")
    case = services.take_next(ao)
    services.move(case, "validate", actor=ao)
    services.move(case, "start_checks", actor=ao)
    EnrolmentSite.objects.create(code="shf", name="Sheffield enrolment", capacity_per_slot=2)
    d = timezone.localdate() + dt.timedelta(days=3)
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    services.book_biometrics(case, site_code="shf", slot_start=timezone.make_aware(dt.datetime.combine(d, dt.time(10))),
                             actor=ao)
    services.schedule_interview(case, when=timezone.now() + dt.timedelta(days=2), location="Room 4B", actor=ao)
    services.request_evidence(case, items="council tax statements", due_date=timezone.localdate() + dt.timedelta(days=9),
                              actor=ao)
    services.move(case, "start_consideration", actor=ao)
    services.propose_decision(case, outcome="REFUSE", rationale="funds not shown", actor=ao)
    services.countersign(case, actor=make_staff("EO", "shf-visas"), approve=False, reason="look again at the bank")
    client.force_login(ao)
    body = client.get(f"/cases/{case.reference}/").content.decode()
    for text in ("127.00", "PAY-77", "passport-scan.pdf", "Lucía Peña", "Sheffield enrolment", "Room 4B",
                 "council tax statements", "Awaiting", "look again at the bank", "funds not shown",
                 'data-testid="evaluation-tree"', "Returned by countersigning officer"):
        assert text in body, text
    # The returned decision is listed but is not the current one: the decision form is offered again.
    assert 'data-testid="decision-form"' in body
    assert 'data-testid="countersign-form"' not in body


def test_decided_case_page_shows_the_certificate(client, submit, make_staff):
    case = submit()
    case.status = "decided"
    case.save(update_fields=["status"])
    cert = NaturalisationCertificate.objects.create(application=case, person=case.person, number="NC20260000042",
                                                    section="6(1)", issued_on=timezone.localdate(),
                                                    ceremony_due_by=timezone.localdate() + dt.timedelta(days=90))
    client.force_login(make_staff("EO", case.queue.code))
    body = client.get(f"/cases/{case.reference}/").content.decode()
    assert f"Certificate of naturalisation {cert.number}" in body


def test_failed_post_logs_both_reads(client, submit, make_staff):
    case = submit()
    eo = make_staff("EO", "shf-visas")
    client.force_login(eo)
    before = AccessLogEntry.objects.filter(person_id=case.person_id).count()
    r = client.post(f"/cases/{case.reference}/", {"action": "nonsense"})
    assert r.status_code == 400
    views = list(AccessLogEntry.objects.filter(person_id=case.person_id).order_by("id")
                 .values_list("view", flat=True))[before:]
    assert views == ["casework.case", "casework.case.after_error"]


def test_take_next_allocates_by_team_id_and_audits_in_the_same_transaction(submit, make_staff):
    case = submit()
    ao = make_staff("AO", "shf-visas")
    events = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as q:
        taken = services.take_next(ao)
    assert taken.pk == case.pk and Application.objects.get(pk=case.pk).owner_id == ao.pk
    assert not [x for x in q.captured_queries if x["sql"].startswith('SELECT "workforce_team".')]
    statements = [x["sql"] for x in q.captured_queries]
    if connection.vendor == "postgresql":
        claim = next(s for s in statements if s.startswith('SELECT "casework_application".'))
        assert 'FOR UPDATE OF "casework_application" SKIP LOCKED' in claim
        # The allocation, its transition and its audit event commit together: one transaction (a
        # savepoint inside the test's own transaction), the audit insert before its end.
        begin = next(i for i, s in enumerate(statements) if s == "BEGIN" or s.startswith("SAVEPOINT"))
        end = next(i for i, s in enumerate(statements) if s == "COMMIT" or s.startswith("RELEASE SAVEPOINT"))
        update = next(i for i, s in enumerate(statements) if s.startswith('UPDATE "casework_application"'))
        audit = next(i for i, s in enumerate(statements) if s.startswith('INSERT INTO "audit_auditevent"'))
        assert begin < statements.index(claim) < update < audit < end
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.order_by("-seq").first().action == "casework.taken"
    assert services.take_next(ao) is None  # the only case went once


def test_take_next_for_an_explicit_team_and_a_user_without_a_staff_profile(submit, make_staff):
    from django.contrib.auth import get_user_model

    from portcullis.workforce.authority import NotAuthorised
    from portcullis.workforce.models import Team

    case = submit()
    ao = make_staff("AO", "cro-nationality")
    assert services.take_next(ao, team=Team.objects.get(code="shf-visas")).pk == case.pk
    nobody = get_user_model().objects.create_user("no-staff")
    with pytest.raises(NotAuthorised):
        services.take_next(nobody)


def test_presence_flags_match_the_rows(submit, make_staff):
    bare = submit()
    full = submit(evidence=[services.EvidenceInput("a.pdf", b"%PDF")],
                  dependants=[services.DependantInput(applicant("Kid Peña", "2016-01-01"), "child")])
    eo = make_staff("EO", "shf-visas")
    for case in (bare, full):
        got = services.get_case(case.reference, user=eo, presence=True)
        for name, model in services.CASE_RELATIONS.items():
            assert getattr(got, f"has_{name}") is model.objects.filter(application=case).exists(), (case, name)
    assert services.get_case(full.reference, user=eo, presence=True).has_evidence is True
    assert not hasattr(services.get_case(bare.reference, user=eo), "has_evidence")


def test_case_page_does_not_rebuild_the_route_schema_on_every_view(client, submit, make_staff, monkeypatch):
    """Building a route's JSON Schema costs ~15 ms: it is built once per process, not per page."""
    import portcullis.rules

    case = submit()
    client.force_login(make_staff("EO", "shf-visas"))
    assert client.get(f"/cases/{case.reference}/").status_code == 200  # first view may build it
    built = []
    real = portcullis.rules.route_schema
    monkeypatch.setattr(portcullis.rules, "route_schema", lambda route: built.append(route) or real(route))
    for _ in range(3):
        assert client.get(f"/cases/{case.reference}/").status_code == 200
    assert built == []


def test_signed_in_officer_comes_with_grade_and_team_in_one_query(make_staff):
    """Every page shows the officer's grade and team: the auth backend reads them with the user."""
    from django.contrib.auth import get_user_model

    from portcullis.web.auth import StaffBackend

    eo = make_staff("EO", "shf-visas")
    with CaptureQueriesContext(connection) as q:
        user = StaffBackend().get_user(eo.pk)
        assert (user.staff.grade, user.staff.team.code) == ("EO", "shf-visas")
    assert len(q.captured_queries) == 1
    # A user with no staff profile (a carrier's service account, say) still signs in.
    plain = get_user_model().objects.create_user("no-profile", password=None)
    assert StaffBackend().get_user(plain.pk) == plain
    assert getattr(StaffBackend().get_user(plain.pk), "staff", None) is None
    plain.is_active = False
    plain.save()
    assert StaffBackend().get_user(plain.pk) is None  # deactivated officers are signed out
    assert StaffBackend().get_user(10**9) is None


@pytest.mark.parametrize("names, shown", [
    ([("primary", "Zoë Brontë"), ("alias", "Zoe Bronte")], "Zoë Brontë"),
    ([("alias", "Анна Петрова"), ("primary", "Anna Petrova")], "Anna Petrova"),  # primary wins whatever its id
    ([("previous", "Ana Pena"), ("alias", "Ana Peña")], "Ana Peña"),  # no primary: first by kind, as primary_name
    ([], "(no name recorded)"),
])
def test_case_heading_name_is_read_with_the_case_and_matches_the_person_record(submit, make_staff, names, shown):
    from portcullis.people.models import Person, PersonName

    case = submit()
    PersonName.objects.filter(person=case.person).delete()
    for kind, full in names:
        PersonName.objects.create(person=case.person, kind=kind, full_name=full, latin=full)
    eo = make_staff("EO", "shf-visas")
    got = services.get_case(case.reference, user=eo, presence=True)
    with CaptureQueriesContext(connection) as q:
        assert got.person.display_name == shown
    assert not q.captured_queries  # no query of its own
    assert Person.objects.get(pk=case.person_id).display_name == shown  # the same rule as the record's own
