"""Building an MRZ from its fields, in any of the five formats."""

from __future__ import annotations

import re
from datetime import date

from portcullis.documents.checkdigit import _cd
from portcullis.documents.layouts import layout_for
from portcullis.documents.names import name_field

_DEFAULT_CODES = {"TD1": "I", "TD2": "I", "TD3": "P", "MRVA": "V", "MRVB": "V"}
_MRZ_TEXT = re.compile(r"^[A-Z0-9<]*$")


def _text(value: str | None, label: str) -> str:
    text = (value or "").upper().replace(" ", "<")
    if not _MRZ_TEXT.match(text):
        raise ValueError(f"{label} {value!r} has characters outside A-Z, 0-9 and '<'")
    return text


def _code(value: str | None, label: str) -> str:
    code = _text(value, label).rstrip("<")
    if not 1 <= len(code) <= 3:
        raise ValueError(f"{label} must be 1-3 characters, got {value!r}")
    return code.ljust(3, "<")


def _date(value: date | str | None, label: str, partial_ok: bool) -> str:
    if value is None or value == "":
        if partial_ok:
            return "<<<<<<"
        raise ValueError(f"{label} is required")
    if isinstance(value, date):
        return value.strftime("%y%m%d")
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if m:
        year, month, day = m.groups()
        if day and month:
            date(int(year), int(month), int(day))  # raises ValueError if impossible
        elif not partial_ok:
            raise ValueError(f"{label} must be a full date, got {value!r}")
        return year[2:] + (month or "<<") + (day or "<<")
    if re.fullmatch(r"[0-9<]{6}", text) and (partial_ok or text.isdigit()):
        return text
    raise ValueError(f"{label} must be a date, 'YYYY', 'YYYY-MM' or YYMMDD, got {value!r}")


def _fit(text: str, width: int, label: str) -> str:
    if len(text) > width:
        raise ValueError(f"{label} is {len(text)} characters; the field holds {width}")
    return text.ljust(width, "<")


def generate_mrz(
    *,
    format: str = "TD3",
    document_code: str | None = None,
    issuing_state: str,
    surname: str,
    given_names: str = "",
    document_number: str,
    nationality: str,
    birth_date: date | str | None,
    sex: str | None,
    expiry_date: date | str,
    optional_data: str = "",
    optional_data_2: str = "",
) -> str:
    """The MRZ lines, joined by ``"\\n"``. Raises ``ValueError`` for a field that cannot be encoded.

    Names are transliterated (see :func:`portcullis.documents.names.mrz_name`) and truncated to the
    field if needed.  ``birth_date`` may be partial: ``"1980"``, ``"1980-05"`` or ``None``.
    ``sex`` is ``"M"``, ``"F"`` or unspecified (``None``, ``""``, ``"<"`` or ``"X"``, all written ``<``).
    A TD1/TD2 document number longer than nine characters follows the ICAO rule: nine characters,
    ``<`` in the check-digit position, then the rest, its check digit and ``<`` at the start of the
    optional data.  ``optional_data_2`` is the second optional field of a TD1 (line 2).
    """
    layout = layout_for(format)
    w = layout.width
    code = _text(document_code or _DEFAULT_CODES[layout.name], "document_code")
    if not 1 <= len(code.rstrip("<")) <= 2:
        raise ValueError(f"document_code must be 1-2 characters, got {document_code!r}")
    code = code.ljust(2, "<")
    issuer = _code(issuing_state, "issuing_state")
    nat = _code(nationality, "nationality")
    number = _text(document_number, "document_number").rstrip("<")
    if not number or "<" in number:
        raise ValueError(f"document_number must be letters and digits, got {document_number!r}")
    dob = _date(birth_date, "birth_date", True)
    exp = _date(expiry_date, "expiry_date", False)
    sex_char = (sex or "<").upper()
    if sex_char == "X":
        sex_char = "<"
    if sex_char not in ("M", "F", "<"):
        raise ValueError(f"sex must be M, F or unspecified, got {sex!r}")
    optional = _text(optional_data, "optional_data")
    optional_2 = _text(optional_data_2, "optional_data_2")
    if optional_2 and layout.optional_2 is None:
        raise ValueError(f"optional_data_2 exists only in TD1, not {layout.name}")

    opt_width = layout.optional.stop - layout.optional.start
    if len(number) > 9:
        if not layout.long_number:
            raise ValueError(f"{layout.name} document numbers are at most 9 characters, got {len(number)}")
        rest = number[9:]
        if len(rest) + 2 > opt_width:
            raise ValueError(f"document number {number!r} is too long for {layout.name}")
        number_part = number[:9] + "<"
        optional = rest + _cd(number) + "<" + optional
        if len(optional) > opt_width:
            raise ValueError(f"optional_data does not fit after the long document number")
    else:
        number_part = number.ljust(9, "<") + _cd(number.ljust(9, "<"))
    optional = _fit(optional, opt_width, "optional_data")
    names, _ = name_field(surname, given_names, layout.name_field.stop - layout.name_field.start)

    chars = ["<"] * layout.total

    def put(start: int, text: str) -> None:
        chars[start:start + len(text)] = text

    put(layout.doc_code.start, code)
    put(layout.issuer.start, issuer)
    put(layout.name_field.start, names)
    put(layout.doc_number.start, number_part)
    put(layout.nationality.start, nat)
    put(layout.birth_date.start, dob + _cd(dob))
    put(layout.sex, sex_char)
    put(layout.expiry_date.start, exp + _cd(exp))
    put(layout.optional.start, optional)
    if layout.optional_cd is not None:
        put(layout.optional_cd, "<" if optional.strip("<") == "" else _cd(optional))
    if layout.optional_2 is not None:
        put(layout.optional_2.start, _fit(optional_2, layout.optional_2.stop - layout.optional_2.start,
                                          "optional_data_2"))
    if layout.composite_cd is not None:
        s = "".join(chars)
        put(layout.composite_cd, _cd("".join(s[sl] for sl in layout.composite)))
    s = "".join(chars)
    return "\n".join(s[i:i + w] for i in range(0, layout.total, w))
