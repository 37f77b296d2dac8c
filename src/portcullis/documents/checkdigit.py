"""ICAO Doc 9303 Part 3 section 4.9 check digit: weights 7, 3, 1 repeating, modulus 10.

Values: ``0``-``9`` are themselves, ``A``-``Z`` are 10-35, the filler ``<`` is 0.
"""

from __future__ import annotations

import string

MRZ_ALPHABET = frozenset(string.ascii_uppercase + string.digits + "<")

VALUES: dict[str, int] = {"<": 0}
VALUES.update({d: i for i, d in enumerate(string.digits)})
VALUES.update({c: i + 10 for i, c in enumerate(string.ascii_uppercase)})
_DIGITS = string.digits


_TRANSLATE = bytes(VALUES.get(chr(i), 255) for i in range(256))


def weighted_sum(text: str) -> int:
    """Sum of values times 7, 3, 1 for a string of MRZ characters (others give a meaningless sum)."""
    b = text.encode("latin-1", "replace").translate(_TRANSLATE)
    return 7 * sum(b[0::3]) + 3 * sum(b[1::3]) + sum(b[2::3])


def check_digit(text: str) -> str:
    """The check digit (``"0"``-``"9"``) for ``text``.

    >>> check_digit("520727")
    '3'
    >>> check_digit("AB2134<<<")
    '5'

    Raises ``ValueError`` for an empty string or a character outside ``A-Z 0-9 <``.
    """
    if not isinstance(text, str) or not text:
        raise ValueError("check_digit needs a non-empty string of MRZ characters")
    if not MRZ_ALPHABET.issuperset(text):
        bad = next(ch for ch in text if ch not in MRZ_ALPHABET)
        raise ValueError(f"not an MRZ character: {bad!r}")
    return _DIGITS[weighted_sum(text) % 10]


def _cd(text: str) -> str:
    """Unchecked fast path for internal use (input already restricted to MRZ characters)."""
    return _DIGITS[weighted_sum(text) % 10]


# -- Many check digits of one MRZ at once (used by the parser) -----------------------------------
#
# ``CODES`` maps an MRZ character to a code: 0-9 for digits, 10-35 for letters, 36 for the filler
# and 255 for anything else (so ``255 in codes`` finds an illegal character).  A code plus
# ``37 * k`` indexes ``WEIGHTED``, which holds value x weight mod 10 with weight 7, 3, 1 for k = 0,
# 1, 2 and 0 for k = 3.  Adding a per-layout offset (one byte per position, through integer
# addition with no carries since every byte stays below 256) and translating gives, for every
# position at once, its contribution to a check digit; a check digit is then ``sum(slice) % 10``.

CODES = bytes(
    36 if ch == "<" else (VALUES[ch] if ch in VALUES else 255)
    for ch in map(chr, range(256))
)
WEIGHTED = bytes(
    ((i % 37 if i % 37 < 36 else 0) * (7, 3, 1, 0)[i // 37]) % 10 if i < 4 * 37 else 0
    for i in range(256)
)
ZERO_WEIGHT = 3


def weight_offsets(total: int, groups: list[list[tuple[int, int]]]) -> int:
    """The integer to add to ``int.from_bytes(codes, "big")`` (``total`` bytes) so that within each
    group of spans (concatenated, weights restarting at the group's first position) positions get
    weights 7, 3, 1 repeating, and positions in no group get 0.  Groups must not overlap."""
    k = [ZERO_WEIGHT] * total
    for spans in groups:
        n = 0
        for start, stop in spans:
            for i in range(start, stop):
                k[i] = n % 3
                n += 1
    return int.from_bytes(bytes(37 * x for x in k), "big")
