"""Letter endpoints: prepare (validated against the template's fields), preview, issue, record service."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from portcullis.audit.services import log_access
from portcullis.errors import NotFound
from portcullis.people.services import get_person
from portcullis.workforce.authority import authorise

from . import services
from .models import Letter

prefix = "/letters"
router = Router(tags=["correspondence"])


class PrepareIn(Schema):
    person: str = Field(..., description="The person's reference")
    template: str = Field(..., description="grant, refusal, rights, rfi, interview, refusal_of_entry, removal_directions")
    language: str = "en"
    context: dict = Field(..., description="What the letter says (see decision_letter_context)")
    related: str = ""
    service_method: str = "email"


class IssueIn(Schema):
    service_method: str | None = None


class ServeIn(Schema):
    served_on: dt.date
    method: str


class LetterOut(Schema):
    id: int
    person: str
    template: str
    version: int
    language: str
    title: str
    state: str
    related: str
    sha256: str
    issued_at: dt.datetime | None
    service_method: str
    served_on: dt.date | None
    served_method: str
    deadlines: dict


def _out(letter: Letter) -> dict:
    return {"id": letter.pk, "person": letter.person.reference, "template": letter.code,
            "version": letter.template.version, "language": letter.language, "title": letter.title,
            "state": letter.state, "related": letter.related, "sha256": letter.sha256, "issued_at": letter.issued_at,
            "service_method": letter.service_method, "served_on": letter.served_on,
            "served_method": letter.served_method, "deadlines": letter.deadlines}


def _letter(request, pk: int, view: str) -> Letter:
    authorise(request.auth, "correspondence.view")
    letter = Letter.objects.select_related("person", "template").filter(pk=pk).first()
    if letter is None:
        raise NotFound(f"no letter {pk}")
    log_access(request.auth, letter.person, channel="api", view=view)
    return letter


@router.post("", response={201: LetterOut}, summary="Prepare a draft letter from a context")
def prepare(request, payload: PrepareIn):
    authorise(request.auth, "correspondence.prepare")
    person = get_person(payload.person, user=request.auth, channel="api", view="correspondence.prepare")
    letter = services.prepare_letter(person, payload.template, payload.context, language=payload.language,
                                     actor=request.auth, related=payload.related, service_method=payload.service_method)
    return Status(201, _out(letter))


@router.get("/{pk}", response=LetterOut, summary="A letter: state, hash, deadlines")
def read(request, pk: int):
    return _out(_letter(request, pk, "correspondence.letter"))


@router.get("/{pk}/html", summary="The letter as HTML (the preview of a draft)")
def html(request, pk: int):
    return HttpResponse(_letter(request, pk, "correspondence.letter_html").html, content_type="text/html; charset=utf-8")


@router.get("/{pk}/pdf", summary="The letter as PDF (a draft is rendered and marked as a draft)")
def pdf(request, pk: int):
    letter = _letter(request, pk, "correspondence.letter_pdf")
    response = HttpResponse(services.draft_pdf(letter), content_type="application/pdf")
    if letter.sha256:
        response["X-Content-SHA256"] = letter.sha256
    return response


@router.post("/{pk}/issue", response=LetterOut, summary="Issue: the content is frozen and its hash kept")
def issue(request, pk: int, payload: IssueIn):
    authorise(request.auth, "correspondence.issue")
    letter = _letter(request, pk, "correspondence.issue")
    return _out(services.issue_letter(letter, actor=request.auth, service_method=payload.service_method))


@router.post("/{pk}/service", response=LetterOut, summary="Record the date the letter was served; deadlines run from it")
def serve(request, pk: int, payload: ServeIn):
    authorise(request.auth, "correspondence.serve")
    letter = _letter(request, pk, "correspondence.serve")
    return _out(services.record_service(letter, served_on=payload.served_on, method=payload.method, actor=request.auth))
