"""The idle timeout with ``last_seen`` rewritten at most once per touch interval (not on every request)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings

from portcullis.web import middleware

pytestmark = pytest.mark.django_db

IDLE = 120
TOUCH = min(middleware._TOUCH_SECONDS, IDLE // 10)  # 12 s for a 120 s idle time


@pytest.fixture
def clock(monkeypatch):
    """A settable clock for the middleware."""

    class Clock:
        now = 1_800_000_000.0

        def __call__(self):
            return self.now

    c = Clock()
    monkeypatch.setattr(middleware, "time", SimpleNamespace(time=c))  # only the middleware's clock
    return c


def _signed_in(client, staff):
    client.force_login(staff)
    return client


def _session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


@override_settings(SESSION_IDLE_SECONDS=IDLE)
def test_last_seen_is_not_rewritten_within_the_touch_interval(client, staff, clock):
    _signed_in(client, staff)
    assert client.get("/").status_code == 200
    first = client.session["last_seen"]
    assert first == int(clock.now)
    row = _session_row(client)
    clock.now += TOUCH - 1
    assert client.get("/").status_code == 200
    assert client.session["last_seen"] == first
    # No session write at all: the stored row is byte for byte the same.
    assert _session_row(client).session_data == row.session_data
    clock.now += 1  # TOUCH seconds after the last write: rewritten
    assert client.get("/").status_code == 200
    assert client.session["last_seen"] == int(clock.now)


@override_settings(SESSION_IDLE_SECONDS=IDLE)
def test_an_active_user_stays_signed_in_past_the_idle_time(client, staff, clock):
    _signed_in(client, staff)
    for _ in range(10):  # a request every 100 s for 1,000 s, far longer than the 120 s idle time
        assert client.get("/").status_code == 200
        clock.now += 100
    assert client.get("/").status_code == 200


@override_settings(SESSION_IDLE_SECONDS=IDLE)
def test_idle_time_counts_from_the_last_write_of_last_seen(client, staff, clock):
    _signed_in(client, staff)
    assert client.get("/").status_code == 200  # writes last_seen
    clock.now += TOUCH - 1
    assert client.get("/").status_code == 200  # too soon: not written
    clock.now += IDLE - TOUCH + 2  # IDLE + 1 s after the write (110 s after the last request): signed out
    response = client.get("/")
    assert response.status_code == 302 and "timed_out=1" in response["Location"]
    assert client.get("/").status_code == 302  # and stays signed out
    assert "/sign-in" in client.get("/")["Location"]


@override_settings(SESSION_IDLE_SECONDS=IDLE)
def test_sign_out_is_never_later_than_the_idle_time_and_at_most_one_touch_interval_early(client, staff, clock):
    # Early by at most TOUCH: idle for IDLE - TOUCH after an untouched request is still fine.
    _signed_in(client, staff)
    assert client.get("/").status_code == 200
    clock.now += TOUCH - 1
    assert client.get("/").status_code == 200
    clock.now += IDLE - TOUCH + 1  # exactly IDLE since last_seen was written
    assert client.get("/").status_code == 200
    # Never late: IDLE + 1 s after a request that did write last_seen signs the user out.
    clock.now += IDLE + 1
    assert client.get("/").status_code == 302


@override_settings(SESSION_IDLE_SECONDS=5)
def test_short_idle_times_touch_on_every_request(client, staff, clock):
    # A 5 s idle time gives a touch interval of 0: every request rewrites last_seen.
    _signed_in(client, staff)
    assert client.get("/").status_code == 200
    clock.now += 4
    assert client.get("/").status_code == 200
    assert client.session["last_seen"] == int(clock.now)
    clock.now += 4
    assert client.get("/").status_code == 200
    clock.now += 6
    assert client.get("/").status_code == 302
