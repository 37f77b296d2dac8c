"""Bad input never raises; errors name the line and position."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portcullis.documents import MRZResult, parse_mrz

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]


@pytest.mark.parametrize("value", ["", "   \n  ", TD3[0], "\n".join(TD3 * 2), None, 42, [1, 2], b"P<UTO"])
def test_wrong_number_of_lines_or_type(value):
    r = parse_mrz(value)
    assert isinstance(r, MRZResult)
    assert r.valid is False and r.errors
    d = r.to_dict()
    assert d["valid"] is False and d["fields"]["surname"] is None


def test_line_count_message():
    r = parse_mrz(TD3[:1] + TD3 + TD3)
    assert r.errors == ["expected 2 lines (TD2, TD3, MRV-A, MRV-B) or 3 lines (TD1), got 5"]


def test_illegal_characters_named_by_line_and_position():
    bad = TD3[1][:3] + "x" + TD3[1][4:20] + " " + TD3[1][21:]
    r = parse_mrz([TD3[0], bad], correct_ocr=False)
    assert not r.valid
    assert "line 2, position 4: illegal character 'x'" in r.errors
    assert "line 2, position 21: illegal character ' '" in r.errors


def test_surrounding_whitespace_and_str_input():
    r = parse_mrz("\n  " + TD3[0] + "  \r\n\t" + TD3[1] + "\n\n", reference_date=date(2025, 1, 1))
    assert r.valid and r.format == "TD3"


def test_single_run_together_line():
    r = parse_mrz("".join(TD3), reference_date=date(2025, 1, 1))
    assert r.valid and r.fields.document_number == "L898902C3"


def test_wrong_length_is_an_error_even_when_checks_pass():
    r = parse_mrz([TD3[0] + "<", TD3[1]])
    assert not r.valid
    assert r.errors[0] == "line 1: 45 characters, expected 44 for TD3"


def test_sex_x_accepted_with_warning_and_other_values_rejected():
    line2 = TD3[1][:20] + "X" + TD3[1][21:]
    r = parse_mrz([TD3[0], line2], reference_date=date(2025, 1, 1))
    assert r.valid and r.fields.sex == "X"
    assert any("'X'" in w for w in r.warnings)
    r = parse_mrz([TD3[0], TD3[1][:20] + "Q" + TD3[1][21:]], correct_ocr=False)
    assert not r.valid and "line 2, position 21: sex 'Q' is not M, F or '<'" in r.errors


def test_partial_birth_date():
    from portcullis.documents import check_digit, generate_mrz

    text = generate_mrz(issuing_state="UTO", surname="A", document_number="X1", nationality="UTO",
                        birth_date="1980-05", sex=None, expiry_date=date(2030, 1, 1))
    r = parse_mrz(text, reference_date=date(2025, 1, 1))
    assert r.valid
    assert r.fields.birth_date is None and r.fields.birth_date_raw == "8005<<"
    assert r.to_dict()["fields"]["birth_date"] is None
    assert check_digit("8005<<") == text.split("\n")[1][19]


@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_bad_mode_is_a_programming_error(mode):
    assert parse_mrz(TD3, mode=mode).format == "TD3"
    with pytest.raises(ValueError):
        parse_mrz(TD3, mode="loose")


mrz_chars = st.sampled_from(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<<<KXO0I1"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=50), st.text(mrz_chars, min_size=28, max_size=46)), max_size=4),
       st.sampled_from(["strict", "lenient"]), st.booleans())
def test_fuzz_never_raises(lines, mode, ocr):
    r = parse_mrz(lines, mode=mode, correct_ocr=ocr)
    assert isinstance(r, MRZResult)
    assert r.valid == (not r.errors)
    assert not any("internal error" in e for e in r.errors)
    r.to_dict()
    r.summary()
