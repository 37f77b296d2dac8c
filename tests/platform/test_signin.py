"""Sign-in with Argon2, the TOTP second factor, and the idle timeout."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def test_passwords_are_hashed_with_argon2(staff):
    assert staff.password.startswith("argon2")


def test_sign_in_and_out(client, staff):
    response = client.post("/sign-in/", {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/sign-out/")
    assert client.get("/").status_code == 302


def test_wrong_password_names_the_field(client, staff):
    response = client.post("/sign-in/", {"username": staff.username, "password": "wrong"})
    assert response.status_code == 400
    assert b'data-field="username"' in response.content


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@override_settings(PORTCULLIS_REQUIRE_SECOND_FACTOR=True, OTP_TOTP_THROTTLE_FACTOR=0)
def test_second_factor_is_enforced_when_required(client, staff):
    client.post("/sign-in/", {"username": staff.username, "password": PASSWORD})
    response = client.get("/people/")
    assert response.status_code == 302 and "/account/two-factor/" in response["Location"]
    client.get("/account/two-factor/")  # first use: sets up an unconfirmed device
    device = TOTPDevice.objects.get(user=staff)
    bad = client.post("/account/two-factor/", {"token": "000000" if _code(device) != "000000" else "111111"})
    assert bad.status_code == 400
    ok = client.post("/account/two-factor/", {"token": _code(device)})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/people/").status_code == 200


@override_settings(SESSION_IDLE_SECONDS=1)
def test_idle_session_times_out(client, staff):
    client.post("/sign-in/", {"username": staff.username, "password": PASSWORD})
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and "timed_out=1" in response["Location"]


def test_security_headers(client):
    response = client.get("/sign-in/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
