"""A small, strict-where-it-matters UN/EDIFACT tokenizer (ISO 9735 syntax, levels A/B, versions 3 and 4).

It turns an interchange into :class:`Segment` objects and nothing more; what the segments mean is
the business of :mod:`portcullis.border.paxlst` and :mod:`portcullis.border.cusres`.

What it accepts, and why:

* **UNA** service string advice is always honoured: any component, element, decimal, release,
  repetition and terminator characters.  A space as release or repetition character means "not
  used".  Without UNA the ISO 9735 defaults ``:+.? '`` apply (no repetition separator, so the
  ``*`` some carriers put in their sender ids stays data).
* The **release character** escapes any service character, itself included (``??`` is a literal
  ``?``); escaping is undone in every component.
* **Line breaks** are never data in the EDIFACT character sets, so CR and LF anywhere (CRLF after
  each segment, a line wrapped in the middle of a name by a Type-B gateway) are dropped, unless the
  UNA makes one of them a service character.  Spaces and tabs before a tag are layout and are dropped.
* An **IATA Type-B** wrapper (``SOH`` header ``STX`` ... ``ETX``, or a plain ``QK ADDRESS`` header
  before the UNA) is removed.
* Segments are numbered by their **position in the interchange**, 1-based, counting the UNA when
  there is one (so in a file with one segment per line, segment N is on line N).

Errors are :class:`EdifactError` (with ``segment_number`` and ``tag``); the PAXLST reader re-raises
them as its own ``PaxlstError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import accumulate
from dataclasses import dataclass

from portcullis.errors import InvalidInput

__all__ = [
    "DEFAULT_SERVICE",
    "EdifactError",
    "EdifactReader",
    "EdifactWriter",
    "Segment",
    "ServiceChars",
    "tokenize",
]

_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")
_TYPE_B_HEADER = re.compile(r"(Q[A-Z]|[A-Z]{2}) (?:[A-Z0-9]{7} ?)+$")
_LAYOUT = " \t\r\n"


class EdifactError(InvalidInput):
    """Input that is not a readable EDIFACT interchange.  Names the segment (position and tag)."""

    def __init__(self, message: str, *, segment_number: int, tag: str = "", line: int | None = None):
        self.segment_number = segment_number
        self.tag = tag
        self.line = line
        self.reason = message
        super().__init__(message, field=self.location)

    @property
    def location(self) -> str:
        return f"segment {self.segment_number} {self.tag}".rstrip() if self.tag else f"segment {self.segment_number}"


@dataclass(frozen=True)
class ServiceChars:
    """The six UNA characters.  ``release``/``repetition`` are ``""`` when not used."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    repetition: str = ""
    terminator: str = "'"

    def una(self) -> str:
        """The UNA string advice that declares these characters (a space marks an unused one)."""
        return "UNA" + self.component + self.element + self.decimal + (self.release or " ") + (
            self.repetition or " ") + self.terminator

    @property
    def specials(self) -> str:
        return "".join(c for c in (self.component, self.element, self.release, self.repetition, self.terminator) if c)

    @classmethod
    def from_una(cls, chars: str, *, segment_number: int = 1) -> ServiceChars:
        if len(chars) < 6:
            raise EdifactError(f"UNA must be followed by 6 service characters, found {len(chars)}",
                               segment_number=segment_number, tag="UNA")
        comp, elem, dec, rel, rep, term = chars[:6]
        rel = "" if rel == " " else rel
        rep = "" if rep == " " else rep
        used = [("component separator", comp), ("element separator", elem), ("segment terminator", term)]
        if rel:
            used.append(("release character", rel))
        if rep:
            used.append(("repetition separator", rep))
        seen: dict[str, str] = {}
        for name, ch in used:
            if ch.isalnum() or ch == " ":
                raise EdifactError(f"UNA {name} {ch!r} must not be a letter, digit or space",
                                   segment_number=segment_number, tag="UNA")
            if ch in seen:
                raise EdifactError(f"UNA uses {ch!r} as both {seen[ch]} and {name}",
                                   segment_number=segment_number, tag="UNA")
            seen[ch] = name
        if dec not in ".,":
            raise EdifactError(f"UNA decimal mark must be '.' or ',', found {dec!r}",
                               segment_number=segment_number, tag="UNA")
        return cls(comp, elem, dec, rel, rep, term)


DEFAULT_SERVICE = ServiceChars()


class Segment:
    """One segment: its tag, its data elements (each a list of unescaped components), its position.

    ``elements[0]`` is the first data element after the tag.  When a repetition separator is in use
    and an element repeats, ``elements[i]`` holds the first occurrence and ``repeats[i]`` all of them.
    """

    __slots__ = ("tag", "elements", "number", "offset", "repeats")

    def __init__(self, tag: str, elements: list[list[str]], number: int = 0, offset: int = 0,
                 repeats: dict[int, list[list[str]]] | None = None):
        self.tag = tag
        self.elements = elements
        self.number = number
        self.offset = offset
        self.repeats = repeats

    def element(self, i: int) -> list[str]:
        """Components of data element ``i`` (0-based after the tag); ``[]`` if absent."""
        els = self.elements
        return els[i] if i < len(els) else []

    def get(self, i: int, j: int = 0, default: str = "") -> str:
        """Component ``j`` of data element ``i``, or ``default`` when absent or empty."""
        els = self.elements
        if i < len(els):
            comps = els[i]
            if j < len(comps) and comps[j]:
                return comps[j]
        return default

    def repetitions(self, i: int) -> list[list[str]]:
        if self.repeats and i in self.repeats:
            return self.repeats[i]
        el = self.element(i)
        return [el] if el else []

    @property
    def label(self) -> str:
        return f"segment {self.number} {self.tag}"

    def __repr__(self) -> str:
        return f"Segment({self.number}, {self.tag!r}, {self.elements!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Segment):
            return NotImplemented
        return self.tag == other.tag and self.elements == other.elements


def _split(text: str, sep: str, rel: str) -> list[str]:
    """Split on ``sep`` except where it is escaped by an odd run of release characters."""
    parts = text.split(sep)
    if not rel or rel not in text:
        return parts
    out: list[str] = []
    buf: str | None = None
    for p in parts:
        if buf is not None:
            p = buf + sep + p
        if p.endswith(rel) and (len(p) - len(p.rstrip(rel))) % 2:
            buf = p
        else:
            out.append(p)
            buf = None
    if buf is not None:
        out.append(buf)
    return out


class EdifactReader:
    """Iterates over the segments of one interchange.

    After the caller has seen the UNZ it may call :meth:`remainder` to learn what followed it.
    ``transport`` is ``"type-b"`` when an IATA Type-B wrapper was removed.
    """

    def __init__(self, data: str | bytes):
        if isinstance(data, (bytes, bytearray, memoryview)):
            raw = bytes(data)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
        else:
            text = data
        if text.startswith("\ufeff"):
            text = text[1:]
        self.text = text
        self.transport = ""
        self.warnings: list[tuple[int, str, str]] = []  # (segment number, tag, message)
        start, end = self._unwrap(text)
        self.end = end
        pos = start
        while pos < end and text[pos] in _LAYOUT:
            pos += 1
        number = 0
        if text.startswith("UNA", pos):
            number = 1
            self.service = ServiceChars.from_una(text[pos + 3:pos + 9], segment_number=1)
            self.una = text[pos:pos + 9]
            pos += 9
        elif pos >= end:
            raise EdifactError("empty input: expected UNA or UNB", segment_number=1)
        else:
            self.service = DEFAULT_SERVICE
            self.una = ""
        self.has_una = number == 1
        self._first_number = number + 1
        self._body_start = pos
        self._pieces: list[tuple[int, str]] | None = None
        self._next_index = 0

    # -- wrappers -------------------------------------------------------------------------------
    def _unwrap(self, text: str) -> tuple[int, int]:
        """Bounds of the EDIFACT text inside an optional IATA Type-B envelope."""
        start, end = 0, len(text)
        head = text[:2048]
        soh, stx = head.find("\x01"), head.find("\x02")
        if stx != -1 and (soh == -1 or soh < stx):
            self.transport = "type-b"
            start = stx + 1
            etx = text.find("\x03", start)
            if etx != -1:
                end = etx
            return start, end
        stripped = text.lstrip(_LAYOUT)
        if stripped.startswith(("UNA", "UNB")):
            return start, end
        # A Type-B header without control characters: "QK ADDRESS\n.ORIGIN DDHHMM\n" then the UNA.
        first_line = stripped.split("\n", 1)[0].strip()
        if _TYPE_B_HEADER.match(first_line):
            m = re.search(r"(?m)^[ \t]*UN[AB]", text)
            if m:
                self.transport = "type-b"
                return m.start(), end
        return start, end

    # -- tokenizing -----------------------------------------------------------------------------
    def _split_pieces(self) -> list[tuple[int, str]]:
        svc = self.service
        body = self.text[self._body_start:self.end]
        term, rel = svc.terminator, svc.release
        parts = body.split(term)
        tl = len(term)
        offsets = list(accumulate([len(p) + tl for p in parts], initial=self._body_start))
        pieces = list(zip(offsets, parts))
        if not rel or rel not in body:
            return pieces
        escaped = [k for k, p in enumerate(parts) if p.endswith(rel) and (len(p) - len(p.rstrip(rel))) % 2]
        if not escaped:
            return pieces
        # merge each piece whose terminator was escaped with the piece(s) after it
        out: list[tuple[int, str]] = []
        n = len(parts)
        prev = 0
        for k in escaped:
            if k < prev:
                continue
            out.extend(pieces[prev:k])
            off, p = pieces[k]
            j = k
            while j + 1 < n and p.endswith(rel) and (len(p) - len(p.rstrip(rel))) % 2:
                j += 1
                p = p + term + parts[j]
            out.append((off, p))
            prev = j + 1
        out.extend(pieces[prev:])
        return out

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def __iter__(self) -> Iterator[Segment]:
        if self._pieces is None:
            self._pieces = self._split_pieces()
        svc = self.service
        elem, comp, rel, rep = svc.element, svc.component, svc.release, svc.repetition
        specials = svc.specials
        drop = "".join(c for c in "\r\n" if c not in specials)
        strip_chars = "".join(c for c in _LAYOUT if c not in specials) or None
        unescape = re.compile(re.escape(rel) + "(.)", re.S).sub if rel else None
        pieces = self._pieces
        last = len(pieces) - 1
        number = self._first_number - 1
        append_warning = self.warnings.append
        known_tags: dict[str, str] = {}
        components = self._components
        i = self._next_index
        while i <= last:
            offset, raw = pieces[i]
            i += 1
            self._next_index = i
            if strip_chars:
                seg_text = raw.lstrip(strip_chars)
                offset += len(raw) - len(seg_text)
            else:
                seg_text = raw
            if drop and ("\n" in seg_text or "\r" in seg_text):
                for c in drop:
                    seg_text = seg_text.replace(c, "")
            if not seg_text:
                if i > last:
                    return  # only layout after the last terminator
                append_warning((number + 1, "", "empty segment ignored"))
                continue
            number += 1
            if i > last:
                # text after the last terminator: an unterminated segment
                tag = self._check_tag(seg_text.split(elem, 1)[0], number, offset)
                if tag != "UNZ":
                    raise EdifactError(
                        f"segment not terminated: input ends without the {svc.terminator!r} terminator",
                        segment_number=number, tag=tag, line=self.line_of(offset))
                seg_text = seg_text.rstrip(strip_chars)
                append_warning((number, tag, f"segment not terminated: {svc.terminator!r} missing at the end"))
            has_rel = bool(rel) and rel in seg_text
            parts = _split(seg_text, elem, rel) if has_rel else seg_text.split(elem)
            raw_tag = parts[0]
            tag = known_tags.get(raw_tag)
            if tag is None:
                tag = self._check_tag(raw_tag, number, offset)
                known_tags[raw_tag] = tag
            if tag != raw_tag and tag != raw_tag.split(comp, 1)[0]:
                append_warning((number, tag, f"whitespace in segment tag {raw_tag!r} ignored"))
            if not has_rel and not (rep and rep in seg_text):
                yield Segment(tag, [el.split(comp) for el in parts[1:]], number, offset)
                continue
            elements: list[list[str]] = []
            repeats = None
            for idx, el in enumerate(parts[1:]):
                if rep and rep in el:
                    occ = _split(el, rep, rel) if has_rel else el.split(rep)
                    if len(occ) > 1:
                        reps = [components(o, comp, rel, has_rel, unescape) for o in occ]
                        if repeats is None:
                            repeats = {}
                        repeats[idx] = reps
                        elements.append(reps[0])
                        continue
                elements.append(components(el, comp, rel, has_rel, unescape))
            yield Segment(tag, elements, number, offset, repeats)

    def _check_tag(self, raw_tag: str, number: int, offset: int) -> str:
        tag = raw_tag.split(self.service.component, 1)[0]
        if _TAG.fullmatch(tag):
            return tag
        stripped = tag.strip(" \t")
        if _TAG.fullmatch(stripped):
            return stripped
        shown = tag if len(tag) <= 20 else tag[:20] + "..."
        raise EdifactError(f"{shown!r} is not a segment tag (3 capital letters or digits)",
                           segment_number=number, tag=shown, line=self.line_of(offset))

    @staticmethod
    def _components(el: str, comp: str, rel: str, has_rel: bool, unescape) -> list[str]:
        if not has_rel or rel not in el:
            return el.split(comp)
        comps = _split(el, comp, rel)
        return [unescape(r"\1", c) if rel in c else c for c in comps]

    def remainder(self) -> tuple[int, str]:
        """Offset and text of everything after the segments consumed so far (layout stripped)."""
        pieces = self._pieces or []
        if self._next_index >= len(pieces):
            return self.end, ""
        off = pieces[self._next_index][0]
        rest = self.text[off:self.end]
        lead = len(rest) - len(rest.lstrip(_LAYOUT))
        return off + lead, rest.strip(_LAYOUT)


def tokenize(data: str | bytes) -> list[Segment]:
    """All segments of ``data`` (UNA excluded), for tests and simple tools."""
    return list(EdifactReader(data))


class EdifactWriter:
    """Builds an interchange segment by segment, escaping data with the release character."""

    def __init__(self, service: ServiceChars = DEFAULT_SERVICE, *, una: bool = True, newline: str = "\n"):
        if not service.release:
            raise ValueError("the writer needs a release character to escape data")
        self.service = service
        self.newline = newline
        self.parts: list[str] = [service.una() + newline] if una else []
        specials = service.specials
        self._specials = specials
        rel = service.release
        self._escape = re.compile("[" + re.escape(specials) + "]").sub
        self._rel = rel
        self._joiner_el = service.element
        self._joiner_comp = service.component
        self._end = service.terminator + newline
        self.count = 0

    def escape(self, value: object) -> str:
        s = "" if value is None else str(value)
        if "\r" in s or "\n" in s:
            s = s.replace("\r", " ").replace("\n", " ")
        for c in self._specials:
            if c in s:
                rel = self._rel
                return self._escape(lambda m: rel + m.group(0), s)
        return s

    def segment(self, tag: str, *elements: object) -> None:
        """Append a segment.  Each element is a value, or a list/tuple of component values.

        Trailing empty components and elements are dropped.
        """
        esc = self.escape
        out = [tag]
        for el in elements:
            if isinstance(el, (list, tuple)):
                comps = [esc(c) for c in el]
                while comps and comps[-1] == "":
                    comps.pop()
                out.append(self._joiner_comp.join(comps))
            else:
                out.append(esc(el))
        while len(out) > 1 and out[-1] == "":
            out.pop()
        self.parts.append(self._joiner_el.join(out) + self._end)
        self.count += 1

    def text(self) -> str:
        return "".join(self.parts)
