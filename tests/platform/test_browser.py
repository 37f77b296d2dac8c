"""In a real browser: sign in, find a person by a misspelt name, open their record."""

from __future__ import annotations

import pytest

from portcullis.audit.models import AccessLogEntry
from portcullis.people.services import DocumentInput, NameInput, PersonDetails, resolve_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_search_misspelt_name_and_open_person(page, sign_in, make_staff):
    officer = make_staff("IO", "lhr-border", "border")
    for name, dob, number, state in [
        ("Małgorzata Wiśniewska", "1984-07-21", "EA1234567", "POL"),
        ("Margaret Wisniewski", "1962-01-02", "123456789", "GBR"),
        ("Анна Петрова", "1975-04-02", "7512345", "RUS"),
    ]:
        resolve_person(PersonDetails(names=[NameInput(full_name=name)], birth_date=dob, nationalities=[state],
                                     documents=[DocumentInput(number=number, issuing_state=state)]),
                       actor=officer, reason="fixture")
    sign_in(officer)
    page.click("text=Find a person")
    page.fill("#name", "Malgorzata Wisniewsak")  # misspelt, no diacritics
    page.click("button:has-text('Search')")
    first = page.locator("table tbody tr").first
    assert "Małgorzata Wiśniewska" in first.inner_text()
    first.locator("a").click()
    page.wait_for_selector("h1:has-text('Małgorzata Wiśniewska')")
    assert "EA1234567" in page.content()
    assert "person.created" in page.locator("[data-testid=timeline]").inner_text()
    assert AccessLogEntry.objects.filter(user=officer, channel="web").count() == 1
