"""One record per person: resolution, merging and reading, all audited."""

from __future__ import annotations

import pytest

from portcullis.audit.models import AccessLogEntry, AuditEvent
from portcullis.errors import InvalidInput
from portcullis.people.models import Identifier, Person, PersonName
from portcullis.people.services import (
    AmbiguousPerson, DocumentInput, NameInput, PersonDetails, get_person, merge_people, resolve_person,
    search_people, unmerge_people,
)
from portcullis.workforce.authority import NotAuthorised

pytestmark = pytest.mark.django_db


def details(name="José García", birth="1980-05-17", number="X1234567", state="ESP", **kw):
    docs = [DocumentInput(number=number, issuing_state=state)] if number else []
    return PersonDetails(names=[NameInput(full_name=name)], birth_date=birth, sex=kw.pop("sex", "M"),
                         nationalities=kw.pop("nationalities", [state]), documents=docs, **kw)


def test_new_person_is_created_once_and_audited(staff):
    first = resolve_person(details(), actor=staff, reason="visa application")
    assert first.created and first.matched_on == "new"
    again = resolve_person(details(), actor=staff)
    assert not again.created and again.person == first.person and again.matched_on == "document"
    assert Person.objects.count() == 1
    event = AuditEvent.objects.get(action="person.created")
    assert event.person_id == first.person.pk and event.actor == staff.username
    assert event.reason == "visa application"


def test_document_number_matches_despite_spacing_and_case(staff):
    person = resolve_person(details(number="x12 345-67"), actor=staff).person
    assert resolve_person(details(name="J Garcia", number="X1234567"), actor=staff).person == person


def test_name_and_birth_date_find_the_same_person_with_a_new_passport(staff):
    person = resolve_person(details(), actor=staff).person
    again = resolve_person(details(name="Jose Garcia", number="Y7654321"), actor=staff)
    assert again.person == person and again.matched_on == "name and date of birth"
    # The new passport and spelling are added to the record, never overwriting what was there.
    assert set(person.identifiers.values_list("number", flat=True)) == {"X1234567", "Y7654321"}
    assert person.names.filter(kind="primary").get().full_name == "José García"
    assert person.names.filter(kind="alias", full_name="Jose Garcia").exists()
    assert AuditEvent.objects.filter(action="person.enriched", person_id=person.pk).exists()


def test_cross_script_name_resolves_to_the_same_person(staff):
    person = resolve_person(details(name="Mohammed Al-Hassan", number="A0001", state="JOR"), actor=staff).person
    again = resolve_person(details(name="محمد الحسن", number="B0002", state="JOR"), actor=staff)
    assert again.person == person


def test_name_alone_or_another_birth_date_does_not_match(staff):
    person = resolve_person(details(), actor=staff).person
    other = resolve_person(details(birth="1971-02-03", number="Z999"), actor=staff)
    assert other.created and other.person != person
    nodob = resolve_person(details(birth="", number="Q111"), actor=staff)
    assert nodob.created


def test_namesakes_with_same_birth_date_are_reported_as_ambiguous(staff):
    a = resolve_person(details(number="A1"), actor=staff).person
    b = resolve_person(details(birth="1999-09-09", number="B2"), actor=staff).person
    Person.objects.filter(pk=b.pk).update(birth_year=1980, birth_month=5, birth_day=17)  # e.g. a legacy import
    with pytest.raises(AmbiguousPerson) as exc:
        resolve_person(details(number="C3"), actor=staff)
    assert {p for p, _ in exc.value.candidates} == {a, b}
    chosen = resolve_person(details(number="C3"), actor=staff, on_ambiguous="create")
    assert chosen.created


def test_partial_birth_date_is_kept(staff):
    person = resolve_person(details(birth="1975", number="P1"), actor=staff).person
    assert (person.birth_year, person.birth_month, person.birth_day) == (1975, None, None)
    assert person.birth_date_text == "1975"
    person = resolve_person(details(name="Анна Петрова", birth="1975-04", number="P2", state="RUS", sex="F"),
                            actor=staff).person
    assert person.birth_date_text == "1975-04"


def test_names_in_any_script_get_latin_and_icao_forms(staff):
    person = resolve_person(details(name="Анна Петрова", number="R1", state="RUS", sex="F"), actor=staff).person
    name = person.names.get()
    assert name.script == "Cyrillic"
    assert name.latin.lower().startswith("anna")
    assert name.primary_identifier == "PETROVA" and name.secondary_identifier == "ANNA"


@pytest.mark.parametrize("field,bad", [
    ("birth_date", "1980-13-01"), ("birth_date", "17/05/1980"), ("sex", "Q"), ("nationalities", ["ZZQ"]),
])
def test_bad_details_name_the_field_and_write_nothing(staff, field, bad):
    d = details()
    setattr(d, field, bad)
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput) as exc:
        resolve_person(d, actor=staff)
    assert any(e.field.startswith(field) for e in exc.value.errors)
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_merge_moves_everything_and_unmerge_restores_it(make_staff):
    heo = make_staff("HEO")
    a = resolve_person(details(), actor=heo).person
    b = resolve_person(details(name="Жозе Гарсия", birth="1980-05-17", number="RU77", state="RUS"), actor=heo,
                       on_ambiguous="create").person
    if b == a:  # matched by name and birth date already; make a genuinely separate record
        b = resolve_person(details(name="J. G. Unrelated", birth="1990-01-01", number="RU77B"), actor=heo).person
    b_names = set(b.names.values_list("pk", flat=True))
    b_docs = set(b.identifiers.values_list("pk", flat=True))
    merge = merge_people(a, b, actor=heo, reason="same fingerprints")
    b.refresh_from_db()
    assert b.state == "merged" and b.merged_into == a
    assert set(a.identifiers.values_list("pk", flat=True)) >= b_docs
    assert a.names.filter(kind="primary").count() == 1
    assert AuditEvent.objects.filter(action="person.merged", person_id=b.pk).exists()
    unmerge_people(merge, actor=heo, reason="fingerprints were of a relative")
    b.refresh_from_db()
    assert b.state == "active" and b.merged_into is None
    assert set(b.names.values_list("pk", flat=True)) == b_names
    assert set(b.identifiers.values_list("pk", flat=True)) == b_docs
    assert b.names.filter(kind="primary").count() == 1
    assert AuditEvent.objects.filter(action="person.unmerged").count() == 2


def test_merge_needs_authority_and_countersignature(make_staff):
    ao, eo, heo = make_staff("AO"), make_staff("EO"), make_staff("HEO")
    a = resolve_person(details(), actor=ao).person
    b = resolve_person(details(name="Other Person", birth="1990-01-01", number="O1"), actor=ao).person
    with pytest.raises(NotAuthorised):
        merge_people(a, b, actor=ao, reason="x")
    with pytest.raises(InvalidInput) as exc:
        merge_people(a, b, actor=eo, reason="x")
    assert exc.value.errors[0].field == "countersigned_by"
    merge = merge_people(a, b, actor=eo, reason="x", countersigned_by=heo)
    assert merge.pk


def test_reading_a_person_leaves_an_access_log_entry(staff):
    person = resolve_person(details(), actor=staff).person
    get_person(person.reference, user=staff, channel="web", view="test")
    entry = AccessLogEntry.objects.get()
    assert entry.user == staff and entry.person_id == person.pk and entry.channel == "web"


def test_search_finds_misspelt_and_other_script_names(staff):
    jose = resolve_person(details(), actor=staff).person
    anna = resolve_person(details(name="Анна Петрова", birth="1975-04-02", number="R1", state="RUS", sex="F"),
                          actor=staff).person
    resolve_person(details(name="Daniel Ortega", birth="1960-01-01", number="N1", state="NIC"), actor=staff)
    assert search_people(user=staff, name="Jose Garsia")[0].person == jose
    assert search_people(user=staff, name="Anna Petrova")[0].person == anna
    assert search_people(user=staff, name="Петрова")[0].person == anna
    assert [r.person for r in search_people(user=staff, document_number="x1234567")] == [jose]
    assert [r.person for r in search_people(user=staff, name="Petrova", birth_date="1975")] == [anna]
    assert search_people(user=staff, name="Petrova", birth_date="1976") == []


def test_search_needs_something_to_search_for(staff):
    with pytest.raises(InvalidInput) as exc:
        search_people(user=staff)
    assert exc.value.errors[0].field == "name"
