"""CUSRES board / no-board answers and message-level errors, read back through the tokenizer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from portcullis.border.cusres import (
    BOARD,
    MESSAGE_REJECTED,
    NO_BOARD,
    BoardingAnswer,
    parse_cusres,
    write_cusres,
    write_cusres_error,
)
from portcullis.border.edifact import tokenize
from portcullis.border.paxlst import PaxlstError, parse_paxlst

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "research_data" / "paxlst"
NOW = dt.datetime(2025, 6, 1, 7, 5)
ENV = dict(sender="GBRBF", recipient="CARRIER", control_ref="900001", now=NOW)


def test_board_and_no_board_for_each_passenger():
    ic = parse_paxlst((SAMPLES / "multiple_flight_leg_apis.txt").read_bytes())
    barrett, lang = ic.persons
    text = write_cusres(ic, [BoardingAnswer(barrett, BOARD), BoardingAnswer(lang, NO_BOARD)], **ENV)
    assert text.startswith("UNA:+.?*'\nUNB+UNOA:4+GBRBF+CARRIER+250601:0705+900001'")
    back = parse_cusres(text)
    assert back.warnings == []
    assert (back.sender, back.recipient, back.control_ref) == ("GBRBF", "CARRIER", "900001")
    [m] = back.messages
    assert (m.reference, m.version, m.document_code, m.transaction_ref) == ("123456789", "D05B", "962", "BART34567890")
    # the border-crossing leg (LOC+125/87)
    assert (m.flight, m.departure_airport, m.arrival_airport) == ("QQ827", "JFK", "CDG")
    assert (m.departure_time_raw, m.arrival_time_raw) == ("0808102000", "0808110630")
    assert [(r.level, r.reservation_ref, r.passenger_ref, r.code, r.text) for r in m.responses] == [
        (2, "GJIO3RT", "UUI34T543", "0Z", "OK TO BOARD"),
        (2, "GJIO3RT", "ABC124", "1Z", "NO BOARD"),
    ]
    assert m.declared_segments == m.segment_count == len(text.split("UNH+")[1].split("UNE+")[0].strip().split("\n"))


def test_unt_count_matches_segments():
    ic = parse_paxlst((SAMPLES / "Test1.txt").read_bytes())
    text = write_cusres(ic.messages[0], [(p, BOARD) for p in ic.persons], **ENV)
    segs = tokenize(text)
    unh = next(i for i, s in enumerate(segs) if s.tag == "UNH")
    unt = next(i for i, s in enumerate(segs) if s.tag == "UNT")
    assert int(segs[unt].get(0)) == unt - unh + 1
    assert [s.tag for s in segs].count("ERP") == 8
    # no AVF/ABO in Test1: the name identifies the person
    back = parse_cusres(text)
    assert back.messages[0].responses[0].name == "Steur/Andrea Pat"


def test_text_is_escaped_with_release_character():
    ic = parse_paxlst((SAMPLES / "apisMessage.txt").read_bytes())
    michael = ic.persons[0]
    michael.reservation_ref = "AB'C+D:E?F*G"
    text = write_cusres(ic, [BoardingAnswer(michael, NO_BOARD, "REFUSED: SEE O'NEILL + CO?")], **ENV)
    assert "RFF+AVF:AB?'C?+D?:E??F?*G'" in text
    back = parse_cusres(text)
    [r] = back.messages[0].responses
    assert r.reservation_ref == "AB'C+D:E?F*G"
    assert r.text == "REFUSED: SEE O'NEILL + CO?"
    assert r.code == "1Z"


def test_only_persons_of_the_paxlst_and_known_codes():
    a = parse_paxlst((SAMPLES / "apisMessage.txt").read_bytes())
    b = parse_paxlst((SAMPLES / "airline2.edi").read_bytes())
    with pytest.raises(ValueError):
        write_cusres(a, [BoardingAnswer(b.persons[0])], **ENV)
    with pytest.raises(ValueError):
        BoardingAnswer(a.persons[0], "9Q")
    with pytest.raises(ValueError):
        write_cusres(a, [], **ENV)


def test_error_response_names_the_segment():
    raw = (SAMPLES / "apisMessage.txt").read_text()
    with pytest.raises(PaxlstError) as info:
        parse_paxlst(raw.replace("DTM+329:730407", "DTM+329:731407"))
    text = write_cusres_error(info.value, **ENV)
    back = parse_cusres(text)
    assert back.warnings == []
    [m] = back.messages
    assert m.reference == "PAX001" and m.transaction_ref == "AJYTR1070219"
    [r] = m.responses
    assert (r.level, r.code, r.text) == (1, MESSAGE_REJECTED, "MESSAGE REJECTED")
    assert r.details[0] == "SEGMENT 30 DTM"
    assert "731407" in r.details[1]
    assert "ERP+1'" in text


def test_error_response_for_garbage():
    with pytest.raises(PaxlstError) as info:
        parse_paxlst(b"not edifact at all")
    back = parse_cusres(write_cusres_error(info.value, **ENV))
    detail = back.messages[0].responses[0].details[0]
    assert detail.startswith("SEGMENT 1 ") and "NOT EDIFACT" in detail
