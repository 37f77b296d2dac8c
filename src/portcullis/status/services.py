"""Granting and reading status.  Other contexts (border, casework) call these, never the table."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from portcullis.audit.services import record
from portcullis.errors import FieldError, InvalidInput

from .models import PersonAccount, ShareCheck, ShareCode, StatusRecord


@transaction.atomic
def grant_status(person, *, kind: str, start: dt.date, expiry: dt.date | None, conditions: list[str] | None = None,
                 actor, reason: str, source: str, source_ref: str) -> StatusRecord:
    """Record a grant of leave or status decided elsewhere (the caller has authorised the decision)."""
    errors = []
    if kind not in StatusRecord.Kind.values:
        errors.append(FieldError("kind", f"must be one of {', '.join(StatusRecord.Kind.values)}"))
    if expiry is not None and expiry < start:
        errors.append(FieldError("expiry", "is before the start date"))
    if errors:
        raise InvalidInput(errors)
    rec = StatusRecord.objects.create(
        person=person, kind=kind, conditions=list(conditions or []), start_date=start, expiry_date=expiry,
        source=source, source_ref=source_ref, granted_by=actor if getattr(actor, "pk", None) else None)
    record(actor, "status.granted", rec, person=person, reason=reason,
           payload={"kind": kind, "start": start.isoformat(), "expiry": expiry.isoformat() if expiry else None,
                    "conditions": rec.conditions, "source": source, "source_ref": source_ref})
    return rec


def status_on(person, day: dt.date | None = None) -> list[StatusRecord]:
    """The records in force for the person on ``day`` (today by default), newest first."""
    day = day or dt.date.today()
    return [r for r in StatusRecord.objects.filter(person=person) if r.in_force_on(day)]


def history(person) -> list[StatusRecord]:
    return list(StatusRecord.objects.filter(person=person))


# --- Later events on a record: curtailment, revocation, cancellation -------------------------------

_ENDINGS = {
    "curtail": (StatusRecord.State.CURTAILED, "status.curtailed"),
    "revoke": (StatusRecord.State.REVOKED, "status.revoked"),
    "cancel": (StatusRecord.State.CANCELLED, "status.cancelled"),
    "supersede": (StatusRecord.State.SUPERSEDED, "status.superseded"),
}


@transaction.atomic
def _end(rec: StatusRecord, how: str, *, on: dt.date, reason: str, actor, countersigned_by=None) -> StatusRecord:
    state, action = _ENDINGS[how]
    errors = []
    rec = StatusRecord.objects.select_for_update().get(pk=rec.pk)
    if not isinstance(on, dt.date):
        errors.append(FieldError("on", "must be a date"))
    elif on < rec.start_date:
        errors.append(FieldError("on", "is before the status began"))
    if not (reason or "").strip():
        errors.append(FieldError("reason", "give the reason, as it will be told to the person"))
    if rec.state != StatusRecord.State.ACTIVE:
        errors.append(FieldError("record", f"is already {rec.get_state_display().lower()}"))
    if errors:
        raise InvalidInput(errors)
    rec.state, rec.state_changed_on, rec.state_reason = state, on, reason.strip()
    rec.save(update_fields=["state", "state_changed_on", "state_reason"])
    record(actor, action, rec, person=rec.person_id, reason=reason,
           payload={"on": on.isoformat(), "kind": rec.kind,
                    "countersigned_by": countersigned_by.get_username() if countersigned_by else None})
    return rec


def curtail_status(rec: StatusRecord, *, on: dt.date, reason: str, actor, countersigned_by=None) -> StatusRecord:
    """Leave ends early on ``on`` (it was in force up to the day before)."""
    return _end(rec, "curtail", on=on, reason=reason, actor=actor, countersigned_by=countersigned_by)


def revoke_status(rec: StatusRecord, *, on: dt.date, reason: str, actor, countersigned_by=None) -> StatusRecord:
    """Status (ILR, protection, citizenship by deprivation order) is taken away from ``on``."""
    return _end(rec, "revoke", on=on, reason=reason, actor=actor, countersigned_by=countersigned_by)


def cancel_status(rec: StatusRecord, *, on: dt.date, reason: str, actor, countersigned_by=None) -> StatusRecord:
    return _end(rec, "cancel", on=on, reason=reason, actor=actor, countersigned_by=countersigned_by)


def supersede_status(rec: StatusRecord, *, on: dt.date, reason: str, actor) -> StatusRecord:
    """A later grant (e.g. ILR after limited leave) replaces this one from ``on``."""
    return _end(rec, "supersede", on=on, reason=reason, actor=actor)


# --- View and prove: person accounts, share codes, checks -----------------------------------------

# No 0/O, 1/I/L, U (read as V), 2/Z, 5/S, 8/B: a code read over the phone cannot be misheard or misread.
SHARE_CODE_ALPHABET = "34679ACDEFGHJKMNPQRTVWXY"
SHARE_CODE_LENGTH = 9
# The first character says what the code is for, as on GOV.UK ("W" for work, "R" for rent).
PURPOSE_PREFIX = {"right_to_work": "W", "right_to_rent": "R", "other": "V"}
# How long a code works.  Not a rule of law (the Home Office's own service uses 90 days), so it is a
# constant here rather than a dated parameter of the Immigration Rules.
SHARE_CODE_VALID_DAYS = 90
# Brute force: a client address gets this many failed checks per window, then every check from it
# is refused (429) until the window ends; a code is locked after this many wrong dates of birth.
CLIENT_FAILURE_LIMIT = 10
CLIENT_WINDOW_SECONDS = 60 * 60
CODE_FAILURE_LIMIT = 5
PUBLIC_ACTOR = "public-check"


def _keyed(value: str, purpose: str) -> str:
    key = f"portcullis.status.{purpose}:{settings.SECRET_KEY}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def normalise_share_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch not in " -\t\u00a0")


def format_share_code(code: str) -> str:
    code = normalise_share_code(code)
    return " ".join(code[i:i + 3] for i in range(0, len(code), 3))


def _hash_code(code: str) -> str:
    return _keyed(normalise_share_code(code), "sharecode")


def account_for(user) -> PersonAccount | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person_account
    except (AttributeError, PersonAccount.DoesNotExist):
        return None


@transaction.atomic
def create_person_account(person, *, username: str, password: str, actor, reason: str = "") -> PersonAccount:
    """A sign-in for the person to view and prove their own status.  The user has no staff profile,
    so the delegated-authority matrix gives it nothing: it reaches only the "my status" pages."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    User = get_user_model()
    username = (username or "").strip()
    errors = []
    if not username:
        errors.append(FieldError("username", "enter a username"))
    elif User.objects.filter(username__iexact=username).exists():
        errors.append(FieldError("username", "is already taken"))
    try:
        validate_password(password or "", User(username=username))
    except ValidationError as exc:
        errors.extend(FieldError("password", m) for m in exc.messages)
    if errors:
        raise InvalidInput(errors)
    name = person.primary_name
    user = User.objects.create_user(username, password=password, first_name=(name.latin if name else "")[:150])
    account = PersonAccount.objects.create(user=user, person=person, created_by=actor if getattr(actor, "pk", None) else None)
    record(actor, "status.person_account_created", account, person=person, reason=reason, payload={"username": username})
    return account


@transaction.atomic
def create_share_code(person, *, purpose: str, actor) -> tuple[ShareCode, str]:
    """Make a share code.  Returns the record and the code itself, which is not stored and is shown once."""
    if purpose not in PURPOSE_PREFIX:
        raise InvalidInput(FieldError("purpose", "choose what the code is for"))
    for _attempt in range(10):
        code = PURPOSE_PREFIX[purpose] + "".join(secrets.choice(SHARE_CODE_ALPHABET) for _ in range(SHARE_CODE_LENGTH - 1))
        if not ShareCode.objects.filter(code_hash=_hash_code(code)).exists():
            break
    now = timezone.now()
    share = ShareCode.objects.create(
        person=person, code_hash=_hash_code(code), hint=code[-3:], purpose=purpose, created_at=now,
        created_by=actor if getattr(actor, "pk", None) else None,
        expires_at=now + dt.timedelta(days=SHARE_CODE_VALID_DAYS))
    record(actor, "status.share_code_created", share, person=person,
           payload={"purpose": purpose, "hint": share.hint, "expires_at": share.expires_at.isoformat()})
    return share, code


@transaction.atomic
def revoke_share_code(share: ShareCode, *, actor) -> ShareCode:
    share = ShareCode.objects.select_for_update().get(pk=share.pk)
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
        record(actor, "status.share_code_revoked", share, person=share.person_id, payload={"hint": share.hint})
    return share


def share_codes(person) -> list[ShareCode]:
    return list(ShareCode.objects.filter(person=person))


def checks_of(person) -> list[ShareCheck]:
    """Every check made with the person's codes: who (the organisation they gave), when, and the result."""
    return list(ShareCheck.objects.filter(person=person).select_related("share_code"))


@dataclass
class CheckResult:
    outcome: str  # "shown" | "no_match" | "throttled"
    reference: str
    checked_at: dt.datetime | None = None
    person: object = None
    name: str = ""
    latin: str = ""
    purpose: str = ""
    records: list = field(default_factory=list)


def _client_key(client_hash: str) -> str:
    return f"status:check:failures:{client_hash}"


def _client_failures(client_hash: str) -> int:
    return cache.get(_client_key(client_hash), 0)


def _count_failure(client_hash: str) -> None:
    key = _client_key(client_hash)
    if cache.add(key, 1, timeout=CLIENT_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=CLIENT_WINDOW_SECONDS)


def _new_check_reference() -> str:
    return "CHK" + "".join(secrets.choice(SHARE_CODE_ALPHABET) for _ in range(10))


def _parse_birth_date(day: str, month: str, year: str) -> dt.date:
    parts = {"birth_date-day": day, "birth_date-month": month, "birth_date-year": year}
    for name, value in parts.items():
        if not str(value or "").strip().isdigit():
            raise InvalidInput(FieldError(name, "enter the date of birth as numbers, for example 27 3 1990"))
    try:
        value = dt.date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidInput(FieldError("birth_date-day", "the date of birth must be a real date")) from None
    if value > timezone.localdate() or value.year < 1880:
        raise InvalidInput(FieldError("birth_date-year", "the date of birth must be a real date in the past"))
    return value


def _birth_matches(person, born: dt.date) -> bool:
    """Partial dates of birth (year only, or year and month) match on the parts that are known."""
    if not person.birth_year:
        return False
    return (person.birth_year == born.year and (person.birth_month in (None, born.month))
            and (person.birth_day in (None, born.day)))


def check_share_code(code: str, *, birth_day: str, birth_month: str, birth_year: str, organisation: str,
                     client: str) -> CheckResult:
    """The public check.  A wrong code, a wrong date of birth, an expired, revoked or locked code all
    give the same ``no_match`` result; the difference is kept only in the audit trail and the person's
    list of checks.  ``client`` is the caller's address; only a keyed hash of it is kept."""
    client_hash = _keyed(client or "unknown", "client")
    organisation = (organisation or "").strip()[:200]
    now = timezone.now()
    if _client_failures(client_hash) >= CLIENT_FAILURE_LIMIT:
        with transaction.atomic():
            check = ShareCheck.objects.create(reference=_new_check_reference(), organisation=organisation,
                                              outcome=ShareCheck.Outcome.THROTTLED, client=client_hash)
            record(PUBLIC_ACTOR, "status.share_check", check, object_type="status.sharecheck",
                   payload={"outcome": check.outcome, "organisation": organisation})
        return CheckResult("throttled", check.reference)

    normalised = normalise_share_code(code)
    errors = []
    if len(normalised) != SHARE_CODE_LENGTH or any(ch not in SHARE_CODE_ALPHABET for ch in normalised):
        errors.append(FieldError("share_code", f"enter the {SHARE_CODE_LENGTH}-character share code, for example W7K 4PX 9RM"))
    try:
        born = _parse_birth_date(birth_day, birth_month, birth_year)
    except InvalidInput as exc:
        errors.extend(exc.errors)
    if not organisation:
        errors.append(FieldError("organisation", "enter the name of your organisation"))
    if errors:
        raise InvalidInput(errors)

    with transaction.atomic():
        share = ShareCode.objects.select_for_update().filter(code_hash=_hash_code(normalised)).first()
        person = share.person if share else None
        if share is None:
            outcome = ShareCheck.Outcome.UNKNOWN_CODE
        elif share.state(now) != "active":
            outcome = ShareCheck.Outcome.NOT_USABLE
        elif not _birth_matches(person, born):
            outcome = ShareCheck.Outcome.WRONG_BIRTH_DATE
            share.failed_attempts += 1
            fields = ["failed_attempts"]
            if share.failed_attempts >= CODE_FAILURE_LIMIT:
                share.locked_at = now
                fields.append("locked_at")
            share.save(update_fields=fields)
        else:
            outcome = ShareCheck.Outcome.SHOWN
        check = ShareCheck.objects.create(reference=_new_check_reference(), share_code=share, person=person,
                                          organisation=organisation, outcome=outcome, client=client_hash)
        payload = {"outcome": outcome, "organisation": organisation}
        if share is not None:
            payload.update(hint=share.hint, purpose=share.purpose, failed_attempts=share.failed_attempts,
                           locked=bool(share.locked_at))
        record(PUBLIC_ACTOR, "status.share_check", check, object_type="status.sharecheck", person=person,
               payload=payload)
    if outcome != ShareCheck.Outcome.SHOWN:
        _count_failure(client_hash)
        return CheckResult("no_match", check.reference)
    name = person.primary_name
    return CheckResult("shown", check.reference, checked_at=check.at, person=person,
                       name=name.full_name if name else "", latin=name.latin if name else "",
                       purpose=share.purpose, records=status_on(person, timezone.localdate()))
