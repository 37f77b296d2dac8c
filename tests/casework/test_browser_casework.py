"""In a real browser: an AO takes the next case, requests and records evidence, sees REFER, writes a
rationale and proposes refusal; an EO countersigns; the decision is on the person's timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from portcullis.casework import services
from portcullis.casework.models import Application, Decision

from cw_helpers import applicant, visitor_facts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ao_proposes_refusal_eo_countersigns_person_timeline_shows_it(page, sign_in, make_staff):
    clerk = make_staff("AA", "shf-visas")
    ao = make_staff("AO", "shf-visas")
    eo = make_staff("EO", "shf-visas")
    case = services.submit_application(services.ApplicationInput(
        route="visitor", facts=visitor_facts(sufficient_funds=None), applicant=applicant("Анна Петрова", "1975-04-02",
                                                                                        nationality="RUS"),
        fee=services.FeeInput(amount="127.00")), actor=clerk)

    # 1. The AO takes the next case and works it.
    sign_in(ao)
    page.goto("/cases/")
    page.click("[data-testid=take-next]")
    page.wait_for_selector(f"text={case.reference}")
    assert "Анна Петрова" in page.locator("h1").inner_text()
    for label in ("Validate", "Start checks", "Start consideration"):
        page.click(f"button:has-text('{label}')")
        page.wait_for_selector(".govuk-notification-banner--success")
    page.click("summary:has-text('Request evidence')")
    page.fill("#items", "Bank statements for the last three months")
    page.fill("#due_date", (dt.date.today() + dt.timedelta(days=14)).isoformat())
    page.click("button:has-text('Send request')")
    page.wait_for_selector("text=clock is paused")
    assert "Awaiting evidence" in page.locator("[data-testid=case-status]").inner_text()
    page.fill("#response", "Statements received but they do not show the funds claimed")
    page.click("button:has-text('Record evidence')")
    page.wait_for_selector("text=the clock has restarted")
    page.click("[data-testid=evaluate]")
    page.wait_for_selector("text=Evaluated against the rules: REFER")
    assert "REFER" in page.locator("[data-testid=evaluation-outcome]").inner_text()
    tree = page.locator("[data-testid=evaluation-tree]").inner_text()
    assert "Appendix V V4.2(e)" in tree and "NOT_KNOWN" in tree
    page.check("#outcome-refuse")
    page.click("[data-testid=decision-form] button:has-text('Decide')")
    page.wait_for_selector(".govuk-error-summary")  # REFER: a rationale is mandatory
    assert page.locator(".govuk-error-summary a[data-field=rationale]").count() == 1
    page.check("#outcome-refuse")
    page.fill("#rationale", "The statements do not show funds for the visit; not satisfied of V4.2(e).")
    page.click("[data-testid=decision-form] button:has-text('Decide')")
    page.wait_for_selector("text=Decision proposed for countersignature")
    assert Application.objects.get(pk=case.pk).status == "pending_countersignature"
    page.click("button:has-text('Sign out')")

    # 2. The EO countersigns.
    sign_in(eo)
    page.goto("/cases/countersign/")
    page.click(f"a:has-text('{case.reference}')")
    page.click("[data-testid=countersign-form] button:has-text('Countersign')")
    page.wait_for_selector("text=Decision countersigned")
    decision = Decision.objects.get(application=case)
    assert decision.state == "decided" and decision.countersigned_by == eo and decision.proposed_by == ao

    # 3. The decision is on the person's timeline and in their applications.
    page.click(f"a:has-text('{case.person.reference}')")
    page.wait_for_selector("[data-testid=timeline]")
    timeline = page.locator("[data-testid=timeline]").inner_text()
    assert "casework.countersigned" in timeline and "casework.decision_proposed" in timeline
    assert "Refused" in page.locator("[data-testid=applications]").inner_text()


def test_clerk_receives_an_application_by_answering_the_routes_questions(page, sign_in, make_staff):
    clerk = make_staff("AA", "shf-visas")
    sign_in(clerk)
    page.goto("/cases/new/")
    page.check("label:has-text('Skilled Worker')")
    page.click("button:has-text('Continue')")
    page.wait_for_selector("[data-testid=fact-fields]")
    assert page.locator("[name='facts.application_date']").count() == 0
    page.fill("#names", "Priya Raman")
    page.fill("[id='applicant.birth_date']", "1992-05-01")
    page.fill("#nationality", "IND")
    page.fill("#passport_number", "Z1234567")
    page.fill("[id='fee.amount']", "0")
    page.check("[id='facts.sponsor_licensed']")            # Yes
    page.check("[id='facts.first_application-no']")       # No
    page.select_option("[id='facts.english_level']", "B2")
    page.fill("[id='facts.salary_annual']", "45,000")
    page.fill("[id='facts.cos_end_date']", "2028-07-31x")  # a typo: refused, naming the field
    page.click("button:has-text('Receive application')")
    page.wait_for_selector(".govuk-error-summary")
    assert page.locator(".govuk-error-summary a[data-field='facts.cos_end_date']").count() == 1
    assert Application.objects.count() == 0
    assert page.input_value("[id='facts.salary_annual']") == "45,000"  # what was keyed is kept
    page.fill("[id='facts.cos_end_date']", "2028-07-31")
    page.click("button:has-text('Receive application')")
    page.wait_for_selector("text=received")
    case = Application.objects.get()
    assert case.facts["salary_annual"] == 45000 and case.facts["first_application"] is False
    assert "cos_valid" not in case.facts  # left as Not known
    facts = page.locator("[data-testid=facts]").inner_text()
    assert "31 July 2028" in facts and "45,000" in facts and "B2" in facts


def test_naturalisation_trips_keyed_as_rows_and_enter_submits_the_form(page, sign_in, make_staff):
    """Trips as rows of inputs, "Add more rows" for more, and Enter in a box receives the
    application (the form's own submit, not "Add more rows", is the default button)."""
    clerk = make_staff("AA", "cro-nationality")
    sign_in(clerk)
    page.goto("/cases/new/?route=naturalisation_6_1")
    page.wait_for_selector("[data-testid=fact-fields]")
    page.fill("#names", "Kwame Mensah")
    page.fill("[id='applicant.birth_date']", "1985-06-01")
    page.fill("[id='fee.amount']", "1709")
    page.fill("[id='facts.trips[0].departed']", "2022-03-01")
    page.fill("[id='facts.trips[0].returned']", "2022-03-20")
    page.click("[data-list='facts.trips'] button:has-text('Add more rows')")
    page.wait_for_selector("[id='facts.trips[6].departed']")  # 1 keyed + 2 blank + 5 more (0-based 6)
    assert Application.objects.count() == 0
    assert page.input_value("[id='facts.trips[0].departed']") == "2022-03-01"
    page.fill("[id='facts.trips[5].departed']", "2023-08-02")
    page.press("#names", "Enter")
    page.wait_for_selector("text=received")
    case = Application.objects.get()
    assert case.facts["trips"] == [{"departed": "2022-03-01", "returned": "2022-03-20"}, {"departed": "2023-08-02"}]
