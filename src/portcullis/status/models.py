from django.conf import settings
from django.db import models
from django.utils import timezone


class StatusRecord(models.Model):
    """One grant of leave or status, as decided.  Later events (curtailment, revocation) are new
    fields on the record or new records; nothing is recomputed from matching other records."""

    class Kind(models.TextChoices):
        VISITOR = "visitor", "Leave to enter as a visitor"
        LEAVE_TO_ENTER = "leave_to_enter", "Leave to enter"
        LEAVE_TO_REMAIN = "leave_to_remain", "Leave to remain"
        ENTRY_CLEARANCE = "entry_clearance", "Entry clearance (visa)"
        ETA = "eta", "Electronic travel authorisation"
        SKILLED_WORKER = "skilled_worker", "Skilled Worker leave"
        WORK_PERMIT = "work_permit", "Work permit (Jersey)"
        ILR = "ilr", "Indefinite leave to remain"
        EUSS_SETTLED = "euss_settled", "Settled status (EU Settlement Scheme)"
        EUSS_PRE_SETTLED = "euss_pre_settled", "Pre-settled status (EU Settlement Scheme)"
        BRITISH_CITIZEN = "british_citizen", "British citizen"
        RIGHT_OF_ABODE = "right_of_abode", "Right of abode"

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        CURTAILED = "curtailed", "Curtailed"
        REVOKED = "revoked", "Revoked"
        CANCELLED = "cancelled", "Cancelled"
        SUPERSEDED = "superseded", "Superseded"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="status_records")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    conditions = models.JSONField(default=list, help_text="e.g. ['no work', 'no recourse to public funds']")
    start_date = models.DateField()
    expiry_date = models.DateField(null=True, blank=True, help_text="Empty for indefinite leave and citizenship")
    state = models.CharField(max_length=12, choices=State.choices, default=State.ACTIVE)
    state_changed_on = models.DateField(null=True, blank=True)
    state_reason = models.TextField(blank=True)
    source = models.CharField(max_length=30, help_text="Where it was decided: border, casework, legacy")
    source_ref = models.CharField(max_length=50, help_text="The decision's reference in that context")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        until = f" until {self.expiry_date:%d %B %Y}" if self.expiry_date else ""
        return f"{self.get_kind_display()} from {self.start_date:%d %B %Y}{until}"

    def in_force_on(self, day) -> bool:
        if self.state not in (self.State.ACTIVE,) and not (self.state_changed_on and day < self.state_changed_on):
            return False
        return self.start_date <= day and (self.expiry_date is None or day <= self.expiry_date)


class PersonAccount(models.Model):
    """A sign-in for the person themself ("view and prove"): a Django user with no staff profile,
    linked to their one person record.  It sees only that person's status, share codes and checks."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="person_account")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="accounts")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.user.get_username()} -> {self.person.reference}"


class ShareCode(models.Model):
    """A code a person gives an employer or landlord.  Only a keyed hash of the code is stored;
    the person sees the code once, when it is made, and afterwards its last characters (``hint``)."""

    class Purpose(models.TextChoices):
        RIGHT_TO_WORK = "right_to_work", "Prove your right to work"
        RIGHT_TO_RENT = "right_to_rent", "Prove your right to rent"
        OTHER = "other", "Prove your immigration status for something else"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="share_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=4, help_text="The last characters, so the person can tell codes apart")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True,
                                     help_text="Set after too many wrong dates of birth; the code no longer works")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"share code …{self.hint} ({self.get_purpose_display()})"

    def state(self, now) -> str:
        if self.revoked_at:
            return "revoked"
        if self.locked_at:
            return "locked"
        if now >= self.expires_at:
            return "expired"
        return "active"


class ShareCheck(models.Model):
    """One attempt to check a status with a share code, successful or not.  The person sees the
    attempts made with their codes; attempts with unknown codes have no person."""

    class Outcome(models.TextChoices):
        SHOWN = "shown", "Status shown"
        WRONG_BIRTH_DATE = "wrong_birth_date", "Wrong date of birth"
        UNKNOWN_CODE = "unknown_code", "Unknown share code"
        NOT_USABLE = "not_usable", "Code expired, revoked or locked"
        THROTTLED = "throttled", "Too many attempts"
        INVALID = "invalid", "Incomplete details"

    reference = models.CharField(max_length=16, unique=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    share_code = models.ForeignKey(ShareCode, null=True, blank=True, on_delete=models.PROTECT, related_name="checks")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="share_checks")
    organisation = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    client = models.CharField(max_length=64, help_text="Keyed hash of the client address (not the address itself)")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_outcome_display()}"
