"""UN/EDIFACT PAXLST (passenger and crew list) reader.

``parse_paxlst(data)`` reads one interchange (``UNA`` ``UNB`` [``UNG``] ``UNH`` ... ``UNT`` [``UNE``]
``UNZ``), versions D02B and D05B (any other version is read the same way, with a warning), and
returns a :class:`PaxlstInterchange`: its messages, each with its flight legs (``TDT`` groups) and
persons (``NAD+FL/FM/DDU/DDT`` groups) with their documents (``DOC`` groups).

Errors and warnings
-------------------
A :class:`PaxlstError` (nothing of the input should be stored) is raised for input that cannot be
read with confidence:

* not EDIFACT at all, a bad UNA, an unterminated segment, a malformed segment tag;
* envelope structure: the first segment not UNB, a message segment outside UNH..UNT, UNH inside a
  message, a message or interchange that is never closed (truncated input), a message that is not
  PAXLST;
* a person without a surname, an unknown ``NAD`` party qualifier, person data before any person,
  a document without a number;
* any date or time that cannot be read (``DTM+329`` birth date, ``DTM+36`` expiry, ``DTM+182`` issue,
  ``DTM+189``/``232`` departure and arrival, the UNB preparation date).

Faults that leave the data readable become :attr:`PaxlstInterchange.warnings` (each names the
segment): control counts that disagree (``CNT``, ``UNT``, ``UNE``, ``UNZ``), control references that
differ between header and trailer, ``CNT+41+8`` written with the quantity in the wrong element,
trailing text after ``UNZ``, whitespace inside a tag, a missing ``CNT``, an unknown segment (ignored),
an unexpected version, an unknown sex code.

Two-digit years
---------------
Dates are read against the interchange's preparation date (UNB): a birth date takes the latest
century that does not put it after that date; other dates take the century that puts them within
50 years of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from portcullis.border.edifact import EdifactError, EdifactReader, Segment, ServiceChars

__all__ = [
    "CREW_ROLES",
    "DOCUMENT_TYPES",
    "Document",
    "FlightLeg",
    "PASSENGER_ROLES",
    "PaxlstError",
    "PaxlstGroup",
    "PaxlstInterchange",
    "PaxlstMessage",
    "PaxlstWarning",
    "Person",
    "ReportingParty",
    "ROLES",
    "parse_paxlst",
]

ROLES = {"FL": "passenger", "FM": "crew", "DDU": "in_transit_passenger", "DDT": "in_transit_crew"}
ROLE_CODES = {v: k for k, v in ROLES.items()}
PASSENGER_ROLES = frozenset({"passenger", "in_transit_passenger"})
CREW_ROLES = frozenset({"crew", "in_transit_crew"})
DOCUMENT_TYPES = {
    "745": "passenger list",
    "250": "crew list",
    "266": "flight status update",
    "336": "master crew list",
    "655": "gate pass request",
}
SUPPORTED_VERSIONS = ("D02B", "D05B")
_PERSON_LOC = {"178": "embark_port", "179": "debark_port", "174": "residence_country", "22": "clearance_port"}
_SEX_CODES = frozenset({"M", "F", "U", "X"})
_KNOWN_TAGS = frozenset({"BGM", "RFF", "DTM", "NAD", "COM", "TDT", "LOC", "ATT", "MEA", "GEI", "FTX", "EMP",
                         "NAT", "DOC", "CNT", "QTY", "CPI", "SEQ", "PDT", "GID"})


class PaxlstError(EdifactError):
    """A PAXLST that cannot be accepted.  ``segment_number`` and ``tag`` name the segment at fault.

    ``control_ref`` and ``message_ref`` carry the interchange and message references when they
    were read before the fault, so that a CUSRES error can refer to them.
    """

    def __init__(self, message: str, *, segment_number: int, tag: str = "", line: int | None = None,
                 control_ref: str = "", message_ref: str = "", transaction_ref: str = ""):
        super().__init__(message, segment_number=segment_number, tag=tag, line=line)
        self.control_ref = control_ref
        self.message_ref = message_ref
        self.transaction_ref = transaction_ref


class PaxlstWarning(str):
    """A warning: the text (``"segment 57 CNT: declares 3 passengers, found 4"``) is the string
    itself; ``segment_number`` and ``tag`` name the segment."""

    segment_number: int
    tag: str
    message: str

    def __new__(cls, segment_number: int, tag: str, message: str) -> PaxlstWarning:
        where = f"segment {segment_number} {tag}".rstrip() if segment_number else (tag or "interchange")
        self = super().__new__(cls, f"{where}: {message}")
        self.segment_number = segment_number
        self.tag = tag
        self.message = message
        return self

    def __getnewargs__(self) -> tuple[int, str, str]:  # copy and pickle
        return (self.segment_number, self.tag, self.message)


@dataclass
class Document:
    type: str  # P passport, V visa, I identity card, ... as sent
    number: str
    expiry: dt.date | None = None
    expiry_raw: str = field(default="", compare=False)
    issue_date: dt.date | None = None
    issue_date_raw: str = field(default="", compare=False)
    issuing_country: str = ""
    segment_number: int = field(default=0, compare=False)


@dataclass
class Person:
    role: str  # passenger, crew, in_transit_passenger, in_transit_crew
    surname: str
    given_names: str = ""
    birth_date: dt.date | None = None
    birth_date_raw: str = field(default="", compare=False)
    sex: str = ""
    nationality: str = ""
    place_of_birth: str = ""
    residence_country: str = ""
    embark_port: str = ""
    debark_port: str = ""
    clearance_port: str = ""  # LOC+22, first arrival / customs clearance
    reservation_ref: str = ""  # RFF+AVF (PNR locator)
    passenger_ref: str = ""  # RFF+ABO
    seat: str = ""  # RFF+SEA
    references: dict[str, str] = field(default_factory=dict)  # other RFF qualifiers
    address: list[str] = field(default_factory=list)  # NAD street, city, sub-entity, postcode, country
    documents: list[Document] = field(default_factory=list)
    segment_number: int = field(default=0, compare=False)

    @property
    def role_code(self) -> str:
        return ROLE_CODES[self.role]

    @property
    def is_crew(self) -> bool:
        return self.role in CREW_ROLES

    @property
    def name(self) -> str:
        return f"{self.surname}, {self.given_names}" if self.given_names else self.surname


@dataclass
class FlightLeg:
    carrier: str
    flight_number: str  # conveyance reference as sent, e.g. "UA0989"
    departure_airport: str = ""
    departure_time: dt.datetime | None = None
    departure_time_raw: str = field(default="", compare=False)
    arrival_airport: str = ""
    arrival_time: dt.datetime | None = None
    arrival_time_raw: str = field(default="", compare=False)
    crosses_border: bool = False  # LOC+125/87 (last departure / first arrival) rather than LOC+92
    segment_number: int = field(default=0, compare=False)


@dataclass
class ReportingParty:
    name: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""


@dataclass
class PaxlstMessage:
    reference: str
    version: str  # "D02B", "D05B"
    association: str = ""  # "IATA"
    document_type: str = ""  # BGM 745 passenger list, 250 crew list, ...
    document_qualifier: str = ""  # BGM second element, e.g. "C" (change) or "CL" (flight close)
    transaction_ref: str = ""  # RFF+TN
    common_access_ref: str = ""  # UNH 0068
    reporting_party: ReportingParty = field(default_factory=ReportingParty)
    flights: list[FlightLeg] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    declared_passengers: int | None = None  # CNT+42
    declared_crew: int | None = None  # CNT+41
    declared_segments: int | None = None  # UNT
    segment_count: int = 0  # UNH..UNT as counted
    group_ref: str = ""
    segment_number: int = field(default=0, compare=False)  # of its UNH

    @property
    def document_name(self) -> str:
        return DOCUMENT_TYPES.get(self.document_type, "")

    @property
    def passengers(self) -> list[Person]:
        return [p for p in self.persons if p.role in PASSENGER_ROLES]

    @property
    def crew(self) -> list[Person]:
        return [p for p in self.persons if p.role in CREW_ROLES]


@dataclass
class PaxlstGroup:
    sender: str
    recipient: str
    reference: str
    version: str
    message_count: int = 0
    segment_number: int = field(default=0, compare=False)


@dataclass
class PaxlstInterchange:
    syntax: str  # "UNOA:4"
    sender: str
    recipient: str
    control_ref: str
    prepared_at: dt.datetime | None
    prepared_raw: str = ""
    sender_qualifier: str = ""
    recipient_qualifier: str = ""
    application_ref: str = ""
    service: ServiceChars = field(default_factory=ServiceChars)
    transport: str = ""  # "type-b" when an IATA Type-B wrapper was removed
    groups: list[PaxlstGroup] = field(default_factory=list)
    messages: list[PaxlstMessage] = field(default_factory=list)
    warnings: list[PaxlstWarning] = field(default_factory=list)

    @property
    def persons(self) -> list[Person]:
        return [p for m in self.messages for p in m.persons]

    @property
    def flights(self) -> list[FlightLeg]:
        return [f for m in self.messages for f in m.flights]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (dates as ISO 8601 strings)."""
        d = asdict(self)
        d["service"] = self.service.una()
        d["warnings"] = [str(w) for w in self.warnings]
        for m, md in zip(self.messages, d["messages"]):
            md["document_name"] = m.document_name
            md["passenger_count"] = len(m.passengers)
            md["crew_count"] = len(m.crew)
            for p, pd in zip(m.persons, md["persons"]):
                pd["role_code"] = p.role_code
        return _jsonable(d)


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    return obj


# --- dates ---------------------------------------------------------------------------------------
_FORMAT_LENGTHS = {"101": 6, "102": 8, "201": 10, "203": 12, "204": 14}


def _century(yy: int, ref_year: int) -> int:
    year = (ref_year // 100) * 100 + yy
    if year > ref_year + 49:
        year -= 100
    elif year < ref_year - 50:
        year += 100
    return year


def _read_datetime(value: str, fmt: str, ref: dt.date, *, birth: bool = False) -> dt.datetime:
    """Read a DTM value; raises ValueError with a reason."""
    if not value.isdigit() or not value.isascii():
        raise ValueError(f"{value!r} is not a date")
    n = len(value)
    if fmt:
        want = _FORMAT_LENGTHS.get(fmt)
        if want is None:
            raise ValueError(f"date format code {fmt!r} is not supported")
        if n != want:
            raise ValueError(f"{value!r} does not match format {fmt} ({want} digits)")
    if n in (6, 10):
        yy = int(value[0:2])
        rest = value[2:]
        if birth:
            year = (ref.year // 100) * 100 + yy
            month, day = int(rest[0:2]), int(rest[2:4])
            try:
                if dt.date(year, month, day) > ref:
                    year -= 100
            except ValueError:
                pass  # reported below
        else:
            year = _century(yy, ref.year)
    elif n in (8, 12, 14):
        year = int(value[0:4])
        rest = value[4:]
    else:
        raise ValueError(f"{value!r} has {n} digits, not a date")
    month, day = int(rest[0:2]), int(rest[2:4])
    hour = int(rest[4:6]) if len(rest) >= 6 else 0
    minute = int(rest[6:8]) if len(rest) >= 8 else 0
    second = int(rest[8:10]) if len(rest) >= 10 else 0
    try:
        result = dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        if hour == 24 and minute == 0:
            raise ValueError(f"{value!r} is not a valid date or time (use 0000 for midnight)") from None
        raise ValueError(f"{value!r} is not a valid date or time") from None
    if birth and result.date() > ref:
        raise ValueError(f"{value!r} is a date of birth after the message was prepared ({ref.isoformat()})")
    return result


# --- the reader ----------------------------------------------------------------------------------
class _Parser:
    def __init__(self, data: str | bytes):
        self.interchange: PaxlstInterchange | None = None
        try:
            self.reader = EdifactReader(data)
        except PaxlstError:
            raise
        except EdifactError as exc:
            raise self._convert(exc) from None
        self.warnings: list[PaxlstWarning] = []
        self.message: PaxlstMessage | None = None
        self.last_segment: Segment | None = None

    # errors and warnings
    def _convert(self, exc: EdifactError) -> PaxlstError:
        ic = self.interchange
        msg = getattr(self, "message", None)
        return PaxlstError(exc.reason, segment_number=exc.segment_number, tag=exc.tag, line=exc.line,
                           control_ref=ic.control_ref if ic else "", message_ref=msg.reference if msg else "",
                           transaction_ref=msg.transaction_ref if msg else "")

    def error(self, seg: Segment, message: str) -> PaxlstError:
        ic, msg = self.interchange, self.message
        return PaxlstError(message, segment_number=seg.number, tag=seg.tag, line=self.reader.line_of(seg.offset),
                           control_ref=ic.control_ref if ic else "", message_ref=msg.reference if msg else "",
                           transaction_ref=msg.transaction_ref if msg else "")

    def warn(self, seg: Segment | None, message: str) -> None:
        if seg is None:
            self.warnings.append(PaxlstWarning(0, "", message))
        else:
            self.warnings.append(PaxlstWarning(seg.number, seg.tag, message))

    def date(self, seg: Segment, *, birth: bool = False) -> tuple[dt.datetime, str]:
        value = seg.get(0, 1).strip()
        fmt = seg.get(0, 2).strip()
        try:
            return _read_datetime(value, fmt, self.ref_date, birth=birth), value
        except ValueError as exc:
            raise self.error(seg, f"DTM+{seg.get(0, 0)}: {exc}") from None

    # driver
    def parse(self) -> PaxlstInterchange:
        try:
            return self._parse()
        except PaxlstError:
            raise
        except EdifactError as exc:
            raise self._convert(exc) from None

    def _parse(self) -> PaxlstInterchange:
        reader = self.reader
        segments = iter(reader)
        first = next(segments, None)
        if first is None:
            raise PaxlstError("no segments after the UNA: expected UNB", segment_number=2 if reader.has_una else 1,
                              tag="UNA" if reader.has_una else "")
        if first.tag != "UNB":
            raise self.error(first, "expected UNB (interchange header) as the first segment")
        ic = self._unb(first)
        self.interchange = ic
        group: PaxlstGroup | None = None
        group_seg: Segment | None = None
        message_seg: Segment | None = None
        group_count = 0
        message_total = 0
        msg_segments = 0
        closed = False
        last = first
        for seg in segments:
            last = seg
            tag = seg.tag
            if self.message is not None:
                msg_segments += 1
                if tag == "UNT":
                    self._unt(seg, msg_segments)
                    if group is not None:
                        group.message_count += 1
                    self.message = None
                    continue
                if tag in ("UNH", "UNE", "UNZ", "UNG", "UNB"):
                    raise self.error(seg, f"message {self.message.reference} (segment {message_seg.number}) "
                                          f"not closed by UNT before {tag}")
                self._message_segment(seg)
                continue
            if tag == "UNH":
                self.message = self._unh(seg, group)
                ic.messages.append(self.message)
                message_seg = seg
                message_total += 1
                msg_segments = 1
            elif tag == "UNG":
                if group is not None:
                    raise self.error(seg, f"functional group {group.reference} (segment {group_seg.number}) "
                                          "not closed by UNE before UNG")
                group = self._ung(seg)
                group_seg = seg
                ic.groups.append(group)
                group_count += 1
            elif tag == "UNE":
                if group is None:
                    raise self.error(seg, "UNE without a UNG")
                self._check_count(seg, group.message_count, "messages in the group")
                ref = seg.get(1, 0)
                if ref != group.reference:
                    self.warn(seg, f"group reference {ref!r} differs from UNG's {group.reference!r}")
                group = None
            elif tag == "UNZ":
                if group is not None:
                    raise self.error(seg, f"functional group {group.reference} (segment {group_seg.number}) "
                                          "not closed by UNE before UNZ")
                expected = group_count if ic.groups else message_total
                what = "functional groups" if ic.groups else "messages"
                self._check_count(seg, expected, what)
                ref = seg.get(1, 0)
                if ref != ic.control_ref:
                    self.warn(seg, f"interchange control reference {ref!r} differs from UNB's {ic.control_ref!r}")
                closed = True
                break
            elif tag == "UNB":
                raise self.error(seg, "a second UNB inside the interchange (UNZ missing)")
            else:
                raise self.error(seg, f"{tag} outside a message: expected UNH")
        if not closed:
            if self.message is not None:
                raise self.error(last, f"input ends inside message {self.message.reference} "
                                       f"(segment {message_seg.number}): no UNT")
            raise self.error(last, "input ends before UNZ (interchange trailer)")
        offset, rest = reader.remainder()
        if rest:
            shown = rest if len(rest) <= 40 else rest[:40] + "..."
            self.warnings.append(PaxlstWarning(
                last.number, last.tag, f"{len(rest)} characters after the interchange ignored: {shown!r}"))
        if not ic.messages:
            self.warn(last, "the interchange holds no messages")
        ic.service = reader.service
        ic.transport = reader.transport
        tokenizer_warnings = [PaxlstWarning(n, t, m) for n, t, m in reader.warnings]
        ic.warnings = sorted(tokenizer_warnings + self.warnings, key=lambda w: w.segment_number)
        return ic

    def _check_count(self, seg: Segment, counted: int, what: str) -> None:
        raw = seg.get(0, 0).strip()
        if not raw.isdigit():
            self.warn(seg, f"control count {raw!r} is not a number ({counted} {what})")
        elif int(raw) != counted:
            self.warn(seg, f"declares {int(raw)} {what}, counted {counted}")

    # envelope
    def _unb(self, seg: Segment) -> PaxlstInterchange:
        date_raw, time_raw = seg.get(3, 0), seg.get(3, 1)
        prepared = None
        raw = date_raw + time_raw
        if date_raw:
            try:
                if len(date_raw) == 6:
                    year = 2000 + int(date_raw[:2]) if int(date_raw[:2]) < 70 else 1900 + int(date_raw[:2])
                    d = dt.date(year, int(date_raw[2:4]), int(date_raw[4:6]))
                elif len(date_raw) == 8:
                    d = dt.date(int(date_raw[:4]), int(date_raw[4:6]), int(date_raw[6:8]))
                else:
                    raise ValueError
                if not date_raw.isdigit() or (time_raw and (len(time_raw) != 4 or not time_raw.isdigit())):
                    raise ValueError
                hh, mm = (int(time_raw[:2]), int(time_raw[2:4])) if time_raw else (0, 0)
                prepared = dt.datetime(d.year, d.month, d.day, hh, mm)
            except ValueError:
                raise self.error(seg, f"preparation date/time {date_raw}:{time_raw} is not a valid date") from None
        control_ref = seg.get(4, 0).strip()
        if not control_ref:
            raise self.error(seg, "interchange control reference (UNB element 5) is missing")
        syntax = ":".join(c for c in seg.element(0) if c)
        self.ref_date = prepared.date() if prepared else dt.date(2000, 1, 1)
        if prepared is None:
            self.warn(seg, "no preparation date: two-digit years read against 2000-01-01")
        return PaxlstInterchange(
            syntax=syntax, sender=self._id(seg, 1, "sender"), sender_qualifier=seg.get(1, 1).strip(),
            recipient=self._id(seg, 2, "recipient"), recipient_qualifier=seg.get(2, 1).strip(),
            control_ref=control_ref, prepared_at=prepared, prepared_raw=raw,
            application_ref=seg.get(6, 0).strip(),
        )

    def _id(self, seg: Segment, i: int, what: str) -> str:
        raw = seg.get(i, 0)
        value = raw.strip()
        if value != raw:
            self.warn(seg, f"{what} {raw!r} has surrounding spaces; read as {value!r}")
        return value

    def _check_legs(self, seg: Segment) -> None:
        previous = None
        for leg in self.message.flights:
            if leg.departure_time and leg.arrival_time and leg.arrival_time < leg.departure_time:
                self.warn(seg, f"flight {leg.flight_number} (segment {leg.segment_number}) arrives "
                               f"before it departs")
            if previous is not None and previous.arrival_airport and leg.departure_airport \
                    and previous.arrival_airport != leg.departure_airport:
                self.warn(seg, f"flight {leg.flight_number} (segment {leg.segment_number}) departs from "
                               f"{leg.departure_airport} but the previous leg arrives at {previous.arrival_airport}")
            elif previous is not None and previous.arrival_time and leg.departure_time \
                    and leg.departure_time < previous.arrival_time:
                self.warn(seg, f"flight {leg.flight_number} (segment {leg.segment_number}) departs before "
                               f"the previous leg arrives")
            if not leg.departure_airport or not leg.arrival_airport:
                self.warn(seg, f"flight {leg.flight_number} (segment {leg.segment_number}) lacks its "
                               f"{'departure' if not leg.departure_airport else 'arrival'} airport")
            previous = leg

    def _ung(self, seg: Segment) -> PaxlstGroup:
        version = seg.get(6, 0) + seg.get(6, 1)
        group = PaxlstGroup(sender=self._id(seg, 1, "sender"), recipient=self._id(seg, 2, "recipient"),
                            reference=self._id(seg, 4, "group reference"), version=version,
                            segment_number=seg.number)
        if seg.get(0, 0) not in ("PAXLST", ""):
            self.warn(seg, f"functional group of {seg.get(0, 0)!r} messages, expected PAXLST")
        return group

    def _unh(self, seg: Segment, group: PaxlstGroup | None) -> PaxlstMessage:
        ref = seg.get(0, 0).strip()
        if not ref:
            raise self.error(seg, "message reference number (UNH element 1) is missing")
        kind = seg.get(1, 0)
        if kind != "PAXLST":
            raise self.error(seg, f"message type {kind!r} is not PAXLST")
        version = seg.get(1, 1) + seg.get(1, 2)
        if version not in SUPPORTED_VERSIONS:
            self.warn(seg, f"message version {version!r} is not D02B or D05B; read as PAXLST anyway")
        if group is not None and group.version and group.version != version:
            self.warn(seg, f"message version {version} differs from the group's {group.version}")
        self.leg = None
        self.person = None
        self.doc = None
        self.cnt_seen = False
        self.cnt_segments: dict[int, Segment] = {}
        return PaxlstMessage(reference=ref, version=version, association=seg.get(1, 4),
                             common_access_ref=seg.get(2, 0), group_ref=group.reference if group else "",
                             segment_number=seg.number)

    def _unt(self, seg: Segment, counted: int) -> None:
        msg = self.message
        assert msg is not None
        msg.segment_count = counted
        raw = seg.get(0, 0).strip()
        if raw.isdigit():
            msg.declared_segments = int(raw)
            if int(raw) != counted:
                self.warn(seg, f"UNT in message {msg.reference} declares {int(raw)} segments, counted {counted}")
        else:
            self.warn(seg, f"UNT segment count {raw!r} is not a number (counted {counted})")
        ref = seg.get(1, 0)
        if ref != msg.reference:
            self.warn(seg, f"UNT message reference {ref!r} differs from UNH's {msg.reference!r}")
        self._check_cnt(seg)
        self._check_legs(seg)
        if not msg.flights:
            self.warn(seg, f"message {msg.reference} has no flight (TDT)")

    def _check_cnt(self, unt: Segment) -> None:
        msg = self.message
        assert msg is not None
        if not self.cnt_seen:
            self.warn(unt, f"message {msg.reference} has no CNT (passenger/crew count)")
            return
        if msg.declared_passengers is not None:
            found = sum(1 for p in msg.persons if p.role in PASSENGER_ROLES)
            if found != msg.declared_passengers:
                self.warn(self.cnt_segments[42], f"declares {msg.declared_passengers} passengers, found {found}")
        if msg.declared_crew is not None:
            found = sum(1 for p in msg.persons if p.role in CREW_ROLES)
            if found != msg.declared_crew:
                self.warn(self.cnt_segments[41], f"declares {msg.declared_crew} crew, found {found}")

    # message body
    def _message_segment(self, seg: Segment) -> None:
        tag = seg.tag
        person = self.person
        if person is not None:
            if tag == "LOC":
                els = seg.elements
                if len(els) > 1 and els[0][0] in _PERSON_LOC and len(els[1]) == 1:
                    setattr(person, _PERSON_LOC[els[0][0]], els[1][0])
                else:
                    self._person_loc(seg, person)
                return
            if tag == "DTM":
                self._person_dtm(seg, person)
                return
            if tag == "ATT":
                if seg.get(0, 0) == "2":
                    sex = seg.get(2, 0).strip().upper()
                    if sex and sex not in _SEX_CODES:
                        self.warn(seg, f"unknown sex code {sex!r} kept as sent")
                    person.sex = sex
                return
            if tag == "NAT":
                person.nationality = seg.get(1, 0).strip()
                return
            if tag == "RFF":
                comps = seg.elements[0] if seg.elements else []
                qual = comps[0] if comps else ""
                value = comps[1] if len(comps) > 1 else ""
                if qual == "AVF":
                    person.reservation_ref = value
                elif qual == "ABO":
                    person.passenger_ref = value
                elif qual == "SEA":
                    person.seat = value
                elif qual:
                    person.references[qual] = value
                return
            if tag == "DOC":
                number = seg.get(1, 0)
                if not number.strip():
                    raise self.error(seg, f"document without a number for {person.name}")
                self.doc = Document(type=seg.get(0, 0), number=number, segment_number=seg.number)
                person.documents.append(self.doc)
                return
        if tag == "NAD":
            self._nad(seg)
        elif tag == "TDT":
            self._tdt(seg)
        elif tag == "LOC":
            if self.leg is None:
                self.warn(seg, "LOC before any TDT (flight) or NAD (person) ignored")
            else:
                self._leg_loc(seg)
        elif tag == "DTM":
            if self.leg is not None:
                self._leg_dtm(seg)
            # a message-level DTM (date of the message) is accepted and not kept
        elif tag == "BGM":
            msg = self.message
            msg.document_type = seg.get(0, 0)
            msg.document_qualifier = seg.get(1, 0)
            if msg.document_type and msg.document_type not in DOCUMENT_TYPES:
                self.warn(seg, f"document type {msg.document_type!r} is not a known PAXLST document code")
        elif tag == "RFF":
            if seg.get(0, 0) == "TN":
                self.message.transaction_ref = seg.get(0, 1)
        elif tag == "COM":
            if self.person is None:
                party = self.message.reporting_party
                for comps in [seg.element(i) for i in range(len(seg.elements))]:
                    number = comps[0] if comps else ""
                    kind = comps[1] if len(comps) > 1 else ""
                    if kind == "TE":
                        party.phone = number
                    elif kind == "FX":
                        party.fax = number
                    elif kind == "EM":
                        party.email = number
        elif tag == "CNT":
            self._cnt(seg)
        elif tag in ("ATT", "NAT", "DOC"):
            raise self.error(seg, f"{tag} before any person (NAD+FL/FM/DDU/DDT)")
        elif tag not in _KNOWN_TAGS:
            self.warn(seg, f"segment {tag} is not part of PAXLST and was ignored")

    def _nad(self, seg: Segment) -> None:
        qual = seg.get(0, 0).strip()
        if qual == "MS":
            name = seg.get(3, 0) or seg.get(2, 0) or seg.get(1, 0)
            self.message.reporting_party.name = name
            self.person = None
            return
        role = ROLES.get(qual)
        if role is None:
            raise self.error(seg, f"unknown party qualifier {qual!r}: expected MS, FL, FM, DDU or DDT")
        name = seg.element(3)
        surname = name[0].strip() if name else ""
        if not surname:
            raise self.error(seg, "person without a surname (NAD element 4, first component)")
        given = " ".join(c.strip() for c in name[1:] if c.strip())
        person = Person(role=role, surname=name[0], given_names=given if len(name) != 2 else name[1],
                        segment_number=seg.number)
        if len(seg.elements) > 4:
            person.address = [seg.get(i, 0) for i in range(4, len(seg.elements))]
        self.message.persons.append(person)
        self.person = person
        self.doc = None

    def _person_loc(self, seg: Segment, person: Person) -> None:
        qual = seg.get(0, 0)
        place = seg.get(1, 0)
        if qual == "91":
            if self.doc is None:
                raise self.error(seg, "LOC+91 (document issuing country) before any DOC")
            self.doc.issuing_country = place
        elif qual == "178":
            person.embark_port = place
        elif qual == "179":
            person.debark_port = place
        elif qual == "174":
            person.residence_country = place
        elif qual == "180":
            person.place_of_birth = seg.get(1, 3) or place
        elif qual == "22":
            person.clearance_port = place

    def _person_dtm(self, seg: Segment, person: Person) -> None:
        qual = seg.get(0, 0)
        if qual == "329":
            value, raw = self.date(seg, birth=True)
            person.birth_date, person.birth_date_raw = value.date(), raw
        elif qual in ("36", "182"):
            doc = self.doc
            if doc is None:
                raise self.error(seg, f"DTM+{qual} (document date) before any DOC")
            value, raw = self.date(seg)
            if qual == "36":
                doc.expiry, doc.expiry_raw = value.date(), raw
            else:
                doc.issue_date, doc.issue_date_raw = value.date(), raw

    def _tdt(self, seg: Segment) -> None:
        flight = seg.get(1, 0)
        if not flight.strip():
            raise self.error(seg, "TDT without a flight (conveyance reference, element 3)")
        carrier = seg.get(4, 0)
        if not carrier.strip():
            carrier = flight[:2] if len(flight) > 2 and flight[:2].isalnum() else ""
        leg = FlightLeg(carrier=carrier, flight_number=flight, segment_number=seg.number)
        self.message.flights.append(leg)
        self.leg = leg
        self.person = None

    def _leg_loc(self, seg: Segment) -> None:
        leg = self.leg
        qual = seg.get(0, 0)
        place = seg.get(1, 0)
        if qual == "125":
            leg.departure_airport = place
            leg.crosses_border = True
        elif qual == "87":
            leg.arrival_airport = place
            leg.crosses_border = True
        elif qual == "92":
            if not leg.departure_airport:
                leg.departure_airport = place
            elif not leg.arrival_airport:
                leg.arrival_airport = place
            else:
                self.warn(seg, f"third LOC+92 for flight {leg.flight_number} ignored")

    def _leg_dtm(self, seg: Segment) -> None:
        leg = self.leg
        qual = seg.get(0, 0)
        if qual == "189":
            leg.departure_time, leg.departure_time_raw = self.date(seg)
        elif qual == "232":
            leg.arrival_time, leg.arrival_time_raw = self.date(seg)

    def _cnt(self, seg: Segment) -> None:
        self.cnt_seen = True
        qual, raw = seg.get(0, 0).strip(), seg.get(0, 1).strip()
        if not raw and seg.get(1, 0).strip().isdigit():
            raw = seg.get(1, 0).strip()
            self.warn(seg, f"quantity written as a separate element (CNT+{qual}+{raw}); "
                           f"read as CNT+{qual}:{raw}")
        if qual not in ("41", "42"):
            return
        if not raw.isdigit():
            self.warn(seg, f"CNT+{qual} quantity {raw!r} is not a number")
            return
        self.cnt_segments[int(qual)] = seg
        if qual == "42":
            self.message.declared_passengers = int(raw)
        else:
            self.message.declared_crew = int(raw)


def parse_paxlst(data: str | bytes) -> PaxlstInterchange:
    """Read a PAXLST interchange.  Raises :class:`PaxlstError` naming the segment at fault."""
    return _Parser(data).parse()
