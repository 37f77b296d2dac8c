"""The people context's services: the only way persons are created, changed, merged or read."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q, prefetch_related_objects

from portcullis.audit.services import log_access, record, record_many
from portcullis.documents.codes import is_known_code
from portcullis.documents.names import mrz_name
from portcullis.errors import FieldError, InvalidInput, NotFound
from portcullis.postgresql import chunks
from portcullis.workforce.authority import authorise

from . import matching
from .models import Identifier, NameKey, Nationality, Person, PersonMerge, PersonName
from .names import detect_script, name_keys, normalise_document_number, to_latin

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass
class NameInput:
    full_name: str
    kind: str = PersonName.Kind.PRIMARY
    given_names: str = ""
    family_name: str = ""
    latin: str = ""


@dataclass
class DocumentInput:
    number: str
    kind: str = Identifier.Kind.PASSPORT
    issuing_state: str = ""
    expiry_date: dt.date | None = None
    issue_date: dt.date | None = None
    mrz: str = ""


@dataclass
class PersonDetails:
    """What an intake flow knows about someone: enough to find them or create their record."""

    names: list[NameInput]
    birth_date: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD
    sex: str = ""
    nationalities: list[str] = field(default_factory=list)
    documents: list[DocumentInput] = field(default_factory=list)
    place_of_birth: str = ""


@dataclass
class Resolution:
    person: Person
    created: bool
    matched_on: str  # "document", "name and date of birth", or "new"
    score: float | None = None
    candidates: list[tuple[Person, float]] = field(default_factory=list)


class AmbiguousPerson(Exception):
    def __init__(self, candidates: list[tuple[Person, float]]):
        self.candidates = candidates
        super().__init__(
            "more than one existing person matches: "
            + ", ".join(f"{p.reference} ({score:.2f})" for p, score in candidates)
        )


def parse_partial_date(value: str, field_name: str = "birth_date") -> tuple[int | None, int | None, int | None]:
    value = (value or "").strip()
    if not value:
        return None, None, None
    m = _PARTIAL_DATE.match(value)
    if not m:
        raise InvalidInput(FieldError(field_name, "must be YYYY, YYYY-MM or YYYY-MM-DD"))
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise InvalidInput(FieldError(field_name, f"{value} is not a real date")) from None
    if dt.date(year, month or 1, day or 1) > dt.date.today():
        raise InvalidInput(FieldError(field_name, "is in the future"))
    return year, month, day


def validate_details(details: PersonDetails) -> tuple[int | None, int | None, int | None]:
    errors: list[FieldError] = []
    if not details.names or not any(n.full_name.strip() for n in details.names):
        errors.append(FieldError("names", "at least one name is required"))
    for i, name in enumerate(details.names):
        if len(name.full_name) > 300:
            errors.append(FieldError(f"names[{i}].full_name", "is longer than 300 characters"))
        if name.kind not in PersonName.Kind.values:
            errors.append(FieldError(f"names[{i}].kind", f"must be one of {', '.join(PersonName.Kind.values)}"))
    if details.sex not in ("", "M", "F", "X"):
        errors.append(FieldError("sex", "must be M, F or X"))
    for i, code in enumerate(details.nationalities):
        if not is_known_code(code):
            errors.append(FieldError(f"nationalities[{i}]", f"{code!r} is not an ISO 3166-1 alpha-3 or ICAO code"))
    for i, doc in enumerate(details.documents):
        if not normalise_document_number(doc.number):
            errors.append(FieldError(f"documents[{i}].number", "is required"))
        if doc.kind not in Identifier.Kind.values:
            errors.append(FieldError(f"documents[{i}].kind", f"must be one of {', '.join(Identifier.Kind.values)}"))
        if doc.issuing_state and not is_known_code(doc.issuing_state):
            errors.append(FieldError(f"documents[{i}].issuing_state", f"{doc.issuing_state!r} is not a known code"))
    try:
        parts = parse_partial_date(details.birth_date)
    except InvalidInput as exc:
        errors.extend(exc.errors)
        parts = (None, None, None)
    if errors:
        raise InvalidInput(errors)
    return parts


def _follow(person: Person) -> Person:
    seen = set()
    while person.merged_into_id and person.pk not in seen:
        seen.add(person.pk)
        person = person.merged_into
    return person


def _make_name(person: Person, name: NameInput) -> PersonName:
    row = _name_row(person, name)
    row.save(force_insert=True)
    return row


def refresh_name_keys(person: Person) -> None:
    keys = set()
    for n in person.names.all():
        keys |= name_keys(n.full_name, n.latin)
    NameKey.objects.filter(person=person).exclude(key__in=keys).delete()
    existing = set(NameKey.objects.filter(person=person).values_list("key", flat=True))
    NameKey.objects.bulk_create([NameKey(person=person, key=k) for k in sorted(keys - existing)])


def _add_identifier(person: Person, doc: DocumentInput) -> Identifier | None:
    number = normalise_document_number(doc.number)
    ident, created = Identifier.objects.get_or_create(
        kind=doc.kind, issuing_state=doc.issuing_state.upper(), number=number,
        defaults=dict(person=person, expiry_date=doc.expiry_date, issue_date=doc.issue_date, mrz=doc.mrz),
    )
    return ident if created else None


def _create(details: PersonDetails, parts, *, actor, reason: str) -> Person:
    year, month, day = parts
    person = Person.objects.create(sex=details.sex, birth_year=year, birth_month=month, birth_day=day,
                                   place_of_birth=details.place_of_birth)
    for name in details.names:
        if name.full_name.strip():
            _make_name(person, name)
    for code in dict.fromkeys(c.upper() for c in details.nationalities):
        Nationality.objects.create(person=person, code=code)
    for doc in details.documents:
        _add_identifier(person, doc)
    refresh_name_keys(person)
    record(actor, "person.created", person, person=person, reason=reason,
           payload={"reference": person.reference, "names": [n.full_name for n in details.names],
                    "birth_date": details.birth_date,
                    "documents": [normalise_document_number(d.number) for d in details.documents]})
    return person


def _enrich(person: Person, details: PersonDetails, *, actor, reason: str) -> dict[str, list[str]]:
    """Add what the intake knows and the record does not: never overwrite what is there.
    Returns what was added (empty: nothing)."""
    added: dict[str, list[str]] = {}
    known_names = {n.full_name.casefold() for n in person.names.all()}
    for name in details.names:
        full = " ".join(name.full_name.split())
        if full and full.casefold() not in known_names:
            _make_name(person, NameInput(full_name=full, kind=PersonName.Kind.ALIAS, given_names=name.given_names,
                                         family_name=name.family_name, latin=name.latin))
            known_names.add(full.casefold())
            added.setdefault("aliases", []).append(full)
    known_codes = {n.code for n in person.nationalities.all()}
    for code in details.nationalities:
        if code.upper() not in known_codes:
            Nationality.objects.create(person=person, code=code.upper())
            known_codes.add(code.upper())
            added.setdefault("nationalities", []).append(code.upper())
    held = {(i.kind, i.issuing_state, i.number) for i in person.identifiers.all()}
    for doc in details.documents:
        if (doc.kind, doc.issuing_state.upper(), normalise_document_number(doc.number)) in held:
            continue
        if _add_identifier(person, doc):
            added.setdefault("documents", []).append(normalise_document_number(doc.number))
    if added:
        if "aliases" in added:
            refresh_name_keys(person)
        record(actor, "person.enriched", person, person=person, reason=reason, payload=added)
    return added


def find_by_document(documents: list[DocumentInput]) -> Person | None:
    for doc in documents:
        number = normalise_document_number(doc.number)
        if not number:
            continue
        qs = Identifier.objects.filter(number=number).select_related("person")
        if doc.issuing_state:
            qs = qs.filter(Q(issuing_state=doc.issuing_state.upper()) | Q(issuing_state=""))
        ident = qs.first()
        if ident:
            return _follow(ident.person)
    return None


def candidates_by_name(names: list[str], birth_year: int | None = None, *, limit: int = 200,
                       year_window: int = 1) -> list[Person]:
    keys = set()
    for name in names:
        keys |= name_keys(name, to_latin(name))
    if not keys:
        return []
    qs = NameKey.objects.filter(key__in=keys, person__state=Person.State.ACTIVE)
    if birth_year:
        qs = qs.filter(person__birth_year__gte=birth_year - year_window, person__birth_year__lte=birth_year + year_window)
    ids = [row["person"] for row in qs.values("person").annotate(n=Count("key")).order_by("-n")[:limit]]
    by_id = Person.objects.prefetch_related("names", "nationalities").in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


MATCH_THRESHOLD = 0.88
# The candidates sharing most name keys are scored in full; more only adds time, not matches.
CANDIDATES_SCORED = 12
AMBIGUITY_MARGIN = 0.04


@transaction.atomic
def resolve_person(details: PersonDetails, *, actor, reason: str = "", create: bool = True,
                   on_ambiguous: str = "raise") -> Resolution:
    """Find the person these details describe, or create their record.

    Order: an exact document-number match; then name and date of birth scored by the screening
    matcher (the same one that screens watchlists).  Name alone never matches: without a date of
    birth a new record is created, to be merged later if it proves to be the same person.
    ``on_ambiguous``: ``raise`` (:class:`AmbiguousPerson`), ``create`` a new record, or take the
    ``best``.
    """
    parts = validate_details(details)
    person = find_by_document(details.documents)
    if person:
        _enrich(person, details, actor=actor, reason=reason)
        return Resolution(person, False, "document", 1.0)
    if parts[0]:
        names = [n.full_name for n in details.names if n.full_name.strip()]
        scored = []
        for candidate in candidates_by_name(names, parts[0]):
            score = matching.score(details, parts, candidate)
            if score >= MATCH_THRESHOLD:
                scored.append((candidate, score))
        scored.sort(key=lambda pair: -pair[1])
        if scored:
            ambiguous = len(scored) > 1 and scored[0][1] - scored[1][1] < AMBIGUITY_MARGIN
            if not ambiguous or on_ambiguous == "best":
                person = scored[0][0]
                _enrich(person, details, actor=actor, reason=reason)
                return Resolution(person, False, "name and date of birth", scored[0][1], scored)
            if on_ambiguous == "raise":
                raise AmbiguousPerson(scored[:5])
    if not create:
        raise NotFound("no person matches these details")
    authorise(actor, "person.create")
    return Resolution(_create(details, parts, actor=actor, reason=reason), True, "new")


def _name_row(person: Person, name: NameInput) -> PersonName:
    full = " ".join(name.full_name.split())
    latin = name.latin or to_latin(full)
    family, given = name.family_name or "", name.given_names or ""
    if not family and not given:
        parts = latin.split()
        family_latin, given_latin = (parts[-1], " ".join(parts[:-1])) if len(parts) > 1 else (latin, "")
    else:
        family_latin, given_latin = to_latin(family), to_latin(given)
    return PersonName(person=person, kind=name.kind, full_name=full, script=detect_script(full), latin=latin,
                      family_name=family, given_names=given,
                      primary_identifier=mrz_name(family_latin).replace("<", " ").strip(),
                      secondary_identifier=mrz_name(given_latin).replace("<", " ").strip())


def _doc_key(doc: DocumentInput) -> tuple[str, str, str]:
    return (doc.kind, doc.issuing_state.upper(), normalise_document_number(doc.number))


def _same_document(a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
    """The matching rule of :func:`find_by_document`: the number, and the issuing state when both give one."""
    return a[2] == b[2] and (not a[1] or not b[1] or a[1] == b[1])


def _set_prefetched(obj, name: str, rows: list) -> None:
    """Fill ``obj.<name>.all()`` the way ``prefetch_related`` does, for rows just inserted (so that
    reading them back costs no query)."""
    qs = getattr(obj, name).get_queryset()
    qs._result_cache = list(rows)
    qs._prefetch_done = True
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    obj._prefetched_objects_cache[name] = qs


def _forget_prefetched(person: Person) -> None:
    """After rows were added to a person's names, nationalities or identifiers: read them afresh."""
    cache = getattr(person, "_prefetched_objects_cache", None)
    if cache:
        for name in ("names", "nationalities", "identifiers"):
            cache.pop(name, None)


@transaction.atomic
def resolve_people(batch: list[PersonDetails], *, actor, reason: str = "", on_ambiguous: str = "best") -> list[Resolution]:
    """:func:`resolve_person` for a whole list (a carrier's manifest) in a few queries.

    Same order of matching (document, then name and date of birth by the screening matcher) and
    the same audit events, but documents and name keys are looked up for the whole batch at once
    and new records are inserted together.  Errors name the item: ``[3].birth_date``.

    As if the items were resolved one after the other: someone listed twice (on two legs, or
    twice by mistake) is one person, whether the second listing shares a document number with
    the first or only the name and date of birth; what the second listing adds (another
    document, another spelling of the name) is added to that person.  Every person returned has
    its names, nationalities and identifiers loaded (``prefetch_related``), current.
    """
    parts_list, errors = [], []
    for i, details in enumerate(batch):
        try:
            parts_list.append(validate_details(details))
        except InvalidInput as exc:
            errors.extend(FieldError(f"[{i}].{e.field}", e.message) for e in exc.errors)
    if errors:
        raise InvalidInput(errors)
    if on_ambiguous not in ("best", "raise", "create"):
        raise ValueError("on_ambiguous must be best, raise or create")
    numbers = {normalise_document_number(d.number) for det in batch for d in det.documents} - {""}
    by_number: dict[str, list[Identifier]] = {}
    for part in chunks(numbers):  # a passenger list of any size: each query under the parameter limit
        for ident in Identifier.objects.filter(number__in=part).select_related("person"):
            by_number.setdefault(ident.number, []).append(ident)
    one: dict[int, Person] = {}  # one instance per record, so that what is added to it is seen by all

    def canonical(person: Person) -> Person:
        return one.setdefault(person.pk, person)

    results: list[Resolution | None] = [None] * len(batch)
    pending = []
    for i, details in enumerate(batch):
        for doc in details.documents:
            state = doc.issuing_state.upper()
            match = [x for x in by_number.get(normalise_document_number(doc.number), [])
                     if not state or not x.issuing_state or x.issuing_state == state]
            if match:
                results[i] = Resolution(canonical(_follow(match[0].person)), False, "document", 1.0)
                break
        else:
            pending.append(i)
    # Name and date of birth, for the rest: one query for every candidate of the batch, each
    # passenger's candidates then taken among those born within a year of them.
    keys_of = {i: set().union(*(name_keys(n.full_name, to_latin(n.full_name)) for n in batch[i].names))
               for i in range(len(batch)) if parts_list[i][0]}
    wanted = {i: keys_of[i] for i in pending if i in keys_of}
    shared: dict[int, list[int]] = {}
    if wanted:
        all_keys = set().union(*wanted.values())
        years = {parts_list[i][0] + d for i in wanted for d in (-1, 0, 1)}
        owners: dict[str, list[tuple[int, int]]] = {}
        for part in chunks(all_keys):
            for person_id, key, year in (NameKey.objects.filter(key__in=part, person__birth_year__in=years,
                                                                person__state=Person.State.ACTIVE)
                                         .values_list("person_id", "key", "person__birth_year")):
                owners.setdefault(key, []).append((person_id, year))
        for i, keys in wanted.items():
            year = parts_list[i][0]
            counts: dict[int, int] = {}
            for key in keys:
                for pid, born in owners.get(key, ()):
                    if abs(born - year) <= 1:
                        counts[pid] = counts.get(pid, 0) + 1
            shared[i] = [pid for pid, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:CANDIDATES_SCORED]]
    candidate_ids = set().union(*shared.values()) if shared else set()
    # Each candidate's record as the matcher sees it (matching.person_query), read as plain rows:
    # most candidates are namesakes that never match, so no model instances are made for them.
    record_queries = matching.record_queries(candidate_ids) if candidate_ids else {}
    to_create = []
    queries: dict[int, object] = {}  # item -> its query, as intake (details_query)
    scored_of: dict[int, list[tuple[int, float]]] = {}
    for i in pending:
        scored = []
        for pid in shared.get(i, ()):
            other = record_queries.get(pid)
            if other is None:
                continue
            if i not in queries:
                queries[i] = matching.details_query(batch[i], parts_list[i])
            if not matching.could_reach(queries[i], other, MATCH_THRESHOLD):
                continue
            score = matching.score_queries(queries[i], other)
            if score >= MATCH_THRESHOLD:
                scored.append((pid, score))
        scored.sort(key=lambda pair: -pair[1])
        scored_of[i] = scored
    matched = {pid for scored in scored_of.values() for pid, _score in scored}
    persons = Person.objects.in_bulk(matched) if matched else {}
    for i in pending:
        scored = [(persons[pid], score) for pid, score in scored_of[i]]
        ambiguous = len(scored) > 1 and scored[0][1] - scored[1][1] < AMBIGUITY_MARGIN
        if scored and (not ambiguous or on_ambiguous == "best"):
            results[i] = Resolution(canonical(scored[0][0]), False, "name and date of birth", scored[0][1], scored)
        elif scored and on_ambiguous == "raise":
            raise AmbiguousPerson(scored[:5])
        else:
            to_create.append(i)
    # Those still unmatched may be someone listed earlier in this same batch.
    owner: dict[int, int] = {}  # item -> the earlier item whose person it is
    how: dict[int, tuple[str, float]] = {}
    by_item_person: dict[int, Person] = {}  # items whose record is created now
    creating: list[int] = []
    if to_create:
        to_create_set = set(to_create)
        for i in range(len(batch)):
            if i not in keys_of and parts_list[i][0]:
                keys_of[i] = set().union(*(name_keys(n.full_name, to_latin(n.full_name)) for n in batch[i].names))
        earlier_docs: dict[str, list[tuple[int, tuple[str, str, str]]]] = {}
        earlier_keys: dict[str, list[int]] = {}
        would_be: dict[int, object] = {}  # item -> the query for the record it would make (record_query)
        for i, details in enumerate(batch):
            docs = [k for k in map(_doc_key, details.documents) if k[2]]
            if i in to_create_set:
                # 1. a document number listed earlier in the batch
                first = min((j for k in docs for j, other in earlier_docs.get(k[2], ()) if _same_document(k, other)),
                            default=None)
                matched_on, score = "document", 1.0
                if first is None and i in keys_of:
                    # 2. name and date of birth, as for the records on file: among those born within
                    # a year, the ones sharing most name keys, scored by the same matcher
                    year, counts = parts_list[i][0], {}
                    for key in keys_of[i]:
                        for j in earlier_keys.get(key, ()):
                            if abs(parts_list[j][0] - year) <= 1:
                                counts[j] = counts.get(j, 0) + 1
                    scored = []
                    if counts:
                        if i not in queries:
                            queries[i] = matching.details_query(details, parts_list[i])
                        for j, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:CANDIDATES_SCORED]:
                            if j not in would_be:
                                would_be[j] = matching.record_query(batch[j], parts_list[j])
                            if not matching.could_reach(queries[i], would_be[j], MATCH_THRESHOLD):
                                continue
                            value = matching.score_queries(queries[i], would_be[j])
                            if value >= MATCH_THRESHOLD:
                                scored.append((j, value))
                    scored.sort(key=lambda pair: (-pair[1], pair[0]))
                    ambiguous = len(scored) > 1 and scored[0][1] - scored[1][1] < AMBIGUITY_MARGIN
                    if scored and ambiguous and on_ambiguous == "raise":
                        raise AmbiguousPerson([(by_item_person[j] if j in by_item_person else results[j].person, v)
                                               for j, v in scored[:5]])
                    if scored and (not ambiguous or on_ambiguous == "best"):
                        first, matched_on, score = scored[0][0], "name and date of birth", scored[0][1]
                if first is not None:
                    first = owner.get(first, first)
                    owner[i], how[i] = first, (matched_on, score)
                    if first in by_item_person:
                        by_item_person[i] = by_item_person[first]
                    else:
                        results[i] = Resolution(results[first].person, False, matched_on, score)
                else:
                    year, month, day = parts_list[i]
                    by_item_person[i] = Person(sex=details.sex, birth_year=year, birth_month=month, birth_day=day,
                                               place_of_birth=details.place_of_birth)
                    creating.append(i)
            for k in docs:
                earlier_docs.setdefault(k[2], []).append((i, k))
            for key in keys_of.get(i, ()):
                earlier_keys.setdefault(key, []).append(i)
    found = list({id(r.person): r.person for r in results if r is not None}.values())
    prefetch_related_objects(found, "names", "nationalities", "identifiers")
    for i, result in enumerate(results):
        if result is not None and _enrich(result.person, batch[i], actor=actor, reason=reason):
            _forget_prefetched(result.person)
    if creating:
        authorise(actor, "person.create")
        members: dict[int, list[int]] = {c: [c] for c in creating}
        for i, first in owner.items():
            if first in members:
                members[first].append(i)
        people = [by_item_person[c] for c in creating]
        Person.objects.bulk_create(people)
        names, nationalities, identifiers, keys, events = [], [], [], [], []
        for c, person in zip(creating, people):
            listed = [batch[m] for m in sorted(members[c])]
            rows, seen_names = [], set()
            for k, details in enumerate(listed):
                for n in details.names:
                    full = " ".join(n.full_name.split())
                    if full and full.casefold() not in seen_names:
                        seen_names.add(full.casefold())
                        if k:  # a spelling only a later listing gives: an alias, as _enrich would add
                            n = NameInput(full_name=full, kind=PersonName.Kind.ALIAS, given_names=n.given_names,
                                          family_name=n.family_name, latin=n.latin)
                        rows.append(_name_row(person, n))
            codes = list(dict.fromkeys(code.upper() for details in listed for code in details.nationalities))
            nats = [Nationality(person=person, code=code) for code in codes]
            idents, seen_docs = [], set()
            for details in listed:
                for doc in details.documents:
                    key = _doc_key(doc)
                    if key[2] and key not in seen_docs:
                        seen_docs.add(key)
                        idents.append(Identifier(person=person, kind=doc.kind, issuing_state=key[1], number=key[2],
                                                 expiry_date=doc.expiry_date, issue_date=doc.issue_date, mrz=doc.mrz))
            names += rows
            nationalities += nats
            identifiers += idents
            person_keys = set().union(*(name_keys(r.full_name, r.latin) for r in rows)) if rows else set()
            keys += [NameKey(person=person, key=k) for k in sorted(person_keys)]
            events.append(dict(action="person.created", obj=person, person=person, reason=reason,
                               payload={"reference": person.reference, "names": [r.full_name for r in rows],
                                        "birth_date": listed[0].birth_date,
                                        "documents": sorted({k[2] for k in seen_docs})}))
            _set_prefetched(person, "names", sorted(rows, key=lambda r: r.kind))  # as PersonName.Meta.ordering
            _set_prefetched(person, "nationalities", nats)
            _set_prefetched(person, "identifiers", idents)
            results[c] = Resolution(person, True, "new")
        for i, (matched_on, score) in how.items():
            if results[i] is None:
                results[i] = Resolution(by_item_person[i], False, matched_on, score)
        PersonName.objects.bulk_create(names)
        Nationality.objects.bulk_create(nationalities)
        Identifier.objects.bulk_create(identifiers)
        NameKey.objects.bulk_create(keys)
        record_many(actor, events)
    return results  # type: ignore[return-value]


def get_person(reference_or_id, *, user, channel: str, view: str, purpose: str = "") -> Person:
    """Read a person record for a user, and log the access."""
    authorise(user, "person.view")
    qs = Person.objects.prefetch_related("names", "nationalities", "identifiers")
    key = str(reference_or_id)
    person = qs.filter(reference=key.upper()).first() or (qs.filter(pk=int(key)).first() if key.isdigit() else None)
    if person is None:
        raise NotFound(f"no person {reference_or_id}")
    log_access(user, person, channel=channel, view=view, purpose=purpose)
    return person


@dataclass
class SearchResult:
    person: Person
    score: float
    matched: str


def search_people(*, user, name: str = "", birth_date: str = "", document_number: str = "",
                  limit: int = 25) -> list[SearchResult]:
    authorise(user, "person.search")
    errors = []
    if not (name.strip() or birth_date.strip() or document_number.strip()):
        errors.append(FieldError("name", "enter a name, a date of birth or a document number"))
    try:
        year, month, day = parse_partial_date(birth_date)
    except InvalidInput as exc:
        errors.extend(exc.errors)
        year = month = day = None
    if errors:
        raise InvalidInput(errors)
    results: list[SearchResult] = []
    if document_number.strip():
        number = normalise_document_number(document_number)
        people = Person.objects.filter(Q(identifiers__number=number) | Q(reference=number)).distinct()
        results = [SearchResult(_follow(p), 1.0, "document") for p in people.prefetch_related("names")]
    elif name.strip():
        candidates = candidates_by_name([name], year, limit=400, year_window=0 if year else 1)
        for person in candidates:
            if year and not _birth_compatible(person, year, month, day):
                continue
            best = max((matching.name_score(name, n) for n in person.names.all()), default=0.0)
            if best >= 0.6:
                results.append(SearchResult(person, best, "name"))
        results.sort(key=lambda r: -r.score)
    else:
        qs = Person.objects.filter(birth_year=year, state=Person.State.ACTIVE)
        if month:
            qs = qs.filter(birth_month=month)
        if day:
            qs = qs.filter(birth_day=day)
        results = [SearchResult(p, 1.0, "date of birth") for p in qs.prefetch_related("names")[:limit]]
    return results[:limit]


def _birth_compatible(person: Person, year: int, month: int | None, day: int | None) -> bool:
    if person.birth_year and person.birth_year != year:
        return False
    if month and person.birth_month and person.birth_month != month:
        return False
    if day and person.birth_day and person.birth_day != day:
        return False
    return True


def _person_links():
    """Every foreign key from any context to Person, except the people context's own bookkeeping."""
    for rel in Person._meta.related_objects:
        if rel.related_model in (PersonMerge, Person) or not rel.one_to_many:
            continue
        yield rel.related_model, rel.field.name


@transaction.atomic
def merge_people(survivor: Person, absorbed: Person, *, actor, reason: str, countersigned_by=None) -> PersonMerge:
    """Fold ``absorbed`` into ``survivor``.  Every row is moved, none is overwritten or deleted."""
    permit = authorise(actor, "person.merge", countersign_ok=True)
    if permit.needs_countersignature:
        if countersigned_by is None:
            raise InvalidInput(FieldError("countersigned_by", "a merge by this grade needs a countersignature"))
        authorise(countersigned_by, "person.merge")
    if not reason.strip():
        raise InvalidInput(FieldError("reason", "give the reason for the merge"))
    survivor = Person.objects.select_for_update().get(pk=survivor.pk)
    absorbed = Person.objects.select_for_update().get(pk=absorbed.pk)
    if survivor.pk == absorbed.pk:
        raise InvalidInput(FieldError("absorbed", "cannot merge a person into themselves"))
    if absorbed.state != Person.State.ACTIVE or survivor.state != Person.State.ACTIVE:
        raise InvalidInput(FieldError("absorbed", "both records must be active"))
    moved: dict[str, list[int]] = {}
    for model, fk in _person_links():
        if model is NameKey:
            continue
        ids = list(model.objects.filter(**{fk: absorbed}).values_list("pk", flat=True))
        if ids:
            if model is Nationality:  # keep one row per code on the survivor
                dup = set(survivor.nationalities.values_list("code", flat=True))
                ids = list(model.objects.filter(pk__in=ids).exclude(code__in=dup).values_list("pk", flat=True))
            model.objects.filter(pk__in=ids).update(**{fk: survivor})
            moved[f"{model._meta.label_lower}.{fk}"] = ids
    for name in survivor.names.filter(pk__in=moved.get("people.personname.person", [])):
        if name.kind == PersonName.Kind.PRIMARY:
            name.kind = PersonName.Kind.ALIAS
            name.save(update_fields=["kind"])
    absorbed.state = Person.State.MERGED
    absorbed.merged_into = survivor
    absorbed.save(update_fields=["state", "merged_into", "updated_at"])
    refresh_name_keys(survivor)
    merge = PersonMerge.objects.create(survivor=survivor, absorbed=absorbed, merged_by=actor, reason=reason,
                                       moved=moved)
    payload = {"survivor": survivor.reference, "absorbed": absorbed.reference, "moved": moved,
               "countersigned_by": getattr(countersigned_by, "username", None)}
    record(actor, "person.merged", merge, person=survivor, reason=reason, payload=payload)
    record(actor, "person.merged", merge, person=absorbed, reason=reason, payload=payload)
    return merge


@transaction.atomic
def unmerge_people(merge: PersonMerge, *, actor, reason: str) -> Person:
    """Reverse a merge: every row moved goes back; aliases that were primary names are restored."""
    authorise(actor, "person.unmerge")
    if not reason.strip():
        raise InvalidInput(FieldError("reason", "give the reason for reversing the merge"))
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.reversed_at:
        raise InvalidInput(FieldError("merge", "this merge has already been reversed"))
    from django.apps import apps
    from django.utils import timezone

    absorbed, survivor = merge.absorbed, merge.survivor
    for key, ids in merge.moved.items():
        label, fk = key.rsplit(".", 1)
        model = apps.get_model(label)
        model.objects.filter(pk__in=ids).update(**{fk: absorbed})
    original_primary = PersonName.objects.filter(pk__in=merge.moved.get("people.personname.person", [])).order_by("id").first()
    if original_primary and not absorbed.names.filter(kind=PersonName.Kind.PRIMARY).exists():
        original_primary.kind = PersonName.Kind.PRIMARY
        original_primary.save(update_fields=["kind"])
    absorbed.state = Person.State.ACTIVE
    absorbed.merged_into = None
    absorbed.save(update_fields=["state", "merged_into", "updated_at"])
    refresh_name_keys(survivor)
    refresh_name_keys(absorbed)
    merge.reversed_at = timezone.now()
    merge.reversed_by = actor
    merge.reversal_reason = reason
    merge.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    payload = {"survivor": survivor.reference, "absorbed": absorbed.reference}
    record(actor, "person.unmerged", merge, person=survivor, reason=reason, payload=payload)
    record(actor, "person.unmerged", merge, person=absorbed, reason=reason, payload=payload)
    return absorbed


def timeline(person: Person):
    """Everything that happened to this person (and to records merged into them), newest first."""
    from portcullis.audit.models import AuditEvent

    ids = [person.pk] + list(Person.objects.filter(merged_into=person).values_list("pk", flat=True))
    return AuditEvent.objects.filter(person_id__in=ids).order_by("-seq")
