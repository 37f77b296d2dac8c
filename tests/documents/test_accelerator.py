"""The optional C accelerator (``portcullis.documents._mrzfast``) gives exactly the pure-Python result.

The pure-Python path (``parser._parse``) is the reference.  The accelerator either returns the same
``MRZResult`` (compared through ``repr``: every field, check, warning, error, correction, line and
the order of the dictionaries) or ``None``, in which case ``parse_mrz`` runs the Python path.  Also
here: the pieces of the OCR corrector that the fast paths rely on (``code_correction``, ``_Digit``,
``_correction_is_noop``).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portcullis.documents import generate_mrz, parse_mrz, parser
from portcullis.documents.checkdigit import _cd
from portcullis.documents.codes import COUNTRY_CODES
from portcullis.documents.layouts import LAYOUTS
from portcullis.documents.ocr import _Digit, code_correction, correct

from .vectors import load_vectors

REF = date(2025, 6, 1)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = LETTERS + "0123456789"
MRZ_CHARS = ALNUM + "<"
CONFUSABLE = "O0QDIL1Z2S5B8G6KX<"
CODES = sorted(c for c in COUNTRY_CODES if len(c) == 3)

fast_read = parser._fast_read
needs_accelerator = pytest.mark.skipif(fast_read is None, reason="C accelerator not built (pure Python only)")


def pure(*args, **kwargs):
    """parse_mrz on the pure-Python path."""
    saved = parser._fast_read
    parser._fast_read = None
    try:
        return parse_mrz(*args, **kwargs)
    finally:
        parser._fast_read = saved


def random_document(rng: random.Random) -> str:
    fmt = rng.choice(sorted(LAYOUTS))
    long_ok = fmt in ("TD1", "TD2") and rng.random() < 0.3
    number = "".join(rng.choice(ALNUM) for _ in range(rng.randint(10, 13) if long_ok else rng.randint(1, 9)))
    birth = date(1930, 1, 1) + timedelta(days=rng.randrange(365 * 95))
    if rng.random() < 0.15:  # partly known
        birth = rng.choice([f"{birth.year}", f"{birth.year}-{birth.month:02d}", None])
    return generate_mrz(
        format=fmt, issuing_state=rng.choice(CODES + ["D"]), nationality=rng.choice(CODES + ["D"]),
        surname=" ".join("".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 12))) for _ in range(rng.randint(1, 3))),
        given_names=rng.choice(["", "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 30)))]),
        document_number=number, birth_date=birth, sex=rng.choice(["M", "F", None]),
        expiry_date=date(1990, 1, 1) + timedelta(days=rng.randrange(365 * 60)),
        optional_data="" if long_ok else "".join(rng.choice(ALNUM + "<") for _ in range(rng.randint(0, 5))).rstrip("<"),
    )


def damage(rng: random.Random, text: str) -> str:
    """One to three OCR-like misreadings, now and then a character outside the MRZ alphabet or a
    lost character."""
    chars = list(text)
    for _ in range(rng.choice([1, 1, 2, 3])):
        i = rng.randrange(len(chars))
        if chars[i] == "\n":
            continue
        r = rng.random()
        if r < 0.6:
            chars[i] = rng.choice(CONFUSABLE)
        elif r < 0.9:
            chars[i] = rng.choice(MRZ_CHARS)
        elif r < 0.95:
            chars[i] = rng.choice("ab $\t")
        else:
            del chars[i]
    return "".join(chars)


def corpus(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        doc = random_document(rng)
        out.append(doc)
        out.extend(damage(rng, doc) for _ in range(3))
    return out


def vector_documents() -> list[str]:
    try:
        return ["\n".join(v.lines) for v in load_vectors()]
    except FileNotFoundError:  # pragma: no cover - the vectors live beside the repository
        return []


def assert_same(text, **kwargs):
    fast = parse_mrz(text, **kwargs)
    reference = pure(text, **kwargs)
    assert repr(fast) == repr(reference), text
    assert fast.to_dict() == reference.to_dict()
    for name in ("birth_date", "expiry_date"):  # date objects, not look-alikes
        assert type(getattr(fast.fields, name)) is type(getattr(reference.fields, name))
    return fast


@needs_accelerator
@pytest.mark.parametrize("mode", ["strict", "lenient"])
@pytest.mark.parametrize("correct_ocr", [True, False])
@pytest.mark.parametrize("ref", [REF, date(2031, 2, 28), date(2000, 2, 29)])
def test_same_result_on_generated_and_damaged_documents(mode, correct_ocr, ref):
    docs = vector_documents() + corpus(seed=ref.toordinal() * 4 + 2 * (mode == "strict") + correct_ocr, n=400)
    served = 0
    for text in docs:
        assert_same(text, mode=mode, reference_date=ref, correct_ocr=correct_ocr)
        served += fast_read(text, mode, ref, correct_ocr) is not None
    # Not vacuous: the accelerator answers many of these documents itself (the rest: damaged
    # beyond what it reads, partial dates, ...).
    assert served > len(docs) // 4


@needs_accelerator
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), mode=st.sampled_from(["strict", "lenient"]), correct_ocr=st.booleans(),
       ref=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)))
def test_same_result_property(seed, mode, correct_ocr, ref):
    rng = random.Random(seed)
    text = random_document(rng)
    assert_same(text, mode=mode, reference_date=ref, correct_ocr=correct_ocr)
    assert_same(damage(rng, text), mode=mode, reference_date=ref, correct_ocr=correct_ocr)


@needs_accelerator
def test_clean_valid_document_is_read_by_the_accelerator():
    text = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
    parse_mrz(text, reference_date=REF)  # fills the document-code table
    result = fast_read(text, "strict", REF, True)
    assert result is not None and result.valid
    assert repr(result) == repr(pure(text, reference_date=REF))
    assert result.fields.birth_date == date(1974, 8, 12) and result.fields.surname == "ERIKSSON"


@needs_accelerator
def test_input_shapes():
    text = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
    lines = text.split("\n")
    for shape in (lines, tuple(lines), text + "\n", "\n" + text, text.replace("\n", "\r\n"),
                  text.replace("\n", ""), [lines[0], 5], [lines[0].encode(), lines[1]], "", None, 42,
                  text.lower(), text.replace("<", "«", 1)):
        assert_same(shape, reference_date=REF)
    # A datetime reference date (a date subclass) is left to the Python path.
    assert fast_read(text, "strict", datetime(2025, 6, 1), True) is None
    assert_same(text, reference_date=datetime(2025, 6, 1))


@needs_accelerator
def test_messages_match_for_every_error_kind():
    td1 = generate_mrz(format="TD1", issuing_state="UTO", surname="Eriksson", given_names="Anna",
                       document_number="D23145890", nationality="UTO", birth_date=date(1974, 8, 12), sex="F",
                       expiry_date=date(2012, 4, 15), optional_data="", document_code="I")
    rows = td1.split("\n")

    def put(row, pos, ch):
        r = list(rows)
        r[row] = r[row][:pos] + ch + r[row][pos + 1:]
        return "\n".join(r)

    cases = [put(0, 0, "Q"), put(0, 2, "Q"), put(1, 15, "Q"), put(1, 7, "K"), put(1, 7, "X"), put(2, 0, "<"),
             put(2, 3, "7"), put(1, 29, "1"), put(0, 14, "<"), put(0, 14, "9"), put(1, 6, "5")]
    for text in cases:
        for mode in ("strict", "lenient"):
            for correct_ocr in (True, False):
                assert_same(text, mode=mode, reference_date=REF, correct_ocr=correct_ocr)


def test_pure_python_when_the_extension_is_switched_off():
    code = ("from datetime import date; from portcullis.documents import parser, parse_mrz; "
            "assert parser._fast_read is None; "
            "r = parse_mrz('P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\\n"
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10', reference_date=date(2025, 6, 1)); "
            "assert r.valid and r.fields.surname == 'ERIKSSON', r")
    env = dict(os.environ, PORTCULLIS_MRZ_PURE_PYTHON="1")
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_pure_python_when_the_extension_is_missing():
    # Make "import portcullis.documents._mrzfast" fail as on an install where it was not compiled.
    code = ("import sys\n"
            "class Block:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'portcullis.documents._mrzfast':\n"
            "            raise ImportError('no extension')\n"
            "sys.meta_path.insert(0, Block())\n"
            "from datetime import date\n"
            "from portcullis.documents import parser, parse_mrz\n"
            "assert parser._fast_read is None\n"
            "r = parse_mrz('IDBEL000590240<6013<<<<<<<<<<<\\n8512017F1311048BEL851201002007\\n"
            "REINARTZ<<ULRIKE<KATIA<E<<<<<<', mode='lenient', reference_date=date(2025, 6, 1))\n"
            "assert r.valid and r.warnings, r\n")
    subprocess.run([sys.executable, "-c", code], check=True, env={k: v for k, v in os.environ.items()
                                                                   if k != "PORTCULLIS_MRZ_PURE_PYTHON"})


# -- the corrector pieces the fast paths use ---------------------------------------------------


def test_code_correction():
    assert code_correction("GBR") is None and code_correction("D<<") is None  # known
    assert code_correction("6BR") == "GBR"  # digit read for a letter
    assert code_correction("DKX") == "D<<"  # fillers after a one-letter code read as K/X
    assert code_correction("BAD") is None  # unknown, nothing to correct it to
    assert code_correction("Q0Q") is None  # corrected to QOQ, still unknown


@settings(max_examples=300, deadline=None)
@given(st.text(MRZ_CHARS, min_size=1, max_size=40), st.data())
def test_digit_helper_matches_check_digit(text, data):
    chars = list(text)
    positions = data.draw(st.lists(st.integers(0, len(text) - 1), unique=True, min_size=1))
    digit = _Digit(chars, positions)
    changes = data.draw(st.dictionaries(st.integers(0, len(text) + 2), st.sampled_from(MRZ_CHARS), max_size=4))
    expected = _cd("".join(changes.get(i, chars[i]) for i in positions))
    assert digit(changes) == expected


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), mode=st.sampled_from(["strict", "lenient"]))
def test_noop_means_the_corrector_changes_nothing(seed, mode):
    rng = random.Random(seed)
    text = damage(rng, random_document(rng))
    lines = [line for line in text.split("\n") if line]
    layout = parser.guess_layout(len(lines), max(len(line) for line in lines), lines[0][:1])
    s = "".join(lines)
    if layout is None or len(s) != layout.total or not parser.MRZ_ALPHABET.issuperset(s):
        return
    result = parser._evaluate(layout, s, mode, REF)
    if parser._correction_is_noop(layout, s, result.checks):
        assert correct(layout, s, mode) == (s, [], [])
