"""Status endpoints for staff: a person's status history, curtailment and revocation, share-code checks.
(The public share-code check is the web page /check/, not the API.)"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema

from portcullis.errors import NotFound
from portcullis.people.services import get_person
from portcullis.workforce.authority import authorise

from . import services
from .models import StatusRecord

prefix = "/status"
router = Router(tags=["status"])


class RecordOut(Schema):
    id: int
    kind: str
    kind_label: str
    conditions: list[str]
    start_date: dt.date
    expiry_date: dt.date | None
    state: str
    state_changed_on: dt.date | None
    state_reason: str
    source: str
    source_ref: str
    in_force_today: bool


class CheckOut(Schema):
    reference: str
    at: dt.datetime
    organisation: str
    outcome: str
    code_hint: str | None


class HistoryOut(Schema):
    person: str
    records: list[RecordOut]
    checks: list[CheckOut]


class EndIn(Schema):
    on: dt.date
    reason: str = Field(..., min_length=1)


def _record_out(r: StatusRecord, today: dt.date) -> dict:
    return {"id": r.pk, "kind": r.kind, "kind_label": r.get_kind_display(), "conditions": r.conditions,
            "start_date": r.start_date, "expiry_date": r.expiry_date, "state": r.state,
            "state_changed_on": r.state_changed_on, "state_reason": r.state_reason, "source": r.source,
            "source_ref": r.source_ref, "in_force_today": r.in_force_on(today)}


@router.get("/{reference}", response=HistoryOut, summary="A person's status history (stored records) and share-code checks")
def history(request, reference: str):
    authorise(request.auth, "status.view")
    person = get_person(reference, user=request.auth, channel="api", view="status.history")
    today = dt.date.today()
    return {"person": person.reference, "records": [_record_out(r, today) for r in services.history(person)],
            "checks": [{"reference": c.reference, "at": c.at, "organisation": c.organisation, "outcome": c.outcome,
                        "code_hint": c.share_code.hint if c.share_code else None} for c in services.checks_of(person)]}


def _end(request, record_id: int, action: str, fn, payload: EndIn):
    authorise(request.auth, action)
    rec = StatusRecord.objects.filter(pk=record_id).first()
    if rec is None:
        raise NotFound(f"no status record {record_id}")
    rec = fn(rec, on=payload.on, reason=payload.reason, actor=request.auth)
    return _record_out(rec, dt.date.today())


@router.post("/records/{record_id}/curtail", response=RecordOut, summary="Curtail leave from a date")
def curtail(request, record_id: int, payload: EndIn):
    return _end(request, record_id, "status.curtail", services.curtail_status, payload)


@router.post("/records/{record_id}/revoke", response=RecordOut, summary="Revoke status from a date")
def revoke(request, record_id: int, payload: EndIn):
    return _end(request, record_id, "status.revoke", services.revoke_status, payload)
