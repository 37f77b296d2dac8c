"""Preview before issue, issue and record service on the web and the API; the person reads their letter."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from portcullis.correspondence import services
from portcullis.correspondence.models import Letter
from portcullis.status.services import create_person_account

from .test_letters import _person, refusal_context

pytestmark = pytest.mark.django_db


def test_preview_issue_and_serve_on_the_web(staff_client, staff):
    person = _person(staff, "محمد عبد الله الحسن")
    letter = services.prepare_letter(person, "refusal", refusal_context(person), actor=staff, related="SW-2026-000123")
    page = staff_client.get(f"/letters/{letter.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "محمد عبد الله الحسن" in html and "DRAFT" in html and "SW 14.1" in html
    pdf = staff_client.get(f"/letters/{letter.pk}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and "draft" in pdf["Content-Disposition"]
    assert staff_client.post(f"/letters/{letter.pk}/issue/", {"service_method": "email"}).status_code == 302
    letter.refresh_from_db()
    assert letter.state == "issued" and letter.sha256 and "DRAFT" not in letter.html
    bad = staff_client.post(f"/letters/{letter.pk}/serve/", {"served_on-day": "31", "served_on-month": "2",
                                                             "served_on-year": "2026", "method": "email"})
    assert bad.status_code == 400 and b'data-field="served_on-day"' in bad.content
    today = timezone.localdate()
    ok = staff_client.post(f"/letters/{letter.pk}/serve/", {"served_on-day": today.day, "served_on-month": today.month,
                                                            "served_on-year": today.year, "method": "email"}, follow=True)
    assert ok.status_code == 200 and 'data-testid="deadline-admin_review"' in ok.content.decode()
    assert Letter.objects.get(pk=letter.pk).served_on == today
    # the letter is listed on the person page
    assert f"/letters/{letter.pk}/" in staff_client.get(f"/people/{person.reference}/").content.decode()


def test_person_reads_their_own_served_letter_only(staff):
    person = _person(staff, "王小明")
    other = _person(staff, "Ольга Иванова", dob="1970-01-01")
    letter = services.issue_letter(services.prepare_letter(person, "refusal", refusal_context(person), actor=staff),
                                   actor=staff)
    services.record_service(letter, served_on=timezone.localdate(), method="online", actor=staff)
    mine = create_person_account(person, username="wang.xm", password="a long demo passphrase 42", actor=staff)
    theirs = create_person_account(other, username="olga.i", password="a long demo passphrase 42", actor=staff)
    c = Client()
    c.force_login(mine.user)
    assert "Decision on your application: refused" in c.get("/my-status/").content.decode()
    response = c.get(f"/letters/mine/{letter.pk}/")
    assert response.status_code == 200 and response.content == bytes(Letter.objects.get(pk=letter.pk).pdf)
    c.force_login(theirs.user)
    assert c.get(f"/letters/mine/{letter.pk}/").status_code == 404
    assert c.get(f"/letters/{letter.pk}/").status_code == 403  # the staff preview is not for person accounts


def test_api_prepare_issue_serve(api, staff):
    person = _person(staff, "Ana María Peña")
    ctx = json.loads(json.dumps(refusal_context(person), default=str))
    del ctx["reasons"][0]["explanation"]
    bad = api.post("/api/v1/letters", json.dumps({"person": person.reference, "template": "refusal", "context": ctx}))
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["context.reasons[0].explanation"]
    ctx = json.loads(json.dumps(refusal_context(person), default=str))
    made = api.post("/api/v1/letters", json.dumps({"person": person.reference, "template": "refusal", "language": "cy",
                                                   "context": ctx, "related": "SW-2026-000123"}))
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert "Annwyl" in api.get(f"/api/v1/letters/{pk}/html").content.decode()
    issued = api.post(f"/api/v1/letters/{pk}/issue", json.dumps({"service_method": "post"})).json()
    assert issued["state"] == "issued" and len(issued["sha256"]) == 64
    served = api.post(f"/api/v1/letters/{pk}/service",
                      json.dumps({"served_on": timezone.localdate().isoformat(), "method": "post"})).json()
    assert served["state"] == "served" and served["deadlines"]["effective"]["admin_review"]
    pdf = api.get(f"/api/v1/letters/{pk}/pdf")
    assert pdf["X-Content-SHA256"] == issued["sha256"]
