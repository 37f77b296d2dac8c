from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

_OPEN_PREFIXES = ("/static/", "/api/", "/sign-in", "/sign-out", "/account/two-factor", "/check", "/healthz")


class SecondFactorMiddleware:
    """Where the second factor is required, a signed-in user goes nowhere until they have used it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (settings.PORTCULLIS_REQUIRE_SECOND_FACTOR and request.user.is_authenticated
                and not request.user.is_verified() and not request.path.startswith(_OPEN_PREFIXES)):
            return redirect(f"{reverse('web:two-factor')}?next={request.path}")
        return self.get_response(request)


# ``last_seen`` is rewritten at most once a minute (a tenth of the idle time if that is shorter):
# writing it on every request would cost every page a session UPDATE and commit.  The idle time is
# therefore counted from up to that long before the last request, never later.
_TOUCH_SECONDS = 60


class SessionTimeoutMiddleware:
    """Sign a user out after ``SESSION_IDLE_SECONDS`` without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
                logout(request)
                return redirect(f"{reverse('web:sign-in')}?timed_out=1&next={request.path}")
            if last is None or now - last >= min(_TOUCH_SECONDS, settings.SESSION_IDLE_SECONDS // 10):
                request.session["last_seen"] = now
        return self.get_response(request)


class SecurityHeadersMiddleware:
    CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
           "form-action 'self'; frame-ancestors 'none'; base-uri 'self'")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.user.is_authenticated:
            response.setdefault("Cache-Control", "no-store")
        return response
