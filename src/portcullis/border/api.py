"""Border API: carriers submit PAXLST and get CUSRES back; officers use the desk."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Router, Schema

from portcullis.errors import NotFound
from portcullis.workforce.authority import authorise

from . import services
from .models import Carrier, Examination

prefix = "/border"
router = Router(tags=["border"])
EDIFACT = "application/edifact"


@router.post("/passenger-lists", summary="Submit a UN/EDIFACT PAXLST; the answer is a CUSRES (board / no board)",
             openapi_extra={"requestBody": {"content": {EDIFACT: {"schema": {"type": "string"}},
                                                        "text/plain": {"schema": {"type": "string"}}}}})
def submit_passenger_list(request):
    authorise(request.auth, "border.submit_passenger_list")
    carrier = Carrier.objects.filter(account=request.auth).first()
    if carrier is None:
        raise NotFound("this token does not belong to a carrier")
    result = services.receive_passenger_list(request.body, carrier=carrier, actor=request.auth)
    response = HttpResponse(result.cusres, content_type=f"{EDIFACT}; charset=utf-8", status=200 if result.accepted else 400)
    if result.error is not None:
        response["X-Portcullis-Error"] = f"segment {result.error.segment_number} {result.error.tag}"
    return response


class ExamineIn(Schema):
    mrz: str = Field(..., min_length=1, max_length=200)


class RemovalIn(Schema):
    carrier_code: str
    service: str
    departs_at: dt.datetime
    destination: str


class ExaminationDecisionIn(Schema):
    action: str = Field(..., description="admit, grant_visitor, refer, interview, refuse, countersign")
    basis: str = ""
    reason: str = ""
    grounds: list[str] = []
    interview_record: str = ""
    removal: RemovalIn | None = None


class ExaminationOut(Schema):
    id: int
    person: str
    name: str
    outcome: str
    document_number: str
    document_warnings: list[str]
    hits: list[dict]
    status_in_force: list[str]
    egate_eligible: bool
    egate_reasons: list[str]


def _out(exam: Examination) -> dict:
    view = services.desk_view(exam)
    return {"id": exam.pk, "person": exam.person.reference, "name": exam.person.display_name,
            "outcome": exam.outcome, "document_number": exam.document_number,
            "document_warnings": exam.document_warnings, "hits": view.hits,
            "status_in_force": [str(r) for r in view.status_now], "egate_eligible": view.egate.eligible,
            "egate_reasons": view.egate.reasons}


@router.post("/examinations", response=ExaminationOut, summary="Read an MRZ at the desk and open an examination")
def examine(request, payload: ExamineIn):
    staff = getattr(request.auth, "staff", None)
    exam = services.examine(payload.mrz, officer=request.auth, port=staff.location if staff else None)
    return _out(exam)


@router.get("/examinations/{exam_id}", response=ExaminationOut)
def read_examination(request, exam_id: int):
    authorise(request.auth, "border.examine")
    exam = Examination.objects.filter(pk=exam_id).first()
    if exam is None:
        raise NotFound(f"no examination {exam_id}")
    from portcullis.audit.services import log_access

    log_access(request.auth, exam.person, channel="api", view="border.examination")
    return _out(exam)


@router.post("/examinations/{exam_id}/decision", response=ExaminationOut)
def decide(request, exam_id: int, payload: ExaminationDecisionIn):
    exam = Examination.objects.filter(pk=exam_id).first()
    if exam is None:
        raise NotFound(f"no examination {exam_id}")
    officer = request.auth
    removal = payload.removal.dict() if payload.removal else None
    if payload.action == "admit":
        services.admit(exam, basis=payload.basis, officer=officer, reason=payload.reason)
    elif payload.action == "grant_visitor":
        services.grant_visitor_leave(exam, officer=officer, reason=payload.reason)
    elif payload.action == "refer":
        services.refer(exam, officer=officer, reason=payload.reason)
    elif payload.action == "interview":
        services.record_interview(exam, officer=officer, interview_record=payload.interview_record)
    elif payload.action == "refuse":
        services.refuse_entry(exam, officer=officer, grounds=payload.grounds, reason=payload.reason, removal=removal)
    elif payload.action == "countersign":
        services.countersign_refusal(exam, officer=officer, removal=removal)
    else:
        from portcullis.errors import InvalidInput

        raise InvalidInput("must be admit, grant_visitor, refer, interview, refuse or countersign", field="action")
    return _out(Examination.objects.get(pk=exam.pk))
