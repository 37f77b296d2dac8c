"""People endpoints: search, read (access-logged), resolve-or-create, merge, timeline."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema
from ninja.responses import Status

from . import services
from .models import Person, PersonMerge

prefix = "/people"
router = Router(tags=["people"])


class NameIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=300)
    kind: str = "primary"
    given_names: str = ""
    family_name: str = ""


class DocumentIn(Schema):
    number: str = Field(..., min_length=1, max_length=40)
    kind: str = "passport"
    issuing_state: str = ""
    expiry_date: dt.date | None = None


class PersonIn(Schema):
    names: list[NameIn] = Field(..., min_length=1)
    birth_date: str = Field("", description="YYYY, YYYY-MM or YYYY-MM-DD")
    sex: str = ""
    nationalities: list[str] = []
    documents: list[DocumentIn] = []
    place_of_birth: str = ""
    reason: str = ""


class NameOut(Schema):
    kind: str
    full_name: str
    script: str
    latin: str
    primary_identifier: str
    secondary_identifier: str


class IdentifierOut(Schema):
    kind: str
    number: str
    issuing_state: str
    expiry_date: dt.date | None
    document_state: str


class PersonOut(Schema):
    reference: str
    state: str
    names: list[NameOut]
    birth_date: str
    sex: str
    nationalities: list[str]
    identifiers: list[IdentifierOut]
    merged_into: str | None = None


class PersonSummary(Schema):
    reference: str
    name: str
    birth_date: str
    score: float
    matched: str


class ResolutionOut(Schema):
    person: PersonOut
    created: bool
    matched_on: str


class MergeIn(Schema):
    absorbed: str
    reason: str = Field(..., min_length=1)


class UnmergeIn(Schema):
    reason: str = Field(..., min_length=1)


class EventOut(Schema):
    seq: int
    at: dt.datetime
    actor: str
    action: str
    reason: str
    payload: dict


def person_out(person: Person) -> dict:
    return {
        "reference": person.reference,
        "state": person.state,
        "names": list(person.names.all()),
        "birth_date": person.birth_date_text if person.birth_year else "",
        "sex": person.sex,
        "nationalities": [n.code for n in person.nationalities.all()],
        "identifiers": list(person.identifiers.all()),
        "merged_into": person.merged_into.reference if person.merged_into_id else None,
    }


def details_from(payload: PersonIn) -> services.PersonDetails:
    return services.PersonDetails(
        names=[services.NameInput(**n.dict()) for n in payload.names],
        birth_date=payload.birth_date,
        sex=payload.sex,
        nationalities=payload.nationalities,
        documents=[services.DocumentInput(**d.dict()) for d in payload.documents],
        place_of_birth=payload.place_of_birth,
    )


@router.get("", response=list[PersonSummary], summary="Search people by name (fuzzy, any script), date of birth or document number")
def search(request, name: str = "", birth_date: str = "", document_number: str = ""):
    results = services.search_people(user=request.auth, name=name, birth_date=birth_date,
                                     document_number=document_number)
    return [{"reference": r.person.reference, "name": r.person.display_name, "birth_date": r.person.birth_date_text,
             "score": round(r.score, 3), "matched": r.matched} for r in results]


@router.post("", response={200: ResolutionOut, 201: ResolutionOut},
             summary="Find the person these details describe, or create their record")
def resolve(request, payload: PersonIn):
    resolution = services.resolve_person(details_from(payload), actor=request.auth, reason=payload.reason or "API intake")
    person = Person.objects.prefetch_related("names", "nationalities", "identifiers").get(pk=resolution.person.pk)
    return Status(201 if resolution.created else 200, {"person": person_out(person), "created": resolution.created,
                                                       "matched_on": resolution.matched_on})


@router.get("/{reference}", response=PersonOut, summary="Read a person record (the access is logged)")
def read(request, reference: str):
    return person_out(services.get_person(reference, user=request.auth, channel="api", view="people.read"))


@router.get("/{reference}/timeline", response=list[EventOut])
def person_timeline(request, reference: str):
    person = services.get_person(reference, user=request.auth, channel="api", view="people.timeline")
    return list(services.timeline(person)[:500])


@router.post("/{reference}/merge", response=PersonOut, summary="Merge another record into this one (reversible)")
def merge(request, reference: str, payload: MergeIn):
    survivor = services.get_person(reference, user=request.auth, channel="api", view="people.merge")
    absorbed = services.get_person(payload.absorbed, user=request.auth, channel="api", view="people.merge")
    services.merge_people(survivor, absorbed, actor=request.auth, reason=payload.reason)
    return person_out(Person.objects.get(pk=survivor.pk))


@router.post("/merges/{merge_id}/reverse", response=PersonOut, summary="Reverse a merge")
def reverse_merge(request, merge_id: int, payload: UnmergeIn):
    merge_record = PersonMerge.objects.filter(pk=merge_id).first()
    if merge_record is None:
        from portcullis.errors import NotFound

        raise NotFound(f"no merge {merge_id}")
    person = services.unmerge_people(merge_record, actor=request.auth, reason=payload.reason)
    return person_out(person)
