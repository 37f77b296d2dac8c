"""The casework pages with the Django test client."""

from __future__ import annotations

import datetime as dt

import pytest

from portcullis.audit.models import AccessLogEntry
from portcullis.casework import facts_form, services
from portcullis.casework.lifecycle import route_config
from portcullis.casework.models import Application
from portcullis.casework.record_facts import RECORD_FACTS

from cw_helpers import example_facts, visitor_facts


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


# -- intake: the route's facts as questions -----------------------------------------------------------

def _applicant_form(**changes) -> dict:
    return {"full_name": "Zoë Brontë", "birth_date": "1988-02-03", "nationality": "FRA",
            "passport_number": "18AB12345", "fee_amount": "127.00", **changes}


def test_intake_starts_by_choosing_the_route(client, submit):
    _login(client, submit.clerk)
    body = client.get("/cases/new/").content.decode()
    assert "What is the application for?" in body and 'name="facts.' not in body
    for name in (v["name"] for v in route_config().values()):
        assert name in body
    r = client.get("/cases/new/?route=nonsense")
    assert r.status_code == 400 and 'data-field="route"' in r.content.decode()
    body = client.get("/cases/new/?route=skilled_worker").content.decode()
    assert 'name="route" value="skilled_worker"' in body and "Skilled Worker" in body
    assert 'href="/cases/new/?route=skilled_worker&amp;change=1"' in body
    body = client.get("/cases/new/?route=skilled_worker&change=1").content.decode()
    assert 'value="skilled_worker" checked' in body and 'name="facts.' not in body
    r = client.post("/cases/new/", _applicant_form(route="nonsense"))
    assert r.status_code == 400 and 'data-field="route"' in r.content.decode()
    assert Application.objects.count() == 0


def test_intake_form_shows_a_question_per_fact_of_its_type(client, submit):
    _login(client, submit.clerk)
    body = client.get("/cases/new/?route=skilled_worker").content.decode()
    # boolean: Yes / No / Not known radios, Not known chosen until answered
    assert 'id="facts.cos_valid" name="facts.cos_valid" type="radio" value="yes"' in body
    assert 'id="facts.cos_valid-unknown" name="facts.cos_valid" type="radio" value="" checked' in body
    # numbers: a text input the phone shows a number pad for
    assert 'id="facts.occupation_rqf" name="facts.occupation_rqf" type="text" value="" inputmode="numeric"' in body
    assert 'id="facts.salary_annual" name="facts.salary_annual" type="text" value="" inputmode="decimal"' in body
    assert "Annual salary (£)" in body and "Guaranteed basic gross annual pay" in body
    # enum: a select starting at Not known; date: YYYY-MM-DD text
    assert '<select class="govuk-select" id="facts.english_level"' in body and '<option value="">Not known</option>' in body
    assert 'id="facts.cos_end_date" name="facts.cos_end_date" type="text"' in body
    # a nested object: its own fieldset
    assert 'data-section="Funds"' in body and 'name="facts.funds.days_held"' in body
    # the record facts are never asked for
    for name in RECORD_FACTS:
        assert f'name="facts.{name}"' not in body
    nat = client.get("/cases/new/?route=naturalisation_6_1").content.decode()
    # a list of entries: Entries below / None / Not known, then a row of inputs per entry
    assert 'id="facts.trips-unknown" name="facts.trips" type="radio" value="" checked' in nat
    assert 'id="facts.trips[0].departed" name="facts.trips[0].departed" type="text" value=""' in nat
    assert '<select class="govuk-select" id="facts.convictions[0].disposal"' in nat
    assert '<textarea class="govuk-textarea" id="facts.trips"' not in nat
    assert "Advanced: paste facts as JSON" in nat


@pytest.mark.parametrize("route", sorted(route_config()))
def test_every_route_is_received_from_its_form_with_the_facts_keyed(client, submit, route):
    rules_route = route_config()[route]["rules_route"]
    fields = facts_form.fields_for(rules_route)
    _login(client, submit.clerk)
    body = client.get(f"/cases/new/?route={route}").content.decode()
    for f in fields:
        assert f'id="{f.name}"' in body, f.name
    keyed = visitor_facts() if route == "visitor" else example_facts(rules_route)
    record = {k: keyed.pop(k) for k in list(keyed) if k in RECORD_FACTS}
    data = {**_applicant_form(route=route, birth_date=record.get("date_of_birth", "1988-02-03"),
                              application_date=record.get("application_date", "")),
            **facts_form.form_data(fields, keyed)}
    r = client.post("/cases/new/", data)
    assert r.status_code == 302, [line for line in r.content.decode().splitlines() if "data-field" in line]
    case = Application.objects.get()
    assert {k: v for k, v in case.facts.items() if k not in RECORD_FACTS} == keyed
    assert {k: v for k, v in case.facts.items() if k in RECORD_FACTS} == {
        k: v for k, v in record.items() if k != "decision_date"}


def test_intake_bad_number_date_and_json_name_the_field_and_write_nothing(client, submit):
    _login(client, submit.clerk)
    r = client.post("/cases/new/", _applicant_form(**{
        "route": "skilled_worker", "facts.salary_annual": "45k", "facts.cos_end_date": "31/07/2028",
        "facts.funds.days_held": "28.5", "facts.cos_valid": "yes", "facts": "{not json"}))
    body = r.content.decode()
    assert r.status_code == 400
    for field in ("facts.salary_annual", "facts.cos_end_date", "facts.funds.days_held", "facts"):
        assert f'data-field="{field}"' in body, field
    assert "Annual salary (£): must be a number" in body and "Funds: Days held: must be a whole number" in body
    # what was keyed is shown again, with the error beside it
    assert 'value="45k"' in body and 'id="facts.salary_annual-error"' in body and "govuk-input--error" in body
    assert 'id="facts.cos_valid" name="facts.cos_valid" type="radio" value="yes" checked' in body
    assert Application.objects.count() == 0
    # The rules' own checks (here a minimum) name the fact too, with its label.
    r = client.post("/cases/new/", _applicant_form(**{"route": "visitor", "facts.intended_stay_days": "-3"}))
    body = r.content.decode()
    assert r.status_code == 400 and 'data-field="facts.intended_stay_days"' in body
    assert "Intended stay days: Input should be greater than or equal to 0" in body
    # A fact given both as a field and in the pasted JSON, differently, is refused.
    r = client.post("/cases/new/", _applicant_form(**{"route": "visitor", "facts.intended_stay_days": "21",
                                                      "facts": '{"intended_stay_days": 30}'}))
    assert r.status_code == 400 and 'data-field="facts.intended_stay_days"' in r.content.decode()
    assert Application.objects.count() == 0


def test_not_known_is_left_out_and_the_case_page_shows_the_facts_as_a_summary_list(client, submit):
    _login(client, submit.clerk)
    r = client.post("/cases/new/", _applicant_form(**{
        "route": "skilled_worker", "application_date": "2025-08-15", "birth_date": "1992-05-01",
        "facts.sponsor_licensed": "yes", "facts.first_application": "no", "facts.cos_valid": "",
        "facts.salary_annual": "45,000", "facts.cos_end_date": "2028-07-31", "facts.applying_from": "outside_uk",
        "facts.funds.sponsor_certifies_maintenance": "yes", "facts.funds.days_held": "", "facts.english_level": ""}))
    assert r.status_code == 302
    case = Application.objects.get()
    assert case.facts == {"sponsor_licensed": True, "first_application": False, "salary_annual": 45000,
                          "cos_end_date": "2028-07-31", "applying_from": "outside_uk",
                          "funds": {"sponsor_certifies_maintenance": True},
                          "application_date": "2025-08-15", "date_of_birth": "1992-05-01"}
    body = client.get(r["Location"]).content.decode()
    assert '<div data-testid="facts">' in body and "<pre" not in body
    assert '<h3 class="govuk-heading-s govuk-!-margin-bottom-2">Funds</h3>' in body
    for label, value in [("Sponsor licensed", "Yes"), ("First application", "No"), ("CoS end date", "31 July 2028"),
                         ("Annual salary (£)", "45,000"), ("Applying from", "Outside UK"),
                         ("Sponsor certifies maintenance", "Yes"),
                         ("Application date (from the record)", "15 August 2025")]:
        assert (f'<dt class="govuk-summary-list__key">{label}</dt><dd class="govuk-summary-list__value">{value}</dd>'
                in body), label
    assert "Not given (" in body and "<li>CoS valid</li>" in body


def test_intake_list_rows_record_entries_and_add_more_rows_saves_nothing(client, submit):
    """Naturalisation trips keyed as rows, not JSON; "Add more rows" returns the form as keyed with
    more empty rows and writes nothing."""
    _login(client, submit.clerk)
    form = {"route": "naturalisation_6_1", "full_name": "Kwame Mensah", "birth_date": "1985-06-01",
            "nationality": "GHA", "passport_number": "G1234567", "fee_amount": "1709.00",
            "facts.trips": "entries", "facts.trips[0].departed": "2022-03-01", "facts.trips[0].returned": "2022-03-20",
            "facts.trips[0].reason": "holiday", "facts.trips[1].departed": "2023-08-02",
            "facts.trips[1].returned": "2023-08-30", "facts.convictions": "none"}
    r = client.post("/cases/new/", {**form, "more_rows": "facts.trips"})
    assert r.status_code == 200 and Application.objects.count() == 0
    body = r.content.decode()
    assert 'value="holiday"' in body and 'name="facts.trips[8].departed"' in body  # 2 keyed + 2 blank + 5 more
    assert 'name="facts.trips[9].departed"' not in body
    r = client.post("/cases/new/", {**form, "facts.trips[3].departed": "last summer"})
    assert r.status_code == 400 and Application.objects.count() == 0
    body = r.content.decode()
    assert 'data-field="facts.trips[3].departed"' in body and 'id="facts.trips[3].departed-error"' in body
    assert client.post("/cases/new/", form).status_code == 302
    case = Application.objects.get()
    assert case.facts["trips"] == [{"departed": "2022-03-01", "returned": "2022-03-20", "reason": "holiday"},
                                   {"departed": "2023-08-02", "returned": "2023-08-30"}]
    assert case.facts["convictions"] == []
    assert "movements" not in case.facts  # left as not known


def test_enter_in_a_box_submits_the_form_not_add_more_rows(client, submit):
    """A browser submits a form on Enter with its first submit button: that must be the form's own
    submit, ahead of every "Add more rows" (which has a name, and saves nothing)."""
    _login(client, submit.clerk)
    body = client.get("/cases/new/?route=naturalisation_6_1").content.decode()
    form = body[body.index('<form method="post" enctype="multipart/form-data"'):]  # the intake form
    first_button = form[form.index("<button"):form.index("</button>")]
    assert 'data-testid="default-submit"' in first_button and "name=" not in first_button
    assert form.index('data-testid="default-submit"') < form.index('name="more_rows"')
