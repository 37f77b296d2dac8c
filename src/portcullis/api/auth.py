from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token: str):
        found = (ApiToken.objects.select_related("user", "user__staff")
                 .filter(digest=hash_token(token), revoked_at__isnull=True).first())
        if found is None or not found.user.is_active:
            return None
        if found.expires_at and found.expires_at <= timezone.now():
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        user = found.user
        if found.role:
            user.portcullis_role = found.role
        user.api_token = found
        request.user = user
        return user


class StaffSession(SessionAuth):
    """The signed-in browser session (CSRF-checked), for the UI's own calls."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        from django.conf import settings

        if settings.PORTCULLIS_REQUIRE_SECOND_FACTOR and not user.is_verified():
            return None
        return user


AUTH = [TokenAuth(), StaffSession()]
