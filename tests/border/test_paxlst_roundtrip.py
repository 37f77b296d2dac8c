"""Write -> parse round trips, including awkward characters (property-based)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from portcullis.border.edifact import ServiceChars
from portcullis.border.paxlst import Document, FlightLeg, Person, parse_paxlst
from portcullis.border.paxlst_writer import generate_manifest, write_paxlst

PREPARED = dt.datetime(2025, 6, 1, 7, 0)
AWKWARD = "'+:?*$(-)ABCÉZ az09 .,/"
text = st.text(alphabet=AWKWARD, min_size=0, max_size=12)
name = st.text(alphabet=AWKWARD, min_size=1, max_size=15).filter(lambda s: s.strip())
code = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)

documents = st.builds(
    Document, type=st.sampled_from(["P", "V", "I"]), number=name,
    expiry=st.dates(dt.date(1976, 1, 1), dt.date(2074, 12, 31)),
    issue_date=st.one_of(st.none(), st.dates(dt.date(1976, 1, 1), dt.date(2025, 6, 1))),
    issuing_country=code,
)
persons = st.builds(
    Person, role=st.sampled_from(["passenger", "crew", "in_transit_passenger", "in_transit_crew"]),
    surname=name, given_names=text, birth_date=st.dates(dt.date(1926, 6, 2), dt.date(2025, 6, 1)),
    sex=st.sampled_from(["M", "F", "X", ""]), nationality=code, place_of_birth=text, residence_country=code,
    embark_port=code, debark_port=code, reservation_ref=text, passenger_ref=text, seat=text,
    references=st.dictionaries(st.sampled_from(["AEA", "CR", "YZY"]), name, max_size=2),
    documents=st.lists(documents, max_size=2),
)
SERVICES = [ServiceChars(repetition="*"), ServiceChars(), ServiceChars("(", ")", ".", "$", "", "-"),
            ServiceChars(":", "*", ".", "?", "", "'")]


@settings(max_examples=60, deadline=None)
@given(people=st.lists(persons, min_size=1, max_size=5), service=st.sampled_from(SERVICES),
       flight=name, newline=st.sampled_from(["", "\n", "\r\n"]))
def test_write_then_parse_gives_the_same_persons(people, service, flight, newline):
    leg = FlightLeg(carrier="B?", flight_number=flight, departure_airport="JFK",
                    departure_time=dt.datetime(2025, 6, 1, 9, 30), arrival_airport="LHR",
                    arrival_time=dt.datetime(2025, 6, 1, 21, 35), crosses_border=True)
    data = write_paxlst([leg], people, sender="SEND'ER", recipient="REC+IP", control_ref="7",
                        prepared_at=PREPARED, transaction_ref="TX:1?", service=service, newline=newline)
    ic = parse_paxlst(data)
    assert ic.warnings == []
    [m] = ic.messages
    assert m.persons == people
    assert m.flights == [leg]
    assert m.transaction_ref == "TX:1?"
    assert (ic.sender, ic.recipient) == ("SEND'ER", "REC+IP")


def test_generated_manifest_round_trips_with_counts():
    flights, people = generate_manifest(300, crew=12, seed=3)
    data = write_paxlst(flights, people, sender="PC", recipient="GBR", control_ref="1", prepared_at=PREPARED)
    ic = parse_paxlst(data)
    assert ic.warnings == []
    m = ic.messages[0]
    assert (m.declared_passengers, m.declared_crew) == (300, 12)
    assert len(m.passengers) == 300 and len(m.crew) == 12
    assert m.persons == people
    assert generate_manifest(300, crew=12, seed=3) == (flights, people)  # deterministic
