from __future__ import annotations

import pytest

from portcullis.documents import check_digit
from portcullis.documents.codes import COUNTRY_CODES, country_name, is_known_code
from portcullis.documents.names import mrz_name, name_field


@pytest.mark.parametrize("text, expected", [
    ("520727", "3"), ("AB2134<<<", "5"), ("111111111", "3"), ("1<<1<<1<<1", "8"),
    ("BCDEFGHIJ", "7"), ("123456789", "7"), ("<<<<<<<<<<<<<<", "0"),
    ("HA672242<6" "5802254" "9601086<<<<<<<<<<<<<<0", "8"),
])
def test_check_digit_examples(text, expected):
    assert check_digit(text) == expected


def test_check_digit_icao_td1_composite_example():
    line1, line2 = "I<UTOD231458907<<<<<<<<<<<<<<<", "3407127M9507122YTO<<<<<<<<<<<"
    assert check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]) == "2"


@pytest.mark.parametrize("bad", ["", "abc", "A B", "É"])
def test_check_digit_rejects_non_mrz(bad):
    with pytest.raises(ValueError):
        check_digit(bad)


@pytest.mark.parametrize("text, expected", [
    ("O'Connor", "OCONNOR"), ("Smith-Jones", "SMITH<JONES"), ("van der Müllen", "VAN<DER<MUELLEN"),
    ("Åsa Ørsted", "AASA<OERSTED"), ("Weiß", "WEISS"), ("Þórunn", "THORUNN"), ("José Núñez", "JOSE<NUNEZ"),
    ("Łukasz", "LUKASZ"), ("Иванова", "IVANOVA"), ("Щукин", "SHCHUKIN"), ("Юлия", "IULIIA"),
    ("Жанна Хабибуллина", "ZHANNA<KHABIBULLINA"), ("Dr. Who", "DR<WHO"),
])
def test_mrz_name(text, expected):
    assert mrz_name(text) == expected


def test_other_scripts_fall_back_to_ascii_letters():
    for text in ("Σωκράτης", "王小明", "محمد", "김민준"):
        out = mrz_name(text)
        assert out and set(out) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ<")


def test_name_field_and_truncation():
    assert name_field("Eriksson", "Anna Maria", 39) == ("ERIKSSON<<ANNA<MARIA" + "<" * 19, False)
    assert name_field("Arkfreith", "", 30) == ("ARKFREITH" + "<" * 21, False)
    field, cut = name_field("Nilavadhanananda", "Chayapa Dejthamrong Krasuang", 39)
    assert cut and len(field) == 39 and field[-1].isalpha()


@pytest.mark.parametrize("code", ["GBR", "D", "D<<", "GBD", "GBN", "GBO", "GBP", "GBS", "RKS", "EUE", "UNO", "UNA",
                                  "UNK", "XPO", "XOM", "XXA", "XXB", "XXC", "XXX", "UTO", "ANT", "NTZ", "BIH"])
def test_known_codes(code):
    assert is_known_code(code)
    assert country_name(code)


@pytest.mark.parametrize("code", ["BOS", "ASU", "BAD", "DEU2", "", "GB"])
def test_unknown_codes(code):
    assert not is_known_code(code)
    assert country_name(code) is None


def test_code_table():
    assert COUNTRY_CODES["XXA"] == "Stateless person"
    assert sum(1 for c in COUNTRY_CODES if len(c) == 3) >= 249 + 27
