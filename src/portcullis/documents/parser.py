"""Reading and validating ICAO Doc 9303 machine readable zones (TD1, TD2, TD3, MRV-A, MRV-B).

Speed notes: a clean document (the common case: exact line lengths, MRZ characters only) is
recognised from its length and newline positions without splitting and stripping; every check
digit of a document comes from one byte translation (see ``checkdigit.CODES``); dates are read
through a small cache keyed by the reference date; and the OCR corrector is skipped when it
provably could not change anything (``_correction_is_noop``).  Messages and results are the
same as on the general path.  When the optional C accelerator ``_mrzfast`` is built, it reads clean
documents first (see ``_load_accelerator``) and leaves everything it is unsure of to this code.
"""

from __future__ import annotations

import re
import time as _time
from time import time as _time_time
from datetime import date, datetime, timedelta
from typing import Iterable

from portcullis.documents.checkdigit import CODES, WEIGHTED, MRZ_ALPHABET, _cd, weight_offsets
from portcullis.documents.codes import COUNTRY_CODES
from portcullis.documents.layouts import LAYOUTS, MRVA, MRVB, TD1, TD2, TD3, Layout, guess_layout
from portcullis.documents.ocr import ALNUM_ALTERNATIVES, TO_DIGIT, TO_LETTER, code_correction
from portcullis.documents.result import MRZFields, MRZResult

MODES = ("strict", "lenient")

#: Issuers known to compute a long (TD1/TD2) document number's check digit over the first nine
#: characters, the filler at the check-digit position and the continuation (not ICAO Part 5 note j).
#: Lenient mode accepts that variant for these issuers only, with a warning.
NONSTANDARD_LONG_NUMBER_ISSUERS = frozenset({"BEL"})

#: Expiry dates are read into the window [reference year - EXPIRY_PAST_YEARS,
#: reference year + 99 - EXPIRY_PAST_YEARS].
EXPIRY_PAST_YEARS = 69

_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_DIGIT_STR = "0123456789"
_SINGLE_LINE = {90: 30, 72: 36, 88: 44}
_MISSING = object()


class _Plan:
    """Per-layout constants for :func:`_evaluate` (offsets for the check-digit bytes etc.)."""

    __slots__ = ("layout", "total", "width", "primary", "composite", "free", "code_problems",
                 "has_composite", "has_optional_cd", "slices", "name", "two_lines")

    def __init__(self, layout: Layout) -> None:
        L = layout
        self.layout = L
        self.total = L.total
        self.width = L.width
        fields = [[(L.doc_number.start, L.doc_number.stop)], [(L.birth_date.start, L.birth_date.stop)],
                  [(L.expiry_date.start, L.expiry_date.stop)]]
        if L.optional_cd is not None:
            fields.append([(L.optional.start, L.optional.stop)])
        self.primary = weight_offsets(L.total, fields)
        self.has_composite = L.composite_cd is not None
        self.has_optional_cd = L.optional_cd is not None
        self.composite = weight_offsets(L.total, [[(sl.start, sl.stop) for sl in L.composite]]) if L.composite else 0
        # Composite data that no other check digit covers (as ocr._Corrector.checked_fields,
        # for a document without a long document number).
        covered = set(range(L.doc_number.start, L.doc_number.stop)) | {L.doc_number_cd}
        for sl, cdi in ((L.birth_date, L.birth_date_cd), (L.expiry_date, L.expiry_date_cd)):
            covered |= set(range(sl.start, sl.stop)) | {cdi}
        if L.optional_cd is not None:
            covered |= set(range(L.optional.start, L.optional.stop)) | {L.optional_cd}
        self.free = tuple(i for sl in L.composite for i in range(sl.start, sl.stop) if i not in covered)
        self.code_problems: dict[str, str | None] = {}
        self.slices = (L.doc_code, L.issuer, L.nationality, L.name_field, L.doc_number, L.doc_number_cd,
                      L.optional, L.birth_date, L.birth_date_cd, L.expiry_date, L.expiry_date_cd, L.sex)
        self.name = L.name
        self.two_lines = L.lines == 2


_PLANS = {name: _Plan(layout) for name, layout in LAYOUTS.items()}
_PLAN_TD1, _PLAN_TD2, _PLAN_TD3, _PLAN_MRVA, _PLAN_MRVB = (
    _PLANS[x.name] for x in (TD1, TD2, TD3, MRVA, MRVB))


# -- the optional C accelerator (``_mrzfast.c``) --------------------------------------------------
#
# It reads clean documents (see ``_clean``) in one pass and builds the same MRZResult as
# ``_parse``; for anything it is not certain about (another input shape, a partial or invalid date,
# a document code not yet in ``_Plan.code_problems``, a document the OCR corrector might change ...)
# it returns None and the pure-Python path below runs.  Set PORTCULLIS_MRZ_PURE_PYTHON=1 to use
# the pure-Python path only (it is the reference; tests check that both agree).


def _load_accelerator():
    import os

    if os.environ.get("PORTCULLIS_MRZ_PURE_PYTHON"):
        return None
    try:
        from portcullis.documents import _mrzfast
    except ImportError:
        return None
    from portcullis.documents.checkdigit import VALUES
    from portcullis.documents.ocr import ALNUM_ALTERNATIVES as alternatives
    from portcullis.documents.result import FIELD_NAMES

    def plan_args(layout: Layout) -> tuple:
        L = layout
        plan = _PLANS[L.name]
        ints = (L.total, L.width, L.lines, L.doc_code.start, L.doc_code.stop, L.issuer.start, L.issuer.stop,
                L.name_field.start, L.name_field.stop, L.doc_number.start, L.doc_number.stop, L.doc_number_cd,
                L.nationality.start, L.nationality.stop, L.birth_date.start, L.birth_date.stop, L.birth_date_cd,
                L.sex, L.expiry_date.start, L.expiry_date.stop, L.expiry_date_cd, L.optional.start,
                L.optional.stop, -1 if L.optional_cd is None else L.optional_cd,
                -1 if L.optional_2 is None else L.optional_2.start, -1 if L.optional_2 is None else L.optional_2.stop,
                -1 if L.composite_cd is None else L.composite_cd, int(L.long_number))
        return plan.name, plan.code_problems, ints, tuple((sl.start, sl.stop) for sl in L.composite), plan.free

    result_names = ("valid", "format", "fields", "checks", "warnings", "errors", "corrections", "field_validity",
                    "lines", "mode")
    try:
        _mrzfast.setup(tuple(plan_args(x) for x in (TD1, TD2, TD3, MRVA, MRVB)), MRZResult, MRZFields,
                       result_names, FIELD_NAMES, COUNTRY_CODES, TO_LETTER, TO_DIGIT, alternatives, VALUES)
    except Exception:  # pragma: no cover - a mismatched build: stay correct, use Python
        return None
    return _mrzfast.read


_fast_read = _load_accelerator()


# -- today, cached until the next local midnight -----------------------------------------------

_today_cache: list = [None, 0.0, 0.0, None]  # date, valid from, valid until, time.tzname seen


def _today() -> date:
    """``date.today()``, without asking the OS for the local date more than once a day."""
    now = _time.time()
    c = _today_cache
    if c[1] <= now < c[2] and c[3] is _time.tzname:
        return c[0]
    today = date.today()
    start = _time.time()
    try:
        end = datetime.combine(today + timedelta(days=1), datetime.min.time()).timestamp()
        if not (date.fromtimestamp(start) == today == date.fromtimestamp(end - 1.0)):
            end = start  # the date changed meanwhile or the zone is odd: do not cache
    except (OverflowError, OSError, ValueError):  # pragma: no cover - far-off dates
        end = start
    c[:] = [today, start, end, _time.tzname]
    return today


# -- dates, cached per reference date ------------------------------------------------------------

_DATE_CACHES: dict[date, tuple[dict, dict]] = {}
_DATE_CACHE_MAX = 50_000


def _date_caches(ref: date) -> tuple[dict, dict]:
    """(birth, expiry) caches of :func:`_date` answers for ``ref``."""
    if type(ref) is not date:
        return {}, {}  # a subclass (datetime ...): do not share cached answers
    caches = _DATE_CACHES.get(ref)
    if caches is None:
        if len(_DATE_CACHES) >= 8:
            _DATE_CACHES.clear()
        caches = _DATE_CACHES[ref] = ({}, {})
    return caches


def _cached_date(cache: dict, raw: str, kind: str, ref: date) -> tuple[date | None, str | None, bool]:
    got = cache.get(raw)
    if got is None:
        if len(cache) >= _DATE_CACHE_MAX:
            cache.clear()
        got = cache[raw] = _date(raw, kind, ref)
    return got


def _split_input(text_or_lines: object) -> tuple[list[str] | None, str | None]:
    if isinstance(text_or_lines, str):
        raw = text_or_lines.splitlines()
    elif isinstance(text_or_lines, (list, tuple)) or (
        isinstance(text_or_lines, Iterable) and not isinstance(text_or_lines, (bytes, dict))
    ):
        raw = []
        for item in text_or_lines:
            if not isinstance(item, str):
                return None, f"MRZ lines must be strings, got {type(item).__name__}"
            raw.extend(item.splitlines() or [""])
    else:
        return None, f"MRZ input must be a string or a list of lines, got {type(text_or_lines).__name__}"
    lines = [line.strip() for line in raw]
    lines = [line for line in lines if line]
    if len(lines) == 1 and len(lines[0]) in _SINGLE_LINE:
        # All lines run together (some scanners send the MRZ that way).
        width = _SINGLE_LINE[len(lines[0])]
        lines = [lines[0][i:i + width] for i in range(0, len(lines[0]), width)]
    return lines, None


def _failure(error: str, mode: str, lines: list[str] | None = None, fmt: str | None = None) -> MRZResult:
    return MRZResult(valid=False, format=fmt, fields=MRZFields(), errors=[error], lines=lines or [], mode=mode)


def parse_mrz(
    text_or_lines: str | Iterable[str],
    *,
    mode: str = "strict",
    reference_date: date | None = None,
    correct_ocr: bool = True,
) -> MRZResult:
    """Read one MRZ and check everything that can be checked. Never raises for bad input.

    ``mode="strict"`` applies the ICAO long-document-number rule only; ``"lenient"`` also accepts
    the non-standard variant of known issuers (with a warning) and reports unknown country codes
    and document codes as warnings rather than errors.  ``reference_date`` (default: today) is used
    for the century of dates and for the expiry warning.  With ``correct_ocr`` common OCR confusions
    are corrected by field type; a correction is kept only when the check digits then pass (names,
    which no check digit covers, are corrected by character type alone and flagged as unverified).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    ref = reference_date
    if not ref:
        c = _today_cache
        now = _time_time()
        ref = c[0] if c[1] <= now < c[2] and c[3] is _time.tzname else _today()
    try:
        if _fast_read is not None:
            result = _fast_read(text_or_lines, mode, ref, correct_ocr)
            if result is not None:
                return result
        return _parse(text_or_lines, mode, ref, correct_ocr)
    except Exception as exc:  # pragma: no cover - a safety net; every path above is tested
        return _failure(f"internal error while reading the MRZ: {type(exc).__name__}: {exc}", mode)


def _clean(text_or_lines: object) -> tuple[Layout, str, bytes] | None:
    """(layout, joined lines, codes) for a clean document given in the usual shape: two or three
    lines of exactly the layout's width joined by ``\\n`` (or a list of them), MRZ characters only.
    ``None`` for anything else (the general path then reads it)."""
    kind = type(text_or_lines)
    if kind is str:
        text = text_or_lines
    elif kind is list or kind is tuple:
        try:
            text = "\n".join(text_or_lines)  # type: ignore[arg-type]
        except TypeError:
            return None
    else:
        return None
    n = len(text)
    if n == 89:
        if text[44] != "\n":
            return None
        plan = _PLAN_MRVA if text[0] == "V" else _PLAN_TD3
    elif n == 73:
        if text[36] != "\n":
            return None
        plan = _PLAN_MRVB if text[0] == "V" else _PLAN_TD2
    elif n == 92:
        if text[30] != "\n" or text[61] != "\n":
            return None
        plan = _PLAN_TD1
    else:
        return None
    if not text.isascii():
        return None
    codes = text.encode("ascii").translate(CODES, b"\n")
    if len(codes) != plan.total or 255 in codes:
        return None  # another line break somewhere, or a character outside A-Z 0-9 <
    return plan.layout, text.replace("\n", ""), codes


def _parse(text_or_lines: object, mode: str, ref: date, correct_ocr: bool) -> MRZResult:
    clean = _clean(text_or_lines)
    if clean is not None:
        # Same lines, layout and joined string as the general path below, with no line errors.
        layout, s, codes = clean
        result = _evaluate(layout, s, mode, ref, codes)
        if correct_ocr:
            if result.valid:
                # _worth_correcting(layout, s, result), inlined.
                for sl in (layout.doc_number, layout.optional):
                    body = s[sl].rstrip("<")
                    if len(body) >= 2 and body[-1] in "KX" and body[-2] == "<":
                        return _corrected(layout, s, mode, ref, result)
                name = s[layout.name_field]
                first = name.find("<<")
                if first >= 0:
                    second = name.find("<<", first + 2)
                    if second >= 0 and ("K" in name[second:] or "X" in name[second:]):
                        return _corrected(layout, s, mode, ref, result)
            elif not _correction_is_noop(layout, s, result.checks):
                return _corrected(layout, s, mode, ref, result)
        return result
    lines, problem = _split_input(text_or_lines)
    if lines is None:
        return _failure(problem or "no input", mode)
    if len(lines) not in (2, 3):
        return _failure(
            f"expected 2 lines (TD2, TD3, MRV-A, MRV-B) or 3 lines (TD1), got {len(lines)}", mode, lines)
    layout = guess_layout(len(lines), max(len(line) for line in lines), lines[0][:1])
    assert layout is not None
    errors: list[str] = []
    width = layout.width
    fixed: list[str] = []
    for number, line in enumerate(lines, 1):
        if len(line) != width:
            errors.append(f"line {number}: {len(line)} characters, expected {width} for {layout.name}")
            line = line[:width].ljust(width, "<")
        if not MRZ_ALPHABET.issuperset(line):
            chars = list(line)
            for pos, ch in enumerate(line, 1):
                if ch not in MRZ_ALPHABET:
                    errors.append(f"line {number}, position {pos}: illegal character {ch!r}")
                    chars[pos - 1] = "<"
            line = "".join(chars)
        fixed.append(line)
    s = "".join(fixed)
    result = _evaluate(layout, s, mode, ref)
    if correct_ocr and (_worth_correcting(layout, s, result) if result.valid
                        else not _correction_is_noop(layout, s, result.checks)):
        result = _corrected(layout, s, mode, ref, result)
    if errors:
        result.errors[:0] = errors
        result.valid = False
    return result


def _corrected(layout: Layout, s: str, mode: str, ref: date, result: MRZResult) -> MRZResult:
    from portcullis.documents.ocr import correct

    corrected, corrections, notes = correct(layout, s, mode)
    if corrections:
        result = _evaluate(layout, corrected, mode, ref)
        result.corrections = corrections
    result.warnings.extend(notes)
    return result


def _worth_correcting(layout: Layout, s: str, result: MRZResult) -> bool:
    if not result.valid:
        return True
    # K or X alone after fillers at the end of the document number or optional data: a filler misread
    # (K is worth 20, invisible to a check digit).
    for sl in (layout.doc_number, layout.optional):
        body = s[sl].rstrip("<")
        if len(body) >= 2 and body[-1] in "KX" and body[-2] == "<":
            return True
    name = s[layout.name_field]
    first = name.find("<<")
    if first >= 0:
        second = name.find("<<", first + 2)
        if second >= 0 and ("K" in name[second:] or "X" in name[second:]):
            return True
    return False


def _filler_run_has_k_or_x(data: str) -> bool:
    """True when ``ocr._Corrector.search`` would force a K/X in the trailing filler run of
    ``data`` to ``<``: a K or X right after a ``<``, inside the trailing run of ``<``, K, X."""
    tail = data[len(data.rstrip("<KX")):]
    return "<K" in tail or "<X" in tail


def _correction_is_noop(layout: Layout, s: str, checks: dict[str, bool]) -> bool:
    """True only when ``ocr.correct(layout, s)`` is certain to return ``s`` unchanged with no
    corrections and no notes, so that calling it can be skipped.  Mirrors the corrector step by
    step and answers False (call it) whenever any step might change something.  ``checks`` are
    the check-digit results of ``_evaluate(layout, s, ...)``."""
    L = layout
    # Unchecked fields: document code, country codes, names, sex.
    if s[L.doc_code.start] in TO_LETTER:
        return False
    if code_correction(s[L.issuer]) is not None or code_correction(s[L.nationality]) is not None:
        return False  # (an unknown code with no known correction is left alone)
    name = s[L.name_field]
    for ch in TO_LETTER:
        if ch in name:
            return False
    first = name.find("<<")
    end = name.find("<<", first + 2) if first >= 0 else -1
    if end < 0:
        stripped = name.rstrip("KX")
        if len(name) - len(stripped) >= 3 and stripped.endswith("<"):
            return False
    elif "K" in name[end:] or "X" in name[end:]:
        return False
    if s[L.sex] == "K":
        return False
    # Checked fields (no long document number: that path always runs the corrector).
    number_cd = s[L.doc_number_cd]
    number = s[L.doc_number]
    token = ""
    if L.long_number and number_cd == "<" and number[-1] != "<":
        # Long document number: the corrector searches the number and its continuation with the
        # continuation's last character as check digit.  Skip it only when that check passes.
        token = s[L.optional].split("<", 1)[0]
        if len(token) < 2:
            return False
        data = number + token[:-1]
        if _filler_run_has_k_or_x(data) or token[-1] != _cd(data):
            return False
        number_ok = True
    else:
        if _filler_run_has_k_or_x(number):
            return False
        number_ok = checks["document_number"]
        if not number_ok and (number_cd in TO_DIGIT or any(ch in ALNUM_ALTERNATIVES for ch in number)):
            return False
    for sl, cdi in ((L.birth_date, L.birth_date_cd), (L.expiry_date, L.expiry_date_cd)):
        raw = s[sl] + s[cdi]
        if not raw.isdigit() and any(ch in TO_DIGIT for ch in raw):
            return False
    if L.optional_cd is not None:
        optional = s[L.optional]
        if _filler_run_has_k_or_x(optional):
            return False
        printed = s[L.optional_cd]
        if not checks["optional_data"] and (
                printed in TO_DIGIT or printed in ("K", "X") or any(ch in ALNUM_ALTERNATIVES for ch in optional)):
            return False
    # Composite: searched only when every other check digit passes.
    if L.composite_cd is not None and not checks["composite"]:
        simple_ok = number_ok and checks["birth_date"] and checks["expiry_date"] and (
            L.optional_cd is None or checks["optional_data"])
        if simple_ok:
            if s[L.composite_cd] in TO_DIGIT:
                return False
            free = _PLANS[L.name].free
            if token:  # the continuation, its check digit and the filler after it are covered too
                start = L.optional.start
                free = [i for i in free if not start <= i <= start + len(token)]
            if any(s[i] in ALNUM_ALTERNATIVES for i in free):
                return False
    return True


def _date(raw: str, kind: str, ref: date) -> tuple[date | None, str | None, bool]:
    """(date, problem, partial). ``kind`` is ``"birth"`` or ``"expiry"``."""
    if raw.isdigit():
        yy, mm, dd = int(raw[:2]), int(raw[2:4]), int(raw[4:])
        if kind == "birth":
            year = 2000 + yy
            if (year, mm, dd) > (ref.year, ref.month, ref.day):
                year -= 100
        else:
            base = ref.year - EXPIRY_PAST_YEARS
            year = base + (yy - base) % 100
        try:
            return date(year, mm, dd), None, False
        except ValueError:
            return None, f"{raw} is not a valid date", False
    if kind == "birth" and "<" in raw:
        parts = (raw[:2], raw[2:4], raw[4:])
        if all(p == "<<" or p.isdigit() for p in parts):
            if parts[1] != "<<" and not 1 <= int(parts[1]) <= 12:
                return None, f"{raw} has month {parts[1]}", True
            if parts[2] != "<<" and not 1 <= int(parts[2]) <= 31:
                return None, f"{raw} has day {parts[2]}", True
            if "<<" not in parts[1:]:
                # Year unknown, month and day known: check they can form a date (29 Feb allowed).
                try:
                    date(2000, int(parts[1]), int(parts[2]))
                except ValueError:
                    return None, f"{raw} is not a valid date", True
            return None, None, True
    return None, f"{raw!r} is not a date (YYMMDD)", False


def _name(raw: str) -> tuple[str, str, list[str]]:
    notes = []
    body = raw.rstrip("<")
    primary, sep, secondary = body.partition("<<")
    if raw.startswith("<"):
        notes.append("name field starts with a filler (no primary identifier before it)")
    if "<<" in secondary:
        notes.append("name field has more than one '<<' separator")
    return primary.replace("<", " ").strip(), secondary.replace("<", " ").strip(), notes


def _document_code_problem(layout: Layout, code: str) -> str | None:
    first = code[:1]
    second = code[1:2]
    if layout.name == "TD3":
        if first != "P":
            return f"document code {code!r}: a passport (TD3) code starts with P"
    elif layout.name in ("MRVA", "MRVB"):
        if first != "V":
            return f"document code {code!r}: a visa code starts with V"
    else:
        if first not in ("A", "C", "I"):
            return f"document code {code!r}: a {layout.name} code starts with A, C or I"
        if second == "V":
            return f"document code {code!r}: the second character may not be V"
    if second and second not in _LETTERS:
        return f"document code {code!r}: the second character must be a letter or '<'"
    return None


def _check_failed(errors: list[str], layout: Layout, label: str, index: int, printed: str, computed: str) -> None:
    line, pos = layout.where(index)
    errors.append(f"line {line}, position {pos}: {label} check digit is {printed!r}, computed {computed!r}")


_new = object.__new__
_DIGIT_IN = re.compile("[0-9]").search
_CHECK_KEYS = ("document_number", "birth_date", "expiry_date")


def _evaluate(layout: Layout, s: str, mode: str, ref: date, codes: bytes | None = None) -> MRZResult:
    """Read and check the joined lines ``s`` (exactly ``layout.total`` MRZ characters).

    ``codes`` is ``s`` translated through ``checkdigit.CODES`` when the caller already has it."""
    plan = _PLANS[layout.name]
    (doc_code_sl, issuer_sl, nationality_sl, name_sl, number_sl, number_cd_i, optional_sl,
     birth_sl, birth_cd_i, expiry_sl, expiry_cd_i, sex_i) = plan.slices
    total = plan.total
    if codes is None:
        codes = s.encode("ascii").translate(CODES)
    values = int.from_bytes(codes, "big")
    # Every position's contribution to its own field's check digit (document number, dates, TD3
    # optional data): each check digit is the sum of its field's slice, mod 10.
    weighted = (values + plan.primary).to_bytes(total, "big").translate(WEIGHTED)
    errors: list[str] = []
    warnings: list[str] = []
    strict = mode == "strict"

    # Document code and codes.
    code = s[doc_code_sl].rstrip("<")
    if code:
        msg = plan.code_problems.get(code, _MISSING)
        if msg is _MISSING:
            msg = plan.code_problems[code] = _document_code_problem(layout, code)
    else:
        msg = "document code is empty"
    if msg:
        line, pos = layout.where(doc_code_sl.start)
        (errors if strict else warnings).append(f"line {line}, position {pos}: {msg}")
    issuer = s[issuer_sl].rstrip("<")
    nationality = s[nationality_sl].rstrip("<")
    issuer_ok = issuer in COUNTRY_CODES
    nationality_ok = nationality in COUNTRY_CODES
    if not (issuer_ok and nationality_ok):
        for known, label, sl in ((issuer_ok, "issuing state", issuer_sl),
                                 (nationality_ok, "nationality", nationality_sl)):
            if not known:
                line, pos = layout.where(sl.start)
                (errors if strict else warnings).append(
                    f"line {line}, position {pos}: {label} code {s[sl]!r} is not an ISO 3166-1 alpha-3 or ICAO code")

    # Names.
    raw_name = s[name_sl]
    primary, _, secondary = raw_name.rstrip("<").partition("<<")
    surname = primary.replace("<", " ").strip()
    given = secondary.replace("<", " ").strip()
    name_ok = True
    if not surname and not given:
        name_ok = False
        line, pos = layout.where(name_sl.start)
        errors.append(f"line {line}, position {pos}: name is empty")
    if _DIGIT_IN(raw_name):  # names use A-Z and '<' only
        name_ok = False
        for i, ch in enumerate(raw_name):
            if ch not in _LETTERS and ch != "<":
                line, pos = layout.where(name_sl.start + i)
                errors.append(f"line {line}, position {pos}: {ch!r} in name (names use A-Z and '<' only)")
    if raw_name[0] == "<":
        warnings.append("name field starts with a filler (no primary identifier before it)")
    if "<<" in secondary:
        warnings.append("name field has more than one '<<' separator")
    truncated = raw_name[-1] in _LETTERS
    if truncated:
        warnings.append("name fills its field: it may have been truncated")

    # Document number, with the ICAO long-number rule for TD1 and TD2.
    number_field = s[number_sl]
    number_cd = s[number_cd_i]
    optional_raw = s[optional_sl]
    optional_used = 0
    if number_cd == "<" and layout.long_number and number_field[-1] != "<" and optional_raw[0] != "<":
        token = optional_raw.split("<", 1)[0]
        optional_used = min(len(token) + 1, len(optional_raw))
        if len(token) >= 2:
            continuation, printed = token[:-1], token[-1]
            number = number_field + continuation
            cd_index = optional_sl.start + len(token) - 1
            computed = _cd(number)
            number_ok = printed == computed
            if not number_ok:
                variant = _cd(number_field + "<" + continuation)
                if printed == variant:
                    if not strict and issuer in NONSTANDARD_LONG_NUMBER_ISSUERS:
                        number_ok = True
                        warnings.append(
                            f"document number check digit follows the non-standard {issuer} variant "
                            "(computed including the filler at the check-digit position); accepted in lenient mode")
                    else:
                        line, pos = layout.where(cd_index)
                        errors.append(
                            f"line {line}, position {pos}: long document number check digit is {printed!r}, "
                            f"ICAO rule gives {computed!r} ({printed!r} only if the filler is included, "
                            f"a non-standard variant" + (", accepted in lenient mode)" if issuer in NONSTANDARD_LONG_NUMBER_ISSUERS else ")"))
                else:
                    _check_failed(errors, layout, "long document number", cd_index, printed, computed)
        else:
            number = number_field
            number_ok = False
            line, pos = layout.where(number_cd_i)
            errors.append(f"line {line}, position {pos}: document number check digit is '<' "
                          "but no long-number continuation follows")
    else:
        number = number_field.rstrip("<")
        computed = _DIGIT_STR[sum(weighted[number_sl]) % 10]
        number_ok = number_cd == computed
        if not number_ok:
            _check_failed(errors, layout, "document number", number_cd_i, number_cd, computed)
    if not number:
        line, pos = layout.where(number_sl.start)
        errors.append(f"line {line}, position {pos}: document number is empty")

    # Dates.
    caches = _DATE_CACHES.get(ref) if type(ref) is date else None
    if caches is None:
        caches = _date_caches(ref)
    birth_raw = s[birth_sl]
    printed = s[birth_cd_i]
    computed = _DIGIT_STR[sum(weighted[birth_sl]) % 10]
    birth_check = printed == computed
    if not birth_check:
        _check_failed(errors, layout, "date of birth", birth_cd_i, printed, computed)
    got = caches[0].get(birth_raw)
    birth, bad, partial = got if got is not None else _cached_date(caches[0], birth_raw, "birth", ref)
    if bad:
        line, pos = layout.where(birth_sl.start)
        errors.append(f"line {line}, position {pos}: date of birth: {bad}")
    elif partial:
        warnings.append(f"date of birth is only partly known ({birth_raw})")
    birth_ok = birth_check and not bad
    expiry_raw = s[expiry_sl]
    printed = s[expiry_cd_i]
    computed = _DIGIT_STR[sum(weighted[expiry_sl]) % 10]
    expiry_check = printed == computed
    if not expiry_check:
        _check_failed(errors, layout, "expiry date", expiry_cd_i, printed, computed)
    got = caches[1].get(expiry_raw)
    expiry, bad, partial = got if got is not None else _cached_date(caches[1], expiry_raw, "expiry", ref)
    if bad:
        line, pos = layout.where(expiry_sl.start)
        errors.append(f"line {line}, position {pos}: expiry date: {bad}")
    elif partial:
        warnings.append(f"expiry date is only partly known ({expiry_raw})")
    expiry_ok = expiry_check and not bad
    if expiry is not None:
        if expiry < ref:
            warnings.append(f"document expired on {expiry.isoformat()}")
        if birth is not None and expiry <= birth:
            warnings.append("expiry date is not after the date of birth")

    # Sex.
    sex = s[sex_i]
    sex_ok = True
    if sex == "<":
        sex = None
    elif sex == "X":
        warnings.append("sex is 'X': ICAO 9303 uses '<' in the MRZ for unspecified sex")
    elif sex != "M" and sex != "F":
        line, pos = layout.where(sex_i)
        errors.append(f"line {line}, position {pos}: sex {sex!r} is not M, F or '<'")
        sex = None
        sex_ok = False

    # Optional data and its check digit (TD3), composite.
    optional = optional_raw[optional_used:].rstrip("<")
    optional_ok = True
    checks = {"document_number": number_ok, "birth_date": birth_check, "expiry_date": expiry_check}
    if plan.has_optional_cd:
        printed = s[layout.optional_cd]
        if optional_raw.strip("<") == "":
            optional_ok = printed in ("<", "0")
            computed = "0"
        else:
            computed = _DIGIT_STR[sum(weighted[optional_sl]) % 10]
            optional_ok = printed == computed
        checks["optional_data"] = optional_ok
        if not optional_ok:
            _check_failed(errors, layout, "optional data (personal number)", layout.optional_cd, printed, computed)
    optional_2 = s[layout.optional_2].rstrip("<") if layout.optional_2 is not None else None
    if plan.has_composite:
        printed = s[layout.composite_cd]
        computed = _DIGIT_STR[sum((values + plan.composite).to_bytes(total, "big").translate(WEIGHTED)) % 10]
        composite_ok = printed == computed
        checks["composite"] = composite_ok
        if not composite_ok:
            _check_failed(errors, layout, "composite", layout.composite_cd, printed, computed)
        if not plan.has_optional_cd:
            optional_ok = composite_ok

    fields = MRZFields(code, issuer, surname, given, number, nationality, birth, birth_raw, sex, expiry,
                       expiry_raw, optional, optional_2, truncated)
    # MRZResult(...) field by field, without the dataclass __init__ (the same attributes).
    result = _new(MRZResult)
    result.valid = not errors
    result.format = plan.name
    result.fields = fields
    result.checks = checks
    result.warnings = warnings
    result.errors = errors
    result.corrections = []
    result.field_validity = {
        "document_code": msg is None, "issuing_state": issuer_ok, "nationality": nationality_ok,
        "names": name_ok, "document_number": number_ok and bool(number), "birth_date": birth_ok,
        "expiry_date": expiry_ok, "sex": sex_ok, "optional_data": optional_ok,
    }
    w = plan.width
    result.lines = [s[:w], s[w:]] if plan.two_lines else [s[:w], s[w:2 * w], s[2 * w:]]
    result.mode = mode
    return result
