"""Screening endpoints: screen one person, screen a batch; list watchlists."""

from __future__ import annotations

from ninja import Field, Router, Schema

from portcullis.people import services as people
from portcullis.workforce.authority import authorise

from . import services
from .models import Watchlist

prefix = "/screening"
router = Router(tags=["screening"])


class SubjectIn(Schema):
    id: str = ""
    names: list[str] = Field(..., min_length=1)
    birth_dates: list[str] = []
    nationalities: list[str] = []
    gender: str | None = None
    document_numbers: list[str] = []
    on_date: str | None = None


class BatchIn(Schema):
    subjects: list[SubjectIn] = Field(..., min_length=1, max_length=5000)
    purpose: str = "api"


class HitOut(Schema):
    entry_id: str
    list_id: str
    action: str
    score: float
    decision: bool
    explanation: dict
    text: str


class ScreeningOut(Schema):
    id: int
    subject_id: str
    list_versions: dict
    hits: list[HitOut]


class WatchlistOut(Schema):
    code: str
    name: str
    default_action: str
    threshold: float
    action_thresholds: dict
    version: str
    entries: int


def _out(screening) -> dict:
    return {"id": screening.pk, "subject_id": str(screening.subject.get("id", "")),
            "list_versions": screening.list_versions, "hits": screening.hits}


@router.post("/screen", response=ScreeningOut, summary="Screen one person against every watchlist")
def screen_one(request, payload: SubjectIn):
    return _out(services.screen([payload.dict()], actor=request.auth, purpose="api")[0])


@router.post("/batch", response=list[ScreeningOut], summary="Screen a batch of people against every watchlist")
def screen_batch(request, payload: BatchIn):
    return [_out(s) for s in services.screen([s.dict() for s in payload.subjects], actor=request.auth,
                                             purpose=payload.purpose)]


@router.post("/people/{reference}", response=ScreeningOut, summary="Screen a person record")
def screen_person(request, reference: str):
    person = people.get_person(reference, user=request.auth, channel="api", view="screening.person")
    return _out(services.screen_person(person, actor=request.auth, purpose="api"))


@router.get("/watchlists", response=list[WatchlistOut])
def watchlists(request):
    authorise(request.auth, "watchlist.view")
    return [{"code": w.code, "name": w.name, "default_action": w.default_action, "threshold": w.threshold,
             "action_thresholds": w.action_thresholds, "version": w.version,
             "entries": w.entries.filter(removed_at__isnull=True).count()} for w in Watchlist.objects.all()]
