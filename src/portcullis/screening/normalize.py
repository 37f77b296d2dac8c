"""Name normalisation: Unicode folding, transliteration, tokens and comparison keys.

A name is turned into a tuple of :class:`Tok` records.  Every token carries

* ``text``  - the ASCII form (NFKC, case folded, diacritics removed, transliterated),
* ``fold``  - a romanisation-insensitive key (kh/h, sch/sh/zh, dzh/dsch/dj/j, w/v, y/i, c/k, doubled
  letters ...),
* ``skel``  - a consonant skeleton, used to compare names written in scripts that do not
  write short vowels (Arabic, Hebrew, the Indic scripts) with their Latin spellings,
* ``canon`` - the equivalence class of the token (``data/given_names.json``) or ``""``,
* ``script`` - ``L`` (Latin or an alphabet), ``A`` (abjad / abugida), ``K`` (Hangul), ``H`` (Han),
* ``kind`` - ``n`` ordinary name part, ``p`` particle (al, bin, van, de ...), ``t`` title, ``i`` initial.

Transliteration uses ``anyascii`` (ISC licence) for every script, with two local refinements:
Han and Hangul characters are romanised one syllable at a time and become separate tokens
(so 习近平 gives ``xi jin ping`` and 김정은 gives ``gim jeong eun``), and Hangul romanisation is
compared through a Korean fold that bridges Revised and McCune-Reischauer spellings.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from anyascii import anyascii


class Tok(NamedTuple):
    text: str
    fold: str
    skel: str
    canon: str
    script: str
    kind: str


PARTICLES = frozenset(
    "al el ul ur ud bin ibn ben bint binti bn abu van von der den de da di du del della dos das do la le "
    "y e ter ten".split()
)
TITLES = frozenset(
    "mr mrs ms miss dr prof sir lord lady sheikh shaikh sheik shaykh haji hajji hadji mullah mulla maulvi "
    "maulana qari mufti imam sayyed general gen col colonel capt captain major lt sgt jr sr ii iii iv "
    "llc ltd inc".split()
)

_SPLIT = re.compile(r"[^0-9a-z]+")
_DIGRAPH = re.compile(r"dsch|dzh|dj|tsch|sch|tch|zh|sh|ch|kh|gh|ph|th|dh|ck|tz|ts|ou|oo|ee|ey|iy|ij|[wyqcx]")
_DIGRAPH_MAP = {
    "dsch": "j", "dzh": "j", "dj": "j",  # Dzhamal / Dschamal / Djamal / Jamal
    "tsch": "C", "sch": "S", "tch": "C", "zh": "S", "sh": "S", "ch": "C", "kh": "h", "gh": "g",
    "ph": "f", "th": "t", "dh": "d", "ck": "k", "tz": "z", "ts": "z", "ou": "u", "oo": "u",
    "ee": "i", "ey": "i", "iy": "i", "ij": "i", "w": "v", "y": "i", "q": "k", "c": "k", "x": "ks",
}
_KO_RE = re.compile(r"eo|eu|ae|oe|ee|oo|ch|[gdbrj]")
_KO_MAP = {"eo": "o", "eu": "u", "ae": "e", "oe": "e", "ee": "i", "oo": "u", "ch": "c",
           "g": "k", "d": "t", "b": "p", "r": "l", "j": "c"}
_VOWELS = re.compile(r"[aeiouv]")


def _load_classes() -> dict[str, str]:
    raw = resources.files("portcullis.screening").joinpath("data/given_names.json").read_text("utf-8")
    table: dict[str, str] = {}
    for members in json.loads(raw)["classes"]:
        label = members[0]
        for m in members:
            key = _basic_fold(m)
            table.setdefault(key, label)
            table.setdefault(key.replace(" ", ""), label)
            table.setdefault(_ascii(key).replace(" ", ""), label)
    return table


def _basic_fold(s: str) -> str:
    """NFKC, case fold and strip combining marks (keeps the script)."""
    s = unicodedata.normalize("NFKC", s).casefold()
    if s.isascii():
        return s
    d = unicodedata.normalize("NFD", s)
    return unicodedata.normalize("NFC", "".join(c for c in d if not unicodedata.combining(c)))


def _ascii(s: str) -> str:
    return anyascii(s).lower()


def _collapse(s: str) -> str:
    out = []
    prev = ""
    for ch in s:
        if ch != prev:
            out.append(ch)
        prev = ch
    return "".join(out)


@lru_cache(maxsize=500_000)
def fold_key(tok: str) -> str:
    """Romanisation-insensitive key of an ASCII token (Mukhammed / Muhammed, Jewgeni / Yevgeny)."""
    s = _DIGRAPH.sub(lambda m: _DIGRAPH_MAP[m.group(0)], tok)
    s = _collapse(s)
    if len(s) > 3 and s.endswith("h"):
        s = s[:-1]
    return s


_CH_AS_KH = re.compile(r"(?<!s)ch")


@lru_cache(maxsize=500_000)
def alt_fold(tok: str) -> str:
    """The fold of an ASCII token reading ``ch`` as in German, Polish or Czech (Х: Chalid /
    Khalid, Loucharych / Louharykh); ``""`` when that changes nothing."""
    if "ch" not in tok:
        return ""
    alt = fold_key(_CH_AS_KH.sub("kh", tok))
    return alt if alt != fold_key(tok) else ""


@lru_cache(maxsize=500_000)
def korean_key(tok: str) -> str:
    return _collapse(_KO_RE.sub(lambda m: _KO_MAP[m.group(0)], tok))


def skeleton(fold: str) -> str:
    s = _VOWELS.sub("", fold)
    return s or fold


def _script_of(ch: str) -> str:
    o = ord(ch)
    if 0x0590 <= o <= 0x08FF or 0xFB1D <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF:
        return "A"  # Hebrew, Arabic, Syriac, Thaana
    if 0x0900 <= o <= 0x0DFF:
        return "A"  # Devanagari, Bengali, Gurmukhi, ... (inherent vowels dropped by anyascii)
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "K"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FFFF or 0xF900 <= o <= 0xFAFF:
        return "H"
    return "L"


def _split_native(s: str) -> list[tuple[str, str]]:
    """Split a folded (non-ASCII) string into native words with their script class.

    Han and Hangul characters each become a word of their own (one syllable)."""
    words: list[tuple[str, str]] = []
    cur: list[str] = []
    cur_script = "L"

    def flush() -> None:
        if cur:
            words.append(("".join(cur), cur_script))
            cur.clear()

    for ch in s:
        if ch.isalnum():
            sc = _script_of(ch)
            if sc in "KH":
                flush()
                words.append((ch, sc))
                cur_script = "L"
                continue
            if cur and sc != cur_script:
                flush()
            cur_script = sc
            cur.append(ch)
        else:
            flush()
    flush()
    return words


_CLASSES: dict[str, str] | None = None


def classes() -> dict[str, str]:
    global _CLASSES
    if _CLASSES is None:
        _CLASSES = _load_classes()
    return _CLASSES


def fold_text(s: str) -> str:
    """Case-folded ASCII form of any string (for display, hashing and simple comparisons)."""
    return " ".join(t.text for t in tokens(s))


@lru_cache(maxsize=400_000)
def _word(native: str, text: str, sc: str) -> tuple[str, str, str, str, str]:
    table = classes()
    canon = table.get(native) or table.get(text, "")
    fold = korean_key(text) if sc == "K" else fold_key(text)
    return text, fold, skeleton(fold), canon, sc


_ARABIC_ARTICLE = "\u0627\u0644"


@lru_cache(maxsize=50_000)
def _native_words(word: str) -> tuple[tuple[str, str, str], ...]:
    out = []
    for w, sc in _split_native(word):
        if sc == "A" and w.startswith(_ARABIC_ARTICLE) and len(w) > 3 and w[2] != "\u0644" and w not in classes():
            # The Arabic article is written joined to the name (الحسن); in Latin it is a
            # separate particle (Al-Hassan), so split it off the same way.
            out.append((_ARABIC_ARTICLE, "al", sc))
            w = w[len(_ARABIC_ARTICLE):]
        elif w == _ARABIC_ARTICLE:  # آل written apart (Al Saud)
            out.append((w, "al", sc))
            continue
        # anyascii writes ayn and hamza as ` and ' (سعيد -> s`yd): letters of the word, not breaks
        asc = _ascii(w).replace("`", "").replace("'", "")
        for part in _SPLIT.split(asc):
            if part:
                out.append((w, part, sc))
    return tuple(out)


@lru_cache(maxsize=100_000)
def tokens(name: str) -> tuple[Tok, ...]:
    """Tokenise one name into comparison tokens (see module docstring)."""
    base = _basic_fold(name)
    raw: list[tuple[str, str, str]] = []  # (native, ascii, script)
    if base.isascii():
        for part in _SPLIT.split(base):
            if part:
                raw.append((part, part, "L"))
    else:
        for chunk in base.split():
            if chunk.isascii():
                raw.extend((p, p, "L") for p in _SPLIT.split(chunk) if p)
            else:
                raw.extend(_native_words(chunk))
    n = len(raw)
    out: list[Tok] = []
    for i, (native, text, sc) in enumerate(raw):
        text, fold, skel, canon, sc = _word(native, text, sc)
        if len(text) == 1 and sc == "L" and native.isascii() and text.isalpha():
            kind = "i"
        elif text in TITLES and n > 2 and native.isascii():  # عمر is Omar, not "Mr"
            kind = "t"
        elif text in PARTICLES and i < n - 1 and (i > 0 or text in ("al", "el", "abu")):
            kind = "p"
        else:
            kind = "n"
        out.append(Tok(text, fold, skel, canon, sc, kind))
    return tuple(out)


def norm_doc(number: str) -> str:
    """Normalise a document number: upper case, letters and digits only, O/0 kept distinct."""
    return "".join(c for c in unicodedata.normalize("NFKC", number).upper() if c.isalnum())


def norm_country(value: str) -> str:
    return _basic_fold(value).strip()
