"""Names in MRZ characters (ICAO Doc 9303 Part 3 sections 4.6 and 6).

Latin letters with diacritics follow Part 3's recommended transliterations (Ä -> AE, Å -> AA,
Ö/Ø -> OE, Ü -> UE, ß -> SS, Þ -> TH, Æ -> AE, Œ -> OE, other accents dropped); Cyrillic follows the
ICAO table; other scripts fall back to ``anyascii`` (e.g. Greek, Arabic, Han).  Apostrophes are
removed and the parts joined (O'CONNOR -> OCONNOR); hyphens, spaces and commas become ``<``; other
punctuation is dropped.
"""

from __future__ import annotations

import re
import unicodedata

LATIN = {
    "Ä": "AE", "Å": "AA", "Æ": "AE", "Ö": "OE", "Ø": "OE", "Ü": "UE", "Œ": "OE", "ß": "SS",
    "Þ": "TH", "Ð": "D", "Đ": "D", "Ħ": "H", "Ĳ": "IJ", "Ŀ": "L", "Ł": "L", "Ŋ": "N", "Ŧ": "T",
    "ı": "I", "ĸ": "K", "ŉ": "N",
}

CYRILLIC = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Е": "E", "Ё": "E", "Ж": "ZH", "З": "Z",
    "И": "I", "Й": "I", "К": "K", "Л": "L", "М": "M", "Н": "N", "О": "O", "П": "P", "Р": "R",
    "С": "S", "Т": "T", "У": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Ш": "SH",
    "Щ": "SHCH", "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA",
    # Other Slavic Cyrillic letters in the ICAO table.
    "Ђ": "D", "Ѓ": "G", "Є": "IE", "Ѕ": "DZ", "І": "I", "Ї": "I", "Ј": "J", "Љ": "LJ", "Њ": "NJ",
    "Ћ": "C", "Ќ": "K", "Ў": "U", "Џ": "DZ", "Ґ": "G",
}

_TABLE = {**LATIN, **CYRILLIC}
_TABLE.update({k.lower(): v for k, v in list(_TABLE.items()) if k.lower() != k})
_ALLOWED = re.compile(r"[^A-Z<]")


def _ascii(ch: str) -> str:
    if ch in _TABLE:
        return _TABLE[ch]
    if ch.isascii():
        return ch
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base.isascii():
        return base
    if base and base[0] in _TABLE:
        return _TABLE[base[0]]
    try:
        from anyascii import anyascii
    except ImportError:  # pragma: no cover - anyascii is a declared dependency
        return ""
    return anyascii(ch)


def mrz_name(text: str) -> str:
    """One name (or several words of one identifier) in MRZ characters.

    >>> mrz_name("Smith-Jones")
    'SMITH<JONES'
    >>> mrz_name("O'Connor")
    'OCONNOR'
    >>> mrz_name("Müller")
    'MUELLER'
    >>> mrz_name("Иванова")
    'IVANOVA'
    """
    text = unicodedata.normalize("NFC", text or "")
    out = []
    for ch in text:
        if ch in "'’‘`´ʼ":
            continue
        if ch in "-‐‑–— ,\t.":
            out.append(" " if ch == "." else "<")
            continue
        out.append(_ascii(ch))
    joined = _ALLOWED.sub("", "".join(out).upper().replace(" ", "<"))
    return re.sub(r"<+", "<", joined).strip("<")


def name_field(surname: str, given_names: str, width: int) -> tuple[str, bool]:
    """The MRZ name field (primary ``<<`` secondary, filled to ``width``) and whether it was cut."""
    primary = mrz_name(surname)
    secondary = mrz_name(given_names)
    full = f"{primary}<<{secondary}" if secondary else primary
    truncated = len(full) > width
    if truncated:
        full = full[:width]
        if full.endswith("<"):
            full = full.rstrip("<")
    return full.ljust(width, "<"), truncated
