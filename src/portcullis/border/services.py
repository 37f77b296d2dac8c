"""Border control services: passenger lists from carriers, the primary control desk, movements."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from portcullis.audit.services import record
from portcullis.documents import parse_mrz
from portcullis.errors import Conflict, FieldError, InvalidInput
from portcullis.people.models import Identifier, Person
from portcullis.people.services import DocumentInput, NameInput, PersonDetails, resolve_people, resolve_person
from portcullis.status import services as status
from portcullis.status.models import StatusRecord
from portcullis.watchlists import services as screening
from portcullis.workforce.authority import authorise

from . import cusres as cusres_writer
from . import signals
from .egate import egate_eligibility
from .models import (
    Carrier, Examination, ExpectedTraveller, Flight, Movement, PassengerList, RemovalDirections,
    SecondaryExamination,
)
from .paxlst import PaxlstError, parse_paxlst

log = logging.getLogger(__name__)
AUTHORITY_ID = "PORTCULLIS"
DOC_KINDS = {"P": Identifier.Kind.PASSPORT, "I": Identifier.Kind.ID_CARD, "A": Identifier.Kind.ID_CARD,
             "C": Identifier.Kind.ID_CARD, "V": Identifier.Kind.VISA}
BLOCKING_ACTIONS = {"refuse_entry"}


def _doc_kind(code: str) -> str:
    return DOC_KINDS.get((code or "P")[:1], Identifier.Kind.TRAVEL_DOCUMENT)


# --- passenger lists --------------------------------------------------------------------------------

@dataclass
class PassengerListResult:
    accepted: bool
    cusres: str
    passenger_list: PassengerList | None = None
    error: PaxlstError | None = None
    warnings: list[str] = field(default_factory=list)


def _details_from_pax(p) -> PersonDetails:
    names = " ".join(x for x in (p.given_names, p.surname) if x)
    docs = [DocumentInput(number=d.number, kind=_doc_kind(d.type), issuing_state=d.issuing_country or "",
                          expiry_date=d.expiry) for d in p.documents if d.number]
    nationality = [p.nationality] if p.nationality else []
    return PersonDetails(names=[NameInput(full_name=names, given_names=p.given_names, family_name=p.surname)],
                         birth_date=p.birth_date.isoformat() if p.birth_date else "",
                         sex=p.sex if p.sex in ("M", "F", "X") else "", nationalities=nationality, documents=docs)


def receive_passenger_list(data: bytes | str, *, carrier: Carrier, actor) -> PassengerListResult:
    """Parse a carrier's PAXLST, resolve and screen every person, store the pre-arrival list and
    answer with a CUSRES (board / no board per person).  A PAXLST that cannot be read is answered
    with a CUSRES error naming the segment, and nothing of it is stored."""
    authorise(actor, "border.submit_passenger_list")
    now = timezone.now()
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    try:
        interchange = parse_paxlst(text)
    except PaxlstError as exc:
        log.info("PAXLST from %s rejected: %s", carrier.code, exc)
        reply = cusres_writer.write_cusres_error(exc, sender=AUTHORITY_ID, recipient=carrier.code,
                                                 control_ref=now.strftime("%y%m%d%H%M%S"), now=now)
        return PassengerListResult(False, reply, error=exc)
    persons = interchange.persons
    if not persons:
        err = PaxlstError("the message lists no passengers or crew", segment_number=0, tag="NAD")
        reply = cusres_writer.write_cusres_error(err, sender=AUTHORITY_ID, recipient=carrier.code,
                                                 control_ref=now.strftime("%y%m%d%H%M%S"), now=now)
        return PassengerListResult(False, reply, error=err)
    try:
        return _store_passenger_list(text, interchange, carrier=carrier, actor=actor, now=now)
    except InvalidInput as exc:
        # A person the message describes cannot be recorded (e.g. an impossible date): reject it all.
        segment = getattr(exc, "segment_number", 0)
        err = PaxlstError(f"person not accepted: {exc}", segment_number=segment, tag="NAD")
        reply = cusres_writer.write_cusres_error(err, sender=AUTHORITY_ID, recipient=carrier.code,
                                                 control_ref=now.strftime("%y%m%d%H%M%S"), now=now)
        return PassengerListResult(False, reply, error=err)


def _store_passenger_list(text, interchange, *, carrier, actor, now) -> PassengerListResult:
    persons = interchange.persons
    with transaction.atomic():
        try:
            records = [r.person for r in resolve_people([_details_from_pax(p) for p in persons], actor=actor,
                                                       on_ambiguous="best", reason=f"passenger list from {carrier.code}")]
        except InvalidInput as exc:
            first = exc.errors[0].field
            index = int(first[1:first.index("]")]) if first.startswith("[") else 0
            exc.segment_number = persons[index].segment_number
            raise
        prefetch_related_objects(records, "names", "nationalities", "identifiers")
        subjects = [screening.subject_of_person(person) for person in records]
        results = screening.screen(subjects, actor=actor, purpose="pre-arrival", persons=records)
        plist = PassengerList.objects.create(
            carrier=carrier, control_ref=interchange.control_ref, sha256=hashlib.sha256(text.encode()).hexdigest(),
            raw=text, warnings=[str(w) for w in interchange.warnings], persons=len(persons))
        flights: dict[int, Flight] = {}
        answers = []
        travellers = []
        lost = set(Identifier.objects.filter(person__in=records).exclude(document_state="valid")
                   .values_list("number", flat=True))
        for message in interchange.messages:
            leg = next((f for f in message.flights if f.crosses_border), message.flights[-1] if message.flights else None)
            if leg is None:
                continue
            flight = Flight.objects.create(
                passenger_list=plist, carrier_code=leg.carrier[:3], number=leg.flight_number[:10],
                departure_airport=leg.departure_airport, departure_time=_aware(leg.departure_time),
                arrival_airport=leg.arrival_airport, arrival_time=_aware(leg.arrival_time))
            flights[id(message)] = flight
        by_person = {id(p): i for i, p in enumerate(persons)}
        for message in interchange.messages:
            flight = flights.get(id(message))
            for p in message.persons:
                i = by_person[id(p)]
                person, result = records[i], results[i]
                code, text_ = _answer(p, result, lost)
                answers.append(cusres_writer.BoardingAnswer(p, code, text_))
                if flight is not None:
                    travellers.append(ExpectedTraveller(
                        flight=flight, person=person, role=p.role,
                        document_number=p.documents[0].number if p.documents else "", seat=p.seat,
                        reservation_ref=p.reservation_ref, screening=result, hit_count=result.hit_count,
                        answer=code, answer_text=text_))
        ExpectedTraveller.objects.bulk_create(travellers, batch_size=1000)
        reply = cusres_writer.write_cusres(interchange, answers, sender=AUTHORITY_ID, recipient=carrier.code,
                                           control_ref=now.strftime("%y%m%d%H%M%S"), now=now)
        plist.cusres = reply
        plist.save(update_fields=["cusres"])
        record(actor, "border.passenger_list_received", plist, reason=f"PAXLST {interchange.control_ref}",
               payload={"carrier": carrier.code, "persons": len(persons), "flights": [str(f) for f in flights.values()],
                        "no_board": sum(1 for a in answers if a.code != cusres_writer.BOARD),
                        "warnings": len(interchange.warnings)})
    return PassengerListResult(True, reply, plist, warnings=[str(w) for w in interchange.warnings])


def _aware(value):
    if value is None:
        return None
    return timezone.make_aware(value, dt.timezone.utc) if timezone.is_naive(value) else value


def _answer(p, result, lost_numbers) -> tuple[str, str]:
    if not p.documents or not p.birth_date:
        return cusres_writer.INSUFFICIENT_DATA, "DOCUMENT AND DATE OF BIRTH REQUIRED"
    if any(d.number.upper() in lost_numbers for d in p.documents):
        return cusres_writer.NO_BOARD, "DOCUMENT REPORTED LOST OR STOLEN"
    blocking = [h for h in result.hits if h["decision"] and h["action"] in BLOCKING_ACTIONS]
    if blocking:
        return cusres_writer.NO_BOARD, "NO BOARD"
    if any(h["decision"] for h in result.hits):
        return cusres_writer.CONTACT, "CONTACT BORDER AUTHORITY"
    return cusres_writer.BOARD, "OK TO BOARD"


# --- the primary control desk -------------------------------------------------------------------------

@dataclass
class DeskView:
    """Everything the officer at the desk sees about the traveller in front of them."""

    examination: Examination
    person: Person
    mrz: object
    documents: list[Identifier]
    flagged_documents: list[Identifier]
    status_now: list[StatusRecord]
    visas: list[StatusRecord]
    previous_refusals: list[Examination]
    removals: list[RemovalDirections]
    hits: list[dict]
    egate: object
    expected_on: list[ExpectedTraveller]


def examine(mrz_text: str, *, officer, port, on: dt.date | None = None) -> Examination:
    """Scan (or type) the MRZ: read it, find or create the person, screen them, open an examination."""
    authorise(officer, "border.examine")
    result = parse_mrz(mrz_text)
    if not result.valid:
        errors = [FieldError("mrz", str(e)) for e in result.errors] or [FieldError("mrz", "the MRZ is not valid")]
        raise InvalidInput(errors)
    f = result.fields
    birth = f.birth_date.isoformat() if f.birth_date else (_partial(f.birth_date_raw) or "")
    doc = DocumentInput(number=f.document_number, kind=_doc_kind(f.document_code), issuing_state=f.issuing_state or "",
                        expiry_date=f.expiry_date, mrz=mrz_text.strip())
    full = " ".join(x for x in (f.given_names, f.surname) if x)
    details = PersonDetails(names=[NameInput(full_name=full.title(), given_names=(f.given_names or "").title(),
                                             family_name=(f.surname or "").title())],
                            birth_date=birth, sex=f.sex if f.sex in ("M", "F", "X") else "",
                            nationalities=[f.nationality] if f.nationality else [], documents=[doc])
    with transaction.atomic():
        person = resolve_person(details, actor=officer, reason="primary control", on_ambiguous="best").person
        screened = screening.screen_person(person, actor=officer, purpose="primary control")
        exam = Examination.objects.create(
            person=person, port=port, officer=officer, mrz=mrz_text.strip(), document_number=f.document_number,
            document_warnings=[str(w) for w in result.warnings], screening=screened)
        record(officer, "border.examination_started", exam, person=person, reason=f"arrival at {port.code}",
               payload={"document": f.document_number, "hits": screened.hit_count})
    return exam


def _partial(raw: str | None) -> str:
    """A partial MRZ date of birth (YYMMDD with '<' for unknown parts) as YYYY or YYYY-MM, if possible."""
    return ""


def desk_view(exam: Examination, *, on: dt.date | None = None) -> DeskView:
    on = on or timezone.localdate()
    person = exam.person
    documents = list(person.identifiers.all())
    records = status.history(person)
    in_force = [r for r in records if r.in_force_on(on)]
    visas = [r for r in in_force if r.kind in (StatusRecord.Kind.ENTRY_CLEARANCE, StatusRecord.Kind.ETA)]
    refusals = list(Examination.objects.filter(person=person, outcome=Examination.Outcome.REFUSED).exclude(pk=exam.pk))
    removals = list(RemovalDirections.objects.filter(examination__person=person))
    hits = exam.screening.hits if exam.screening else []
    mrz = parse_mrz(exam.mrz)
    f = mrz.fields
    egate = egate_eligibility(nationality=f.nationality or "", birth_date=f.birth_date, document_code=f.document_code or "",
                              biometric=True, watchlist_hit=any(h["decision"] for h in hits), on=on)
    expected = list(ExpectedTraveller.objects.filter(person=person, flight__arrival_time__date__gte=on - dt.timedelta(days=1))
                    .select_related("flight")[:5])
    return DeskView(exam, person, mrz, documents, [d for d in documents if d.document_state != "valid"], in_force,
                    visas, refusals, removals, hits, egate, expected)


def _pending(exam: Examination, *allowed: str) -> Examination:
    exam = Examination.objects.select_for_update().get(pk=exam.pk)
    if exam.outcome not in allowed:
        raise Conflict(f"this examination is already {exam.get_outcome_display().lower()}")
    return exam


def _arrival(exam: Examination, when: dt.datetime, service: str = "") -> Movement:
    return Movement.objects.create(person=exam.person, direction=Movement.Direction.IN, on=timezone.localdate(when),
                                   at=when, port=exam.port.code, service=service,
                                   document_number=exam.document_number, source="desk")


ADMISSION_BASES = ("british_citizen", "right_of_abode", "existing_leave", "euss")


@transaction.atomic
def admit(exam: Examination, *, basis: str, officer, reason: str = "") -> Examination:
    """Admit on a basis the record shows: British citizenship, right of abode, leave held, or EUSS status."""
    authorise(officer, "border.admit")
    if basis not in ADMISSION_BASES:
        raise InvalidInput(FieldError("basis", f"must be one of {', '.join(ADMISSION_BASES)}"))
    exam = _pending(exam, Examination.Outcome.PENDING, Examination.Outcome.REFERRED)
    on = timezone.localdate()
    held = {r.kind for r in status.status_on(exam.person, on)}
    nationality = parse_mrz(exam.mrz).fields.nationality
    shown = {
        "british_citizen": nationality == "GBR" or StatusRecord.Kind.BRITISH_CITIZEN in held,
        "right_of_abode": StatusRecord.Kind.RIGHT_OF_ABODE in held or nationality == "GBR",
        "existing_leave": bool(held - {StatusRecord.Kind.ETA}),
        "euss": bool(held & {StatusRecord.Kind.EUSS_SETTLED, StatusRecord.Kind.EUSS_PRE_SETTLED}),
    }[basis]
    if not shown:
        raise InvalidInput(FieldError("basis", f"the record does not show {basis.replace('_', ' ')} for this person"))
    now = timezone.now()
    exam.outcome, exam.basis, exam.reason, exam.decided_by, exam.decided_at = (
        Examination.Outcome.ADMITTED, basis, reason, officer, now)
    exam.save()
    _arrival(exam, now)
    record(officer, "border.admitted", exam, person=exam.person, reason=reason or basis, payload={"basis": basis})
    return exam


@transaction.atomic
def grant_visitor_leave(exam: Examination, *, officer, reason: str = "") -> Examination:
    """Leave to enter as a visitor: its length and conditions come from the dated parameters."""
    from portcullis.rules import parameter

    authorise(officer, "border.grant_leave")
    exam = _pending(exam, Examination.Outcome.PENDING, Examination.Outcome.REFERRED)
    blocking = [h for h in (exam.screening.hits if exam.screening else []) if h["decision"]]
    if blocking:
        raise InvalidInput(FieldError("decision", "there is an unresolved watchlist hit: refer to secondary examination"))
    today = timezone.localdate()
    leave = parameter("visitor.leave", on=today).value
    months = _iso_months(leave["duration"])
    conditions = list(leave["conditions"])
    expiry = _add_months(today, months) - dt.timedelta(days=1)
    now = timezone.now()
    rec = status.grant_status(exam.person, kind=StatusRecord.Kind.VISITOR, start=today, expiry=expiry,
                              conditions=conditions, actor=officer, reason=reason or "visitor at the port",
                              source="border", source_ref=f"EX{exam.pk}")
    exam.outcome, exam.reason, exam.decided_by, exam.decided_at, exam.status_record = (
        Examination.Outcome.LEAVE_GRANTED, reason, officer, now, rec)
    exam.save()
    _arrival(exam, now)
    record(officer, "border.leave_granted", exam, person=exam.person, reason=reason or "visitor",
           payload={"months": months, "conditions": conditions, "expiry": expiry.isoformat()})
    return exam


def _iso_months(duration: str) -> int:
    """'P6M' -> 6 (the parameter files give durations as ISO 8601 periods)."""
    if not (duration.startswith("P") and duration.endswith("M") and duration[1:-1].isdigit()):
        raise ValueError(f"visitor.leave duration {duration!r} is not a whole number of months")
    return int(duration[1:-1])


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def refer(exam: Examination, *, officer, reason: str) -> SecondaryExamination:
    authorise(officer, "border.refer")
    if not reason.strip():
        raise InvalidInput(FieldError("reason", "give the reason for the referral"))
    exam = _pending(exam, Examination.Outcome.PENDING)
    exam.outcome = Examination.Outcome.REFERRED
    exam.reason = reason
    exam.save(update_fields=["outcome", "reason"])
    secondary = SecondaryExamination.objects.create(examination=exam, referred_by=officer, referral_reason=reason)
    record(officer, "border.referred", exam, person=exam.person, reason=reason)
    return secondary


@transaction.atomic
def record_interview(exam: Examination, *, officer, interview_record: str, outcome: str = "") -> SecondaryExamination:
    authorise(officer, "border.secondary_interview")
    if not interview_record.strip():
        raise InvalidInput(FieldError("interview_record", "record the questions asked and the answers given"))
    exam = _pending(exam, Examination.Outcome.REFERRED)
    secondary = exam.secondary
    secondary.interviewer, secondary.interview_record = officer, interview_record
    secondary.interviewed_at, secondary.outcome = timezone.now(), outcome
    secondary.save()
    record(officer, "border.interviewed", exam, person=exam.person, reason=outcome or "secondary examination",
           payload={"length": len(interview_record)})
    return secondary


REFUSAL_GROUNDS = {
    "no_entry_clearance": "Part 9 / Appendix Visitor: a visa national without entry clearance",
    "not_genuine_visitor": "Appendix V 4.2: not satisfied the person is a genuine visitor",
    "deportation_order": "Part 9, 9.2.1: subject to a deportation order",
    "criminality": "Part 9, 9.4: criminality",
    "deception": "Part 9, 9.7: false representations or deception",
    "exclusion": "Part 9, 9.2: exclusion conducive to the public good",
    "false_document": "Part 9, 9.7: a false or fraudulently obtained document",
}


@transaction.atomic
def refuse_entry(exam: Examination, *, officer, grounds: list[str], reason: str,
                 removal: dict | None = None) -> Examination:
    """Refuse leave to enter.  An IO's refusal awaits a CIO's countersignature; a CIO's takes effect,
    and the CIO sets removal directions to the carrier on a named service."""
    permit = authorise(officer, "border.refuse_entry", countersign_ok=True)
    errors = []
    if not grounds:
        errors.append(FieldError("grounds", "choose at least one ground of refusal"))
    errors += [FieldError("grounds", f"unknown ground {g!r}") for g in grounds if g not in REFUSAL_GROUNDS]
    if not reason.strip():
        errors.append(FieldError("reason", "give the reasons for refusal"))
    if not permit.needs_countersignature:
        errors += _removal_errors(removal)
    if errors:
        raise InvalidInput(errors)
    exam = _pending(exam, Examination.Outcome.PENDING, Examination.Outcome.REFERRED)
    exam.grounds, exam.reason, exam.decided_by, exam.decided_at = grounds, reason, officer, timezone.now()
    if permit.needs_countersignature:
        exam.outcome = Examination.Outcome.REFUSAL_PROPOSED
        exam.save()
        record(officer, "border.refusal_proposed", exam, person=exam.person, reason=reason, payload={"grounds": grounds})
        return exam
    exam.outcome = Examination.Outcome.REFUSED
    exam.countersigned_by = officer
    exam.save()
    directions = _set_removal(exam, removal, officer)
    record(officer, "border.entry_refused", exam, person=exam.person, reason=reason,
           payload={"grounds": grounds, "removal": _removal_payload(directions)})
    signals.entry_refused.send(Examination, examination=exam, directions=directions, actor=officer)
    return exam


@transaction.atomic
def countersign_refusal(exam: Examination, *, officer, removal: dict) -> Examination:
    authorise(officer, "border.countersign_refusal")
    errors = _removal_errors(removal)
    if errors:
        raise InvalidInput(errors)
    exam = _pending(exam, Examination.Outcome.REFUSAL_PROPOSED)
    if exam.decided_by_id == officer.pk:
        raise InvalidInput(FieldError("officer", "a refusal is countersigned by a second officer"))
    exam.outcome, exam.countersigned_by = Examination.Outcome.REFUSED, officer
    exam.save(update_fields=["outcome", "countersigned_by"])
    directions = _set_removal(exam, removal, officer)
    record(officer, "border.entry_refused", exam, person=exam.person, reason=exam.reason,
           payload={"grounds": exam.grounds, "proposed_by": exam.decided_by.username,
                    "removal": _removal_payload(directions)})
    signals.entry_refused.send(Examination, examination=exam, directions=directions, actor=officer)
    return exam


def _removal_errors(removal: dict | None) -> list[FieldError]:
    removal = removal or {}
    errors = []
    for key, label in (("carrier_code", "the carrier"), ("service", "the flight or sailing"),
                       ("departs_at", "the departure date and time"), ("destination", "the destination")):
        if not removal.get(key):
            errors.append(FieldError(f"removal.{key}", f"enter {label}"))
    if removal.get("departs_at") and not isinstance(removal["departs_at"], dt.datetime):
        try:
            dt.datetime.fromisoformat(str(removal["departs_at"]))
        except ValueError:
            errors.append(FieldError("removal.departs_at", "must be a date and time, YYYY-MM-DDTHH:MM"))
    return errors


def _set_removal(exam: Examination, removal: dict, officer) -> RemovalDirections:
    authorise(officer, "border.removal_directions")
    departs = removal["departs_at"]
    if not isinstance(departs, dt.datetime):
        departs = dt.datetime.fromisoformat(str(departs))
    return RemovalDirections.objects.create(
        examination=exam, carrier_code=removal["carrier_code"].upper()[:3], service=removal["service"].upper()[:10],
        departs_at=_aware(departs), destination=removal["destination"].upper()[:5], issued_by=officer)


def _removal_payload(d: RemovalDirections) -> dict:
    return {"carrier": d.carrier_code, "service": d.service, "departs_at": d.departs_at.isoformat(),
            "destination": d.destination}


# --- movements ----------------------------------------------------------------------------------------

@transaction.atomic
def record_departure(person: Person, *, officer, port: str, at: dt.datetime, service: str = "",
                     document_number: str = "", source: str = "exit-check") -> Movement:
    authorise(officer, "border.record_departure")
    movement = Movement.objects.create(person=person, direction=Movement.Direction.OUT, on=timezone.localdate(at),
                                       at=at, port=port.upper(), service=service, document_number=document_number,
                                       source=source)
    record(officer, "border.departed", movement, person=person, reason=f"departure from {port}",
           payload={"service": service})
    return movement


def movements_for(person: Person) -> list[dict]:
    """Movements as the rules engine's trip derivation takes them (casework absence counting)."""
    return [{"direction": m.direction, "date": m.on.isoformat(), "port": m.port}
            for m in Movement.objects.filter(person=person).order_by("at")]


@dataclass
class Overstayer:
    person: Person
    leave: StatusRecord
    last_arrival: Movement | None
    days_over: int


def overstay_report(*, on: dt.date | None = None, user) -> list[Overstayer]:
    """People whose leave has expired with no departure recorded after their last arrival, and
    nothing else in force."""
    authorise(user, "border.overstay_report")
    on = on or timezone.localdate()
    expired = (StatusRecord.objects.filter(expiry_date__lt=on, state=StatusRecord.State.ACTIVE)
               .select_related("person").order_by("person_id", "-expiry_date"))
    out: list[Overstayer] = []
    seen = set()
    for leave in expired:
        if leave.person_id in seen:
            continue
        seen.add(leave.person_id)
        if status.status_on(leave.person, on):
            continue
        moves = list(Movement.objects.filter(person=leave.person).order_by("-at")[:1])
        last = moves[0] if moves else None
        if last and last.direction == Movement.Direction.OUT:
            continue
        out.append(Overstayer(leave.person, leave, last, (on - leave.expiry_date).days))
    return sorted(out, key=lambda o: -o.days_over)


# --- carriers -----------------------------------------------------------------------------------------

@transaction.atomic
def register_carrier(code: str, name: str, *, actor) -> tuple[Carrier, str]:
    """Create a carrier with its service account and first API token (shown once)."""
    from django.contrib.auth import get_user_model

    from portcullis.api.models import ApiToken

    authorise(actor, "border.manage_carriers")
    code = (code or "").strip().upper()
    errors = []
    if not (2 <= len(code) <= 3 and code.isalnum()):
        errors.append(FieldError("code", "an IATA carrier code: 2 or 3 letters or digits"))
    if not (name or "").strip():
        errors.append(FieldError("name", "enter the carrier's name"))
    if code and Carrier.objects.filter(code=code).exists():
        errors.append(FieldError("code", f"carrier {code} already exists"))
    if errors:
        raise InvalidInput(errors)
    account = get_user_model().objects.create_user(f"carrier-{code.lower()}", password=None)
    carrier = Carrier.objects.create(code=code, name=name.strip(), account=account)
    _token, raw = ApiToken.issue(user=account, name=f"{code} passenger lists", role="CARRIER")
    record(actor, "border.carrier_registered", carrier, reason=f"carrier {code}", payload={"code": code, "name": name})
    return carrier, raw
