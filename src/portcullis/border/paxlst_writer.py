"""Write PAXLST interchanges (for tests, the benchmark and demo data; what a carrier would send).

The layout follows the WCO/IATA/ICAO implementation guide: ``UNA UNB UNG UNH BGM [RFF+TN]
NAD+MS COM`` then per leg ``TDT LOC DTM LOC DTM``, per person ``NAD ATT DTM LOC.. NAT RFF..`` and
per document ``DOC DTM LOC+91``, then ``CNT UNT UNE UNZ``.  Dates use the guide's formats: birth
dates and document dates ``YYMMDD``, flight times ``YYMMDDHHMM`` (format 201).  Data are escaped
with the release character, so any text round-trips through :func:`~portcullis.border.paxlst.parse_paxlst`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from portcullis.border.edifact import EdifactWriter, ServiceChars
from portcullis.border.paxlst import (
    CREW_ROLES,
    PASSENGER_ROLES,
    ROLE_CODES,
    FlightLeg,
    PaxlstMessage,
    Person,
    ReportingParty,
)

__all__ = ["WRITER_SERVICE", "generate_manifest", "write_paxlst", "write_paxlst_messages"]

#: ``UNA:+.?*'``: the ISO 9735 v4 characters, with ``*`` as repetition separator (so ``*`` in data is escaped).
WRITER_SERVICE = ServiceChars(repetition="*")


def _yymmdd(d: dt.date | None, raw: str) -> str:
    return d.strftime("%y%m%d") if d is not None else raw


def _stamp(t: dt.datetime | None, raw: str) -> str:
    return t.strftime("%y%m%d%H%M") if t is not None else raw


def write_paxlst(
    flights: Sequence[FlightLeg],
    persons: Sequence[Person],
    *,
    sender: str,
    recipient: str,
    control_ref: str,
    prepared_at: dt.datetime,
    message_ref: str | None = None,
    version: str = "D05B",
    document_type: str | None = None,
    document_qualifier: str = "",
    transaction_ref: str = "",
    reporting_party: ReportingParty | None = None,
    service: ServiceChars = WRITER_SERVICE,
    newline: str = "\n",
) -> str:
    """One PAXLST message for ``flights`` (its legs, in order) and ``persons``, in one interchange.

    ``document_type`` defaults to 250 (crew list) when every person is crew, else 745.
    """
    if document_type is None:
        document_type = "250" if persons and all(p.role in CREW_ROLES for p in persons) else "745"
    message = PaxlstMessage(
        reference=message_ref or control_ref, version=version, association="IATA",
        document_type=document_type, document_qualifier=document_qualifier, transaction_ref=transaction_ref,
        reporting_party=reporting_party or ReportingParty(), flights=list(flights), persons=list(persons),
    )
    return write_paxlst_messages([message], sender=sender, recipient=recipient, control_ref=control_ref,
                                 prepared_at=prepared_at, service=service, newline=newline)


def write_paxlst_messages(
    messages: Sequence[PaxlstMessage],
    *,
    sender: str,
    recipient: str,
    control_ref: str,
    prepared_at: dt.datetime,
    service: ServiceChars = WRITER_SERVICE,
    newline: str = "\n",
) -> str:
    """An interchange with one functional group holding ``messages`` (e.g. those of a parsed interchange)."""
    w = EdifactWriter(service, newline=newline)
    seg = w.segment
    date, time = prepared_at.strftime("%y%m%d"), prepared_at.strftime("%H%M")
    seg("UNB", ["UNOA", "4"], sender, recipient, [date, time], control_ref, "", "APIS")
    versions = {m.version or "D05B" for m in messages}
    group_version = versions.pop() if len(versions) == 1 else "D05B"
    seg("UNG", "PAXLST", sender, recipient, [date, time], control_ref, "UN", [group_version[0], group_version[1:]])
    for m in messages:
        _write_message(w, m)
    seg("UNE", str(len(messages)), control_ref)
    seg("UNZ", "1", control_ref)
    return w.text()


def _write_message(w: EdifactWriter, m: PaxlstMessage) -> None:
    seg = w.segment
    start = w.count
    version = m.version or "D05B"
    seg("UNH", m.reference, ["PAXLST", version[0], version[1:], "UN", m.association or "IATA"],
        m.common_access_ref)
    seg("BGM", m.document_type or "745", m.document_qualifier)
    if m.transaction_ref:
        seg("RFF", ["TN", m.transaction_ref])
    party = m.reporting_party
    if party.name or party.phone or party.fax or party.email:
        seg("NAD", "MS", "", "", party.name)
        coms = [[v, k] for v, k in ((party.phone, "TE"), (party.fax, "FX"), (party.email, "EM")) if v]
        if coms:
            seg("COM", *coms)
    for leg in m.flights:
        seg("TDT", "20", leg.flight_number, "", "", leg.carrier)
        dep_q, arr_q = ("125", "87") if leg.crosses_border else ("92", "92")
        seg("LOC", dep_q, leg.departure_airport)
        if leg.departure_time is not None or leg.departure_time_raw:
            seg("DTM", ["189", _stamp(leg.departure_time, leg.departure_time_raw), "201"])
        seg("LOC", arr_q, leg.arrival_airport)
        if leg.arrival_time is not None or leg.arrival_time_raw:
            seg("DTM", ["232", _stamp(leg.arrival_time, leg.arrival_time_raw), "201"])
    for p in m.persons:
        _write_person(seg, p)
    if m.document_type == "250":
        seg("CNT", ["41", str(sum(1 for p in m.persons if p.role in CREW_ROLES))])
    else:
        seg("CNT", ["42", str(sum(1 for p in m.persons if p.role in PASSENGER_ROLES))])
        crew = sum(1 for p in m.persons if p.role in CREW_ROLES)
        if crew:
            seg("CNT", ["41", str(crew)])
    seg("UNT", str(w.count - start + 1), m.reference)


def _write_person(seg, p: Person) -> None:
    name = [p.surname, p.given_names] if p.given_names else [p.surname]
    seg("NAD", ROLE_CODES[p.role], "", "", name, *p.address)
    if p.sex:
        seg("ATT", "2", "", p.sex)
    if p.birth_date is not None or p.birth_date_raw:
        seg("DTM", ["329", _yymmdd(p.birth_date, p.birth_date_raw)])
    if p.clearance_port:
        seg("LOC", "22", p.clearance_port)
    if p.residence_country:
        seg("LOC", "174", p.residence_country)
    if p.embark_port:
        seg("LOC", "178", p.embark_port)
    if p.debark_port:
        seg("LOC", "179", p.debark_port)
    if p.place_of_birth:
        seg("LOC", "180", ["", "", "", p.place_of_birth])
    if p.nationality:
        seg("NAT", "2", p.nationality)
    if p.reservation_ref:
        seg("RFF", ["AVF", p.reservation_ref])
    if p.passenger_ref:
        seg("RFF", ["ABO", p.passenger_ref])
    if p.seat:
        seg("RFF", ["SEA", p.seat])
    for qual, value in p.references.items():
        seg("RFF", [qual, value])
    for d in p.documents:
        seg("DOC", [d.type, "110", "111"], d.number)
        if d.expiry is not None or d.expiry_raw:
            seg("DTM", ["36", _yymmdd(d.expiry, d.expiry_raw)])
        if d.issue_date is not None or d.issue_date_raw:
            seg("DTM", ["182", _yymmdd(d.issue_date, d.issue_date_raw)])
        if d.issuing_country:
            seg("LOC", "91", d.issuing_country)


_SURNAMES = ["SMITH", "O'NEILL", "GARCIA LOPEZ", "MÜLLER", "NGUYEN", "KOWALSKI", "DUBOIS", "ROSSI", "KHAN",
             "SILVA", "IVANOV", "CHEN", "AL-RASHID", "O'BRIEN", "VAN DER BERG", "MOORE+PARTNER", "TAN"]
_GIVEN = ["JOHN", "MARIA", "AHMED", "LI", "ANNA MARIE", "JEAN-PAUL", "FATIMA", "PIOTR", "SIOBHAN", "KENJI",
          "OLUWASEUN", "ZOË", "JOSÉ", "YUSUF", "EMMA"]
_COUNTRIES = ["GBR", "USA", "FRA", "DEU", "IND", "NGA", "CHN", "BRA", "POL", "IRL", "ESP", "PAK", "JPN"]


def generate_manifest(passengers: int, *, crew: int = 0, seed: int = 0,
                      departure: dt.datetime = dt.datetime(2025, 6, 1, 9, 30)) -> tuple[list[FlightLeg], list[Person]]:
    """A deterministic, made-up manifest: one flight JFK -> LHR, ``passengers`` passengers and ``crew``
    crew, each with a passport.  Names include apostrophes, plus signs and non-ASCII letters, so
    writing them exercises escaping.  For benchmarks, demo data and tests."""
    import random

    from portcullis.border.paxlst import Document

    rng = random.Random(seed)
    leg = FlightLeg(carrier="PC", flight_number="PC0101", departure_airport="JFK", departure_time=departure,
                    arrival_airport="LHR", arrival_time=departure + dt.timedelta(hours=7, minutes=5),
                    crosses_border=True)
    people: list[Person] = []
    today = departure.date()
    for i in range(passengers + crew):
        role = "passenger" if i < passengers else "crew"
        nationality = rng.choice(_COUNTRIES)
        birth = today - dt.timedelta(days=rng.randint(2 * 365, 90 * 365))
        expiry = today + dt.timedelta(days=rng.randint(30, 10 * 365))
        people.append(Person(
            role=role, surname=rng.choice(_SURNAMES), given_names=rng.choice(_GIVEN), birth_date=birth,
            sex=rng.choice("MF"), nationality=nationality, residence_country=nationality,
            embark_port="JFK", debark_port="LHR",
            reservation_ref="".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6)),
            passenger_ref=f"P{i + 1:06d}", seat=f"{rng.randint(1, 60)}{rng.choice('ABCDEF')}",
            documents=[Document(type="P", number=f"{rng.randint(10**8, 10**9 - 1)}", expiry=expiry,
                                issuing_country=nationality)],
        ))
    return [leg], people
