"""Letter templates (versioned) and letters.

A :class:`LetterTemplate` row is one version of one template in one language: its source text is
kept in the row, so a letter can be re-rendered years later from the version it was issued with.
A :class:`Letter` is a draft until issued; from then on its content (context, HTML, PDF, hash) can
never change.  ``save()`` refuses it, and on PostgreSQL a trigger does too (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

CONTENT_FIELDS = ("person_id", "template_id", "code", "language", "title", "context", "html", "pdf", "sha256",
                  "issued_at", "issued_by_id", "service_method")


class LetterTemplate(models.Model):
    code = models.CharField(max_length=40)
    language = models.CharField(max_length=2, choices=[("en", "English"), ("cy", "Cymraeg")])
    version = models.PositiveIntegerField()
    body = models.TextField(help_text="The template source at this version")
    layout = models.TextField(help_text="The page layout source at this version")
    content_hash = models.CharField(max_length=64, help_text="sha256 of layout and body")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "language", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "language", "version"], name="unique_letter_template_version"),
            models.UniqueConstraint(fields=["code", "language", "content_hash"], name="unique_letter_template_content"),
        ]

    def __str__(self) -> str:
        return f"{self.code}.{self.language} v{self.version}"


class ImmutableLetter(Exception):
    pass


class Letter(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"
        SERVED = "served", "Served"

    class ServiceMethod(models.TextChoices):
        HAND = "hand", "By hand"
        EMAIL = "email", "By email"
        POST = "post", "By post"
        ONLINE = "online", "Online account"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="letters")
    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="letters")
    code = models.CharField(max_length=40)
    language = models.CharField(max_length=2)
    title = models.CharField(max_length=200)
    related = models.CharField(max_length=60, blank=True, help_text="e.g. the case or examination reference")
    context = models.JSONField(help_text="What the letter says, as given by the deciding context")
    html = models.TextField()
    pdf = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, help_text="sha256 of the issued PDF")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    prepared_at = models.DateTimeField(auto_now_add=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    service_method = models.CharField(max_length=10, choices=ServiceMethod.choices, blank=True)
    served_on = models.DateField(null=True, blank=True, help_text="The date the notice was given or sent")
    served_method = models.CharField(max_length=10, choices=ServiceMethod.choices, blank=True)
    served_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")
    deadlines = models.JSONField(default=dict, help_text="Challenge deadlines: as stated in the letter, as run from "
                                                         "the served date, and the one that applies")

    class Meta:
        ordering = ["-prepared_at", "-id"]
        indexes = [models.Index(fields=["related"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded = {f: getattr(instance, f) for f in CONTENT_FIELDS if f in instance.__dict__}
        instance._loaded_state = instance.state if "state" in instance.__dict__ else None
        return instance

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded", None)
        if self.pk and loaded is not None and self._loaded_state in (self.State.ISSUED, self.State.SERVED):
            changed = [f for f, v in loaded.items() if _norm(getattr(self, f)) != _norm(v)]
            if changed:
                raise ImmutableLetter(f"letter {self.pk} is issued; its content cannot change ({', '.join(changed)})")
            if self.state == self.State.DRAFT:
                raise ImmutableLetter(f"letter {self.pk} is issued; it cannot go back to draft")
        super().save(*args, **kwargs)
        self._loaded = {f: getattr(self, f) for f in CONTENT_FIELDS}
        self._loaded_state = self.state

    def delete(self, *args, **kwargs):
        if self.state != self.State.DRAFT:
            raise ImmutableLetter(f"letter {self.pk} is issued; it cannot be deleted")
        return super().delete(*args, **kwargs)


def _norm(value):
    return bytes(value) if isinstance(value, memoryview) else value
