"""Shared fixtures: staff of any grade, signed-in clients and API tokens."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
_counter = itertools.count(1)

# Playwright's sync API runs an event loop; Django's ORM calls from the test thread are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def make_staff(db):
    from django.contrib.auth import get_user_model

    from portcullis.workforce.models import Location, StaffProfile, Team

    def make(grade: str = "EO", team_code: str = "shf-visas", function: str = "casework", *, password: str = "correct horse battery staple",
             username: str | None = None, location_code: str | None = None, location_kind: str | None = None):
        n = next(_counter)
        loc_code = location_code or ("LHR" if function == "border" else "SHF")
        kind = location_kind or ("port" if function == "border" else "casework")
        location, _ = Location.objects.get_or_create(code=loc_code, defaults={"name": loc_code, "kind": kind})
        team, _ = Team.objects.get_or_create(code=team_code, defaults={"name": team_code, "function": function,
                                                                        "location": location})
        user = get_user_model().objects.create_user(username or f"{grade.lower()}{n}", password=password,
                                                    first_name="Test", last_name=grade)
        StaffProfile.objects.create(user=user, grade=grade, team=team, location=location, staff_number=f"T{n:06d}")
        return user

    return make


@pytest.fixture
def staff(make_staff):
    return make_staff("EO")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    client.user = staff
    return client


@pytest.fixture
def api_token(staff):
    from portcullis.api.models import ApiToken

    _token, raw = ApiToken.issue(user=staff, name="tests")
    return raw


@pytest.fixture
def api(client, api_token):
    """A test client that sends the bearer token."""

    class Api:
        def __init__(self):
            self.headers = {"Authorization": f"Bearer {api_token}"}

        def get(self, path, **kw):
            return client.get(path, headers=self.headers, **kw)

        def post(self, path, data=None, **kw):
            return client.post(path, data=data, content_type="application/json", headers=self.headers, **kw)

    return Api()


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need PostgreSQL; on SQLite they are skipped with the reason."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (make test runs it there too)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


CHROMIUM = os.environ.get("PORTCULLIS_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs the Debian chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    def do(user, password="correct horse battery staple"):
        # Nothing from the previous page may still be in flight: a late response to a request made
        # without cookies would set a new CSRF cookie under the sign-in form's token.
        page.wait_for_load_state("networkidle")
        page.goto("/sign-in/")
        page.wait_for_load_state("networkidle")
        page.fill("#username", user.username)
        page.fill("#password", password)
        page.click("button:has-text('Sign in')")
        page.wait_for_selector("[data-testid=signed-in-as]")

    return do
