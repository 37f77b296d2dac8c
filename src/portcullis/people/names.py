"""Names in any script: script detection, Latin transliteration and search keys."""

from __future__ import annotations

import re
import unicodedata

import jellyfish
from anyascii import anyascii

from portcullis.screening import tokens

_SCRIPT_PREFIXES = (
    ("LATIN", "Latin"), ("CYRILLIC", "Cyrillic"), ("ARABIC", "Arabic"), ("CJK", "Han"),
    ("HIRAGANA", "Japanese"), ("KATAKANA", "Japanese"), ("HANGUL", "Hangul"), ("DEVANAGARI", "Devanagari"),
    ("GREEK", "Greek"), ("HEBREW", "Hebrew"), ("THAI", "Thai"), ("BENGALI", "Bengali"), ("GEORGIAN", "Georgian"),
    ("ARMENIAN", "Armenian"), ("ETHIOPIC", "Ethiopic"), ("TAMIL", "Tamil"), ("GURMUKHI", "Gurmukhi"),
)


def detect_script(text: str) -> str:
    """The script most letters of ``text`` are written in (Latin, Arabic, Cyrillic, Han, ...)."""
    counts: dict[str, int] = {}
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for prefix, script in _SCRIPT_PREFIXES:
            if name.startswith(prefix):
                counts[script] = counts.get(script, 0) + 1
                break
        else:
            counts["Other"] = counts.get("Other", 0) + 1
    return max(counts, key=counts.get) if counts else ""


# Scripts whose letter-by-letter transliteration loses vowels: known given names take their usual spelling.
_VOWELLESS = {"Arabic", "Hebrew", "Devanagari"}


def to_latin(text: str) -> str:
    """A readable Latin transliteration, keeping Latin diacritics (José stays José).

    Given names in the screening engine's equivalence classes take the class's usual Latin
    spelling (محمد -> Muhammad); the Arabic article is written al- (الحسن -> Al-Hsn); other
    words are transliterated letter by letter (anyascii), which for abjads leaves out the
    short vowels the script does not write.
    """
    text = unicodedata.normalize("NFC", text.strip())
    script = detect_script(text)
    if script in ("Latin", ""):
        return text
    words = []
    for word in text.split():
        prefix = ""
        if script == "Arabic" and word.startswith("ال") and len(word) > 2:
            prefix, word = "Al-", word[2:]
        toks = [t for t in tokens(word) if t.kind in ("n", "p")]
        if len(toks) == 1 and toks[0].canon and script in _VOWELLESS:
            latin = toks[0].canon
        else:
            latin = anyascii(word)
            # anyascii renders CJK syllables run together with capitals; space them.
            latin = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", latin)
        words.append(prefix + " ".join(part.capitalize() for part in latin.split()))
    return " ".join(words)


def name_keys(*names: str) -> set[str]:
    """Search keys for fuzzy retrieval, from the screening engine's tokens (so the same
    transliteration and given-name equivalence classes serve search, resolution and screening):
    each name part's equivalence class or folded spelling, its consonant skeleton (Arabic and
    Latin spellings of one name share it) and its Metaphone code (typos)."""
    keys: set[str] = set()
    for name in names:
        for tok in tokens(name):
            if tok.kind != "n" or len(tok.text) < 2:
                continue
            keys.add(("c:" + tok.canon if tok.canon else "f:" + tok.fold)[:60])
            if len(tok.skel) >= 2:
                keys.add(("s:" + tok.skel)[:60])
            code = jellyfish.metaphone(tok.text)
            if code:
                keys.add(("m:" + code)[:60])
    return keys


def normalise_document_number(number: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (number or "").upper())
