"""Letters: names in any script survive to the PDF; reasons, paragraphs and deadlines are in it;
issued letters never change; deadlines run from the served date."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import re

import pytest
from django.utils import timezone

from portcullis.audit.models import AuditEvent
from portcullis.correspondence import deadlines as dl
from portcullis.correspondence import services
from portcullis.correspondence.catalogue import KINDS
from portcullis.correspondence.models import ImmutableLetter, Letter, LetterTemplate
from portcullis.correspondence.text import format_date
from portcullis.errors import Conflict, InvalidInput
from portcullis.people.services import NameInput, PersonDetails, resolve_person

pytestmark = pytest.mark.django_db

REASONS = [
    {"requirement": "Salary meets the general threshold", "paragraph": "SW 14.1",
     "explanation": "The salary offered is £31,200 a year, below the £38,700 required."},
    {"requirement": "Certificate of sponsorship is valid", "paragraph": "SW 1.6(b)",
     "explanation": "The certificate was assigned more than three months before the application."},
]


def refusal_context(person, *, kind="administrative review", location=None) -> dict:
    name = person.primary_name
    challenge = {"kind": kind, "route": "Administrative review within 14 days of receiving the decision"}
    if location:
        challenge["location"] = location
    return {
        "case_reference": "SW-2026-000123", "route": "skilled_worker", "route_name": "Skilled Worker",
        "outcome": "REFUSE", "decided_on": dt.date(2026, 3, 2), "decided_by": "Priya Raman (EO)",
        "countersigned_by": "Gareth Pryce (HEO)",
        "person": {"reference": person.reference, "name": name.full_name, "latin": name.latin,
                   "birth_date": person.birth_date_text},
        "leave": None, "reasons": copy.deepcopy(REASONS), "rationale": "The salary was checked against the CoS.",
        "challenge": challenge,
    }


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text.replace("\u202b", "").replace("\u202c", ""))


def _person(staff, name, dob="1988-11-04"):
    return resolve_person(PersonDetails(names=[NameInput(full_name=name)], birth_date=dob), actor=staff,
                          reason="test").person


@pytest.mark.parametrize("name", ["محمد عبد الله الحسن", "王小明", "Ольга Сергеевна Иванова"],
                         ids=["arabic", "chinese", "cyrillic"])
def test_refusal_pdf_keeps_the_name_reasons_paragraphs_and_deadline(staff, name):
    person = _person(staff, name)
    letter = services.prepare_letter(person, "refusal", refusal_context(person), actor=staff, related="SW-2026-000123")
    letter = services.issue_letter(letter, actor=staff, service_method="email")
    pdf = bytes(letter.pdf)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == letter.sha256
    text = pdf_text(pdf)
    assert name in text, text[:400]
    for reason in REASONS:
        assert reason["requirement"] in text
        assert reason["explanation"] in text
        assert f"paragraph {reason['paragraph']}" in text
    # administrative review: 14 calendar days from receipt; by email it is received the day it is sent
    due = timezone.localdate() + dt.timedelta(days=14)
    assert f"You must apply by {format_date(due)}" in text
    assert letter.deadlines["stated"]["admin_review"]["deadline"] == due.isoformat()
    assert "£80" in text


def test_welsh_refusal_is_in_welsh_with_welsh_dates(staff):
    person = _person(staff, "Siân Llewellyn")
    letter = services.issue_letter(
        services.prepare_letter(person, "refusal", refusal_context(person, kind="appeal"), language="cy", actor=staff),
        actor=staff)
    text = pdf_text(bytes(letter.pdf))
    for phrase in ("Annwyl", "Siân Llewellyn", "Rydym wedi gwrthod eich cais am Skilled Worker",
                   "Gwnaed y penderfyniad ar 2 Mawrth 2026", "paragraff SW 14.1", "Tribiwnlys Haen Gyntaf"):
        assert phrase in text, phrase
    due = dt.date.fromisoformat(letter.deadlines["stated"]["appeal"]["deadline"])
    assert format_date(due, "cy") in text
    assert format_date(due, "cy").split()[1] in {"Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin",
                                                 "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"}


FULL = {
    "grant": {"leave": {"kind": "skilled_worker", "start": "2026-03-02", "expiry": "2029-03-01",
                        "conditions": ["work only for the sponsor", "no recourse to public funds"]}},
    "rights": {},
    "rfi": {"rfi": {"items": ["Payslips for the last 3 months", "Bank statements"], "respond_by": "2026-03-30"}},
    "interview": {"interview": {"at": "2026-04-14T10:30", "place": "Lunar House, Croydon", "interpreter": "Arabic"}},
    "refusal_of_entry": {"port": "Heathrow Airport", "removal": {"carrier": "PC", "service": "PC123",
                                                                  "departs_at": "2026-03-03T09:30", "destination": "Cairo"}},
    "removal_directions": {"port": "Heathrow Airport", "removal": {"carrier": "PC", "service": "PC123",
                                                                    "departs_at": "2026-03-03T09:30",
                                                                    "destination": "Cairo"}},
}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_template_renders_in_both_languages(staff, language):
    person = _person(staff, "Zoë Brontë")
    for code in KINDS:
        ctx = refusal_context(person)
        ctx.update(FULL.get(code, {}))
        if code in ("refusal_of_entry", "removal_directions"):
            ctx["challenge"] = {"kind": None}
        letter = services.prepare_letter(person, code, ctx, language=language, actor=staff)
        assert "Zoë Brontë" in letter.html and "{{" not in letter.html
        assert letter.template.version >= 1 and letter.title == KINDS[code].title(language)
        assert pdf_text(services.draft_pdf(letter)).count("Zoë Brontë") >= 1
    assert LetterTemplate.objects.filter(language=language).count() == len(KINDS)


def test_missing_context_names_the_field_and_writes_nothing(staff):
    person = _person(staff, "Ана Јовановић")
    ctx = refusal_context(person)
    del ctx["reasons"][1]["paragraph"]
    del ctx["person"]["name"]
    before = (Letter.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput) as exc:
        services.prepare_letter(person, "refusal", ctx, actor=staff)
    assert {e.field for e in exc.value.errors} == {"context.person.name", "context.reasons[1].paragraph"}
    with pytest.raises(InvalidInput) as exc:
        services.prepare_letter(person, "rfi", {"person": {"name": "x"}, "rfi": {"respond_by": "30/03/2026"}},
                                actor=staff, language="fr")
    assert {e.field for e in exc.value.errors} == {"language"}
    with pytest.raises(InvalidInput) as exc:
        services.prepare_letter(person, "rfi", {"person": {"name": "x"}, "rfi": {"respond_by": "30/03/2026"}},
                                actor=staff)
    assert {e.field for e in exc.value.errors} >= {"context.case_reference", "context.rfi.items", "context.rfi.respond_by"}
    assert (Letter.objects.count(), AuditEvent.objects.count()) == before


def test_a_name_no_font_can_print_is_refused_before_issue(staff):
    person = _person(staff, "Test Person")
    ctx = refusal_context(person)
    ctx["person"]["name"] = "Test \ue000 Person"
    letter = services.prepare_letter(person, "refusal", ctx, actor=staff)
    with pytest.raises(InvalidInput) as exc:
        services.issue_letter(letter, actor=staff)
    assert exc.value.errors[0].field == "context.person.name"
    assert Letter.objects.get(pk=letter.pk).state == "draft"


def test_issued_letter_cannot_change_and_service_reruns_deadlines(staff):
    person = _person(staff, "Łukasz Wiśniewski")
    letter = services.prepare_letter(person, "refusal", refusal_context(person), actor=staff)
    letter = services.issue_letter(letter, actor=staff, service_method="post")
    digest, html = letter.sha256, letter.html
    stated = dt.date.fromisoformat(letter.deadlines["stated"]["admin_review"]["deadline"])
    with pytest.raises(Conflict):
        services.issue_letter(letter, actor=staff)
    loaded = Letter.objects.get(pk=letter.pk)
    loaded.html = html.replace("Skilled Worker", "Sk!lled W0rker")
    with pytest.raises(ImmutableLetter):
        loaded.save()
    with pytest.raises(ImmutableLetter):
        Letter.objects.get(pk=letter.pk).delete()
    with pytest.raises(InvalidInput) as exc:
        services.record_service(letter, served_on=timezone.localdate() + dt.timedelta(days=1), method="pigeon",
                                actor=staff)
    assert {e.field for e in exc.value.errors} == {"served_on", "method"}
    served = services.record_service(letter, served_on=timezone.localdate(), method="hand", actor=staff)
    assert served.state == "served" and served.sha256 == digest and services.verify(served)
    from_service = dt.date.fromisoformat(served.deadlines["from_service"]["admin_review"]["deadline"])
    assert from_service == timezone.localdate() + dt.timedelta(days=14)  # by hand: received that day
    # the letter said "by post" (deemed received 2 working days later): the later deadline applies
    assert services.effective_deadlines(served)["admin_review"] == max(stated, from_service) == stated
    assert Letter.objects.get(pk=letter.pk).html == html
    actions = list(AuditEvent.objects.filter(person_id=person.pk, action__startswith="correspondence.")
                   .values_list("action", flat=True))
    assert actions == ["correspondence.prepared", "correspondence.issued", "correspondence.served"]


def test_deadlines_come_from_the_parameters_and_the_calendar():
    # Appeal in the UK: 14 days after the notice is sent, moved off Christmas and the weekend.
    got = dl.compute({"kind": "appeal"}, decided_on=dt.date(2025, 12, 10), served_on=dt.date(2025, 12, 11),
                     method="email")
    assert got["appeal"]["deadline"] == "2025-12-29" and got["appeal"]["days"] == 14
    # Outside the UK: 28 days after receipt.
    got = dl.compute({"kind": "appeal", "location": "outside_uk"}, decided_on=dt.date(2025, 6, 2),
                     served_on=dt.date(2025, 6, 2), method="email")
    assert got["appeal"]["deadline"] == "2025-06-30"
    # Administrative review by post over Easter: deemed received on the 2nd working day (23 April), + 14 days.
    got = dl.compute({"kind": "administrative review"}, decided_on=dt.date(2025, 4, 17),
                     served_on=dt.date(2025, 4, 17), method="post")
    assert got["admin_review"]["from"] == "2025-04-23" and got["admin_review"]["deadline"] == "2025-05-07"
    # Detained: 7 days.
    got = dl.compute({"kind": "administrative review", "location": "detained"}, decided_on=dt.date(2025, 4, 1),
                     served_on=dt.date(2025, 4, 1), method="hand")
    assert got["admin_review"]["deadline"] == "2025-04-08"
    assert dl.compute({"kind": None}, decided_on=dt.date(2025, 4, 1), served_on=dt.date(2025, 4, 1), method="hand") == {}


def test_template_versions_are_kept_and_old_letters_keep_theirs(staff, monkeypatch):
    from portcullis.correspondence import rendering

    person = _person(staff, "Inês Gonçalves")
    first = services.prepare_letter(person, "rfi", dict(refusal_context(person), **FULL["rfi"]), actor=staff)
    real = rendering.source_files

    def edited(code, language):
        body, layout = real(code, language)
        return body.replace("We need more information", "We still need more information"), layout

    monkeypatch.setattr("portcullis.correspondence.services.source_files", edited)
    monkeypatch.setattr(rendering, "source_files", edited)
    second = services.prepare_letter(person, "rfi", dict(refusal_context(person), **FULL["rfi"]), actor=staff)
    assert (first.template.version, second.template.version) == (1, 2)
    issued = services.issue_letter(first, actor=staff)  # re-rendered from version 1, not the new file
    assert "We still need" not in issued.html and "We need more information" in pdf_text(bytes(issued.pdf))
    assert AuditEvent.objects.filter(action="correspondence.template_registered").count() >= 2


@pytest.mark.postgres
def test_database_refuses_to_change_an_issued_letter(staff):
    from django.db import DatabaseError, connection, transaction

    person = _person(staff, "Ahmed Hassan")
    letter = services.issue_letter(services.prepare_letter(person, "refusal", refusal_context(person), actor=staff),
                                   actor=staff)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE correspondence_letter SET html = 'forged' WHERE id = %s", [letter.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM correspondence_letter WHERE id = %s", [letter.pk])
    with transaction.atomic(), connection.cursor() as cur:  # recording service is still allowed
        cur.execute("UPDATE correspondence_letter SET served_on = CURRENT_DATE, state = 'served' WHERE id = %s",
                    [letter.pk])
