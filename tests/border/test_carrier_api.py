"""Carriers submit PAXLST through the API: every person resolved and screened, a CUSRES back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portcullis.border.cusres import parse_cusres
from portcullis.border.models import ExpectedTraveller, Flight, PassengerList
from portcullis.border.paxlst_writer import generate_manifest, write_paxlst
from portcullis.border.services import register_carrier
from portcullis.people.models import Person
from portcullis.watchlists import services as watchlists
from portcullis.workforce.authority import SYSTEM

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "research_data" / "paxlst"


@pytest.fixture(autouse=True)
def fresh_index():
    watchlists.reset_index()
    yield
    watchlists.reset_index()


@pytest.fixture
def carrier_post(client):
    carrier, token = register_carrier("PC", "Portcullis Air", actor=SYSTEM)

    def post(body: str | bytes):
        return client.post("/api/v1/border/passenger-lists", data=body, content_type="application/edifact",
                           headers={"Authorization": f"Bearer {token}"})

    post.carrier = carrier
    return post


@pytest.mark.parametrize("sample,persons,flights", [
    ("Test1.txt", 8, 1), ("airline2.edi", 10, 1), ("apisMessage.txt", 2, 1), ("multiple_flight_leg_apis.txt", 2, 1),
])
def test_real_samples_are_resolved_screened_and_answered(carrier_post, sample, persons, flights):
    response = carrier_post((SAMPLES / sample).read_bytes())
    assert response.status_code == 200, response.content[:300]
    reply = parse_cusres(response.content.decode())
    answers = [r for m in reply.messages for r in m.responses if r.level == 2]
    assert len(answers) == persons
    plist = PassengerList.objects.get()
    assert plist.persons == persons and plist.cusres == response.content.decode()
    assert ExpectedTraveller.objects.count() == persons
    assert Flight.objects.count() == flights
    assert Person.objects.count() <= persons  # resolved, never duplicated


def test_resubmission_does_not_duplicate_people(carrier_post):
    body = (SAMPLES / "airline2.edi").read_bytes()
    carrier_post(body)
    before = Person.objects.count()
    carrier_post(body)
    assert Person.objects.count() == before
    assert PassengerList.objects.count() == 2


def test_watchlisted_passenger_gets_no_board_and_explained_hit(carrier_post, tmp_path):
    legs, people = generate_manifest(5, seed=3)
    target = people[2]
    path = tmp_path / "orders.jsonl"
    path.write_text(json.dumps({"id": "DO-1", "names": [f"{target.given_names} {target.surname}"],
                                "birth_dates": [target.birth_date.isoformat()]}) + "\n")
    watchlists.import_entries("deportation-orders", path, actor=SYSTEM, default_action="refuse_entry")
    body = write_paxlst(legs, people, sender="PC", recipient="PORTCULLIS", control_ref="42",
                        prepared_at=legs[0].departure_time)
    response = carrier_post(body)
    assert response.status_code == 200
    reply = parse_cusres(response.content.decode())
    codes = [r.code for m in reply.messages for r in m.responses if r.level == 2]
    assert codes.count("1Z") == 1 and codes.count("0Z") == 4
    flagged = ExpectedTraveller.objects.get(answer="1Z")
    assert flagged.hit_count == 1
    assert "DO-1" in flagged.screening.hits[0]["text"]


def test_a_passenger_listed_twice_is_one_person_screened_and_answered_twice(carrier_post):
    """Listed twice, once with a second passport: one person record (found by name and date of
    birth within the manifest), holding both documents; two travellers, two answers."""
    import dataclasses

    from portcullis.audit.models import AuditEvent
    from portcullis.border.paxlst import Document

    legs, people = generate_manifest(4, seed=11)
    twin = dataclasses.replace(people[1], seat="40F", passenger_ref="P000099",
                               documents=[Document(type="P", number="Z99887766", expiry=people[1].documents[0].expiry,
                                                   issuing_country=people[1].nationality)])
    people.append(twin)
    body = write_paxlst(legs, people, sender="PC", recipient="PORTCULLIS", control_ref="7",
                        prepared_at=legs[0].departure_time)
    response = carrier_post(body)
    assert response.status_code == 200
    reply = parse_cusres(response.content.decode())
    assert len([r for m in reply.messages for r in m.responses if r.level == 2]) == 5
    assert Person.objects.count() == 4
    travellers = ExpectedTraveller.objects.filter(document_number__in=[people[1].documents[0].number, "Z99887766"])
    assert travellers.count() == 2 and len({t.person_id for t in travellers}) == 1
    person = travellers[0].person
    assert set(person.identifiers.values_list("number", flat=True)) == {people[1].documents[0].number, "Z99887766"}
    assert all(t.screening is not None for t in ExpectedTraveller.objects.all())
    # audit events written with the list, in its transaction: one per person created, one per screening
    assert AuditEvent.objects.filter(action="person.created").count() == 4
    assert AuditEvent.objects.filter(action="screening.completed").count() == 5
    # sent again: everyone found by document, nobody created
    assert carrier_post(body).status_code == 200
    assert Person.objects.count() == 4


def test_known_traveller_travelling_under_a_new_spelling_is_screened_under_it(carrier_post, tmp_path):
    """Found by document, the manifest's spelling is added to the record as an alias, and the
    screening (in the same request) includes it."""
    legs, people = generate_manifest(3, seed=5)
    body = write_paxlst(legs, people, sender="PC", recipient="PORTCULLIS", control_ref="1",
                        prepared_at=legs[0].departure_time)
    assert carrier_post(body).status_code == 200
    import dataclasses

    renamed = dataclasses.replace(people[0], surname="Wanted-Alias", given_names="Quentin")
    path = tmp_path / "orders.jsonl"
    path.write_text(json.dumps({"id": "DO-9", "names": ["Quentin Wanted-Alias"],
                                "birth_dates": [people[0].birth_date.isoformat()]}) + "\n")
    watchlists.import_entries("deportation-orders", path, actor=SYSTEM, default_action="refuse_entry")
    body = write_paxlst(legs, [renamed] + people[1:], sender="PC", recipient="PORTCULLIS", control_ref="2",
                        prepared_at=legs[0].departure_time)
    response = carrier_post(body)
    assert response.status_code == 200
    flagged = ExpectedTraveller.objects.filter(flight__passenger_list__control_ref="2", answer="1Z")
    assert flagged.count() == 1
    assert flagged.get().person.names.filter(kind="alias", full_name="Quentin Wanted-Alias").exists()
    assert Person.objects.count() == 3


def test_broken_paxlst_gets_cusres_error_naming_segment_and_nothing_is_stored(carrier_post):
    good = (SAMPLES / "apisMessage.txt").read_text()
    broken = good.replace("DTM+329:", "DTM+329:99", 1)  # an impossible date of birth
    response = carrier_post(broken)
    assert response.status_code == 400
    text = response.content.decode()
    assert "ERP+1" in text and "SEGMENT" in text
    assert "DTM" in response["X-Portcullis-Error"]
    assert PassengerList.objects.count() == 0 and Person.objects.count() == 0


def test_staff_token_cannot_submit_passenger_lists(api):
    response = api.post("/api/v1/border/passenger-lists", "UNA:+.? '")
    assert response.status_code == 403
