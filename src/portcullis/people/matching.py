"""Identity resolution uses the screening engine's matcher, so a name that would hit a watchlist
entry also finds the existing person record (and vice versa)."""

from __future__ import annotations

from portcullis.screening import Query, name_similarity, score_pair
from portcullis.screening.scoring import evidence

from .names import to_latin


def _birth_text(year, month, day) -> list[str]:
    if not year:
        return []
    parts = [f"{year:04d}"]
    if month:
        parts.append(f"{month:02d}")
        if day:
            parts.append(f"{day:02d}")
    return ["-".join(parts)]


def person_query(person) -> Query:
    names = []
    for n in person.names.all():
        names.append(n.full_name)
        if n.latin and n.latin != n.full_name:
            names.append(n.latin)
    return Query(
        id=person.reference,
        names=names,
        birth_dates=_birth_text(person.birth_year, person.birth_month, person.birth_day),
        nationalities=[n.code for n in person.nationalities.all()],
        gender=person.sex or None,
        document_numbers=[i.number for i in person.identifiers.all()],
    )


def record_queries(person_ids) -> dict[int, Query]:
    """:func:`person_query` for many persons at once, from four queries returning plain rows (no
    model instances): person id -> query."""
    from .models import Identifier, Nationality, Person, PersonName

    ids = list(person_ids)
    names: dict[int, list[str]] = {}
    for pid, full, latin in (PersonName.objects.filter(person_id__in=ids).order_by("kind", "id")
                             .values_list("person_id", "full_name", "latin")):
        names.setdefault(pid, []).append(full)
        if latin and latin != full:
            names[pid].append(latin)
    codes: dict[int, list[str]] = {}
    for pid, code in Nationality.objects.filter(person_id__in=ids).order_by("id").values_list("person_id", "code"):
        codes.setdefault(pid, []).append(code)
    numbers: dict[int, list[str]] = {}
    for pid, number in Identifier.objects.filter(person_id__in=ids).order_by("id").values_list("person_id", "number"):
        numbers.setdefault(pid, []).append(number)
    out = {}
    for pid, reference, sex, year, month, day in (Person.objects.filter(pk__in=ids).values_list(
            "id", "reference", "sex", "birth_year", "birth_month", "birth_day")):
        out[pid] = Query(id=reference, names=names.get(pid, []), birth_dates=_birth_text(year, month, day),
                         nationalities=codes.get(pid, []), gender=sex or None, document_numbers=numbers.get(pid, []))
    return out


def details_query(details, parts) -> Query:
    return Query(
        id="intake",
        names=[n.full_name for n in details.names if n.full_name.strip()],
        birth_dates=_birth_text(*parts),
        nationalities=[c.upper() for c in details.nationalities],
        gender=details.sex or None,
        document_numbers=[d.number for d in details.documents],
    )


def record_query(details, parts) -> Query:
    """What :func:`person_query` would give for the record these details create (each name and
    its Latin form), for matching within a batch before the records exist."""
    names = []
    for n in details.names:
        full = " ".join(n.full_name.split())
        if full:
            names.append(full)
            latin = n.latin or to_latin(full)
            if latin and latin != full:
                names.append(latin)
    return Query(
        id="intake",
        names=names,
        birth_dates=_birth_text(*parts),
        nationalities=list(dict.fromkeys(c.upper() for c in details.nationalities)),
        gender=details.sex or None,
        document_numbers=[d.number for d in details.documents],
    )


def could_reach(query: Query, other: Query, threshold: float) -> bool:
    """Whether :func:`score_queries` can reach ``threshold``, from the evidence alone (cheap: no
    names compared).  The score is the name similarity, at most 1, plus the evidence effects (a
    shared document number lifts it to its floor), so when ``1 + effects`` falls short no name
    can make up for it: a namesake a year apart whose day and month differ too and whose
    nationality differs, or one of the other sex."""
    items, doc_hit = evidence(query, other)
    return doc_hit or 1.0 + sum(i["effect"] for i in items) >= threshold - 1e-9


def score_queries(query: Query, other: Query) -> float:
    value, _explanation = score_pair(query, other)
    return value


def score(details, parts, candidate) -> float:
    value, _explanation = score_pair(details_query(details, parts), person_query(candidate))
    return value


def name_score(query: str, person_name) -> float:
    best = name_similarity(query, person_name.full_name)
    if person_name.latin and person_name.latin != person_name.full_name:
        best = max(best, name_similarity(query, person_name.latin))
    return best
