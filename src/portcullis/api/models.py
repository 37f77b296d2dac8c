import hashlib
import secrets

from django.conf import settings
from django.db import models


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for a service client (a carrier's system) or a member of staff's script.

    Only the SHA-256 of the token is stored; the token itself is shown once, when issued.
    ``role`` names the pseudo-grade a service client acts with in the authority matrix (CARRIER).
    """

    name = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    role = models.CharField(max_length=20, blank=True, help_text="Pseudo-grade for service clients, e.g. CARRIER")
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user, name: str, role: str = "", expires_at=None) -> tuple["ApiToken", str]:
        raw = "pcl_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, role=role, prefix=raw[4:12], digest=hash_token(raw),
                                   expires_at=expires_at)
        return token, raw
