"""The audit trail.

``AuditEvent`` rows are written only by :func:`portcullis.audit.services.record`, inside the same
database transaction as the change they describe.  Each row carries the hash of the row before it,
so editing, inserting or deleting a row breaks the chain and ``portcullis audit verify`` names it.
On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on both tables (migration 0002).
"""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True, help_text="Position in the chain, from 1, without gaps.")
    at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=150, help_text="Username of the member of staff or service client.")
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True,
                                       help_text="The person the change concerns, for their timeline.")
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict)
    payload_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.object_type}:{self.object_id}"


class AccessLogEntry(models.Model):
    """One view of a person record: who looked, when, through what, and why."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person_id = models.BigIntegerField(db_index=True)
    channel = models.CharField(max_length=20)  # web, api, cli
    view = models.CharField(max_length=100)
    purpose = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "access log entries"
