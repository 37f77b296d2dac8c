"""One record of each person.

Everything else in Portcullis (documents, encounters, applications, leave, appeals, removals)
hangs off :class:`Person` by a foreign key.  Persons are created only through
:func:`portcullis.people.services.resolve_person`, which finds the existing record first.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from portcullis.documents import check_digit

REFERENCE_ALPHABET = "23456789BCDFGHJKLMNPQRSTVWXZ"  # no vowels (no words), no 0/O, 1/I


def new_reference() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"PCL{body}{check_digit(body)}"


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNSPECIFIED = "X", "Unspecified"
    UNKNOWN = "", "Not known"


class Person(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        MERGED = "merged", "Merged into another record"

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    # A date of birth may be partial: year only, or year and month.
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    place_of_birth = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.reference})"

    @property
    def primary_name(self) -> "PersonName | None":
        names = getattr(self, "_prefetched_objects_cache", {}).get("names")
        if names is not None:
            primaries = [n for n in names if n.kind == PersonName.Kind.PRIMARY]
            return primaries[0] if primaries else (names[0] if names else None)
        return self.names.filter(kind=PersonName.Kind.PRIMARY).first() or self.names.first()

    @property
    def display_name(self) -> str:
        if "known_display_name" in self.__dict__:  # read with the record (casework.get_case); None: no name
            return self.__dict__["known_display_name"] or "(no name recorded)"
        name = self.primary_name
        return name.full_name if name else "(no name recorded)"

    @property
    def birth_date_text(self) -> str:
        """The date of birth as far as it is known: YYYY, YYYY-MM or YYYY-MM-DD."""
        if not self.birth_year:
            return "not known"
        parts = [f"{self.birth_year:04d}"]
        if self.birth_month:
            parts.append(f"{self.birth_month:02d}")
            if self.birth_day:
                parts.append(f"{self.birth_day:02d}")
        return "-".join(parts)


class PersonName(models.Model):
    class Kind(models.TextChoices):
        PRIMARY = "primary", "Name"
        ALIAS = "alias", "Alias"
        BIRTH = "birth", "Name at birth"
        PREVIOUS = "previous", "Previous name"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PRIMARY)
    full_name = models.CharField(max_length=300, help_text="As written, in its own script")
    script = models.CharField(max_length=20, blank=True)
    latin = models.CharField(max_length=300, help_text="Latin transliteration")
    primary_identifier = models.CharField(max_length=200, blank=True, help_text="ICAO primary identifier (surname)")
    secondary_identifier = models.CharField(max_length=200, blank=True, help_text="ICAO secondary identifier (given names)")
    given_names = models.CharField(max_length=200, blank=True, help_text="Given names as written")
    family_name = models.CharField(max_length=200, blank=True, help_text="Family name as written")

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.full_name


class NameKey(models.Model):
    """Search keys derived from a person's names (tokens and phonetic codes), for fuzzy retrieval."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="unique_person_name_key")]


class Nationality(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nationalities")
    code = models.CharField(max_length=3, help_text="ISO 3166-1 alpha-3 or ICAO code")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "code"], name="unique_person_nationality")]
        ordering = ["id"]
        verbose_name_plural = "nationalities"

    def __str__(self) -> str:
        return self.code


class Identifier(models.Model):
    """A number that identifies the person: a travel document, an ID card, a visa, a legacy reference."""

    class Kind(models.TextChoices):
        PASSPORT = "passport", "Passport"
        ID_CARD = "id_card", "Identity card"
        TRAVEL_DOCUMENT = "travel_document", "Travel document"
        VISA = "visa", "Visa"
        RESIDENCE_PERMIT = "residence_permit", "Residence permit"
        LEGACY = "legacy", "Legacy system reference"

    class DocumentState(models.TextChoices):
        VALID = "valid", "Valid"
        LOST = "lost", "Reported lost"
        STOLEN = "stolen", "Reported stolen"
        CANCELLED = "cancelled", "Cancelled"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    number = models.CharField(max_length=40, db_index=True, help_text="Upper case, without spaces or fillers")
    issuing_state = models.CharField(max_length=3, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    document_state = models.CharField(max_length=10, choices=DocumentState.choices, default=DocumentState.VALID)
    mrz = models.TextField(blank=True, help_text="The machine readable zone as read, when there is one")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "issuing_state", "number"], name="unique_identifier"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.issuing_state} {self.number}".replace("  ", " ")


class PersonMerge(models.Model):
    """Two records found to be one person.  Reversible: it remembers every row it moved."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in")
    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_out")
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    moved = models.JSONField(default=dict, help_text="model label -> ids of rows moved to the survivor")
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reversal_reason = models.TextField(blank=True)
