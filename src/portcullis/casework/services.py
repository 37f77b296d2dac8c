"""Casework services: intake, the case lifecycle, queues, checks, evidence, interviews, decisions.

Every function that changes something authorises the actor, validates its input before writing,
and makes the change and its audit event in one transaction.  Web pages, the API and the CLI call
these functions; nothing else writes the casework tables.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import BooleanField, CharField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from portcullis.audit.services import log_access, record
from portcullis.errors import Conflict, FieldError, InvalidInput, NotFound
from portcullis.people.models import Person, PersonName
from portcullis.people.services import AmbiguousPerson, PersonDetails, resolve_person, validate_details
from portcullis.workforce.authority import authorise, can, grade_of
from portcullis.workforce.models import Team

from . import record_facts, signals
from .lifecycle import MOVES, route_config
from .models import (
    OPEN_STATUSES, WORKABLE_STATUSES, Application, BiometricAppointment, Check, Decision, Dependant,
    EnrolmentSite, Evaluation, Evidence, Fee, Interview, NaturalisationCertificate, RequestForEvidence, Status,
    SubStatus, Transition,
)

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


# -- inputs ------------------------------------------------------------------------------------------

@dataclass
class DependantInput:
    details: PersonDetails
    relationship: str


@dataclass
class FeeInput:
    amount: str | Decimal
    currency: str = "GBP"
    state: str = Fee.State.PAID
    payment_reference: str = ""


@dataclass
class EvidenceInput:
    filename: str
    content: bytes
    description: str = ""
    content_type: str = ""


@dataclass
class ApplicationInput:
    route: str
    facts: dict
    applicant: PersonDetails | None = None
    applicant_reference: str = ""  # an existing person, chosen by the caseworker
    application_date: dt.date | None = None
    dependants: list[DependantInput] = field(default_factory=list)
    fee: FeeInput | None = None
    evidence: list[EvidenceInput] = field(default_factory=list)
    queue: str = ""
    child: bool = False
    vulnerable: bool = False
    high_profile: bool = False
    channel: str = "api"


# -- helpers -----------------------------------------------------------------------------------------

def routes() -> dict[str, dict]:
    return route_config()


def route_name(route: str) -> str:
    return route_config().get(route, {}).get("name", route)


def _today() -> dt.date:
    return timezone.localdate()


def add_working_days(start: dt.date, days: int) -> dt.date:
    d = start
    while days > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            days -= 1
    return d


def add_months(start: dt.date, months: int) -> dt.date:
    m = start.month - 1 + months
    year, month = start.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def service_standard_target(route: str, application_date: dt.date) -> tuple[str, dt.date]:
    """The target decision date for ``route`` from the service-standard parameter in force."""
    from portcullis.rules import parameter

    name = route_config()[route]["service_standard"]
    value = parameter(name, application_date).value
    if "weeks" in value:
        week = parameter("service_standard.week_working_days", application_date).value
        return name, add_working_days(application_date, int(value["weeks"]) * int(week))
    if "months" in value:
        return name, add_months(application_date, int(value["months"]))
    raise ValueError(f"{name}: no weeks or months in {value!r}")


def _rfi_pauses_clock(application_date: dt.date) -> bool:
    from portcullis.rules import parameter

    try:
        return bool(parameter("service_standard.rfi_pauses_clock", application_date).value)
    except Exception:  # noqa: BLE001 - a missing parameter means the law does not pause it
        return False


def _priority(child: bool, vulnerable: bool, high_profile: bool) -> int:
    return (4 if child else 0) + (2 if vulnerable else 0) + (1 if high_profile else 0)


def _facts_errors(route: str, facts, as_at: dt.date) -> list[FieldError]:
    from portcullis.rules import FactsError, evaluate

    if not isinstance(facts, dict):
        return [FieldError("facts", "must be an object")]
    try:
        evaluate(route_config()[route]["rules_route"], facts, as_at=as_at)
    except FactsError as exc:
        return [FieldError(f"facts.{e['field']}" if e.get("field") else "facts", e["message"]) for e in exc.errors]
    return []


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _evidence_errors(items: list[EvidenceInput], prefix: str = "evidence") -> list[FieldError]:
    errors = []
    for i, item in enumerate(items):
        if not (item.filename or "").strip():
            errors.append(FieldError(f"{prefix}[{i}].filename", "is required"))
        if not item.content:
            errors.append(FieldError(f"{prefix}[{i}].content", "the file is empty"))
        elif len(item.content) > MAX_EVIDENCE_BYTES:
            errors.append(FieldError(f"{prefix}[{i}].content", "is larger than 20 MB"))
    return errors


def _store_evidence(case: Application, item: EvidenceInput, actor, rfi=None) -> Evidence:
    digest = _sha256(item.content)
    safe = _SAFE_NAME.sub("_", item.filename.strip())[-100:] or "file"
    ev = Evidence(application=case, filename=item.filename.strip()[:255], description=item.description[:300],
                  sha256=digest, size=len(item.content), content_type=item.content_type[:100], rfi=rfi,
                  uploaded_by=_user(actor))
    ev.file.save(f"{case.reference}-{digest[:12]}-{safe}", ContentFile(item.content), save=False)
    ev.save()
    return ev


def _user(actor):
    return actor if getattr(actor, "pk", None) and hasattr(actor, "get_username") else None


def _name(actor) -> str:
    return actor.get_username() if hasattr(actor, "get_username") else str(actor)


def _staff_team(actor):
    staff = getattr(actor, "staff", None)
    return staff.team if staff else None


def _locked(case: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).select_related("person", "queue", "owner").get(pk=case.pk)


def _require_access(case: Application, actor) -> None:
    """The owner, a member of the case's queue team, or a senior officer who can reallocate."""
    if _user(actor) and case.owner_id == actor.pk:
        return
    team = _staff_team(actor)
    if team is not None and case.queue_id == team.pk:
        return
    if can(actor, "casework.reallocate"):
        return
    raise Conflict(f"{case.reference} is not in your team's queue and you do not own it")


def _require_open(case: Application) -> None:
    if case.status not in OPEN_STATUSES:
        raise Conflict(f"{case.reference} is {case.get_status_display().lower()}; nothing more can be done on it")


def _log_transition(case: Application, action: str, actor, *, from_status: str, from_sub: str, reason: str = "",
                    payload: dict | None = None, now=None) -> None:
    now = now or timezone.now()
    Transition.objects.create(application=case, action=action, from_status=from_status, from_sub_status=from_sub,
                              to_status=case.status, to_sub_status=case.sub_status, by=_user(actor),
                              by_name=_name(actor), at=now, reason=reason)
    body = {"reference": case.reference, "route": case.route, "from": from_status, "to": case.status,
            "sub_status": case.sub_status}
    body.update(payload or {})
    record(actor, f"casework.{action}", case, person=case.person_id, reason=reason, payload=body)


def _change(case: Application, action: str, actor, *, status: str | None = None, sub_status: str | None = None,
            reason: str = "", payload: dict | None = None, fields: tuple[str, ...] = ()) -> None:
    """Apply a status / sub-status change (and any other changed ``fields``), log it and audit it."""
    from_status, from_sub = case.status, case.sub_status
    if status is not None:
        case.status = status
    if sub_status is not None:
        case.sub_status = sub_status
    now = timezone.now()
    case.last_transition_at = now
    case.save(update_fields=["status", "sub_status", "last_transition_at", *fields])
    _log_transition(case, action, actor, from_status=from_status, from_sub=from_sub, reason=reason, payload=payload,
                    now=now)


def move(case: Application, name: str, *, actor, reason: str = "", sub_status: str = "",
         payload: dict | None = None, served_on: dt.date | None = None) -> Application:
    """Make one move of the state machine (see :mod:`.lifecycle`).

    ``serve`` records when the decision was served (``served_on``, default today): the challenge
    deadlines in the decision letter run from that date."""
    spec = MOVES.get(name)
    if spec is None:
        raise InvalidInput(f"{name!r} is not a case transition", field="action")
    authorise(actor, spec.action)
    with transaction.atomic():
        case = _locked(case)
        _require_access(case, actor)
        if case.status not in spec.sources:
            raise Conflict(f"{case.reference} is {case.get_status_display().lower()}: cannot {name.replace('_', ' ')}")
        if name == "reject_invalid" and not reason.strip():
            raise InvalidInput("say why the application is invalid", field="reason")
        if name == "close" and case.rfis.filter(responded_at__isnull=True).exists():
            raise Conflict("an evidence request is still open")
        if name == "serve":
            decision = case.decisions.filter(state=Decision.State.DECIDED).first()
            if decision is None:
                raise Conflict("there is no decision to serve")
            if served_on is not None and served_on > _today():
                raise InvalidInput("is in the future", field="served_on")
            decision.served_at = (timezone.now() if served_on is None or served_on == _today() else
                                  timezone.make_aware(dt.datetime.combine(served_on, dt.time(12))))
            decision.save(update_fields=["served_at"])
            payload = {**(payload or {}), "served_on": timezone.localdate(decision.served_at).isoformat()}
        _change(case, name, actor, status=spec.target, sub_status=sub_status, reason=reason, payload=payload)
        if name == "start_consideration":
            _evaluate(case, actor)
    return case


# -- intake ------------------------------------------------------------------------------------------

def _keyed_application_date(facts) -> dt.date | None:
    """The application date keyed in the facts, when the case's own was not given."""
    try:
        return dt.date.fromisoformat(facts.get("application_date")) if isinstance(facts, dict) else None
    except (TypeError, ValueError):
        return None  # the facts' schema check names it


def _validate_intake(inp: ApplicationInput) -> tuple[dict, Team, Fee | None, dt.date]:
    errors: list[FieldError] = []
    config = route_config().get(inp.route)
    if config is None:
        raise InvalidInput(FieldError("route", f"must be one of {', '.join(route_config())}"))
    today = _today()
    application_date = inp.application_date or _keyed_application_date(inp.facts) or today
    if application_date > today:
        errors.append(FieldError("application_date", "is in the future"))
    referenced = (Person.objects.filter(reference=inp.applicant_reference.upper()).first()
                  if inp.applicant_reference else None)
    if isinstance(inp.facts, dict):
        birth_date = inp.applicant.birth_date if inp.applicant is not None else getattr(referenced, "birth_date_text", None)
        values = record_facts.record_values(config["rules_route"], application_date=application_date,
                                            birth_date=birth_date)
        errors += record_facts.conflicts(inp.facts, values, keyed_decision_date=False)
        facts = record_facts.with_record_values(inp.facts, values)
    else:
        facts = inp.facts
    errors += _facts_errors(inp.route, facts, application_date if application_date <= today else today)
    if inp.applicant is None and not inp.applicant_reference:
        errors.append(FieldError("applicant", "give the applicant's details or an existing person reference"))
    if inp.applicant is not None:
        try:
            validate_details(inp.applicant)
        except InvalidInput as exc:
            errors += [FieldError(f"applicant.{e.field}", e.message) for e in exc.errors]
    if inp.applicant_reference and referenced is None:
        errors.append(FieldError("applicant_reference", f"no person {inp.applicant_reference}"))
    for i, dep in enumerate(inp.dependants):
        if dep.relationship not in Dependant.Relationship.values:
            errors.append(FieldError(f"dependants[{i}].relationship",
                                     f"must be one of {', '.join(Dependant.Relationship.values)}"))
        try:
            validate_details(dep.details)
        except InvalidInput as exc:
            errors += [FieldError(f"dependants[{i}].{e.field}", e.message) for e in exc.errors]
    queue_code = inp.queue or config["default_queue"]
    team = Team.objects.filter(code=queue_code).first()
    if team is None:
        errors.append(FieldError("queue", f"no team {queue_code!r}"))
    elif team.function != Team.Function.CASEWORK:
        errors.append(FieldError("queue", f"{queue_code} is not a casework team"))
    fee = None
    if inp.fee is None:
        errors.append(FieldError("fee.amount", "record the fee paid (0 with state waived if there is none)"))
    else:
        try:
            amount = Decimal(str(inp.fee.amount))
            if amount < 0 or amount != amount.quantize(Decimal("0.01")):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.append(FieldError("fee.amount", "must be an amount in pounds and pence, 0 or more"))
            amount = None
        if inp.fee.state not in Fee.State.values:
            errors.append(FieldError("fee.state", f"must be one of {', '.join(Fee.State.values)}"))
        if not re.fullmatch(r"[A-Z]{3}", inp.fee.currency or ""):
            errors.append(FieldError("fee.currency", "must be a three-letter currency code"))
        if amount is not None:
            fee = Fee(amount=amount, currency=inp.fee.currency, state=inp.fee.state,
                      payment_reference=inp.fee.payment_reference[:60])
            if config.get("fee") and application_date <= today:
                from portcullis.rules import parameter

                try:
                    pv = parameter(config["fee"], application_date)
                    fee.expected_amount, fee.expected_citation = Decimal(str(pv.value)), pv.citation[:300]
                except Exception:  # noqa: BLE001 - no fee in force on that date: nothing to compare
                    pass
    errors += _evidence_errors(inp.evidence)
    if errors:
        raise InvalidInput(errors)
    return config, team, fee, application_date


def submit_application(inp: ApplicationInput, *, actor) -> Application:
    """Receive an application: resolve the applicant and dependants, record facts, fee and evidence."""
    authorise(actor, "casework.intake")
    config, team, fee, application_date = _validate_intake(inp)
    service_standard, target = service_standard_target(inp.route, application_date)
    with transaction.atomic():
        reason = f"{route_name(inp.route)} application"
        if inp.applicant_reference:
            person = Person.objects.get(reference=inp.applicant_reference.upper())
            while person.merged_into_id:
                person = person.merged_into
        else:
            try:
                person = resolve_person(inp.applicant, actor=actor, reason=reason).person
            except AmbiguousPerson as exc:
                raise InvalidInput(FieldError("applicant_reference", "more than one person matches; choose one of "
                                              + ", ".join(p.reference for p, _ in exc.candidates))) from None
        dependants = []
        for i, dep in enumerate(inp.dependants):
            try:
                dperson = resolve_person(dep.details, actor=actor, reason=f"dependant on a {reason}").person
            except AmbiguousPerson as exc:
                raise InvalidInput(FieldError(f"dependants[{i}]", "more than one person matches: "
                                              + ", ".join(p.reference for p, _ in exc.candidates))) from None
            if dperson.pk == person.pk:
                raise InvalidInput(FieldError(f"dependants[{i}]", "is the applicant"))
            dependants.append((dperson, dep.relationship))
        # The person found may be an existing record: its date of birth is the one the facts must agree with.
        values = record_facts.record_values(config["rules_route"], application_date=application_date,
                                            birth_date=person.birth_date_text)
        mismatch = record_facts.conflicts(inp.facts, values)
        if mismatch:
            raise InvalidInput(mismatch)
        now = timezone.now()
        case = Application.objects.create(
            reference=f"TMP-{uuid.uuid4().hex[:16]}", route=inp.route, person=person,
            facts=record_facts.with_record_values(inp.facts, values),
            queue=team, child=inp.child, vulnerable=inp.vulnerable, high_profile=inp.high_profile,
            priority=_priority(inp.child, inp.vulnerable, inp.high_profile), channel=inp.channel[:10],
            application_date=application_date, received_at=now, service_standard=service_standard,
            target_date=target, clock_due=target, last_transition_at=now, created_by=_user(actor))
        case.reference = f"CW-{application_date.year}-{case.pk:06d}"
        case.save(update_fields=["reference"])
        seen = set()
        for dperson, relationship in dependants:
            if dperson.pk in seen:
                continue
            seen.add(dperson.pk)
            Dependant.objects.create(application=case, person=dperson, relationship=relationship)
        fee.application = case
        fee.save()
        for item in inp.evidence:
            _store_evidence(case, item, actor)
        mandatory = set(config.get("mandatory_checks", []))
        Check.objects.bulk_create([Check(application=case, kind=k, mandatory=k in mandatory) for k in Check.Kind.values])
        _log_transition(case, "received", actor, from_status="", from_sub="", reason=reason, payload={
            "queue": team.code, "dependants": [p.reference for p, _ in dependants], "fee": str(fee.amount),
            "evidence": [_sha256(e.content) for e in inp.evidence], "target_date": target.isoformat()}, now=now)
        for dperson, relationship in dependants:
            record(actor, "casework.dependant_added", case, person=dperson, reason=f"{relationship} on {case.reference}",
                   payload={"reference": case.reference, "applicant": person.reference})
    return case


# The case's own rows that a page lists; ``get_case(..., presence=True)`` says which exist, so that a
# page can skip the query for each one that is empty (most cases have no interview, appointment, etc.).
CASE_RELATIONS = {"checks": Check, "rfis": RequestForEvidence, "interviews": Interview,
                  "appointments": BiometricAppointment, "dependants": Dependant, "fees": Fee, "evidence": Evidence,
                  "evaluations": Evaluation, "decisions": Decision, "certificate": NaturalisationCertificate}


@functools.cache
def _presence_annotations() -> dict:
    """``has_<relation>`` for each of CASE_RELATIONS as a constant EXISTS (built once per process).

    The same EXISTS that ``Exists(Model.objects.filter(application=OuterRef("pk")))`` makes, but
    assembling ten of those through the ORM costs ~4 ms of Python on every request; these are
    plain strings, cheap to add and safe to share between threads."""
    q = connection.ops.quote_name
    case_id = f"{q(Application._meta.db_table)}.{q(Application._meta.pk.column)}"
    out = {}
    for name, model in CASE_RELATIONS.items():
        table, column = q(model._meta.db_table), q(model._meta.get_field("application").column)
        out[f"has_{name}"] = RawSQL(f"EXISTS (SELECT 1 FROM {table} WHERE {table}.{column} = {case_id})", (),
                                    output_field=BooleanField())
    # The applicant's name as Person.primary_name chooses it (a primary name first, else the first
    # by kind), so the page's heading needs no query of its own.
    names, person_id = q(PersonName._meta.db_table), f"{q(Application._meta.db_table)}.{q('person_id')}"
    out["applicant_display_name"] = RawSQL(
        f"(SELECT {names}.{q('full_name')} FROM {names} WHERE {names}.{q('person_id')} = {person_id} "
        f"ORDER BY ({names}.{q('kind')} = %s) DESC, {names}.{q('kind')}, {names}.{q('id')} LIMIT 1)",
        (PersonName.Kind.PRIMARY.value,), output_field=CharField())
    return out


def get_case(reference: str, *, user, channel: str = "web", view: str = "casework.case",
             presence: bool = False) -> Application:
    """Read a case (logging the access to the applicant's record).

    With ``presence`` the case carries ``has_<relation>`` for each of :data:`CASE_RELATIONS`
    (EXISTS sub-queries in the same SELECT)."""
    authorise(user, "casework.view")
    qs = Application.objects.select_related("person", "owner", "queue")
    if presence:
        qs = qs.annotate(**_presence_annotations())
    case = qs.filter(reference=str(reference).upper()).first()
    if case is None:
        raise NotFound(f"no case {reference}")
    if presence:
        case.person.known_display_name = case.applicant_display_name
    log_access(user, case.person, channel=channel, view=view, purpose=case.reference)
    return case


# -- queues ------------------------------------------------------------------------------------------

def take_next(actor, *, team: Team | None = None) -> Application | None:
    """Give ``actor`` the oldest eligible unowned case in their team's queue (priority flags first).

    On PostgreSQL the row is claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` so that parallel
    callers never get the same case and never wait on each other.
    """
    authorise(actor, "casework.take_next")
    # The team's id is all the query needs: no need to load the team row.
    team_id = team.pk if team is not None else getattr(getattr(actor, "staff", None), "team_id", None)
    if team_id is None:
        raise InvalidInput("you are not in a team", field="team")
    with transaction.atomic():
        qs = (Application.objects.filter(queue_id=team_id, owner__isnull=True, status__in=WORKABLE_STATUSES)
              .order_by("-priority", "clock_due", "id"))
        if connection.vendor == "postgresql":
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        case = qs.select_related(None).first()
        if case is None:
            return None
        case.owner = actor
        _change(case, "taken", actor, reason="took the next case", fields=("owner",))
    return case


def release(case: Application, *, actor, reason: str = "") -> Application:
    """The owner puts the case back in its team queue."""
    authorise(actor, "casework.release")
    with transaction.atomic():
        case = _locked(case)
        if case.owner_id != getattr(actor, "pk", None):
            raise Conflict("only the owner can release a case; a senior officer can reallocate it")
        case.owner = None
        _change(case, "released", actor, reason=reason or "returned to the queue", fields=("owner",))
    return case


def reallocate(case: Application, *, actor, reason: str, to_user=None, to_team: Team | None = None) -> Application:
    """A senior officer moves a case to another officer and/or another team's queue."""
    authorise(actor, "casework.reallocate")
    errors = []
    if not (reason or "").strip():
        errors.append(FieldError("reason", "say why the case is reallocated"))
    if to_user is not None and getattr(to_user, "staff", None) is None:
        errors.append(FieldError("owner", "is not a member of staff"))
    if to_team is not None and to_team.function != Team.Function.CASEWORK:
        errors.append(FieldError("queue", f"{to_team.code} is not a casework team"))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        before = {"owner": case.owner.get_username() if case.owner else None, "queue": case.queue.code if case.queue else None}
        case.queue = to_team or case.queue or (to_user.staff.team if to_user else None)
        case.owner = to_user
        _change(case, "reallocated", actor, reason=reason, fields=("owner", "queue"),
                payload={"before": before, "owner": to_user.get_username() if to_user else None,
                         "queue": case.queue.code if case.queue else None})
    return case


def set_priority(case: Application, *, actor, reason: str, child: bool, vulnerable: bool,
                 high_profile: bool) -> Application:
    authorise(actor, "casework.set_priority")
    if not (reason or "").strip():
        raise InvalidInput("say why the priority changes", field="reason")
    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        case.child, case.vulnerable, case.high_profile = child, vulnerable, high_profile
        case.priority = _priority(child, vulnerable, high_profile)
        _change(case, "priority_set", actor, reason=reason, fields=("child", "vulnerable", "high_profile", "priority"),
                payload={"child": child, "vulnerable": vulnerable, "high_profile": high_profile})
    return case


def team_queue(team: Team, *, status: str = "", route: str = "", owner: str = "", flag: str = "",
               breached: bool = False, today: dt.date | None = None):
    """The open cases in a team's queue, filtered; for the queue page and the API."""
    today = today or _today()
    qs = Application.objects.filter(queue=team, status__in=OPEN_STATUSES).select_related("person", "owner")
    if status:
        qs = qs.filter(status=status)
    if route:
        qs = qs.filter(route=route)
    if owner == "unallocated":
        qs = qs.filter(owner__isnull=True)
    elif owner:
        qs = qs.filter(owner__username=owner)
    if flag in ("child", "vulnerable", "high_profile"):
        qs = qs.filter(**{flag: True})
    if breached:
        qs = qs.filter(clock_due__lt=today, paused_since__isnull=True)
    return qs.order_by("-priority", "clock_due", "id")


def my_cases(user):
    return (Application.objects.filter(owner=user, status__in=OPEN_STATUSES + [Status.DECIDED, Status.SERVED])
            .select_related("person").order_by("-priority", "clock_due", "id"))


def countersign_queue(user):
    team = _staff_team(user)
    qs = Application.objects.filter(status=Status.PENDING_COUNTERSIGNATURE).select_related("person", "owner")
    if team is not None and not can(user, "casework.reallocate"):
        qs = qs.filter(queue=team)
    return [c for c in qs.order_by("clock_due", "id")[:500]
            if can(user, f"casework.countersign.{route_config()[c.route]['authority']}")
            and c.decisions.filter(state=Decision.State.PROPOSED).exclude(proposed_by=user).exists()]


def stuck_cases(days: int, *, now=None):
    """Cases not closed whose last transition is more than ``days`` days ago, oldest first."""
    if days < 0:
        raise InvalidInput("must be 0 or more", field="days")
    now = now or timezone.now()
    return (Application.objects.exclude(status=Status.CLOSED)
            .filter(last_transition_at__lt=now - dt.timedelta(days=days))
            .select_related("person", "owner", "queue").order_by("last_transition_at", "id"))


# -- checks ------------------------------------------------------------------------------------------

def _set_check(case: Application, kind: str, result: str, *, actor, details: dict | None = None, note: str = "") -> Check:
    check = Check.objects.select_for_update().get(application=case, kind=kind)
    before = check.result
    check.result, check.details, check.note = result, details or {}, note
    check.recorded_by, check.recorded_at = _user(actor), timezone.now()
    check.save()
    record(actor, "casework.check_recorded", case, person=case.person_id, reason=note,
           payload={"reference": case.reference, "check": kind, "before": before, "result": result,
                    "details": check.details})
    return check


def _check_case(case: Application, actor) -> Application:
    authorise(actor, "casework.record_check")
    case = _locked(case)
    _require_access(case, actor)
    _require_open(case)
    return case


def record_identity_check(case: Application, *, mrz: str, actor) -> Check:
    """Read the passport MRZ and compare it with the applicant's record."""
    from portcullis.documents import parse_mrz
    from portcullis.people.names import normalise_document_number

    if not (mrz or "").strip():
        raise InvalidInput("paste or scan the machine readable zone", field="mrz")
    result = parse_mrz(mrz)
    with transaction.atomic():
        case = _check_case(case, actor)
        person = case.person
        f = result.fields
        details = {"mrz_valid": result.valid, "errors": [str(e) for e in result.errors],
                   "document_number": f.document_number if f else None,
                   "birth_date": f.birth_date.isoformat() if f and f.birth_date else None}
        if not result.valid:
            return _set_check(case, Check.Kind.IDENTITY, Check.Result.FAILED, actor=actor, details=details,
                              note="the MRZ does not validate")
        mismatches = []
        numbers = {i.number for i in person.identifiers.all()}
        if normalise_document_number(f.document_number or "") not in numbers:
            mismatches.append("document number is not on the applicant's record")
        if f.birth_date and person.birth_year:
            if f.birth_date.year != person.birth_year or (person.birth_month and f.birth_date.month != person.birth_month) \
                    or (person.birth_day and f.birth_date.day != person.birth_day):
                mismatches.append("date of birth differs from the applicant's record")
        if f.expiry_date and f.expiry_date < _today():
            mismatches.append("the document has expired")
        details["mismatches"] = mismatches
        return _set_check(case, Check.Kind.IDENTITY, Check.Result.REFER if mismatches else Check.Result.PASSED,
                          actor=actor, details=details, note="; ".join(mismatches))


def run_watchlist_check(case: Application, *, actor) -> Check:
    from portcullis.watchlists.services import screen_person

    with transaction.atomic():
        case = _check_case(case, actor)
        screening = screen_person(case.person, actor=actor, purpose="application")
        details = {"screening_id": screening.pk, "hit_count": screening.hit_count,
                   "hits": [{k: h.get(k) for k in ("list", "entry", "name", "score") if k in h}
                            for h in (screening.hits or [])][:20]}
        result = Check.Result.PASSED if screening.hit_count == 0 else Check.Result.REFER
        return _set_check(case, Check.Kind.WATCHLIST, result, actor=actor, details=details,
                          note="" if result == Check.Result.PASSED else f"{screening.hit_count} possible match(es) to review")


def run_history_check(case: Application, *, actor) -> Check:
    """Earlier applications and status records of the applicant: refusals or lost leave need review."""
    from portcullis.status.services import history

    with transaction.atomic():
        case = _check_case(case, actor)
        refusals = list(Decision.objects.filter(application__person=case.person, outcome=Decision.Outcome.REFUSE,
                                                state=Decision.State.DECIDED).exclude(application=case)
                        .values_list("application__reference", flat=True))
        records = history(case.person)
        lost = [str(r) for r in records if r.state in ("curtailed", "revoked", "cancelled")]
        details = {"earlier_refusals": refusals, "status_records": [str(r) for r in records], "lost_status": lost}
        concerns = (["earlier refusal(s): " + ", ".join(refusals)] if refusals else []) + \
                   (["status curtailed, revoked or cancelled"] if lost else [])
        return _set_check(case, Check.Kind.IMMIGRATION_HISTORY,
                          Check.Result.REFER if concerns else Check.Result.PASSED, actor=actor, details=details,
                          note="; ".join(concerns))


def record_check(case: Application, *, kind: str, result: str, note: str, actor) -> Check:
    """An officer records a check result by hand (e.g. clearing a watchlist match after review)."""
    errors = []
    if kind not in Check.Kind.values:
        errors.append(FieldError("kind", f"must be one of {', '.join(Check.Kind.values)}"))
    if result not in Check.Result.values or result == Check.Result.OUTSTANDING:
        errors.append(FieldError("result", "must be passed, failed or refer"))
    if not (note or "").strip():
        errors.append(FieldError("note", "say what was checked and what was found"))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        case = _check_case(case, actor)
        return _set_check(case, kind, result, actor=actor, note=note,
                          details={"manual": True, **Check.objects.get(application=case, kind=kind).details})


def outstanding_checks(case: Application) -> list[Check]:
    return [c for c in case.checks.all() if c.mandatory and c.result != Check.Result.PASSED]


def slot_is_valid(site: EnrolmentSite, start: dt.datetime) -> bool:
    local = timezone.localtime(start) if timezone.is_aware(start) else start
    minutes = local.hour * 60 + local.minute
    return local.second == 0 and minutes % site.slot_minutes == 0 and 9 * 60 <= minutes < 17 * 60 and local.weekday() < 5


def book_biometrics(case: Application, *, site_code: str, slot_start: dt.datetime, actor) -> BiometricAppointment:
    """Book a biometric enrolment appointment; a slot holds at most the site's capacity."""
    authorise(actor, "casework.book_biometrics")
    site = EnrolmentSite.objects.filter(code=site_code).first()
    errors = []
    if site is None:
        errors.append(FieldError("site", f"no enrolment site {site_code!r}"))
    if slot_start is None:
        errors.append(FieldError("slot_start", "is required"))
    elif timezone.is_naive(slot_start):
        slot_start = timezone.make_aware(slot_start)
    if site and slot_start and not slot_is_valid(site, slot_start):
        errors.append(FieldError("slot_start", f"must start on a {site.slot_minutes}-minute slot, 09:00-17:00 Monday to Friday"))
    if slot_start and slot_start <= timezone.now():
        errors.append(FieldError("slot_start", "is in the past"))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        site = EnrolmentSite.objects.select_for_update().get(pk=site.pk)  # serialises bookings per site
        case = _locked(case)
        _require_access(case, actor)
        _require_open(case)
        taken = BiometricAppointment.objects.filter(site=site, slot_start=slot_start,
                                                    state__in=[BiometricAppointment.State.BOOKED,
                                                               BiometricAppointment.State.ATTENDED]).count()
        if taken >= site.capacity_per_slot:
            raise InvalidInput(FieldError("slot_start", f"{site.name} is fully booked at {timezone.localtime(slot_start):%d %b %Y %H:%M}"))
        case.appointments.filter(state=BiometricAppointment.State.BOOKED).update(state=BiometricAppointment.State.CANCELLED)
        appt = BiometricAppointment.objects.create(application=case, site=site, slot_start=slot_start, booked_by=_user(actor))
        _change(case, "biometrics_booked", actor, sub_status=SubStatus.AWAITING_BIOMETRICS,
                reason=f"{site.name} {timezone.localtime(slot_start):%d %b %Y %H:%M}",
                payload={"site": site.code, "slot_start": slot_start.isoformat()})
    return appt


def record_biometrics(appointment: BiometricAppointment, *, attended: bool, actor) -> BiometricAppointment:
    authorise(actor, "casework.record_check")
    with transaction.atomic():
        case = _locked(appointment.application)
        _require_access(case, actor)
        appt = BiometricAppointment.objects.select_for_update().get(pk=appointment.pk)
        if appt.state != BiometricAppointment.State.BOOKED:
            raise Conflict("this appointment is not booked")
        appt.state = BiometricAppointment.State.ATTENDED if attended else BiometricAppointment.State.MISSED
        appt.save(update_fields=["state"])
        if attended:
            _set_check(case, Check.Kind.BIOMETRICS, Check.Result.PASSED, actor=actor,
                       details={"appointment": appt.pk, "site": appt.site.code}, note="enrolled")
        _change(case, "biometrics_recorded", actor, sub_status="", reason=appt.get_state_display())
    return appt


# -- evidence and interviews --------------------------------------------------------------------------

def request_evidence(case: Application, *, items: str, due_date: dt.date | None, actor) -> RequestForEvidence:
    """Ask the applicant for evidence.  The service-standard clock stops until it is answered."""
    authorise(actor, "casework.request_evidence")
    errors = []
    if not (items or "").strip():
        errors.append(FieldError("items", "say what evidence is needed"))
    if due_date is None:
        errors.append(FieldError("due_date", "is required"))
    elif due_date <= _today():
        errors.append(FieldError("due_date", "must be after today"))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        case = _locked(case)
        _require_access(case, actor)
        if case.status not in WORKABLE_STATUSES:
            raise Conflict(f"{case.reference} is {case.get_status_display().lower()}: evidence cannot be requested")
        rfi = RequestForEvidence.objects.create(application=case, items=items.strip(), due_date=due_date,
                                                requested_by=actor, requested_at=timezone.now())
        fields = ()
        if case.paused_since is None and _rfi_pauses_clock(case.application_date):
            case.paused_since = _today()
            fields = ("paused_since",)
        _change(case, "evidence_requested", actor, sub_status=SubStatus.AWAITING_EVIDENCE, reason=items.strip(),
                fields=fields, payload={"rfi": rfi.pk, "due_date": due_date.isoformat()})
        signals.evidence_requested.send(Application, case=case, rfi=rfi, actor=actor)
    return rfi


def record_evidence(rfi: RequestForEvidence, *, response: str, actor, facts: dict | None = None,
                    files: list[EvidenceInput] | None = None) -> RequestForEvidence:
    """Record the applicant's answer: the evidence files, and the facts it establishes.  Restarts the clock."""
    authorise(actor, "casework.record_evidence")
    files = files or []
    facts = facts or {}
    case = rfi.application
    errors = []
    if not (response or "").strip() and not files:
        errors.append(FieldError("response", "describe the evidence received, or attach it"))
    if not isinstance(facts, dict):
        errors.append(FieldError("facts", "must be an object"))
    errors += _evidence_errors(files, "files")
    merged = {**case.facts, **(facts if isinstance(facts, dict) else {})}
    if facts and isinstance(facts, dict):
        errors += record_facts.conflicts(facts, _record_values(case), keyed_decision_date=False)
        errors += _facts_errors(case.route, merged, _today())
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        case = _locked(case)
        _require_access(case, actor)
        rfi = RequestForEvidence.objects.select_for_update().get(pk=rfi.pk)
        if not rfi.is_open:
            raise Conflict("this request has already been answered")
        rfi.responded_at, rfi.response, rfi.facts_updated, rfi.recorded_by = timezone.now(), response.strip(), facts, _user(actor)
        rfi.save()
        stored = [_store_evidence(case, f, actor, rfi=rfi) for f in files]
        fields = ["facts"]
        case.facts = merged
        if not case.rfis.filter(responded_at__isnull=True).exclude(pk=rfi.pk).exists():
            if case.paused_since is not None:
                case.paused_days += max((_today() - case.paused_since).days, 0)
                case.clock_due = case.target_date + dt.timedelta(days=case.paused_days)
                case.paused_since = None
                fields += ["paused_since", "paused_days", "clock_due"]
            sub = ""
        else:
            sub = SubStatus.AWAITING_EVIDENCE
        _change(case, "evidence_received", actor, sub_status=sub, reason=response.strip(), fields=tuple(fields),
                payload={"rfi": rfi.pk, "facts": facts, "files": [e.sha256 for e in stored]})
        if case.status == Status.CONSIDERATION:
            _evaluate(case, actor)
    return rfi


def add_evidence(case: Application, *, files: list[EvidenceInput], actor) -> list[Evidence]:
    authorise(actor, "casework.record_evidence")
    errors = _evidence_errors(files, "files") or ([] if files else [FieldError("files", "attach a file")])
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        case = _locked(case)
        _require_access(case, actor)
        stored = [_store_evidence(case, f, actor) for f in files]
        record(actor, "casework.evidence_added", case, person=case.person_id,
               payload={"reference": case.reference, "files": [{"name": e.filename, "sha256": e.sha256} for e in stored]})
    return stored


def schedule_interview(case: Application, *, when: dt.datetime | None, location: str, actor, interviewer=None,
                       interpreter_language: str = "") -> Interview:
    authorise(actor, "casework.schedule_interview")
    errors = []
    if when is None:
        errors.append(FieldError("scheduled_for", "is required"))
    elif (timezone.make_aware(when) if timezone.is_naive(when) else when) <= timezone.now():
        errors.append(FieldError("scheduled_for", "is in the past"))
    if not (location or "").strip():
        errors.append(FieldError("location", "is required"))
    interviewer = interviewer or actor
    if getattr(interviewer, "staff", None) is None:
        errors.append(FieldError("interviewer", "is not a member of staff"))
    if errors:
        raise InvalidInput(errors)
    when = timezone.make_aware(when) if timezone.is_naive(when) else when
    with transaction.atomic():
        case = _locked(case)
        _require_access(case, actor)
        if case.status not in WORKABLE_STATUSES:
            raise Conflict(f"{case.reference} is {case.get_status_display().lower()}: no interview can be scheduled")
        interview = Interview.objects.create(application=case, scheduled_for=when, location=location.strip(),
                                             interviewer=interviewer, interpreter_language=interpreter_language.strip())
        _change(case, "interview_scheduled", actor, sub_status=SubStatus.INTERVIEW_SCHEDULED,
                reason=f"{timezone.localtime(when):%d %b %Y %H:%M} at {location.strip()}",
                payload={"interview": interview.pk, "interviewer": interviewer.get_username()})
        signals.interview_scheduled.send(Application, case=case, interview=interview, actor=actor)
    return interview


def record_interview(interview: Interview, *, record_text: str, actor) -> Interview:
    authorise(actor, "casework.record_interview")
    if not (record_text or "").strip():
        raise InvalidInput("write the interview record", field="record")
    with transaction.atomic():
        case = _locked(interview.application)
        _require_access(case, actor)
        interview = Interview.objects.select_for_update().get(pk=interview.pk)
        if interview.state != Interview.State.SCHEDULED:
            raise Conflict("this interview has already been recorded or cancelled")
        interview.state, interview.record, interview.recorded_at = Interview.State.HELD, record_text.strip(), timezone.now()
        interview.save()
        _change(case, "interview_recorded", actor, sub_status="", reason="interview held",
                payload={"interview": interview.pk, "record_sha256": _sha256(interview.record.encode())})
    return interview


# -- consideration and decision ----------------------------------------------------------------------

def _record_values(case: Application, as_at: dt.date | None = None) -> dict:
    return record_facts.record_values(route_config()[case.route]["rules_route"], application_date=case.application_date,
                                      birth_date=case.person.birth_date_text, decision_date=as_at)


def facts_for_evaluation(case: Application, as_at: dt.date | None = None) -> dict:
    """The case's facts as evaluated on ``as_at`` (today by default): the record facts (application
    date, the applicant's date of birth, the decision date) filled in from the records, and the
    person's recorded movements added when the facts ask for absences to be counted from movement
    records (``trips_source: movements``) and give none themselves.  The stored evaluation keeps
    these facts, so it shows exactly which dates and movements were used."""
    facts = record_facts.with_record_values(case.facts, _record_values(case, as_at or _today()))
    if facts.get("trips_source") == "movements" and not facts.get("movements"):
        recorded = signals.recorded_movements(case.person)
        if recorded is not None:
            facts = {**facts, "movements": recorded}
    return facts


def _evaluate(case: Application, actor, as_at: dt.date | None = None) -> Evaluation:
    from portcullis.rules import FactsError, evaluate

    as_at = as_at or _today()
    facts = facts_for_evaluation(case, as_at)
    try:
        ev = evaluate(route_config()[case.route]["rules_route"], facts, as_at=as_at)
    except FactsError as exc:
        raise InvalidInput([FieldError(f"facts.{e['field']}", e["message"]) for e in exc.errors]) from None
    row = Evaluation.objects.create(
        application=case, as_at=ev.as_at, outcome=ev.outcome.value,
        recommended=ev.recommended.value if ev.recommended else "", band=ev.band or "",
        rules_version=ev.rules_version, facts=facts, tree=ev.to_dict(), explanation=ev.explain_text(),
        created_by=_user(actor), created_at=timezone.now())
    record(actor, "casework.evaluated", case, person=case.person_id,
           payload={"reference": case.reference, "outcome": row.outcome, "recommended": row.recommended,
                    "rules_version": row.rules_version, "as_at": row.as_at.isoformat(), "evaluation": row.pk})
    return row


def evaluate_case(case: Application, *, actor, as_at: dt.date | None = None) -> Evaluation:
    """Evaluate the case's facts against its route's rules and store the tree with the case."""
    authorise(actor, "casework.evaluate")
    with transaction.atomic():
        case = _locked(case)
        _require_access(case, actor)
        _require_open(case)
        return _evaluate(case, actor, as_at)


def latest_evaluation(case: Application, *, defer: tuple[str, ...] = ()) -> Evaluation | None:
    """The case's newest evaluation (``defer``: columns a caller does not read, e.g. a page that
    shows the tree but not the stored facts)."""
    qs = case.evaluations.defer(*defer) if defer else case.evaluations
    return qs.order_by("-created_at", "-id").first()


def _nodes(tree: dict) -> list[dict]:
    out = []

    def walk(n):
        out.append(n)
        for c in n.get("children", []):
            walk(c)

    walk(tree["requirements"])
    return out


def rationale_required(evaluation: Evaluation, outcome: str) -> list[str]:
    """Why a rationale is needed for ``outcome`` on this evaluation (empty when it is not)."""
    why = []
    recommended = evaluation.outcome if evaluation.outcome in ("GRANT", "REFUSE") else evaluation.recommended
    if recommended != outcome:
        why.append(f"the outcome differs from the recommendation ({recommended or 'none'})"
                   if recommended else "the rules make no recommendation")
    if evaluation.outcome == "REFER":
        why.append("the evaluation is REFER")
    unknown = [n["id"] for n in _nodes(evaluation.tree) if n["status"] == "NOT_KNOWN" and not n.get("children")]
    if unknown:
        why.append("requirement(s) not known: " + ", ".join(unknown))
    return why


def refusal_reasons(evaluation: Evaluation) -> list[dict]:
    """The NOT_MET requirements of the tree, or failing those the grounds the evaluation named."""
    reasons = [{"requirement": n["id"], "paragraph": n["paragraph"], "explanation": n.get("reason") or n["explanation"]}
               for n in _nodes(evaluation.tree)
               if n["status"] == "NOT_MET" and n.get("kind") not in ("group", "information")]
    if not reasons:
        reasons = [{"requirement": g.get("id", ""), "paragraph": g.get("paragraph", ""), "explanation": g.get("reason", "")}
                   for g in evaluation.tree.get("grounds", []) if g.get("paragraph")]
    if not reasons:
        # A refusal in a discretionary band or on an unknown fact: the requirements the officer weighed
        # (their reasons are the decision's rationale, which the letter also gives).
        reasons = [{"requirement": n["id"], "paragraph": n["paragraph"],
                    "explanation": n.get("reason") or n["explanation"]}
                   for n in _nodes(evaluation.tree)
                   if n["status"] in ("REFER", "NOT_KNOWN") and n.get("kind") not in ("group", "information")
                   and n.get("paragraph")]
    return reasons


def _parse_duration(start: dt.date, duration: str | None) -> dt.date | None:
    if not duration:
        return None
    m = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?", duration)
    if not m:
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in m.groups())
    return add_months(start, years * 12 + months) + dt.timedelta(days=weeks * 7 + days) - dt.timedelta(days=1)


def _grant_kind(route: str, leave: dict | None) -> str:
    kind = route_config()[route]["grant_status"]
    if isinstance(kind, dict):
        text = (leave or {}).get("type", "").lower()
        return kind["pre_settled"] if "pre-settled" in text else kind["settled"]
    return kind


def _leave_for(case: Application, evaluation: Evaluation, start: dt.date) -> dict | None:
    leave = evaluation.tree.get("leave")
    kind = _grant_kind(case.route, leave)
    if kind == "certificate":
        return None
    leave = leave or {}
    expiry = leave.get("ends")
    expiry = dt.date.fromisoformat(expiry) if expiry else _parse_duration(start, leave.get("duration"))
    return {"kind": kind, "type": leave.get("type", ""), "start": start.isoformat(),
            "expiry": expiry.isoformat() if expiry else None, "conditions": list(leave.get("conditions", []))}


def _authority_key(case: Application) -> str:
    return route_config()[case.route]["authority"]


def propose_decision(case: Application, *, outcome: str, rationale: str, actor) -> Decision:
    """Decide the case, or propose the decision for countersignature where the grade needs one.

    The latest evaluation must be on the case's current facts.  A rationale is mandatory when the
    outcome differs from the recommendation or a requirement is REFER / NOT_KNOWN.  A grant is
    impossible while a mandatory check is outstanding or an evidence request is open.
    """
    authorise(actor, "casework.propose_decision")
    outcome = (outcome or "").upper()
    if outcome not in Decision.Outcome.values:
        raise InvalidInput("must be GRANT or REFUSE", field="outcome")
    action = f"casework.{'grant' if outcome == 'GRANT' else 'refuse'}.{_authority_key(case)}"
    permit = authorise(actor, action, countersign_ok=True)
    with transaction.atomic():
        case = _locked(case)
        _require_access(case, actor)
        if case.status != Status.CONSIDERATION:
            raise Conflict(f"{case.reference} is {case.get_status_display().lower()}: a decision is made in consideration")
        if case.owner_id != getattr(actor, "pk", None) and not can(actor, "casework.reallocate"):
            raise Conflict("take the case before deciding it")
        evaluation = latest_evaluation(case)
        if evaluation is None or evaluation.facts != facts_for_evaluation(case):
            evaluation = _evaluate(case, actor)
        errors = []
        if evaluation.outcome == "INVALID":
            errors.append(FieldError("outcome", "the evaluation finds the application invalid: reject it as invalid"))
        why = rationale_required(evaluation, outcome)
        if why and not (rationale or "").strip():
            errors.append(FieldError("rationale", "a rationale is required because " + "; ".join(why)))
        if outcome == "GRANT":
            missing = outstanding_checks(case)
            if missing:
                errors.append(FieldError("checks", "mandatory checks not passed: "
                                         + ", ".join(c.get_kind_display() for c in missing)))
            if case.rfis.filter(responded_at__isnull=True).exists():
                errors.append(FieldError("rfi", "an evidence request is still open"))
        if errors:
            raise InvalidInput(errors)
        now = timezone.now()
        today = timezone.localdate(now)
        grounds = refusal_reasons(evaluation) if outcome == "REFUSE" else []
        decision = Decision.objects.create(
            application=case, evaluation=evaluation, outcome=outcome,
            state=Decision.State.PROPOSED if permit.needs_countersignature else Decision.State.DECIDED,
            grounds=grounds, rationale=(rationale or "").strip(),
            leave=_leave_for(case, evaluation, today) if outcome == "GRANT" else None, authority_action=action,
            proposed_by=actor, proposed_grade=permit.grade, proposed_at=now,
            decided_at=None if permit.needs_countersignature else now)
        payload = {"decision": decision.pk, "outcome": outcome, "evaluation": evaluation.pk,
                   "rules_version": evaluation.rules_version, "grounds": grounds, "authority": action}
        if permit.needs_countersignature:
            _change(case, "decision_proposed", actor, status=Status.PENDING_COUNTERSIGNATURE, sub_status="",
                    reason=f"{outcome.lower()} proposed: {decision.rationale}".strip(": "), payload=payload)
        else:
            _change(case, "decided", actor, status=Status.DECIDED, sub_status="",
                    reason=f"{outcome.lower()}: {decision.rationale}".strip(": "), payload=payload)
            _give_effect(case, decision, actor)
            signals.decision_taken.send(Application, case=case, decision=decision, actor=actor)
    return decision


def countersign(case: Application, *, actor, approve: bool = True, reason: str = "") -> Decision:
    """A second officer agrees the proposed decision (which then takes effect) or returns it."""
    authorise(actor, "casework.countersign")
    authorise(actor, f"casework.countersign.{_authority_key(case)}")
    with transaction.atomic():
        case = _locked(case)
        if case.status != Status.PENDING_COUNTERSIGNATURE:
            raise Conflict(f"{case.reference} has no decision awaiting countersignature")
        decision = case.decisions.select_for_update().filter(state=Decision.State.PROPOSED).first()
        if decision is None:
            raise Conflict(f"{case.reference} has no decision awaiting countersignature")
        if decision.proposed_by_id == getattr(actor, "pk", None):
            raise Conflict("a decision cannot be countersigned by the officer who proposed it")
        now = timezone.now()
        if approve:
            decision.state, decision.countersigned_by, decision.countersigned_grade = Decision.State.DECIDED, actor, grade_of(actor)
            decision.countersigned_at = decision.decided_at = now
            decision.save()
            _change(case, "countersigned", actor, status=Status.DECIDED, sub_status="",
                    reason=reason or f"{decision.get_outcome_display().lower()} countersigned",
                    payload={"decision": decision.pk, "outcome": decision.outcome,
                             "proposed_by": decision.proposed_by.get_username()})
            _give_effect(case, decision, actor)
            signals.decision_taken.send(Application, case=case, decision=decision, actor=actor)
        else:
            if not (reason or "").strip():
                raise InvalidInput("say why the decision is returned", field="reason")
            decision.state, decision.return_reason = Decision.State.RETURNED, reason.strip()
            decision.save(update_fields=["state", "return_reason"])
            _change(case, "decision_returned", actor, status=Status.CONSIDERATION, sub_status=SubStatus.RETURNED,
                    reason=reason.strip(), payload={"decision": decision.pk})
    return decision


def _give_effect(case: Application, decision: Decision, actor) -> None:
    """A grant creates the leave/status record or the naturalisation certificate."""
    if decision.outcome != Decision.Outcome.GRANT:
        return
    config = route_config()[case.route]
    today = timezone.localdate()
    if config["grant_status"] == "certificate":
        cert = NaturalisationCertificate.objects.create(
            application=case, person=case.person, number=f"TMP-{uuid.uuid4().hex[:12]}",
            section=config.get("certificate_section", ""), issued_on=today, ceremony_due_by=add_months(today, 3))
        cert.number = f"NC{today.year}{cert.pk:07d}"
        cert.save(update_fields=["number"])
        record(actor, "casework.certificate_issued", cert, person=case.person_id, reason=case.reference,
               payload={"number": cert.number, "section": cert.section, "ceremony_due_by": cert.ceremony_due_by.isoformat()})
        return
    from portcullis.status.services import grant_status

    leave = decision.leave or {}
    rec = grant_status(case.person, kind=leave["kind"], start=dt.date.fromisoformat(leave["start"]),
                       expiry=dt.date.fromisoformat(leave["expiry"]) if leave.get("expiry") else None,
                       conditions=leave.get("conditions", []), actor=actor,
                       reason=f"{route_name(case.route)} granted", source="casework", source_ref=case.reference)
    decision.status_record_id = rec.pk
    decision.save(update_fields=["status_record_id"])


DECISION_PEOPLE = ("proposed_by", "proposed_by__staff", "countersigned_by", "countersigned_by__staff")


def current_of(decisions) -> Decision | None:
    """The current decision among a case's decisions (in the model's order): the first not returned."""
    return next((d for d in decisions if d.state != Decision.State.RETURNED), None)


def current_decision(case: Application) -> Decision | None:
    return case.decisions.exclude(state=Decision.State.RETURNED).select_related(*DECISION_PEOPLE).first()


def _officer(user, grade: str) -> str | None:
    if user is None:
        return None
    return f"{user.get_full_name() or user.get_username()} ({grade})" if grade else (user.get_full_name() or user.get_username())


def decision_letter_context(decision: Decision) -> dict:
    """Everything a decision letter says, for the correspondence context."""
    case = decision.application
    person = case.person
    name = person.primary_name
    config = route_config()[case.route]
    leave = None
    if decision.outcome == Decision.Outcome.GRANT:
        if decision.leave:
            leave = {"kind": decision.leave["kind"], "start": dt.date.fromisoformat(decision.leave["start"]),
                     "expiry": dt.date.fromisoformat(decision.leave["expiry"]) if decision.leave.get("expiry") else None,
                     "conditions": list(decision.leave.get("conditions", []))}
        else:
            cert = NaturalisationCertificate.objects.filter(application=case).first()
            leave = {"kind": "naturalisation_certificate", "start": cert.issued_on if cert else None, "expiry": None,
                     "conditions": ["attend a citizenship ceremony and make the oath and pledge"]}
    challenge = config.get("challenge") or {}
    decided_at = decision.decided_at or decision.proposed_at
    return {
        "case_reference": case.reference,
        "route": case.route,
        "route_name": config["name"],
        "outcome": decision.outcome,
        "decided_on": timezone.localdate(decided_at),
        "decided_by": _officer(decision.proposed_by, decision.proposed_grade),
        "countersigned_by": _officer(decision.countersigned_by, decision.countersigned_grade),
        "person": {"reference": person.reference, "name": name.full_name if name else "",
                   "latin": name.latin if name else "", "birth_date": person.birth_date_text},
        "leave": leave,
        "reasons": list(decision.grounds) if decision.outcome == Decision.Outcome.REFUSE else [],
        "rationale": decision.rationale,
        "challenge": {"kind": challenge.get("kind") if decision.outcome == Decision.Outcome.REFUSE else None,
                      "route": challenge.get("route") if decision.outcome == Decision.Outcome.REFUSE else None},
    }


# -- reads for pages ---------------------------------------------------------------------------------

def timeline(case: Application) -> list[Transition]:
    # Transitions carry the officer's name as it was (by_name): no join to the user table.
    return list(case.transitions.order_by("at", "id"))


def applications_of(person) -> list[Application]:
    return list(Application.objects.filter(person=person).order_by("-received_at")[:50])
