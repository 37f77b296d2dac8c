"""resolve_people: a whole manifest in a few queries, with the answers resolve_person would give."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from portcullis.audit.models import AuditEvent
from portcullis.errors import InvalidInput
from portcullis.people.models import Identifier, NameKey, Person
from portcullis.people.services import (
    AmbiguousPerson, resolve_people, resolve_person,
)

from test_people import details  # noqa: E402  (the same applicant builder)

pytestmark = pytest.mark.django_db


def test_a_batch_of_new_people_is_created_once_each_and_audited(staff):
    batch = [details(), details(name="Anna Petrova", birth="1975-04-02", number="R1", state="RUS", sex="F"),
             details(name="Li Wei", birth="1990-01-01", number="E1", state="CHN")]
    results = resolve_people(batch, actor=staff, reason="manifest")
    assert [r.created for r in results] == [True, True, True]
    assert Person.objects.count() == 3
    events = AuditEvent.objects.filter(action="person.created")
    assert sorted(e.person_id for e in events) == sorted(r.person.pk for r in results)
    assert all(e.reason == "manifest" for e in events)
    # the same batch again: every one found by document, nothing created, nothing enriched
    again = resolve_people(batch, actor=staff)
    assert [(r.person, r.matched_on) for r in again] == [(r.person, "document") for r in results]
    assert Person.objects.count() == 3 and not AuditEvent.objects.filter(action="person.enriched").exists()


def test_same_person_twice_in_one_batch_by_document_is_one_person(staff):
    results = resolve_people([details(), details(name="Jose Garcia")], actor=staff)
    assert results[0].person == results[1].person
    assert results[0].created and not results[1].created and results[1].matched_on == "document"
    assert Person.objects.count() == 1 and AuditEvent.objects.filter(action="person.created").count() == 1
    # the second spelling became an alias, as resolve_person would have added it
    assert set(results[0].person.names.values_list("kind", "full_name")) == {
        ("primary", "José García"), ("alias", "Jose Garcia")}


def test_same_person_twice_in_one_batch_by_name_and_birth_date_is_one_person(staff):
    """No shared document: the second listing matches the first by name and date of birth (as it
    would have matched the record the first created, resolved one after the other)."""
    batch = [details(number="X1234567"), details(name="Jose Garcia", number="Y7654321"),
             details(name="José García", number="")]
    results = resolve_people(batch, actor=staff)
    person = results[0].person
    assert [r.person for r in results] == [person, person, person]
    assert [r.matched_on for r in results] == ["new", "name and date of birth", "name and date of birth"]
    assert Person.objects.count() == 1
    assert set(Identifier.objects.filter(person=person).values_list("number", flat=True)) == {"X1234567", "Y7654321"}
    created = AuditEvent.objects.get(action="person.created")
    assert created.payload["documents"] == ["X1234567", "Y7654321"]
    assert NameKey.objects.filter(person=person).exists()


def test_namesakes_in_one_batch_stay_apart(staff):
    batch = [details(), details(birth="1971-02-03", number="Z999"), details(name="Juan Pérez", number="Q1"),
             details(number="", birth="")]
    results = resolve_people(batch, actor=staff)
    assert len({r.person.pk for r in results}) == 4 and all(r.created for r in results)


def test_an_existing_person_found_by_name_in_a_batch_and_a_duplicate_after_them(staff):
    person = resolve_person(details(), actor=staff).person
    results = resolve_people([details(name="Jose Garcia", number="Y7654321"),
                              details(name="Jose Garcia", number="")], actor=staff)
    assert [r.person for r in results] == [person, person]
    assert not any(r.created for r in results)
    assert set(person.identifiers.values_list("number", flat=True)) == {"X1234567", "Y7654321"}
    assert person.names.filter(kind="alias", full_name="Jose Garcia").count() == 1


def test_people_come_back_loaded_and_current(staff):
    """Names, nationalities and identifiers are read without further queries, including what this
    batch added to an existing record (a new alias: it must be screened too)."""
    known = resolve_person(details(), actor=staff).person
    results = resolve_people([details(name="Jose Garcia"), details(name="Anna Petrova", birth="1975-04-02",
                                                                   number="R1", state="RUS", sex="F")], actor=staff)
    from django.db.models import prefetch_related_objects

    people = [r.person for r in results]
    prefetch_related_objects(people, "names", "nationalities", "identifiers")
    with CaptureQueriesContext(connection) as queries:
        names = [sorted(n.full_name for n in p.names.all()) for p in people]
        codes = [[n.code for n in p.nationalities.all()] for p in people]
        numbers = [[i.number for i in p.identifiers.all()] for p in people]
    assert names == [["Jose Garcia", "José García"], ["Anna Petrova"]]
    assert codes == [["ESP"], ["RUS"]] and numbers == [["X1234567"], ["R1"]]
    created = results[1].person
    assert len(queries) == 0 and people[0] == known
    assert [n.full_name for n in created.names.all()] == list(Person.objects.get(pk=created.pk).names
                                                              .values_list("full_name", flat=True))


def test_batch_agrees_with_one_at_a_time(staff, make_staff):
    """The same inputs through resolve_person one by one and through resolve_people give the same
    grouping of people."""
    inputs = [details(), details(name="Jose Garcia", number="Y1"), details(name="Mohammed Al-Hassan", number="A0001",
                                                                         state="JOR"),
              details(name="محمد الحسن", number="B0002", state="JOR"), details(birth="1981-05-17", number="C1"),
              details(name="Anna Petrova", birth="1975", number="R1", state="RUS", sex="F"),
              details(name="Anna Petrova", birth="1975", number="R2", state="RUS", sex="F")]
    with transaction.atomic():
        one = [resolve_person(d, actor=staff, on_ambiguous="best").person.pk for d in inputs]
        transaction.set_rollback(True)
    batch = [r.person.pk for r in resolve_people(inputs, actor=staff)]
    groups = lambda ids: [[k for k, x in enumerate(ids) if x == v] for v in dict.fromkeys(ids)]  # noqa: E731
    assert groups(batch) == groups(one)


def test_ambiguous_namesakes_in_a_batch_raise_when_asked(staff):
    a = resolve_person(details(number="A1"), actor=staff).person
    b = resolve_person(details(birth="1999-09-09", number="B2"), actor=staff).person
    Person.objects.filter(pk=b.pk).update(birth_year=1980, birth_month=5, birth_day=17)
    with pytest.raises(AmbiguousPerson) as exc:
        resolve_people([details(number="C3")], actor=staff, on_ambiguous="raise")
    assert {p for p, _ in exc.value.candidates} == {a, b}
    best = resolve_people([details(number="C3")], actor=staff)[0]
    assert best.person in (a, b) and not best.created


def test_bad_item_names_its_index_and_nothing_is_written(staff):
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput) as exc:
        resolve_people([details(), details(birth="1980-13-01", number="Z1")], actor=staff)
    assert [e.field for e in exc.value.errors] == ["[1].birth_date"]
    assert (Person.objects.count(), AuditEvent.objects.count()) == before
