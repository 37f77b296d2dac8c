"""The casework pages with the Django test client."""

from __future__ import annotations

import datetime as dt

from portcullis.audit.models import AccessLogEntry
from portcullis.casework import services
from portcullis.casework.models import Application

from cw_helpers import visitor_facts


def _login(client, user):
    client.force_login(user)
    return client


def test_home_tiles_and_my_queue_take_next(client, submit, make_staff):
    case = submit()
    ao = make_staff("AO", "shf-visas")
    _login(client, ao)
    home = client.get("/").content.decode()
    assert "My cases" in home and "Team queue" in home
    r = client.post("/cases/take-next/")
    assert r.status_code == 302 and r["Location"].endswith(f"/cases/{case.reference}/")
    page = client.get(r["Location"])
    assert page.status_code == 200
    assert AccessLogEntry.objects.filter(user=ao, person_id=case.person_id, channel="web").exists()
    assert case.reference in client.get("/cases/").content.decode()


def test_team_queue_filters(client, submit, make_staff):
    a = submit()
    b = submit(child=True)
    _login(client, make_staff("EO", "shf-visas"))
    body = client.get("/cases/queue/?flag=child").content.decode()
    assert b.reference in body and a.reference not in body
    body = client.get("/cases/queue/?status=received&owner=unallocated").content.decode()
    assert a.reference in body and b.reference in body


def test_intake_form_bad_input_names_field_and_good_input_creates_case(client, submit, make_staff):
    import json

    _login(client, submit.clerk)
    r = client.post("/cases/new/", {"route": "visitor", "facts": "{not json", "full_name": "Zoë Brontë",
                                    "fee_amount": "127"})
    assert r.status_code == 400 and 'data-field="facts"' in r.content.decode()
    assert Application.objects.count() == 0
    r = client.post("/cases/new/", {"route": "visitor", "facts": json.dumps(visitor_facts()), "full_name": "Zoë Brontë",
                                    "birth_date": "1988-02-03", "nationality": "FRA", "passport_number": "18AB12345",
                                    "fee_amount": "127.00", "child": "1"})
    assert r.status_code == 302
    case = Application.objects.get()
    assert case.channel == "paper" and case.child


def test_case_page_actions_and_person_panel(client, submit, make_staff):
    case = submit(facts=visitor_facts(sufficient_funds=None))
    ao = make_staff("AO", "shf-visas")
    services.take_next(ao)
    _login(client, ao)
    url = f"/cases/{case.reference}/"
    for action in ("validate", "start_checks", "start_consideration"):
        assert client.post(url, {"action": action}).status_code == 302
    body = client.get(url).content.decode()
    assert "REFER" in body and "Appendix V V4.2(e)" in body
    r = client.post(url, {"action": "decide", "outcome": "REFUSE", "rationale": ""})
    assert r.status_code == 400 and 'data-field="rationale"' in r.content.decode()
    r = client.post(url, {"action": "request_evidence", "items": "bank statements",
                          "due_date": (dt.date.today() + dt.timedelta(days=10)).isoformat()})
    assert r.status_code == 302
    person_page = client.get(f"/people/{case.person.reference}/").content.decode()
    assert case.reference in person_page and "Applications" in person_page


def test_stuck_page(client, submit, make_staff):
    from django.utils import timezone

    case = submit()
    Application.objects.filter(pk=case.pk).update(last_transition_at=timezone.now() - dt.timedelta(days=20))
    _login(client, make_staff("HEO", "shf-visas"))
    assert case.reference in client.get("/cases/stuck/?days=14").content.decode()


def test_demo_build_fills_the_casework_queues(submit, make_staff):
    import random

    from portcullis.casework import demo

    submit()  # someone to apply
    demo.build(rng=random.Random(1), actor=submit.clerk)
    queues = set(Application.objects.values_list("queue__code", flat=True))
    assert {"shf-visas", "cro-nationality", "jsy-casework"} <= queues
