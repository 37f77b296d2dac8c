"""In a real browser: a person signs in and creates a share code; an employer checks it."""

from __future__ import annotations

import datetime as dt

import pytest

from portcullis.people.services import NameInput, PersonDetails, resolve_person
from portcullis.status import services
from portcullis.status.models import ShareCheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long demo passphrase 42"


def test_person_creates_a_share_code_and_an_employer_checks_it(page, browser, live_server, make_staff):
    officer = make_staff("EO")
    person = resolve_person(PersonDetails(names=[NameInput(full_name="فاطمة الزهراء")], birth_date="1991-07-15"),
                            actor=officer, reason="fixture").person
    services.grant_status(person, kind="skilled_worker", start=dt.date(2025, 2, 1), expiry=dt.date(2030, 1, 31),
                          conditions=["work only for the sponsor"], actor=officer, reason="granted",
                          source="casework", source_ref="SW-1")
    services.create_person_account(person, username="fatima.z", password=PASSWORD, actor=officer)

    page.goto("/sign-in/?next=/my-status/")
    page.fill("#username", "fatima.z")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("[data-testid=status-history]")
    assert "Skilled Worker leave" in page.locator("[data-testid=status-history]").inner_text()
    page.check("#purpose-right_to_work")
    page.click("button:has-text('Create a share code')")
    code = page.locator("[data-testid=share-code]").inner_text().strip()
    assert len(code.replace(" ", "")) == 9

    employer = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    employer.goto("/check/")
    employer.fill("#share_code", code)
    employer.fill("#birth_date-day", "15")
    employer.fill("#birth_date-month", "7")
    employer.fill("#birth_date-year", "1991")
    employer.fill("#organisation", "Cardiff Bakery Ltd")
    employer.click("button:has-text('Check status')")
    employer.wait_for_selector("[data-testid=check-result]")
    assert "فاطمة الزهراء" in employer.locator("[data-testid=checked-name]").inner_text()
    assert "Skilled Worker leave" in employer.locator("[data-testid=status-kind]").inner_text()
    assert "31 January 2030" in employer.locator("[data-testid=status-expiry]").inner_text()
    assert "work only for the sponsor" in employer.locator("[data-testid=status-conditions]").inner_text()
    reference = employer.locator("[data-testid=check-reference]").inner_text().strip()
    assert ShareCheck.objects.get(reference=reference).organisation == "Cardiff Bakery Ltd"
    employer.context.close()

    page.reload()
    checks = page.locator("[data-testid=checks]").inner_text()
    assert "Cardiff Bakery Ltd" in checks and reference in checks
