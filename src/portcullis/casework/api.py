"""Casework API: intake, read, take the next case, transitions, RFIs, checks, decisions, countersignature."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from ninja import Field, Router, Schema
from ninja.responses import Status

from portcullis.errors import FieldError, InvalidInput, NotFound
from portcullis.people.services import DocumentInput, NameInput, PersonDetails
from portcullis.workforce.authority import authorise
from portcullis.workforce.models import Team

from . import services
from .models import Application, BiometricAppointment, Interview, RequestForEvidence

prefix = "/cases"
router = Router(tags=["casework"])


class ApplicantNameIn(Schema):
    full_name: str
    kind: str = "primary"
    given_names: str = ""
    family_name: str = ""


class ApplicantDocumentIn(Schema):
    number: str
    kind: str = "passport"
    issuing_state: str = ""
    expiry_date: dt.date | None = None
    mrz: str = ""


class ApplicantIn(Schema):
    names: list[ApplicantNameIn]
    birth_date: str = ""
    sex: str = ""
    nationalities: list[str] = []
    documents: list[ApplicantDocumentIn] = []
    place_of_birth: str = ""


class DependantIn(Schema):
    person: ApplicantIn
    relationship: str


class FeeIn(Schema):
    amount: str = Field(..., description="Pounds and pence, e.g. \"127.00\"")
    currency: str = "GBP"
    state: str = "paid"
    payment_reference: str = ""


class FileIn(Schema):
    filename: str
    content_base64: str
    description: str = ""
    content_type: str = ""


class ApplicationIn(Schema):
    route: str
    facts: dict[str, Any]
    applicant: ApplicantIn | None = None
    applicant_reference: str = ""
    application_date: dt.date | None = None
    dependants: list[DependantIn] = []
    fee: FeeIn | None = None
    evidence: list[FileIn] = []
    queue: str = ""
    child: bool = False
    vulnerable: bool = False
    high_profile: bool = False


class MoveIn(Schema):
    action: str = Field(..., description="validate, reject_invalid, start_checks, start_consideration, serve, close")
    reason: str = ""


class RfiIn(Schema):
    items: str
    due_date: dt.date | None = None


class RfiResponseIn(Schema):
    response: str = ""
    facts: dict[str, Any] = {}
    files: list[FileIn] = []


class CheckIn(Schema):
    kind: str = Field(..., description="identity, biometrics, watchlist, immigration_history")
    mrz: str = Field("", description="identity: the MRZ read from the passport")
    result: str = Field("", description="a result recorded by hand: passed, failed, refer")
    note: str = ""


class BiometricsIn(Schema):
    site: str
    slot_start: dt.datetime


class AttendanceIn(Schema):
    attended: bool


class InterviewIn(Schema):
    scheduled_for: dt.datetime
    location: str
    interviewer: str = ""
    interpreter_language: str = ""


class InterviewRecordIn(Schema):
    record: str


class DecisionIn(Schema):
    outcome: str = Field(..., description="GRANT or REFUSE")
    rationale: str = ""


class CountersignIn(Schema):
    approve: bool = True
    reason: str = ""


class ReallocateIn(Schema):
    reason: str
    owner: str = Field("", description="username of the new owner; empty to leave it in the queue")
    queue: str = Field("", description="team code of the new queue")


def _details(p: ApplicantIn) -> PersonDetails:
    return PersonDetails(
        names=[NameInput(full_name=n.full_name, kind=n.kind, given_names=n.given_names, family_name=n.family_name)
               for n in p.names],
        birth_date=p.birth_date, sex=p.sex, nationalities=p.nationalities, place_of_birth=p.place_of_birth,
        documents=[DocumentInput(number=d.number, kind=d.kind, issuing_state=d.issuing_state,
                                 expiry_date=d.expiry_date, mrz=d.mrz) for d in p.documents])


def _files(items: list[FileIn], field: str) -> list[services.EvidenceInput]:
    out, errors = [], []
    for i, f in enumerate(items):
        try:
            content = base64.b64decode(f.content_base64, validate=True)
        except (binascii.Error, ValueError):
            errors.append(FieldError(f"{field}[{i}].content_base64", "is not base64"))
            continue
        out.append(services.EvidenceInput(filename=f.filename, content=content, description=f.description,
                                          content_type=f.content_type))
    if errors:
        raise InvalidInput(errors)
    return out


def _case(reference: str, request) -> Application:
    return services.get_case(reference, user=request.auth, channel="api", view="casework.api")


def case_out(case: Application) -> dict:
    ev = services.latest_evaluation(case)
    decision = services.current_decision(case)
    return {
        "reference": case.reference, "route": case.route, "route_name": services.route_name(case.route),
        "person": case.person.reference, "status": case.status, "sub_status": case.sub_status,
        "owner": case.owner.get_username() if case.owner else None, "queue": case.queue.code if case.queue else None,
        "priority": {"child": case.child, "vulnerable": case.vulnerable, "high_profile": case.high_profile},
        "facts": case.facts, "application_date": case.application_date, "received_at": case.received_at,
        "clock": {"service_standard": case.service_standard, "target_date": case.target_date,
                  "paused_days": case.paused_days, "paused": case.paused_since is not None,
                  "due": case.clock_due_on(), "breached": case.breached()},
        "dependants": [{"person": d.person.reference, "relationship": d.relationship}
                       for d in case.dependants.select_related("person")],
        "fees": [{"amount": str(f.amount), "currency": f.currency, "state": f.state,
                  "expected_amount": str(f.expected_amount) if f.expected_amount is not None else None}
                 for f in case.fees.all()],
        "evidence": [{"filename": e.filename, "sha256": e.sha256, "size": e.size} for e in case.evidence.all()],
        "checks": [{"kind": c.kind, "mandatory": c.mandatory, "result": c.result, "note": c.note,
                    "recorded_at": c.recorded_at} for c in case.checks.all()],
        "rfis": [{"id": r.pk, "items": r.items, "due_date": r.due_date, "responded_at": r.responded_at}
                 for r in case.rfis.all()],
        "interviews": [{"id": i.pk, "scheduled_for": i.scheduled_for, "state": i.state} for i in case.interviews.all()],
        "evaluation": ({"outcome": ev.outcome, "recommended": ev.recommended or None, "band": ev.band or None,
                        "rules_version": ev.rules_version, "as_at": ev.as_at, "tree": ev.tree["requirements"]}
                       if ev else None),
        "decision": ({"outcome": decision.outcome, "state": decision.state, "rationale": decision.rationale,
                      "grounds": decision.grounds, "leave": decision.leave,
                      "proposed_by": decision.proposed_by.get_username(),
                      "countersigned_by": decision.countersigned_by.get_username() if decision.countersigned_by else None}
                     if decision else None),
        "transitions": [{"action": t.action, "from": t.from_status, "to": t.to_status, "by": t.by_name, "at": t.at,
                         "reason": t.reason} for t in services.timeline(case)],
    }


@router.post("", response={201: dict}, summary="Receive an application")
def intake(request, payload: ApplicationIn):
    inp = services.ApplicationInput(
        route=payload.route, facts=payload.facts, applicant=_details(payload.applicant) if payload.applicant else None,
        applicant_reference=payload.applicant_reference, application_date=payload.application_date,
        dependants=[services.DependantInput(_details(d.person), d.relationship) for d in payload.dependants],
        fee=services.FeeInput(**payload.fee.dict()) if payload.fee else None,
        evidence=_files(payload.evidence, "evidence"), queue=payload.queue, child=payload.child,
        vulnerable=payload.vulnerable, high_profile=payload.high_profile, channel="api")
    case = services.submit_application(inp, actor=request.auth)
    return Status(201, case_out(case))


@router.get("/stuck", response=list[dict], summary="Cases with no transition for N days")
def stuck(request, days: int = 10):
    authorise(request.auth, "casework.reports")
    return [{"reference": c.reference, "status": c.status, "sub_status": c.sub_status,
             "owner": c.owner.get_username() if c.owner else None, "queue": c.queue.code if c.queue else None,
             "last_transition_at": c.last_transition_at} for c in services.stuck_cases(days)[:1000]]


@router.post("/take-next", response={200: dict, 204: None}, summary="Take the next case from your team's queue")
def take_next(request):
    case = services.take_next(request.auth)
    if case is None:
        return Status(204, None)
    return Status(200, case_out(case))


@router.get("/{reference}", response=dict, summary="Read a case")
def read(request, reference: str):
    return case_out(_case(reference, request))


@router.post("/{reference}/transitions", response=dict, summary="Move the case on")
def transition(request, reference: str, payload: MoveIn):
    from .lifecycle import MANUAL_MOVES

    if payload.action not in MANUAL_MOVES:
        raise InvalidInput(f"must be one of {', '.join(MANUAL_MOVES)}", field="action")
    case = services.move(_case(reference, request), payload.action, actor=request.auth, reason=payload.reason)
    return case_out(case)


@router.post("/{reference}/release", response=dict)
def release(request, reference: str):
    return case_out(services.release(_case(reference, request), actor=request.auth))


@router.post("/{reference}/reallocate", response=dict)
def reallocate(request, reference: str, payload: ReallocateIn):
    user = team = None
    if payload.owner:
        user = get_user_model().objects.filter(username=payload.owner).first()
        if user is None:
            raise InvalidInput(f"no user {payload.owner!r}", field="owner")
    if payload.queue:
        team = Team.objects.filter(code=payload.queue).first()
        if team is None:
            raise InvalidInput(f"no team {payload.queue!r}", field="queue")
    return case_out(services.reallocate(_case(reference, request), actor=request.auth, reason=payload.reason,
                                        to_user=user, to_team=team))


@router.post("/{reference}/rfis", response={201: dict}, summary="Request evidence (pauses the clock)")
def request_evidence(request, reference: str, payload: RfiIn):
    rfi = services.request_evidence(_case(reference, request), items=payload.items, due_date=payload.due_date,
                                    actor=request.auth)
    return Status(201, {"id": rfi.pk, "due_date": rfi.due_date})


@router.post("/{reference}/rfis/{rfi_id}/response", response=dict, summary="Record the evidence received")
def record_evidence(request, reference: str, rfi_id: int, payload: RfiResponseIn):
    case = _case(reference, request)
    rfi = RequestForEvidence.objects.filter(application=case, pk=rfi_id).first()
    if rfi is None:
        raise NotFound(f"no evidence request {rfi_id} on {reference}")
    services.record_evidence(rfi, response=payload.response, facts=payload.facts,
                             files=_files(payload.files, "files"), actor=request.auth)
    return case_out(services.get_case(reference, user=request.auth, channel="api"))


@router.post("/{reference}/checks", response=dict, summary="Run or record a check")
def check(request, reference: str, payload: CheckIn):
    case = _case(reference, request)
    if payload.result:
        c = services.record_check(case, kind=payload.kind, result=payload.result, note=payload.note, actor=request.auth)
    elif payload.kind == "identity":
        c = services.record_identity_check(case, mrz=payload.mrz, actor=request.auth)
    elif payload.kind == "watchlist":
        c = services.run_watchlist_check(case, actor=request.auth)
    elif payload.kind == "immigration_history":
        c = services.run_history_check(case, actor=request.auth)
    else:
        raise InvalidInput("give a result, or a kind that runs automatically (identity with an MRZ, watchlist, "
                           "immigration_history); biometrics are recorded at the appointment", field="kind")
    return {"kind": c.kind, "result": c.result, "note": c.note, "details": c.details}


@router.post("/{reference}/biometrics", response={201: dict}, summary="Book a biometric enrolment appointment")
def book(request, reference: str, payload: BiometricsIn):
    appt = services.book_biometrics(_case(reference, request), site_code=payload.site, slot_start=payload.slot_start,
                                    actor=request.auth)
    return Status(201, {"id": appt.pk, "site": appt.site.code, "slot_start": appt.slot_start})


@router.post("/{reference}/biometrics/{appointment_id}", response=dict, summary="Record attendance")
def attended(request, reference: str, appointment_id: int, payload: AttendanceIn):
    case = _case(reference, request)
    appt = BiometricAppointment.objects.filter(application=case, pk=appointment_id).first()
    if appt is None:
        raise NotFound(f"no appointment {appointment_id} on {reference}")
    appt = services.record_biometrics(appt, attended=payload.attended, actor=request.auth)
    return {"id": appt.pk, "state": appt.state}


@router.post("/{reference}/interviews", response={201: dict})
def schedule_interview(request, reference: str, payload: InterviewIn):
    interviewer = None
    if payload.interviewer:
        interviewer = get_user_model().objects.filter(username=payload.interviewer).first()
        if interviewer is None:
            raise InvalidInput(f"no user {payload.interviewer!r}", field="interviewer")
    i = services.schedule_interview(_case(reference, request), when=payload.scheduled_for, location=payload.location,
                                    interviewer=interviewer, interpreter_language=payload.interpreter_language,
                                    actor=request.auth)
    return Status(201, {"id": i.pk, "scheduled_for": i.scheduled_for})


@router.post("/{reference}/interviews/{interview_id}", response=dict, summary="Record the interview")
def record_interview(request, reference: str, interview_id: int, payload: InterviewRecordIn):
    case = _case(reference, request)
    interview = Interview.objects.filter(application=case, pk=interview_id).first()
    if interview is None:
        raise NotFound(f"no interview {interview_id} on {reference}")
    i = services.record_interview(interview, record_text=payload.record, actor=request.auth)
    return {"id": i.pk, "state": i.state}


@router.post("/{reference}/evaluation", response=dict, summary="Evaluate the facts against the rules")
def evaluate(request, reference: str):
    ev = services.evaluate_case(_case(reference, request), actor=request.auth)
    return {"outcome": ev.outcome, "recommended": ev.recommended or None, "band": ev.band or None,
            "rules_version": ev.rules_version, "tree": ev.tree["requirements"]}


@router.post("/{reference}/decision", response=dict, summary="Decide, or propose for countersignature")
def decide(request, reference: str, payload: DecisionIn):
    d = services.propose_decision(_case(reference, request), outcome=payload.outcome, rationale=payload.rationale,
                                  actor=request.auth)
    return {"outcome": d.outcome, "state": d.state, "grounds": d.grounds, "leave": d.leave}


@router.post("/{reference}/countersign", response=dict, summary="Countersign or return a proposed decision")
def countersign(request, reference: str, payload: CountersignIn):
    d = services.countersign(_case(reference, request), approve=payload.approve, reason=payload.reason,
                             actor=request.auth)
    return {"outcome": d.outcome, "state": d.state}
