"""Border control: carriers and their passenger lists, examinations at the port, movements."""

from django.conf import settings
from django.db import models


class Carrier(models.Model):
    code = models.CharField(max_length=3, unique=True, help_text="IATA airline or operator code")
    name = models.CharField(max_length=200)
    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="carrier",
                                   help_text="The service account the carrier's API tokens belong to")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def principal(self):
        """The carrier's service account acting as a carrier (as its API token does)."""
        account = self.account
        account.portcullis_role = "CARRIER"
        return account


class PassengerList(models.Model):
    """One PAXLST interchange received from a carrier, and the CUSRES answered."""

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="passenger_lists")
    received_at = models.DateTimeField(auto_now_add=True)
    control_ref = models.CharField(max_length=35)
    sha256 = models.CharField(max_length=64)
    raw = models.TextField()
    warnings = models.JSONField(default=list)
    persons = models.PositiveIntegerField(default=0)
    cusres = models.TextField(blank=True)


class Flight(models.Model):
    passenger_list = models.ForeignKey(PassengerList, on_delete=models.PROTECT, related_name="flights")
    carrier_code = models.CharField(max_length=3)
    number = models.CharField(max_length=10)
    departure_airport = models.CharField(max_length=5)
    departure_time = models.DateTimeField(null=True)
    arrival_airport = models.CharField(max_length=5, db_index=True)
    arrival_time = models.DateTimeField(null=True, db_index=True)

    class Meta:
        ordering = ["arrival_time", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.departure_airport}→{self.arrival_airport}"


class ExpectedTraveller(models.Model):
    class Answer(models.TextChoices):
        BOARD = "0Z", "Board"
        NO_BOARD = "1Z", "No board"
        INSUFFICIENT = "2Z", "Insufficient data"
        CONTACT = "4Z", "Contact border authority"

    flight = models.ForeignKey(Flight, on_delete=models.PROTECT, related_name="travellers")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="expected_arrivals")
    role = models.CharField(max_length=30)
    document_number = models.CharField(max_length=40, blank=True)
    seat = models.CharField(max_length=10, blank=True)
    reservation_ref = models.CharField(max_length=35, blank=True)
    screening = models.ForeignKey("watchlists.Screening", null=True, on_delete=models.PROTECT, related_name="+")
    hit_count = models.PositiveIntegerField(default=0)
    answer = models.CharField(max_length=2, choices=Answer.choices)
    answer_text = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-hit_count", "id"]


class Examination(models.Model):
    """A traveller at the primary control desk, and what was decided."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Being examined"
        ADMITTED = "admitted", "Admitted"
        LEAVE_GRANTED = "leave_granted", "Leave to enter granted"
        REFERRED = "referred", "Referred to secondary examination"
        REFUSAL_PROPOSED = "refusal_proposed", "Refusal awaiting countersignature"
        REFUSED = "refused", "Refused entry"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="examinations")
    port = models.ForeignKey("workforce.Location", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    mrz = models.TextField()
    document_number = models.CharField(max_length=40)
    document_warnings = models.JSONField(default=list)
    screening = models.ForeignKey("watchlists.Screening", null=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    basis = models.CharField(max_length=40, blank=True, help_text="For admission: british_citizen, right_of_abode, existing_leave, euss")
    reason = models.TextField(blank=True)
    grounds = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True)
    countersigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    status_record = models.ForeignKey("status.StatusRecord", null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_at"]


class SecondaryExamination(models.Model):
    examination = models.OneToOneField(Examination, on_delete=models.PROTECT, related_name="secondary")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referral_reason = models.TextField()
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    interview_record = models.TextField(blank=True, help_text="Questions asked and answers given")
    interviewed_at = models.DateTimeField(null=True)
    outcome = models.CharField(max_length=20, blank=True)


class RemovalDirections(models.Model):
    examination = models.OneToOneField(Examination, on_delete=models.PROTECT, related_name="removal_directions")
    carrier_code = models.CharField(max_length=3)
    service = models.CharField(max_length=10, help_text="The flight or sailing, e.g. BA0117")
    departs_at = models.DateTimeField()
    destination = models.CharField(max_length=5)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)


class Movement(models.Model):
    class Direction(models.TextChoices):
        IN = "in", "Arrival"
        OUT = "out", "Departure"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="movements")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    on = models.DateField(db_index=True)
    at = models.DateTimeField()
    port = models.CharField(max_length=5)
    service = models.CharField(max_length=10, blank=True)
    document_number = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=20, help_text="desk, egate, exit-check, paxlst")

    class Meta:
        ordering = ["at"]
