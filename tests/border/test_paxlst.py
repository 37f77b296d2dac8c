"""The PAXLST reader on the four real samples (US CBP GTAS test resources) and on bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from portcullis.border.paxlst import PaxlstError, PaxlstWarning, parse_paxlst

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "research_data" / "paxlst"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def warning_texts(ic) -> list[str]:
    return [str(w) for w in ic.warnings]


# --- Test1.txt: crew list, no UNA, one line ------------------------------------------------------
def test_test1_crew_list():
    ic = parse_paxlst(sample("Test1.txt"))
    assert (ic.sender, ic.recipient, ic.control_ref) == ("APIS*C3K", "USCSAPIS", "1403010600")
    assert ic.prepared_at == dt.datetime(2014, 2, 2, 6, 0)
    assert ic.service.una() == "UNA:+.? '"  # defaults: no UNA in the file, * stays data
    assert len(ic.messages) == 1
    m = ic.messages[0]
    assert (m.reference, m.version, m.document_type, m.document_qualifier) == ("1402010600", "D02B", "250", "C")
    assert m.document_name == "crew list"
    assert m.reporting_party.name == "CREW SCHEDULING"
    assert m.reporting_party.phone == "808-838-5520"
    [leg] = m.flights
    assert (leg.carrier, leg.flight_number) == ("UA", "UA0989")
    assert (leg.departure_airport, leg.departure_time) == ("FRA", dt.datetime(2017, 1, 27, 17, 25))
    assert (leg.arrival_airport, leg.arrival_time) == ("IAD", dt.datetime(2017, 1, 28, 7, 10))
    assert len(m.crew) == 8 and m.passengers == []
    assert [p.surname for p in m.crew] == ["Steur", "Adomat", "Nalek", "Meissener", "Pelzing", "Merfort",
                                           "Sautter", "Zschieschak"]
    steur = m.crew[0]
    assert steur.role == "crew" and steur.role_code == "FM"
    assert steur.given_names == "Andrea Pat"
    assert steur.birth_date == dt.date(1978, 7, 6) and steur.birth_date_raw == "780706"
    assert (steur.sex, steur.nationality, steur.residence_country) == ("F", "GBR", "GBR")
    assert steur.place_of_birth == "Hartford USA"
    assert (steur.embark_port, steur.debark_port, steur.clearance_port) == ("FRA", "IAD", "IAD")
    [doc] = steur.documents
    assert (doc.type, doc.number, doc.issuing_country) == ("P", "123456789", "GBR")
    assert doc.expiry == dt.date(2061, 2, 18)
    assert m.crew[7].birth_date == dt.date(1978, 7, 13) and m.crew[7].sex == "F"
    assert m.declared_crew == 8 and m.declared_passengers is None
    assert (m.declared_segments, m.segment_count) == (152, 107)


def test_test1_faults_are_warnings():
    ic = parse_paxlst(sample("Test1.txt"))
    assert warning_texts(ic) == [
        "segment 108 CNT: quantity written as a separate element (CNT+41+8); read as CNT+41:8",
        "segment 109 UNT: UNT in message 1402010600 declares 152 segments, counted 107",
        "segment 110 UNE: group reference '1402010600' differs from UNG's '1403010600'",
        "segment 111 UNZ: interchange control reference '1402010600' differs from UNB's '1403010600'",
    ]
    assert all(isinstance(w, PaxlstWarning) for w in ic.warnings)
    assert [(w.segment_number, w.tag) for w in ic.warnings] == [(108, "CNT"), (109, "UNT"), (110, "UNE"), (111, "UNZ")]


# --- airline2.edi: UNA with * and $, CRLF, 10 passengers -----------------------------------------
def test_airline2_passenger_list():
    ic = parse_paxlst(sample("airline2.edi"))
    assert ic.service.element == "*" and ic.service.terminator == "$"
    assert (ic.sender, ic.recipient, ic.control_ref) == ("SDT", "JMAPIS", "1402111800")
    assert ic.groups[0].sender == "AMERICAN AIRLINES"
    [m] = ic.messages
    assert (m.reference, m.version, m.document_type) == ("1402111800", "D02B", "745")
    assert m.common_access_ref == "AA346"
    assert m.reporting_party.name == "SABRE CENTRAL"
    [leg] = m.flights
    assert (leg.carrier, leg.flight_number) == ("TN", "TN506")  # carrier taken from the flight number
    assert (leg.departure_airport, leg.departure_time) == ("BRE", dt.datetime(2014, 5, 11, 13, 40))
    assert (leg.arrival_airport, leg.arrival_time) == ("YEU", dt.datetime(2014, 5, 11, 17, 0))
    assert len(m.passengers) == 10 and m.crew == []
    names = [(p.surname, p.given_names) for p in m.passengers]
    assert names[0] == ("BETTON", "DAVID") and names[-1] == ("LOWE", "DANIEL")
    assert ("STEWART", "MARYJANE") in names
    first = m.passengers[0]
    assert first.birth_date == dt.date(1954, 10, 16)
    assert (first.sex, first.nationality, first.reservation_ref) == ("M", "USA", "QXGYLO")
    assert (first.embark_port, first.debark_port) == ("BRE", "YEU")
    [doc] = first.documents
    assert (doc.type, doc.number, doc.expiry, doc.issuing_country) == ("P", "178556534", dt.date(2018, 2, 21), "USA")
    assert [p.documents[0].number for p in m.passengers][-1] == "153284238"


def test_airline2_faults_are_warnings():
    ic = parse_paxlst(sample("airline2.edi"))
    assert warning_texts(ic) == [
        "segment 3 UNG: whitespace in segment tag 'UNG ' ignored",
        "segment 113 CNT: declares 136 passengers, found 10",
        "segment 114 UNT: UNT in message 1402111800 declares 121 segments, counted 111",
        "segment 114 UNT: UNT message reference '140211180 0' differs from UNH's '1402111800'",
    ]


# --- apisMessage.txt: leading spaces, two legs, no documents -------------------------------------
def test_apis_message_two_flights():
    ic = parse_paxlst(sample("apisMessage.txt"))
    assert ic.service.una() == "UNA:+.?*'"
    assert (ic.sender, ic.recipient, ic.control_ref) == ("AIR1", "DHS", "000006640")
    [m] = ic.messages
    assert (m.reference, m.version, m.transaction_ref) == ("PAX001", "D05B", "AJYTR1070219")
    assert len(m.flights) == 2
    a, b = m.flights
    assert (a.carrier, a.flight_number, a.departure_airport, a.arrival_airport) == ("AA", "AA123", "ATL", "ORD")
    assert (a.departure_time, a.arrival_time) == (dt.datetime(2007, 2, 19, 15, 40), dt.datetime(2007, 2, 19, 17, 40))
    assert (b.carrier, b.flight_number, b.departure_airport, b.arrival_airport) == ("AA", "AA124", "ORD", "JFK")
    assert (b.departure_time, b.arrival_time) == (dt.datetime(2007, 2, 19, 18, 40), dt.datetime(2007, 2, 19, 19, 55))
    assert not a.crosses_border and not b.crosses_border  # LOC+92 routing
    assert len(m.passengers) == 2 and m.crew == []
    michael, cheryl = m.passengers
    assert (michael.surname, michael.given_names, michael.birth_date) == ("CLARK", "MICHAEL", dt.date(1972, 9, 7))
    assert (michael.reservation_ref, michael.passenger_ref) == ("TYR123", "ABC123")
    assert michael.references == {"AEA": "1234567890ABC", "CR": "20060907NY123"}
    assert (cheryl.given_names, cheryl.sex, cheryl.birth_date) == ("CHERYL", "F", dt.date(1973, 4, 7))
    assert (cheryl.embark_port, cheryl.debark_port) == ("ORD", "JFK")
    assert michael.documents == [] and cheryl.documents == []
    assert (m.declared_segments, m.segment_count, m.declared_passengers) == (33, 33, 2)


def test_apis_message_only_fault_is_the_padded_recipient():
    ic = parse_paxlst(sample("apisMessage.txt"))
    assert warning_texts(ic) == ["segment 3 UNG: recipient ' DHS' has surrounding spaces; read as 'DHS'"]
    assert ic.groups[0].recipient == "DHS"


# --- multiple_flight_leg_apis.txt: three legs, trailing junk -------------------------------------
def test_multiple_flight_legs():
    ic = parse_paxlst(sample("multiple_flight_leg_apis.txt"))
    [m] = ic.messages
    assert (m.reference, m.transaction_ref, m.reporting_party.name) == ("123456789", "BART34567890", "DOTTIE MOODY")
    legs = [(f.flight_number, f.departure_airport, f.arrival_airport, f.crosses_border) for f in m.flights]
    assert legs == [("QQ877", "MIA", "IAD", False), ("QQ827", "IAD", "JFK", False), ("QQ827", "JFK", "CDG", True)]
    assert m.flights[2].departure_time == dt.datetime(2008, 8, 10, 20, 0)
    assert m.flights[2].arrival_time == dt.datetime(2008, 8, 11, 6, 30)
    barrett, lang = m.passengers
    assert (barrett.surname, barrett.given_names, barrett.birth_date) == ("BARRETT", "TODD", dt.date(1968, 2, 23))
    assert (barrett.nationality, barrett.residence_country, barrett.passenger_ref) == ("FRA", "FRA", "UUI34T543")
    [doc] = barrett.documents
    assert (doc.number, doc.expiry, doc.issuing_country) == ("YY3478621G", dt.date(2008, 12, 30), "FRA")
    assert (lang.surname, lang.sex, lang.birth_date, lang.nationality) == ("LANG", "F", dt.date(1960, 6, 6), "ESP")
    assert lang.documents[0].number == "TRQWE99800"
    assert (m.declared_segments, m.segment_count) == (46, 46)


def test_multiple_flight_legs_trailing_junk_is_a_warning():
    ic = parse_paxlst(sample("multiple_flight_leg_apis.txt"))
    assert warning_texts(ic) == ["segment 51 UNZ: 7 characters after the interchange ignored: '13Nov09'"]


def test_json_ready_dict():
    d = parse_paxlst(sample("apisMessage.txt")).to_dict()
    assert d["messages"][0]["flights"][1]["arrival_time"] == "2007-02-19T19:55:00"
    assert d["messages"][0]["persons"][0]["birth_date"] == "1972-09-07"
    assert d["messages"][0]["persons"][0]["role_code"] == "FL"
    assert d["warnings"] == ["segment 3 UNG: recipient ' DHS' has surrounding spaces; read as 'DHS'"]


# --- layouts the samples do not cover -------------------------------------------------------------
GOOD = (
    "UNA:+.? '"
    "UNB+UNOA:4+CARRIER+GBRAPI+250601:0700+42'"
    "UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'"
    "TDT+20+BA117+++BA'LOC+125+JFK'DTM+189:2506010930:201'LOC+87+LHR'DTM+232:2506012135:201'"
    "NAD+FL+++O?'NEILL:MARY ANN'ATT+2++F'DTM+329:800102'NAT+2+IRL'"
    "DOC+P:110:111+PA1?+2'DTM+36:300101'LOC+91+IRL'"
    "NAD+DDU+++SMITH:JOHN'DTM+329:240101'"
    "NAD+DDT+++JONES'"
    "CNT+42:2'UNT+19+M1'UNZ+1+42'"
)


def test_minimal_interchange_without_group():
    ic = parse_paxlst(GOOD)
    assert ic.warnings == []
    [m] = ic.messages
    mary, john, jones = m.persons
    assert (mary.surname, mary.given_names) == ("O'NEILL", "MARY ANN")
    assert mary.documents[0].number == "PA1+2"
    assert john.role == "in_transit_passenger" and jones.role == "in_transit_crew"
    assert john.birth_date == dt.date(2024, 1, 1)  # not after the interchange date
    assert len(m.passengers) == 2 and len(m.crew) == 1


def test_other_service_characters_and_type_b_wrapper():
    text = GOOD.replace("UNA:+.? '", "")
    # re-express with UNA:(.) - (as in IATA Type-B feeds) and wrap it
    converted = (text.replace("?'", "\x00").replace("?+", "\x01")
                 .replace("+", "(").replace("'", "-").replace("\x00", ")'").replace("\x01", "+"))
    wrapped = "\x01QK LHRAPXH\r\n.BAAPIXS 010700\r\n\x02UNA:(.) -" + converted + "\x03"
    ic = parse_paxlst(wrapped)
    assert ic.transport == "type-b"
    assert ic.messages[0].persons[0].surname == "O'NEILL"
    assert ic.messages[0].persons[0].documents[0].number == "PA1+2"


def test_stray_newlines_inside_segments():
    text = GOOD.replace("O?'NEILL", "O?'NE\r\nILL").replace("'", "'\n   ").replace("?'\n   ", "?'")
    ic = parse_paxlst(text)
    assert ic.messages[0].persons[0].surname == "O'NEILL"
    assert ic.warnings == []


def test_count_mismatch_warnings():
    text = GOOD.replace("CNT+42:2", "CNT+42:3").replace("UNT+19", "UNT+20").replace("UNZ+1+42", "UNZ+2+42")
    ic = parse_paxlst(text)
    assert warning_texts(ic) == [
        "segment 20 CNT: declares 3 passengers, found 2",
        "segment 21 UNT: UNT in message M1 declares 20 segments, counted 19",
        "segment 22 UNZ: declares 2 messages, counted 1",
    ]


def test_unknown_sex_and_unknown_segment_are_warnings():
    text = GOOD.replace("ATT+2++F", "ATT+2++Q").replace("NAT+2+IRL", "NAT+2+IRL'ZZZ+1")
    text = text.replace("UNT+19", "UNT+20")
    ic = parse_paxlst(text)
    assert warning_texts(ic) == [
        "segment 11 ATT: unknown sex code 'Q' kept as sent",
        "segment 14 ZZZ: segment ZZZ is not part of PAXLST and was ignored",
    ]


def test_repetition_separator_splits_repeated_elements():
    from portcullis.border.edifact import tokenize

    [unb, seg, *_] = tokenize("UNA:+.?*'UNB+UNOA:4+A+B+250601:0700+1'FTX+AAP+++ONE*TWO:2*TH?*REE'UNZ+0+1'")
    assert seg.element(3) == ["ONE"]
    assert seg.repetitions(3) == [["ONE"], ["TWO", "2"], ["TH*REE"]]


# --- errors ---------------------------------------------------------------------------------------
def error_for(data) -> PaxlstError:
    with pytest.raises(PaxlstError) as info:
        parse_paxlst(data)
    exc = info.value
    assert str(exc).startswith(f"segment {exc.segment_number}")
    return exc


def test_truncated_inside_a_segment():
    raw = sample("multiple_flight_leg_apis.txt")
    cut = raw[: raw.index(b"BARRETT") + 4]
    exc = error_for(cut)
    assert (exc.segment_number, exc.tag) == (24, "NAD")
    assert "not terminated" in exc.reason
    assert exc.line == 21
    assert exc.control_ref == "123456789" and exc.message_ref == "123456789"


def test_truncated_at_a_segment_end():
    raw = sample("apisMessage.txt")
    cut = raw[: raw.index(b"CNT+42")]
    exc = error_for(cut)
    assert (exc.segment_number, exc.tag) == (34, "RFF")
    assert "no UNT" in exc.reason


def test_missing_unz():
    raw = sample("apisMessage.txt")
    exc = error_for(raw[: raw.index(b" UNZ")])
    assert (exc.segment_number, exc.tag) == (37, "UNE")
    assert "before UNZ" in exc.reason


def test_missing_unh():
    exc = error_for(GOOD.replace("UNH+M1+PAXLST:D:05B:UN:IATA'", ""))
    assert (exc.segment_number, exc.tag) == (3, "BGM")
    assert "expected UNH" in exc.reason


def test_bad_birth_date_names_segment():
    exc = error_for(GOOD.replace("DTM+329:800102", "DTM+329:801302"))
    assert (exc.segment_number, exc.tag) == (12, "DTM")
    assert "801302" in str(exc)


def test_bad_expiry_and_flight_times():
    assert error_for(GOOD.replace("DTM+36:300101", "DTM+36:30AB01")).segment_number == 15
    exc = error_for(GOOD.replace("DTM+189:2506010930:201", "DTM+189:25060109:201"))
    assert (exc.segment_number, exc.tag) == (7, "DTM")


@pytest.mark.parametrize("una", ["UNA:+", "UNA::.? '", "UNA:+,?+'", "UNA:+;? '", "UNAa+.? '"])
def test_bad_una(una):
    exc = error_for(una + GOOD[9:])
    assert (exc.segment_number, exc.tag) == (1, "UNA")


@pytest.mark.parametrize("garbage", [
    b"", b"   \n", b"hello world", b"\x00\xff\xfe garbage", b"<xml>not edifact</xml>",
    "GIF89a'''".encode(), b"UNB", b"UNA:+.? 'UNH+1+PAXLST:D:05B:UN:IATA'",
])
def test_garbage_gives_paxlst_error(garbage):
    exc = error_for(garbage)
    assert exc.segment_number >= 1


def test_not_a_paxlst():
    exc = error_for(GOOD.replace("PAXLST:D:05B", "CUSRES:D:05B"))
    assert (exc.segment_number, exc.tag) == (3, "UNH")


def test_person_without_surname_and_unknown_party():
    assert error_for(GOOD.replace("NAD+DDT+++JONES", "NAD+DDT+++:JOHN")).tag == "NAD"
    exc = error_for(GOOD.replace("NAD+DDT+++JONES", "NAD+ZZ+++JONES"))
    assert (exc.segment_number, exc.tag) == (19, "NAD")


def test_unh_inside_message():
    exc = error_for(GOOD.replace("CNT+42:2'", "UNH+M2+PAXLST:D:05B:UN:IATA'"))
    assert (exc.segment_number, exc.tag) == (20, "UNH")


def test_bad_tag_inside_interchange_is_an_error():
    exc = error_for(GOOD.replace("NAT+2+IRL", "na t+2+IRL"))
    assert exc.segment_number == 13
    assert "not a segment tag" in exc.reason


def test_error_is_invalid_input():
    from portcullis.errors import InvalidInput

    exc = error_for(GOOD.replace("DTM+329:800102", "DTM+329:80010"))
    assert isinstance(exc, InvalidInput)
    assert exc.errors[0].field == "segment 12 DTM"
