"""Recording evidence on the case page: the route's facts asked as questions, filled with the case's.

What the caseworker changes is recorded with the evidence (and only that); an input that cannot be
read, or a known fact left empty, is refused naming the input, and nothing is written.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from portcullis.casework import facts_form, services
from portcullis.casework.models import Application, RequestForEvidence

from cw_helpers import visitor_facts

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting(submit, make_staff, to_consideration):
    """A visitor case in consideration, sufficient funds not known, with one open request for evidence."""
    case = submit(facts=visitor_facts(sufficient_funds=None))
    ao = make_staff("AO", "shf-visas")
    case = services.take_next(ao)
    to_consideration(case, ao)
    rfi = services.request_evidence(case, items="bank statements", due_date=timezone.localdate() + dt.timedelta(days=9),
                                    actor=ao)
    return Application.objects.get(pk=case.pk), rfi, ao


def _post(client, case, rfi, data):
    fields = facts_form.fields_for("visitor")
    form = {"action": "record_evidence", "rfi": rfi.pk, "response": "three months of statements",
            **facts_form.form_data(fields, case.facts)}  # what the page showed
    form.update(data)
    return client.post(f"/cases/{case.reference}/", form)


def test_page_asks_the_facts_filled_with_the_cases(client, awaiting):
    case, rfi, ao = awaiting
    client.force_login(ao)
    body = client.get(f"/cases/{case.reference}/").content.decode()
    assert 'data-testid="evidence-facts"' in body
    assert 'name="facts.intended_stay_days" type="text" value="21"' in body
    # Sufficient funds is not known: its "Not known" radio is the one checked.
    assert 'id="facts.sufficient_funds-unknown" name="facts.sufficient_funds" type="radio" value="" checked' in body
    assert 'id="facts.sufficient_funds" name="facts.sufficient_funds" type="radio" value="yes">' in body


def test_changed_answer_is_recorded_alone_and_the_case_reevaluated(client, awaiting):
    case, rfi, ao = awaiting
    before = dict(case.facts)
    client.force_login(ao)
    r = _post(client, case, rfi, {"facts.sufficient_funds": "yes"})
    assert r.status_code == 302
    rfi.refresh_from_db()
    case.refresh_from_db()
    assert not rfi.is_open and rfi.facts_updated == {"sufficient_funds": True}
    assert case.facts == {**before, "sufficient_funds": True}
    assert services.latest_evaluation(case).outcome == "GRANT"  # in consideration: evaluated again


def test_nested_answer_keeps_the_rest_of_its_object(client, awaiting):
    case, rfi, ao = awaiting
    client.force_login(ao)
    r = _post(client, case, rfi, {"facts.part9.nhs_debt_gbp": "1500"})
    assert r.status_code == 302
    rfi.refresh_from_db()
    case.refresh_from_db()
    assert case.facts["part9"] == {**visitor_facts()["part9"], "nhs_debt_gbp": 1500}
    assert rfi.facts_updated == {"part9": case.facts["part9"]}


def test_no_change_records_no_facts(client, awaiting):
    case, rfi, ao = awaiting
    before = dict(case.facts)
    client.force_login(ao)
    assert _post(client, case, rfi, {}).status_code == 302
    rfi.refresh_from_db()
    case.refresh_from_db()
    assert rfi.facts_updated == {} and case.facts == before and not rfi.is_open


@pytest.mark.parametrize("data, field, words", [
    ({"facts.intended_stay_days": "three weeks"}, "facts.intended_stay_days", "whole number"),
    ({"facts.holds_eta": ""}, "facts.holds_eta", "not remove it"),  # known, now "Not known"
    ({"facts.part9.nhs_debt_gbp": ""}, "facts.part9.nhs_debt_gbp", "not remove it"),
])
def test_bad_or_cleared_answer_is_refused_naming_the_input_and_nothing_is_written(client, awaiting, data, field,
                                                                                  words):
    case, rfi, ao = awaiting
    before = dict(case.facts)
    client.force_login(ao)
    r = _post(client, case, rfi, data)
    assert r.status_code == 400
    body = r.content.decode()
    assert f'data-field="{field}"' in body and words in body
    # The form comes back with what was posted, the error against its input.
    assert "three months of statements" in body
    assert f'id="{field}-error"' in body
    rfi.refresh_from_db()
    case.refresh_from_db()
    assert rfi.is_open and case.facts == before
    assert RequestForEvidence.objects.get(pk=rfi.pk).responded_at is None


def test_two_open_requests_ask_which_one_is_answered(client, awaiting):
    case, rfi, ao = awaiting
    other = services.request_evidence(case, items="employer letter", due_date=timezone.localdate() + dt.timedelta(days=9),
                                      actor=ao)
    client.force_login(ao)
    body = client.get(f"/cases/{case.reference}/").content.decode()
    assert f'id="rfi-{rfi.pk}"' in body and f'id="rfi-{other.pk}"' in body
    r = _post(client, case, rfi, {"rfi": ""})
    assert r.status_code == 400 and 'data-field="rfi"' in r.content.decode()
    assert _post(client, case, rfi, {"rfi": other.pk}).status_code == 302
    other.refresh_from_db()
    rfi.refresh_from_db()
    assert not other.is_open and rfi.is_open


def test_add_more_rows_returns_the_form_as_keyed_and_records_nothing(client, submit, make_staff, to_consideration):
    """Evidence of a conviction on a naturalisation case: more rows for it, then the entry recorded."""
    case = submit(route="naturalisation_6_1", facts={"convictions": []})
    ao = make_staff("AO", case.queue.code)
    case = services.take_next(ao)
    rfi = services.request_evidence(case, items="police certificate", due_date=timezone.localdate() + dt.timedelta(days=9),
                                    actor=ao)
    client.force_login(ao)
    url = f"/cases/{case.reference}/"
    base = {"action": "record_evidence", "rfi": rfi.pk, "response": "certificate shows one conviction"}
    r = client.post(url, {**base, "facts.convictions": "entries", "facts.convictions[0].date": "2019-01-02",
                          "more_rows": "facts.convictions"})
    assert r.status_code == 200
    body = r.content.decode()
    assert 'value="2019-01-02"' in body and 'name="facts.convictions[7].date"' in body  # 1 + 2 blank + 5 more
    assert "certificate shows one conviction" in body
    rfi.refresh_from_db()
    assert rfi.is_open and Application.objects.get(pk=case.pk).facts["convictions"] == []
    r = client.post(url, {**base, "facts.convictions": "entries", "facts.convictions[0].date": "2019-01-02",
                          "facts.convictions[0].disposal": "non_custodial"})
    assert r.status_code == 302
    rfi.refresh_from_db()
    assert rfi.facts_updated == {"convictions": [{"date": "2019-01-02", "disposal": "non_custodial"}]}
