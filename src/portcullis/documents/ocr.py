"""Field-type-aware correction of common OCR confusions in an MRZ.

* Numeric positions (dates, check digits): a letter that OCR commonly reads for a digit is
  replaced (O/Q/D->0, I/L->1, Z->2, S->5, G->6, B->8).
* Alphanumeric positions covered by a check digit (document number, optional data): each
  confusable character (O<->0, I<->1, Z<->2, S<->5, B<->8, G<->6, K or X read for '<') is a
  candidate; the smallest set of changes that makes the check digit pass is kept, and only when it
  is the only such set.
* When the format has a composite check digit, corrections are kept only if the composite then
  passes too; otherwise every correction to checked fields is dropped.
* Names and country codes have no check digit: digits in names become letters, K/X after the
  end of the secondary identifier become fillers, and a code is corrected only when the result
  is a known code.  These corrections are reported as unverified.
"""

from __future__ import annotations

from itertools import combinations

from portcullis.documents.checkdigit import VALUES, _cd
from portcullis.documents.codes import COUNTRY_CODES
from portcullis.documents.layouts import Layout

TO_DIGIT = {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "G": "6", "B": "8"}
TO_LETTER = {"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B"}
ALNUM_ALTERNATIVES = {
    "O": "0", "0": "O", "I": "1", "1": "I", "Z": "2", "2": "Z", "S": "5", "5": "S",
    "B": "8", "8": "B", "G": "6", "6": "G", "K": "<", "X": "<",
}
DIGITS = "0123456789"
MAX_SWAPS = 2  # more swaps let a wrong reading pass a mod-10 check too easily


def _valid_date(raw: str, partial_ok: bool) -> bool:
    parts = (raw[:2], raw[2:4], raw[4:])
    for i, p in enumerate(parts):
        if p == "<<" and partial_ok:
            continue
        if not p.isdigit():
            return False
        if i == 1 and not 1 <= int(p) <= 12:
            return False
        if i == 2 and not 1 <= int(p) <= 31:
            return False
    return True


def code_correction(raw: str) -> str | None:
    """The known country code that an unknown ``raw`` code (three MRZ characters) was probably
    misread from, or ``None`` to leave ``raw`` as it is (known already, or no known correction)."""
    if raw.rstrip("<") in COUNTRY_CODES:
        return None
    candidate = "".join(TO_LETTER.get(ch, ch) for ch in raw)
    # Fillers after a one-letter code (D<<) read as K or X.
    if candidate[0] in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" and set(candidate[1:]) <= {"K", "X", "<"}:
        short = candidate[0] + "<" * (len(candidate) - 1)
        if short.rstrip("<") in COUNTRY_CODES and candidate.rstrip("<") not in COUNTRY_CODES:
            candidate = short
    if candidate != raw and candidate.rstrip("<") in COUNTRY_CODES:
        return candidate
    return None


class _Digit:
    """``digit(values)`` = the check digit of ``data`` (positions into ``chars``) with the changes
    ``values`` (position -> character; positions outside ``data`` are ignored) applied: the same as
    ``_cd("".join(values.get(i, chars[i]) for i in data))`` without building the string (the
    weighted sum of the unchanged characters is computed once).  ``chars`` must not change while
    it is in use."""

    __slots__ = ("chars", "weight", "base")

    def __init__(self, chars: list[str], data: list[int]) -> None:
        self.chars = chars
        self.weight = {i: (7, 3, 1)[n % 3] for n, i in enumerate(data)}
        self.base = sum(_value(chars[i], 255) * w for i, w in self.weight.items())

    def delta(self, i: int, new: str) -> int:
        """How much changing position ``i`` to ``new`` adds to the weighted sum."""
        w = self.weight.get(i)
        return 0 if w is None else (_value(new, 255) - _value(self.chars[i], 255)) * w

    def sum(self, values: dict[int, str]) -> int:
        total = self.base
        for i, new in values.items():
            total += self.delta(i, new)
        return total

    def __call__(self, values: dict[int, str]) -> str:
        return DIGITS[self.sum(values) % 10]


_value = VALUES.get  # 255 for anything else, as checkdigit.weighted_sum


class _Corrector:
    def __init__(self, layout: Layout, s: str) -> None:
        self.layout = layout
        self.chars = list(s)
        self.corrections: list[dict] = []
        self.notes: list[str] = []

    def record(self, index: int, new: str, field: str, verified: bool) -> None:
        line, pos = self.layout.where(index)
        self.corrections.append({"field": field, "line": line, "position": pos,
                                 "from": self.chars[index], "to": new, "verified": verified})
        self.chars[index] = new

    def revert(self, start: int, stop: int) -> int:
        dropped = self.corrections[start:stop]
        for corr in reversed(dropped):
            index = (corr["line"] - 1) * self.layout.width + corr["position"] - 1
            self.chars[index] = corr["from"]
        del self.corrections[start:stop]
        return len(dropped)

    # -- fields without check digits ------------------------------------------------------
    def names(self) -> None:
        sl = self.layout.name_field
        name = self.chars[sl]
        for i, ch in enumerate(name):
            if ch in TO_LETTER:
                self.record(sl.start + i, TO_LETTER[ch], "name", False)
        text = "".join(self.chars[sl])
        first = text.find("<<")
        end = text.find("<<", first + 2) if first >= 0 else -1
        if end < 0:
            # A run of three or more K/X at the very end is filler read as letters.
            stripped = text.rstrip("KX")
            if len(text) - len(stripped) >= 3 and stripped.endswith("<"):
                end = len(stripped)
        if end >= 0:
            for i in range(end, len(text)):
                if text[i] in ("K", "X"):
                    self.record(sl.start + i, "<", "name", False)

    def code(self, sl: slice, field: str) -> None:
        raw = "".join(self.chars[sl])
        candidate = code_correction(raw)
        if candidate is not None:
            for i, (old, new) in enumerate(zip(raw, candidate)):
                if old != new:
                    self.record(sl.start + i, new, field, False)

    def doc_code(self) -> None:
        i = self.layout.doc_code.start
        ch = self.chars[i]
        allowed = {"TD3": "P", "MRVA": "V", "MRVB": "V"}.get(self.layout.name, "ACI")
        if ch not in allowed and ch in TO_LETTER and TO_LETTER[ch] in allowed:
            self.record(i, TO_LETTER[ch], "document_code", False)

    def sex(self) -> None:
        i = self.layout.sex
        if self.chars[i] == "K":
            self.record(i, "<", "sex", False)

    # -- fields with check digits -----------------------------------------------------------
    def search(self, field: str, data: list[int], cd: int, numeric: set[int], cd_may_fill: bool,
               validate=None, blank_ok: bool = False) -> bool | None:
        """Find the unique smallest correction of ``data`` + ``cd`` that passes. True if
        corrected, False if nothing found or ambiguous, None if it already passed."""
        chars = self.chars
        digit = _Digit(chars, data)

        def passes(values: dict[int, str]) -> bool:
            printed = values.get(cd, chars[cd])
            text = None
            if blank_ok:
                text = "".join(values.get(i, chars[i]) for i in data)
                if text.strip("<") == "":
                    ok = printed in ("<", "0")
                else:
                    ok = printed == digit(values)
            else:
                ok = printed == digit(values)
            if not ok or validate is None:
                return ok
            return validate("".join(values.get(i, chars[i]) for i in data) if text is None else text)

        forced: dict[int, str] = {}
        optional: list[tuple[int, str]] = []
        positions = data + [cd]
        for n, i in enumerate(positions):
            ch = chars[i]
            if ch in ("K", "X") and i not in numeric and n and chars[positions[n - 1]] == "<" and all(
                    chars[j] in "<KX" for j in data[n:]):
                forced[i] = "<"  # K/X inside a run of trailing fillers
                continue
            if i in numeric:
                if ch in TO_DIGIT:
                    forced[i] = TO_DIGIT[ch]
                elif i == cd and cd_may_fill and ch in ("K", "X"):
                    forced[i] = "<"
            elif ch in ALNUM_ALTERNATIVES:
                optional.append((i, ALNUM_ALTERNATIVES[ch]))
        if passes({}):
            # Already passes; K/X in a trailing filler run may still be fillers the check cannot see.
            fillers = {i: v for i, v in forced.items() if v == "<" and i != cd}
            if fillers and passes(fillers):
                for i, new in sorted(fillers.items()):
                    self.record(i, new, field, True)
                return True
            return None
        # A cheap necessary condition before ``passes``: the check digit of the changed data must be
        # the printed one.  (Not with ``blank_ok``, where an all-filler field passes with '<' or '0',
        # nor when a candidate changes the check digit itself.)
        quick = not blank_ok and all(i != cd for i, _ in optional)
        if quick:
            fixed = digit.sum(forced)
            deltas = [digit.delta(i, new) for i, new in optional]
            printed = forced.get(cd, chars[cd])
        for k in range(0, min(MAX_SWAPS, len(optional)) + 1):
            found = []
            for combo in combinations(range(len(optional)), k):
                if quick and DIGITS[(fixed + sum([deltas[j] for j in combo])) % 10] != printed:
                    continue
                values = dict(forced)
                values.update([optional[j] for j in combo])
                if passes(values):
                    found.append(values)
                    if len(found) > 1:
                        break
            if len(found) == 1:
                for i, new in sorted(found[0].items()):
                    self.record(i, new, field, True)
                return True
            if len(found) > 1:
                return False  # ambiguous: several equally small corrections pass
        return False

    def checked_fields(self, mode: str) -> None:
        L = self.layout
        chars = self.chars
        # Document number (TD1/TD2 long numbers continue in the optional data).
        number = list(range(L.doc_number.start, L.doc_number.stop))
        cd = L.doc_number_cd
        covered = set(number) | {cd}
        if L.long_number and chars[cd] == "<" and chars[L.doc_number.stop - 1] != "<":
            opt = "".join(chars[L.optional])
            token = opt.split("<", 1)[0]
            if len(token) >= 2:
                start = L.optional.start
                number = number + list(range(start, start + len(token) - 1))
                cd = start + len(token) - 1
                covered |= set(range(start, start + len(token) + 1))
        self.search("document_number", number, cd, {cd}, False)
        for field, sl, cdi, partial in (("birth_date", L.birth_date, L.birth_date_cd, True),
                                        ("expiry_date", L.expiry_date, L.expiry_date_cd, False)):
            idx = list(range(sl.start, sl.stop))
            self.search(field, idx, cdi, set(idx) | {cdi}, False,
                        validate=lambda text, p=partial: _valid_date(text, p))
            covered |= set(idx) | {cdi}
        if L.optional_cd is not None:
            idx = list(range(L.optional.start, L.optional.stop))
            self.search("optional_data", idx, L.optional_cd, {L.optional_cd}, True, blank_ok=True)
            covered |= set(idx) | {L.optional_cd}
        self.covered = covered

    def composite(self, simple_ok: bool) -> bool:
        L = self.layout
        if L.composite_cd is None:
            return True
        data = [i for sl in L.composite for i in range(sl.start, sl.stop)]
        free = [i for i in data if i not in self.covered]
        if not simple_ok:
            return self.chars[L.composite_cd] == _cd("".join(self.chars[i] for i in data))
        # Only the composite digit and data no other check digit covers may change here.
        chars = self.chars
        digit = _Digit(chars, data)

        def passes(values: dict[int, str]) -> bool:
            return values.get(L.composite_cd, chars[L.composite_cd]) == digit(values)

        if passes({}):
            return True
        forced = {}
        ch = chars[L.composite_cd]
        if ch in TO_DIGIT:
            forced[L.composite_cd] = TO_DIGIT[ch]
        optional = [(i, ALNUM_ALTERNATIVES[chars[i]]) for i in free if chars[i] in ALNUM_ALTERNATIVES]
        for k in range(0, min(2, len(optional)) + 1):
            found = []
            for combo in combinations(optional, k):
                values = dict(forced)
                values.update(combo)
                if passes(values):
                    found.append(values)
                    if len(found) > 1:
                        break
            if len(found) == 1:
                for i, new in sorted(found[0].items()):
                    self.record(i, new, "composite" if i == L.composite_cd else "optional_data", True)
                return True
            if len(found) > 1:
                return False
        return False


def _simple_checks_pass(layout: Layout, chars: list[str]) -> bool:
    s = "".join(chars)
    L = layout
    ok = True
    cd = s[L.doc_number_cd]
    if L.long_number and cd == "<" and s[L.doc_number.stop - 1] != "<":
        token = s[L.optional].split("<", 1)[0]
        ok &= len(token) >= 2 and token[-1] in (_cd(s[L.doc_number] + token[:-1]),
                                                _cd(s[L.doc_number] + "<" + token[:-1]))
    else:
        ok &= cd == _cd(s[L.doc_number])
    ok &= s[L.birth_date_cd] == _cd(s[L.birth_date])
    ok &= s[L.expiry_date_cd] == _cd(s[L.expiry_date])
    if L.optional_cd is not None:
        opt = s[L.optional]
        ok &= (s[L.optional_cd] in "<0") if opt.strip("<") == "" else s[L.optional_cd] == _cd(opt)
    return ok


def correct(layout: Layout, s: str, mode: str = "strict") -> tuple[str, list[dict], list[str]]:
    """Return the corrected joined MRZ string, the corrections kept and notes for warnings."""
    c = _Corrector(layout, s)
    c.doc_code()
    c.code(layout.issuer, "issuing_state")
    c.code(layout.nationality, "nationality")
    c.names()
    c.sex()
    unchecked = len(c.corrections)
    c.checked_fields(mode)
    simple_ok = _simple_checks_pass(layout, c.chars)
    composite_ok = c.composite(simple_ok)
    if layout.composite_cd is not None and not composite_ok and len(c.corrections) > unchecked:
        dropped = c.revert(unchecked, len(c.corrections))
        c.notes.append(
            f"{dropped} OCR correction(s) to checked fields were not kept: the composite check digit still fails")
    if unchecked and not (simple_ok and composite_ok):
        # Names and codes have no check digit of their own: correct them only on a document whose
        # check digits all pass, so a damaged document is reported exactly as printed.
        c.revert(0, unchecked)
    c.corrections.sort(key=lambda corr: (corr["line"], corr["position"]))
    return "".join(c.chars), c.corrections, c.notes
