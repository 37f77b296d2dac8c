"""Every vector in shared/research_data/mrz/vectors.md gives its documented result."""

from __future__ import annotations

from datetime import date

import pytest

from portcullis.documents import parse_mrz
from portcullis.documents.layouts import LAYOUTS
from portcullis.documents.parser import NONSTANDARD_LONG_NUMBER_ISSUERS

from .vectors import load_vectors

VECTORS = load_vectors()
BY_NAME = {v.name: v for v in VECTORS}
REF = date(2025, 6, 1)
# X1 is the OCR-noise vector: its documented fields are the uncorrected reading.
# X2 is documented as "must be rejected as bad length"; its listed fields are a TD2 misreading.
PLAIN = [v for v in VECTORS if not v.name.startswith(("X1", "X2"))]


def test_all_vectors_found():
    assert len(VECTORS) >= 34
    assert sum(1 for v in VECTORS if v.name.startswith("V")) == 30


@pytest.mark.parametrize("vector", PLAIN, ids=lambda v: v.name)
def test_fields_as_documented(vector):
    r = parse_mrz(vector.lines, reference_date=REF, correct_ocr=False)
    f, expected = r.fields, vector.fields
    assert r.format == expected["format"]
    assert f.document_code == expected["doc_code"]
    assert f.issuing_state == expected["issuer"]
    assert f.surname == expected["surname"]
    assert f.given_names == expected["given"]
    assert f.document_number == expected["doc_number"]
    assert f.nationality == expected["nationality"]
    assert f.birth_date_raw == expected["dob"]
    assert f.expiry_date_raw == expected["expiry"]
    assert f.sex == (None if expected["sex"] == "<" else expected["sex"])
    joined = "".join(r.lines)
    layout = LAYOUTS[r.format]
    if "personal_number" in expected:
        assert f.optional_data == expected["personal_number"]
    if "optional" in expected:
        assert joined[layout.optional] == expected["optional"].ljust(layout.optional.stop - layout.optional.start, "<")[: layout.optional.stop - layout.optional.start] or not vector.lengths_ok
    if "optional1" in expected:
        assert joined[layout.optional] == expected["optional1"]
        assert joined[layout.optional_2] == expected["optional2"]
        assert f.optional_data_2 == expected["optional2"].rstrip("<")


@pytest.mark.parametrize("vector", PLAIN, ids=lambda v: v.name)
def test_check_digits_strict(vector):
    r = parse_mrz(vector.lines, reference_date=REF, correct_ocr=False)
    assert r.checks == vector.checks_strict
    for name, ok in r.checks.items():
        if not ok:
            assert any("check digit" in e for e in r.errors), r.errors
    if not vector.lengths_ok:
        assert not r.valid
        assert any(e.startswith("line ") and "characters, expected" in e for e in r.errors)
    elif all(vector.checks_strict.values()) and r.valid is False:
        # Only a country code may make a document with good check digits invalid.
        assert all("code" in e for e in r.errors), r.errors


@pytest.mark.parametrize("vector", PLAIN, ids=lambda v: v.name)
def test_check_digits_lenient(vector):
    r = parse_mrz(vector.lines, mode="lenient", reference_date=REF, correct_ocr=False)
    issuer_known_variant = vector.fields["issuer"] in NONSTANDARD_LONG_NUMBER_ISSUERS
    expected = {k: (vector.checks_lenient_any[k] if issuer_known_variant else vector.checks_strict[k])
                for k in vector.checks_strict}
    assert r.checks == expected
    assert all(r.checks.values()) == (vector.all_checks_lenient and (issuer_known_variant or vector.checks_strict == vector.checks_lenient_any))


@pytest.mark.parametrize("vector", PLAIN, ids=lambda v: v.name)
def test_ocr_correction_never_changes_documented_result(vector):
    # With correction on (the default) no vector is "repaired" into something else.
    plain = parse_mrz(vector.lines, reference_date=REF, correct_ocr=False)
    corrected = parse_mrz(vector.lines, reference_date=REF)
    assert corrected.corrections == []
    assert corrected.to_dict() == plain.to_dict()


def test_long_number_documents_other_libraries_reject_are_valid():
    for name in ("V09_icao_p11_td1_longdoc", "V10_icao_p11_td2_longdoc", "V32_cheminfo_prt_prado",
                 "V33_cheminfo_bel_prado_11005"):
        r = parse_mrz(BY_NAME[name].lines, reference_date=REF)
        assert r.valid, (name, r.errors)
        assert len(r.fields.document_number) > 9


def test_belgian_variant_strict_invalid_lenient_valid_with_warning():
    lines = BY_NAME["V35_cheminfo_bel_03003"].lines
    strict = parse_mrz(lines, reference_date=REF)
    assert not strict.valid
    assert strict.checks["document_number"] is False
    assert any("line 1, position 19" in e and "non-standard" in e for e in strict.errors)
    lenient = parse_mrz(lines, mode="lenient", reference_date=REF)
    assert lenient.valid
    assert any("non-standard BEL variant" in w for w in lenient.warnings)


def test_variant_not_accepted_for_other_issuers_even_in_lenient_mode():
    r = parse_mrz(BY_NAME["X4_cheminfo_issue36_bad_composite"].lines, mode="lenient", reference_date=REF)
    assert r.checks["document_number"] is False
    assert r.checks["composite"] is False


@pytest.mark.parametrize("name", ["V26_mrz_mrvb_D_BOS", "V40_mrz_asu_td3"])
def test_unknown_codes_flagged_not_digits(name):
    strict = parse_mrz(BY_NAME[name].lines, reference_date=REF)
    assert all(strict.checks.values())
    assert not strict.valid
    assert strict.errors and all("is not an ISO 3166-1 alpha-3 or ICAO code" in e for e in strict.errors)
    assert strict.field_validity["nationality"] is False
    lenient = parse_mrz(BY_NAME[name].lines, mode="lenient", reference_date=REF)
    assert lenient.valid
    assert any("code" in w for w in lenient.warnings)


def test_bad_td1_reports_everything():
    r = parse_mrz(BY_NAME["V21_mrz_bad_td1"].lines, reference_date=REF)
    assert not r.valid
    text = "\n".join(r.errors)
    assert "issuing state code 'BAD'" in text and "nationality code 'BAD'" in text
    assert "010599 is not a valid date" in text
    assert r.fields.birth_date is None and r.fields.sex is None
    assert any("more than one '<<'" in w for w in r.warnings)


def test_x1_ocr_noise_corrected_to_v05():
    noisy = BY_NAME["X1_cheminfo_td2_ocr_noise"]
    raw = parse_mrz(noisy.lines, reference_date=REF, correct_ocr=False)
    assert not raw.valid
    assert raw.checks == noisy.checks_strict
    fixed = parse_mrz(noisy.lines, reference_date=REF)
    clean = parse_mrz(BY_NAME["V05_icao_td2_eriksson"].lines, reference_date=REF)
    assert fixed.valid
    assert fixed.fields == clean.fields
    assert fixed.lines == clean.lines
    # Every changed character is reported, with its position.
    changed = [(i // 36 + 1, i % 36 + 1) for i, (a, b) in enumerate(zip("".join(noisy.lines), "".join(clean.lines))) if a != b]
    assert sorted((c["line"], c["position"]) for c in fixed.corrections) == changed


def test_x2_45_char_lines_rejected():
    r = parse_mrz(BY_NAME["X2_icao_ivanova_as_extracted_45"].lines, reference_date=REF)
    assert not r.valid
    assert "line 1: 45 characters, expected 44 for TD3" in r.errors


def test_x3_short_line_rejected_but_read():
    r = parse_mrz(BY_NAME["X3_icao_p7_vds_mrvb_35char"].lines, reference_date=REF)
    assert not r.valid
    assert r.errors == ["line 1: 35 characters, expected 36 for MRVB"]
    assert all(r.checks.values())
    assert r.fields.issuing_state == "D" and r.fields.given_names == "ARTHUR PHILIP"


def test_centuries():
    dates = {}
    for name in ("V02_icao_td3_eriksson_old", "V09_icao_p11_td1_longdoc", "V06_icao_mrva_8ed",
                 "V01_icao_td3_eriksson_8ed", "V03n_icao_td3_ivanova_normalised", "V08_icao_mrva_old"):
        f = parse_mrz(BY_NAME[name].lines, reference_date=REF).fields
        dates[name] = (f.birth_date, f.expiry_date)
    assert dates["V02_icao_td3_eriksson_old"][1] == date(1994, 6, 23)
    assert dates["V09_icao_p11_td1_longdoc"] == (date(1934, 7, 12), date(1995, 7, 12))
    assert dates["V06_icao_mrva_8ed"][1] == date(1996, 12, 10)
    assert dates["V01_icao_td3_eriksson_8ed"][1] == date(2012, 4, 15)
    assert dates["V03n_icao_td3_ivanova_normalised"][1] == date(2025, 4, 15)
    assert dates["V08_icao_mrva_old"][0] == date(1940, 9, 7)
