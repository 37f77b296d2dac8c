"""CUSRES (customs response, D05B) answers to a PAXLST: board / no board, or a message-level error.

Layout (per FACTS.md section 3, as used by interactive API systems)::

    UNA:+.?*'
    UNB+UNOA:4+<border agency>+<carrier>+YYMMDD:HHMM+<control ref>'
    UNG+CUSRES+<agency>+<carrier>+YYMMDD:HHMM+<control ref>+UN+D:05B'
    UNH+<PAXLST message ref>+CUSRES:D:05B:UN:IATA'
    BGM+962'                                  response to an API message
    RFF+TN:<transaction ref>'                 when the PAXLST had one
    RFF+AF:<flight>'  DTM+189:..:201'  DTM+232:..:201'  LOC+125+<dep>'  LOC+87+<arr>'
    per passenger:  ERP+2'  RFF+AVF:<PNR>'  RFF+ABO:<pax ref>'  ERC+<code>'  FTX+AAP+++<text>[:<name>]'
    UNT  UNE  UNZ

The flight is the leg that crosses the border (``LOC+125/87``), else the last leg.  RFF+AVF and
RFF+ABO are written where the PAXLST gave them; when it gave neither, the FTX text carries the
person's name (``SURNAME/GIVEN NAMES``) as a second component so the carrier can match the answer.

Response codes (ERC) used by Portcullis.  Their meanings are national; these are ours:

=====  =====  ==========================================================================
level  code   meaning
=====  =====  ==========================================================================
ERP+2  0Z     OK TO BOARD
ERP+2  1Z     NO BOARD: do not carry this person
ERP+2  2Z     INSUFFICIENT DATA: correct this person's data and resend; do not board until cleared
ERP+2  4Z     CONTACT BORDER AUTHORITY: not cleared automatically; board only on our say-so
ERP+1  5Z     MESSAGE REJECTED: the PAXLST could not be read; FTX names the segment; resend it
ERP+1  6Z     SYSTEM ERROR: the PAXLST was not processed; resend it
=====  =====  ==========================================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from portcullis.border.edifact import EdifactError, EdifactReader, EdifactWriter, ServiceChars
from portcullis.border.paxlst import FlightLeg, PaxlstError, PaxlstInterchange, PaxlstMessage, Person

__all__ = [
    "BOARD",
    "CONTACT",
    "CUSRES_SERVICE",
    "INSUFFICIENT_DATA",
    "MESSAGE_REJECTED",
    "NO_BOARD",
    "PASSENGER_CODES",
    "MESSAGE_CODES",
    "SYSTEM_ERROR",
    "BoardingAnswer",
    "CusresInterchange",
    "CusresMessage",
    "CusresResponse",
    "parse_cusres",
    "write_cusres",
    "write_cusres_error",
]

BOARD, NO_BOARD, INSUFFICIENT_DATA, CONTACT = "0Z", "1Z", "2Z", "4Z"
MESSAGE_REJECTED, SYSTEM_ERROR = "5Z", "6Z"
PASSENGER_CODES = {
    BOARD: "OK TO BOARD",
    NO_BOARD: "NO BOARD",
    INSUFFICIENT_DATA: "INSUFFICIENT DATA",
    CONTACT: "CONTACT BORDER AUTHORITY",
}
MESSAGE_CODES = {MESSAGE_REJECTED: "MESSAGE REJECTED", SYSTEM_ERROR: "SYSTEM ERROR"}
CUSRES_SERVICE = ServiceChars(repetition="*")


@dataclass(frozen=True, eq=False)
class BoardingAnswer:
    """The answer for one person of a parsed PAXLST (matched to its message by identity)."""

    person: Person
    code: str = BOARD
    text: str = ""

    def __post_init__(self) -> None:
        if self.code not in PASSENGER_CODES:
            raise ValueError(f"unknown passenger response code {self.code!r}; use one of {sorted(PASSENGER_CODES)}")


@dataclass
class CusresResponse:
    level: int  # 1 message, 2 passenger
    code: str
    text: str = ""
    name: str = ""  # "SURNAME/GIVEN" when no reference identifies the person
    reservation_ref: str = ""
    passenger_ref: str = ""
    details: list[str] = field(default_factory=list)  # further FTX components (error location, reason)


@dataclass
class CusresMessage:
    reference: str
    version: str
    document_code: str = ""
    transaction_ref: str = ""
    flight: str = ""
    departure_airport: str = ""
    departure_time_raw: str = ""
    arrival_airport: str = ""
    arrival_time_raw: str = ""
    responses: list[CusresResponse] = field(default_factory=list)
    declared_segments: int | None = None
    segment_count: int = 0


@dataclass
class CusresInterchange:
    sender: str
    recipient: str
    control_ref: str
    prepared_raw: str = ""
    messages: list[CusresMessage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- writing -------------------------------------------------------------------------------------
def _header(w: EdifactWriter, sender: str, recipient: str, control_ref: str, now: dt.datetime) -> None:
    date, time = now.strftime("%y%m%d"), now.strftime("%H%M")
    w.segment("UNB", ["UNOA", "4"], sender, recipient, [date, time], control_ref)
    w.segment("UNG", "CUSRES", sender, recipient, [date, time], control_ref, "UN", ["D", "05B"])


def _trailer(w: EdifactWriter, messages: int, control_ref: str) -> None:
    w.segment("UNE", str(messages), control_ref)
    w.segment("UNZ", "1", control_ref)


def _border_leg(message: PaxlstMessage) -> FlightLeg | None:
    for leg in message.flights:
        if leg.crosses_border:
            return leg
    return message.flights[-1] if message.flights else None


def _normalise(answers) -> list[BoardingAnswer]:
    out = []
    for a in answers:
        if isinstance(a, BoardingAnswer):
            out.append(a)
        elif isinstance(a, tuple) and 2 <= len(a) <= 3:
            out.append(BoardingAnswer(*a))
        else:
            raise TypeError(f"answers must be BoardingAnswer or (person, code[, text]) tuples, not {a!r}")
    return out


def write_cusres(
    interchange_or_message: PaxlstInterchange | PaxlstMessage,
    answers: Iterable[BoardingAnswer | tuple],
    *,
    sender: str,
    recipient: str,
    control_ref: str,
    now: dt.datetime,
    service: ServiceChars = CUSRES_SERVICE,
    newline: str = "\n",
) -> str:
    """A CUSRES interchange answering each person in ``answers``: one CUSRES message per PAXLST
    message that has answers, persons in the order given.  Each person must belong to the given
    interchange or message (matched by identity), else ``ValueError``."""
    if isinstance(interchange_or_message, PaxlstInterchange):
        messages = interchange_or_message.messages
    else:
        messages = [interchange_or_message]
    owner: dict[int, int] = {}
    for i, m in enumerate(messages):
        for p in m.persons:
            owner[id(p)] = i
    per_message: dict[int, list[BoardingAnswer]] = {}
    for a in _normalise(answers):
        idx = owner.get(id(a.person))
        if idx is None:
            raise ValueError(f"{a.person.name} is not a person of this PAXLST")
        per_message.setdefault(idx, []).append(a)
    if not per_message:
        raise ValueError("no answers to write")
    w = EdifactWriter(service, newline=newline)
    seg = w.segment
    _header(w, sender, recipient, control_ref, now)
    for idx in sorted(per_message):
        m = messages[idx]
        start = w.count
        seg("UNH", m.reference, ["CUSRES", "D", "05B", "UN", "IATA"])
        seg("BGM", "962")
        if m.transaction_ref:
            seg("RFF", ["TN", m.transaction_ref])
        leg = _border_leg(m)
        if leg is not None:
            seg("RFF", ["AF", leg.flight_number])
            if leg.departure_time is not None or leg.departure_time_raw:
                stamp = leg.departure_time.strftime("%y%m%d%H%M") if leg.departure_time else leg.departure_time_raw
                seg("DTM", ["189", stamp, "201"])
            if leg.arrival_time is not None or leg.arrival_time_raw:
                stamp = leg.arrival_time.strftime("%y%m%d%H%M") if leg.arrival_time else leg.arrival_time_raw
                seg("DTM", ["232", stamp, "201"])
            if leg.departure_airport:
                seg("LOC", "125", leg.departure_airport)
            if leg.arrival_airport:
                seg("LOC", "87", leg.arrival_airport)
        for a in per_message[idx]:
            p = a.person
            seg("ERP", "2")
            if p.reservation_ref:
                seg("RFF", ["AVF", p.reservation_ref])
            if p.passenger_ref:
                seg("RFF", ["ABO", p.passenger_ref])
            seg("ERC", a.code)
            text = a.text or PASSENGER_CODES[a.code]
            if p.reservation_ref or p.passenger_ref:
                seg("FTX", "AAP", "", "", text)
            else:
                name = f"{p.surname}/{p.given_names}" if p.given_names else p.surname
                seg("FTX", "AAP", "", "", [text, name])
        seg("UNT", str(w.count - start + 1), m.reference)
    _trailer(w, len(per_message), control_ref)
    return w.text()


def write_cusres_error(
    error: PaxlstError,
    *,
    sender: str,
    recipient: str,
    control_ref: str,
    now: dt.datetime,
    code: str = MESSAGE_REJECTED,
    service: ServiceChars = CUSRES_SERVICE,
    newline: str = "\n",
) -> str:
    """A CUSRES with one message-level response (ERP+1) naming the segment at fault::

        ERP+1'  ERC+5Z'  FTX+AAP+++MESSAGE REJECTED:SEGMENT 21 NAD:<reason>'
    """
    if code not in MESSAGE_CODES:
        raise ValueError(f"unknown message response code {code!r}; use one of {sorted(MESSAGE_CODES)}")
    w = EdifactWriter(service, newline=newline)
    seg = w.segment
    _header(w, sender, recipient, control_ref, now)
    ref = error.message_ref or error.control_ref or control_ref
    start = w.count
    seg("UNH", ref, ["CUSRES", "D", "05B", "UN", "IATA"])
    seg("BGM", "962")
    if error.transaction_ref:
        seg("RFF", ["TN", error.transaction_ref])
    seg("ERP", "1")
    seg("ERC", code)
    seg("FTX", "AAP", "", "", [MESSAGE_CODES[code], error.location.upper(), error.reason[:350]])
    seg("UNT", str(w.count - start + 1), ref)
    _trailer(w, 1, control_ref)
    return w.text()


# --- reading -------------------------------------------------------------------------------------
def parse_cusres(data: str | bytes) -> CusresInterchange:
    """Read a CUSRES interchange (enough to check what :func:`write_cusres` produced, and what a
    peer sends back).  Raises :class:`EdifactError` for unreadable input; count mismatches are
    warnings."""
    reader = EdifactReader(data)
    ic: CusresInterchange | None = None
    msg: CusresMessage | None = None
    resp: CusresResponse | None = None
    counted = 0
    closed = False
    for seg in reader:
        tag = seg.tag
        if ic is None:
            if tag != "UNB":
                raise EdifactError("expected UNB", segment_number=seg.number, tag=tag)
            ic = CusresInterchange(sender=seg.get(1, 0), recipient=seg.get(2, 0), control_ref=seg.get(4, 0),
                                   prepared_raw=seg.get(3, 0) + seg.get(3, 1))
            continue
        if msg is not None:
            counted += 1
        if tag == "UNH":
            if msg is not None:
                raise EdifactError("UNH inside a message", segment_number=seg.number, tag=tag)
            if seg.get(1, 0) != "CUSRES":
                raise EdifactError(f"message type {seg.get(1, 0)!r} is not CUSRES",
                                   segment_number=seg.number, tag=tag)
            msg = CusresMessage(reference=seg.get(0, 0), version=seg.get(1, 1) + seg.get(1, 2))
            ic.messages.append(msg)
            counted, resp = 1, None
        elif tag == "UNT":
            if msg is None:
                raise EdifactError("UNT without UNH", segment_number=seg.number, tag=tag)
            msg.segment_count = counted
            raw = seg.get(0, 0)
            msg.declared_segments = int(raw) if raw.isdigit() else None
            if msg.declared_segments != counted:
                ic.warnings.append(f"segment {seg.number} UNT: declares {raw} segments, counted {counted}")
            msg = None
        elif tag == "UNZ":
            closed = True
            break
        elif tag in ("UNG", "UNE"):
            continue
        elif msg is None:
            raise EdifactError(f"{tag} outside a message", segment_number=seg.number, tag=tag)
        elif tag == "BGM":
            msg.document_code = seg.get(0, 0)
        elif tag == "ERP":
            resp = CusresResponse(level=int(seg.get(0, 0) or 0), code="")
            msg.responses.append(resp)
        elif tag == "RFF":
            qual, value = seg.get(0, 0), seg.get(0, 1)
            if resp is not None and qual == "AVF":
                resp.reservation_ref = value
            elif resp is not None and qual == "ABO":
                resp.passenger_ref = value
            elif qual == "TN":
                msg.transaction_ref = value
            elif qual == "AF":
                msg.flight = value
        elif tag == "DTM" and resp is None:
            if seg.get(0, 0) == "189":
                msg.departure_time_raw = seg.get(0, 1)
            elif seg.get(0, 0) == "232":
                msg.arrival_time_raw = seg.get(0, 1)
        elif tag == "LOC" and resp is None:
            if seg.get(0, 0) == "125":
                msg.departure_airport = seg.get(1, 0)
            elif seg.get(0, 0) == "87":
                msg.arrival_airport = seg.get(1, 0)
        elif tag == "ERC" and resp is not None:
            resp.code = seg.get(0, 0)
        elif tag == "FTX" and resp is not None:
            comps = seg.element(3)
            resp.text = comps[0] if comps else ""
            rest = comps[1:]
            if resp.level == 2 and rest:
                resp.name = rest[0]
            else:
                resp.details = list(rest)
    if ic is None:
        raise EdifactError("no UNB", segment_number=1)
    if not closed:
        raise EdifactError("input ends before UNZ", segment_number=0)
    return ic
