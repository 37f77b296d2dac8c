"""Applications and everything a caseworker records on them.

Other contexts never write these tables; they call :mod:`portcullis.casework.services`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    VALIDATED = "validated", "Validated"
    REJECTED = "rejected", "Rejected as invalid"
    CHECKS = "checks", "Checks"
    CONSIDERATION = "consideration", "Consideration"
    PENDING_COUNTERSIGNATURE = "pending_countersignature", "Decision pending countersignature"
    DECIDED = "decided", "Decided"
    SERVED = "served", "Decision served"
    CLOSED = "closed", "Closed"


class SubStatus(models.TextChoices):
    NONE = "", "—"
    AWAITING_EVIDENCE = "awaiting_evidence", "Awaiting evidence"
    INTERVIEW_SCHEDULED = "interview_scheduled", "Interview scheduled"
    AWAITING_BIOMETRICS = "awaiting_biometrics", "Awaiting biometric enrolment"
    RETURNED = "returned", "Returned by countersigning officer"


OPEN_STATUSES = [Status.RECEIVED, Status.VALIDATED, Status.CHECKS, Status.CONSIDERATION,
                 Status.PENDING_COUNTERSIGNATURE]
WORKABLE_STATUSES = [Status.RECEIVED, Status.VALIDATED, Status.CHECKS, Status.CONSIDERATION]


class Application(models.Model):
    reference = models.CharField(max_length=20, unique=True, help_text="CW-YYYY-NNNNNN")
    route = models.CharField(max_length=40, db_index=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="applications")
    facts = models.JSONField(default=dict, help_text="The facts for the route, validated against its schema")
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.RECEIVED)
    sub_status = models.CharField(max_length=30, choices=SubStatus.choices, default="", blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="owned_cases")
    queue = models.ForeignKey("workforce.Team", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="cases")
    child = models.BooleanField(default=False)
    vulnerable = models.BooleanField(default=False)
    high_profile = models.BooleanField(default=False)
    priority = models.PositiveSmallIntegerField(default=0, help_text="Derived from the flags; higher is taken first")
    channel = models.CharField(max_length=10, default="api", help_text="api, paper, demo")
    application_date = models.DateField()
    received_at = models.DateTimeField()
    # The service-standard clock.
    service_standard = models.CharField(max_length=60, help_text="The parameter the target was computed from")
    target_date = models.DateField(help_text="Target decision date before any pause")
    paused_days = models.PositiveIntegerField(default=0)
    paused_since = models.DateField(null=True, blank=True)
    clock_due = models.DateField(help_text="target_date + paused_days; the order cases are taken in")
    last_transition_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["clock_due", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(owner__isnull=False) | Q(queue__isnull=False),
                                   name="casework_case_has_owner_or_queue"),
        ]
        indexes = [
            models.Index(fields=["queue", "-priority", "clock_due", "id"], name="cw_take_next",
                         condition=Q(owner__isnull=True, status__in=["received", "validated", "checks", "consideration"])),
            models.Index(fields=["owner", "status"], name="cw_owner_status"),
            models.Index(fields=["queue", "status", "clock_due"], name="cw_queue_status"),
            models.Index(fields=["last_transition_at"], name="cw_last_transition",
                         condition=Q(status__in=["received", "validated", "checks", "consideration",
                                                 "pending_countersignature", "decided", "served", "rejected"])),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def route_name(self) -> str:
        from .lifecycle import route_config

        return route_config().get(self.route, {}).get("name", self.route)

    @property
    def status_colour(self) -> str:
        return {"received": "grey", "validated": "blue", "rejected": "red", "checks": "light-blue",
                "consideration": "purple", "pending_countersignature": "orange", "decided": "green",
                "served": "green", "closed": "grey"}.get(self.status, "grey")

    @property
    def is_breached(self) -> bool:
        return self.breached()

    def clock_due_on(self, today: dt.date | None = None) -> dt.date:
        """The due date with any running pause added."""
        today = today or dt.date.today()
        extra = (today - self.paused_since).days if self.paused_since else 0
        return self.clock_due + dt.timedelta(days=max(extra, 0))

    def breached(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        return self.status in OPEN_STATUSES and self.paused_since is None and today > self.clock_due

    @property
    def priority_flags(self) -> list[str]:
        return [label for flag, label in (("child", "Child"), ("vulnerable", "Vulnerable"),
                                          ("high_profile", "High profile")) if getattr(self, flag)]


class Dependant(models.Model):
    class Relationship(models.TextChoices):
        PARTNER = "partner", "Partner"
        CHILD = "child", "Child"
        OTHER = "other", "Other dependant"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="dependants")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="dependant_on")
    relationship = models.CharField(max_length=10, choices=Relationship.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "person"], name="cw_dependant_once")]


class Fee(models.Model):
    class State(models.TextChoices):
        PAID = "paid", "Paid"
        WAIVED = "waived", "Waived"
        DUE = "due", "Due"
        REFUNDED = "refunded", "Refunded"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="fees")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="GBP")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PAID)
    payment_reference = models.CharField(max_length=60, blank=True)
    expected_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    expected_citation = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)


class Evidence(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="casework/evidence/%Y/%m/")
    filename = models.CharField(max_length=255)
    description = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100, blank=True)
    rfi = models.ForeignKey("RequestForEvidence", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="evidence")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)


class Check(models.Model):
    class Kind(models.TextChoices):
        IDENTITY = "identity", "Identity (from the MRZ)"
        BIOMETRICS = "biometrics", "Biometric enrolment"
        WATCHLIST = "watchlist", "Watchlist screening"
        IMMIGRATION_HISTORY = "immigration_history", "Immigration history"

    class Result(models.TextChoices):
        OUTSTANDING = "outstanding", "Outstanding"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        REFER = "refer", "Needs review"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    mandatory = models.BooleanField(default=True)
    result = models.CharField(max_length=12, choices=Result.choices, default=Result.OUTSTANDING)
    details = models.JSONField(default=dict)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="cw_check_once")]


class EnrolmentSite(models.Model):
    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    capacity_per_slot = models.PositiveSmallIntegerField(default=4)
    slot_minutes = models.PositiveSmallIntegerField(default=15)

    def __str__(self) -> str:
        return self.name


class BiometricAppointment(models.Model):
    class State(models.TextChoices):
        BOOKED = "booked", "Booked"
        ATTENDED = "attended", "Attended"
        MISSED = "missed", "Did not attend"
        CANCELLED = "cancelled", "Cancelled"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="appointments")
    site = models.ForeignKey(EnrolmentSite, on_delete=models.PROTECT, related_name="appointments")
    slot_start = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["site", "slot_start"], name="cw_site_slot")]


class RequestForEvidence(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="rfis")
    items = models.TextField(help_text="What is asked for")
    due_date = models.DateField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)
    facts_updated = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["requested_at", "id"]

    @property
    def is_open(self) -> bool:
        return self.responded_at is None


class Interview(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="interviews")
    scheduled_for = models.DateTimeField()
    location = models.CharField(max_length=200)
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    interpreter_language = models.CharField(max_length=50, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    record = models.TextField(blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scheduled_for"]


class Evaluation(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evaluations")
    as_at = models.DateField()
    outcome = models.CharField(max_length=10)
    recommended = models.CharField(max_length=10, blank=True)
    band = models.TextField(blank=True)
    rules_version = models.CharField(max_length=80)
    facts = models.JSONField(default=dict, help_text="The facts the evaluation was made on")
    tree = models.JSONField(help_text="Evaluation.to_dict() from the rules engine")
    explanation = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def requirement_nodes(self) -> list[dict]:
        """The tree flattened with depth, for display."""
        out: list[dict] = []

        def walk(node: dict, depth: int) -> None:
            out.append({**{k: v for k, v in node.items() if k != "children"}, "depth": depth})
            for child in node.get("children", []):
                walk(child, depth + 1)

        walk(self.tree["requirements"], 0)
        return out

    @property
    def needs_rationale_statuses(self) -> bool:
        return any(n["status"] == "NOT_KNOWN" for n in self.requirement_nodes())


class Decision(models.Model):
    class Outcome(models.TextChoices):
        GRANT = "GRANT", "Grant"
        REFUSE = "REFUSE", "Refuse"

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed, awaiting countersignature"
        DECIDED = "decided", "Decided"
        RETURNED = "returned", "Returned by countersigning officer"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    evaluation = models.ForeignKey(Evaluation, null=True, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    state = models.CharField(max_length=10, choices=State.choices)
    grounds = models.JSONField(default=list, help_text="For a refusal: [{requirement, paragraph, explanation}]")
    rationale = models.TextField(blank=True)
    leave = models.JSONField(null=True, blank=True, help_text="For a grant: {kind, start, expiry, conditions}")
    authority_action = models.CharField(max_length=80)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_grade = models.CharField(max_length=3)
    proposed_at = models.DateTimeField()
    countersigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    countersigned_grade = models.CharField(max_length=3, blank=True)
    countersigned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    served_at = models.DateTimeField(null=True, blank=True)
    status_record_id = models.BigIntegerField(null=True, blank=True, help_text="status.StatusRecord made by a grant")

    class Meta:
        ordering = ["-proposed_at", "-id"]


class NaturalisationCertificate(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="certificate")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="naturalisation_certificates")
    number = models.CharField(max_length=20, unique=True)
    section = models.CharField(max_length=10, help_text="6(1) or 6(2)")
    issued_on = models.DateField()
    ceremony_due_by = models.DateField(help_text="The certificate takes effect at the ceremony, within 3 months")
    ceremony_attended_on = models.DateField(null=True, blank=True)


class Transition(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=30, blank=True)
    from_sub_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    to_sub_status = models.CharField(max_length=30, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by_name = models.CharField(max_length=150)
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["application", "at"], name="cw_transition_case")]
