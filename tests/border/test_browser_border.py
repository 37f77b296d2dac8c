"""In a real browser: the desk journey from scan to refusal with removal directions."""

from __future__ import annotations

import json

import pytest

from portcullis.audit.models import AuditEvent
from portcullis.audit.services import verify
from portcullis.watchlists import services as watchlists
from portcullis.workforce.authority import SYSTEM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ERIKSSON = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


def test_scan_hit_refer_then_cio_refuses_with_removal_directions(page, sign_in, make_staff, tmp_path, browser, live_server):
    watchlists.reset_index()
    path = tmp_path / "w.jsonl"
    path.write_text(json.dumps({"id": "DO-77", "names": ["Anna Maria Eriksson"], "birth_dates": ["1974-08-12"]}) + "\n")
    watchlists.import_entries("deportation-orders", path, actor=SYSTEM, default_action="refuse_entry")
    io = make_staff("IO", "lhr-border", "border")
    cio = make_staff("CIO", "lhr-border", "border")

    # 1. The officer scans the specimen passport, sees the hit and refers the traveller.
    sign_in(io)
    page.click("text=Primary control desk")
    page.fill("#mrz", ERIKSSON)
    page.click("button:has-text('Read document')")
    hit = page.locator("[data-testid=hit]").first
    assert "DO-77" in hit.inner_text()
    page.fill("#reason", "Watchlist hit DO-77: deportation order")
    page.click("button:has-text('Refer to secondary examination')")
    assert "Referred to secondary examination" in page.locator("[data-testid=outcome]").inner_text()
    exam_url = page.url

    # 2. The chief immigration officer refuses entry and sets removal directions.
    page.wait_for_load_state("networkidle")  # the referral's redirect has landed before the officer leaves
    page.context.clear_cookies()
    sign_in(cio)
    page.click("text=Referrals awaiting a decision")
    page.click("table a >> nth=0")
    assert page.url == exam_url
    page.check("#g-deportation_order")
    page.fill("#refuse-reason", "Subject to a deportation order; excluded.")
    page.fill("#removal_carrier_code", "BA")
    page.fill("#removal_service", "BA0117")
    page.fill("#removal_departs_at", "2026-12-01T18:00")
    page.fill("#removal_destination", "ARN")
    page.click("button:has-text('Refuse entry')")
    assert "Refused entry" in page.locator("[data-testid=outcome]").inner_text()
    assert "BA0117" in page.locator("[data-testid=removal]").inner_text()

    # 3. The person's timeline and the audit trail show each step.
    page.click("a:has-text('PCL')")
    timeline = page.locator("[data-testid=timeline]").inner_text()
    for action in ("border.examination_started", "screening.completed", "border.referred", "border.entry_refused"):
        assert action in timeline
    actors = dict(AuditEvent.objects.filter(action__in=["border.referred", "border.entry_refused"])
                  .values_list("action", "actor"))
    assert actors == {"border.referred": io.username, "border.entry_refused": cio.username}
    assert verify() == []
