"""Field-type-aware OCR correction: kept only when the check digits then pass, always reported."""

from __future__ import annotations

from datetime import date

from portcullis.documents import generate_mrz, parse_mrz

REF = date(2025, 6, 1)


def td3(**overrides):
    fields = dict(format="TD3", issuing_state="GBR", surname="Okonkwo", given_names="Ada", document_number="502O1O733",
                  nationality="GBR", birth_date=date(1988, 3, 5), sex="F", expiry_date=date(2031, 3, 4),
                  optional_data="")
    fields.update(overrides)
    return generate_mrz(**fields)


def swap(text: str, line: int, position: int, char: str) -> str:
    lines = text.split("\n")
    row = lines[line - 1]
    lines[line - 1] = row[: position - 1] + char + row[position:]
    return "\n".join(lines)


def test_letter_in_date_corrected_and_reported():
    good = td3(document_number="123456789")
    noisy = swap(good, 2, 15, "B")  # birth date 880305 -> B80305
    assert good.split("\n")[1][14] == "8"
    r = parse_mrz(noisy, reference_date=REF)
    assert r.valid
    assert r.fields.birth_date == date(1988, 3, 5)
    assert r.corrections == [{"field": "birth_date", "line": 2, "position": 15, "from": "B", "to": "8", "verified": True}]
    assert not parse_mrz(noisy, reference_date=REF, correct_ocr=False).valid


def test_document_number_confusion_resolved_by_check_digit():
    good = td3(document_number="AB1234567")
    noisy = swap(good, 2, 3, "I")  # '1' read as 'I'
    r = parse_mrz(noisy, reference_date=REF)
    assert r.valid and r.fields.document_number == "AB1234567"
    assert [(c["from"], c["to"], c["position"]) for c in r.corrections] == [("I", "1", 3)]


def test_change_that_no_confusion_explains_is_not_corrected():
    good = td3(document_number="AB1234567")
    noisy = swap(good, 2, 5, "9")  # '3' -> '9' is not an OCR confusion pair
    r = parse_mrz(noisy, reference_date=REF)
    assert not r.valid
    assert r.corrections == []
    assert r.fields.document_number == "AB1294567"
    assert any("line 2, position 10: document number check digit" in e for e in r.errors)


def test_letter_in_date_not_kept_when_checks_still_fail():
    good = td3(document_number="123456789")
    noisy = swap(swap(good, 2, 15, "B"), 2, 20, "3")  # also break the birth-date check digit
    r = parse_mrz(noisy, reference_date=REF)
    assert not r.valid
    assert r.corrections == []
    assert r.fields.birth_date_raw == "8B0305"


def test_k_for_filler_in_name_and_personal_number():
    good = td3(document_number="123456789", optional_data="ZE184226B")
    noisy = swap(swap(good, 1, 30, "K"), 2, 39, "K")
    r = parse_mrz(noisy, reference_date=REF)
    assert r.valid, r.errors
    assert r.fields.surname == "OKONKWO" and r.fields.given_names == "ADA"
    assert r.fields.optional_data == "ZE184226B"
    assert {(c["field"], c["from"], c["to"]) for c in r.corrections} == {("name", "K", "<"), ("optional_data", "K", "<")}
    assert "\n".join(r.lines) == good


def test_digit_in_name_and_code_corrected_only_on_sound_document():
    good = td3(document_number="123456789")
    noisy = swap(swap(good, 1, 6, "0"), 2, 12, "8")  # OKONKWO -> 0KONKWO, GBR -> G8R
    r = parse_mrz(noisy, reference_date=REF)
    assert r.valid and r.fields.surname == "OKONKWO" and r.fields.nationality == "GBR"
    assert all(c["verified"] is False for c in r.corrections)
    # The same noise on a document whose check digits fail is reported as printed.
    broken = swap(noisy, 2, 10, "0" if good.split("\n")[1][9] != "0" else "1")
    r = parse_mrz(broken, reference_date=REF)
    assert not r.valid and r.corrections == []
    assert r.fields.surname == "0KONKWO"
    assert any("'0' in name" in e for e in r.errors)


def test_composite_guards_a_wrong_correction():
    # A wrong document-number check digit on a number full of confusable characters: a "correction"
    # that satisfies the document-number check must also satisfy the composite, which it cannot
    # unless the check digit is off by exactly 5 (8 * 5 = 0 mod 10, a blind spot of the composite).
    good = generate_mrz(format="TD1", issuing_state="UTO", surname="Eriksson", given_names="Anna",
                        document_number="D2314589S", nationality="UTO", birth_date=date(1974, 8, 12), sex="F",
                        expiry_date=date(2032, 4, 15))
    printed = int(good[14])
    for delta in (1, 2, 3, 4, 6, 7, 8, 9):
        noisy = swap(good, 1, 15, str((printed + delta) % 10))
        r = parse_mrz(noisy, reference_date=REF)
        assert not r.valid
        assert r.corrections == []
        assert r.checks["document_number"] is False


def test_td1_long_number_with_ocr_noise():
    good = generate_mrz(format="TD1", issuing_state="PRT", surname="Cacador", given_names="Andre",
                        document_number="007666667ZZ0", nationality="PRT", birth_date=date(1983, 3, 14), sex="M",
                        expiry_date=date(2034, 5, 29))
    noisy = swap(good, 2, 3, "O")  # birth date 830314 -> 83O314
    r = parse_mrz(noisy, reference_date=REF)
    assert r.valid and r.fields.document_number == "007666667ZZ0"
    assert len(r.corrections) == 1
