"""Identity resolution uses the screening engine's matcher, so a name that would hit a watchlist
entry also finds the existing person record (and vice versa)."""

from __future__ import annotations

from portcullis.screening import Query, name_similarity, score_pair


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


def details_query(details, parts) -> Query:
    return Query(
        id="intake",
        names=[n.full_name for n in details.names if n.full_name.strip()],
        birth_dates=_birth_text(*parts),
        nationalities=[c.upper() for c in details.nationalities],
        gender=details.sex or None,
        document_numbers=[d.number for d in details.documents],
    )


def score(details, parts, candidate) -> float:
    value, _explanation = score_pair(details_query(details, parts), person_query(candidate))
    return value


def name_score(query: str, person_name) -> float:
    best = name_similarity(query, person_name.full_name)
    if person_name.latin and person_name.latin != person_name.full_name:
        best = max(best, name_similarity(query, person_name.latin))
    return best
