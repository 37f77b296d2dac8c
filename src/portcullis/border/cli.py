"""``portcullis paxlst parse FILE [--json]``: read a carrier's PAXLST and show what it holds."""

from __future__ import annotations

import argparse
import json
import sys

from portcullis.border.paxlst import PaxlstError, PaxlstInterchange, parse_paxlst


def register(subparsers) -> None:
    parser = subparsers.add_parser("paxlst", help="read UN/EDIFACT PAXLST passenger lists",
                                   description="Read UN/EDIFACT PAXLST passenger and crew lists.")
    commands = parser.add_subparsers(dest="paxlst_command", metavar="SUBCOMMAND")
    parse = commands.add_parser("parse", help="parse a PAXLST file and print its flights and persons",
                                description="Parse a PAXLST interchange. Exit 0 when it reads (warnings "
                                            "are printed), 2 when it cannot be read.")
    parse.add_argument("file", metavar="FILE", help="the PAXLST file, or - for standard input")
    parse.add_argument("--json", action="store_true", help="print the parsed structure as JSON")
    parser.set_defaults(func=handler, _paxlst_parser=parser)
    border = subparsers.add_parser("border", help="border control: carriers, overstay report")
    _register_platform_commands(border.add_subparsers(dest="border_command", metavar="COMMAND", required=True))


def handler(args: argparse.Namespace) -> int:
    if getattr(args, "paxlst_command", None) != "parse":
        args._paxlst_parser.print_help(sys.stderr)
        return 2
    try:
        if args.file == "-":
            data: bytes = sys.stdin.buffer.read()
        else:
            with open(args.file, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        print(f"portcullis paxlst: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    try:
        interchange = parse_paxlst(data)
    except PaxlstError as exc:
        where = exc.location + (f" (line {exc.line})" if exc.line else "")
        if args.json:
            print(json.dumps({"error": {"segment_number": exc.segment_number, "tag": exc.tag, "line": exc.line,
                                        "message": exc.reason}}, indent=2))
        print(f"portcullis paxlst: {args.file}: {where}: {exc.reason}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(interchange.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(summary(interchange))
    return 0


def _when(value, raw: str) -> str:
    if value is None:
        return raw or "-"
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else value.isoformat()


def summary(ic: PaxlstInterchange) -> str:
    """A human-readable account of the interchange."""
    lines = [
        f"Interchange {ic.control_ref} from {ic.sender} to {ic.recipient}, prepared {_when(ic.prepared_at, ic.prepared_raw)}"
        f" (syntax {ic.syntax}{', IATA Type-B wrapper' if ic.transport else ''})",
    ]
    for n, m in enumerate(ic.messages, 1):
        kind = m.document_name or f"document {m.document_type}"
        lines.append(f"Message {n}: {m.reference} PAXLST {m.version}, {kind}"
                     + (f", transaction {m.transaction_ref}" if m.transaction_ref else "")
                     + (f", reported by {m.reporting_party.name}" if m.reporting_party.name else ""))
        for leg in m.flights:
            lines.append(f"  Flight {leg.flight_number} (carrier {leg.carrier or '-'}): "
                         f"{leg.departure_airport or '?'} {_when(leg.departure_time, leg.departure_time_raw)} -> "
                         f"{leg.arrival_airport or '?'} {_when(leg.arrival_time, leg.arrival_time_raw)}")
        lines.append(f"  {len(m.passengers)} passengers, {len(m.crew)} crew")
        for p in m.persons:
            docs = "; ".join(
                f"{d.type} {d.number}" + (f" {d.issuing_country}" if d.issuing_country else "")
                + (f" exp {d.expiry.isoformat()}" if d.expiry else "") for d in p.documents)
            born = p.birth_date.isoformat() if p.birth_date else (p.birth_date_raw or "-")
            lines.append(f"    {p.role.replace('_', ' '):<22} {p.name:<30} born {born}  sex {p.sex or '-'}  "
                         f"nationality {p.nationality or '-'}  documents {docs or '-'}")
    if ic.warnings:
        lines.append(f"Warnings ({len(ic.warnings)}):")
        lines.extend(f"  {w}" for w in ic.warnings)
    else:
        lines.append("No warnings.")
    return "\n".join(lines)


def _register_platform_commands(sub) -> None:
    """Commands that need the database: carriers and the overstay report."""
    carrier = sub.add_parser("carrier", help="register a carrier and print its API token (shown once)")
    carrier.add_argument("code")
    carrier.add_argument("name")
    carrier.set_defaults(func=_carrier)
    over = sub.add_parser("overstayers", help="people whose leave has expired with no departure recorded")
    over.set_defaults(func=_overstayers)


def _overstayers(args) -> int:
    from portcullis.cli import setup_django

    setup_django()
    from portcullis.workforce.authority import SYSTEM

    from .services import overstay_report

    rows = overstay_report(user=SYSTEM)
    for r in rows:
        print(f"{r.person.reference}  {r.person.display_name}  {r.leave.get_kind_display()} expired {r.leave.expiry_date}"
              f"  {r.days_over} days")
    print(f"{len(rows)} overstayer{'s' if len(rows) != 1 else ''}")
    return 0


def _carrier(args) -> int:
    from portcullis.cli import setup_django

    setup_django()
    from portcullis.errors import InvalidInput
    from portcullis.workforce.authority import SYSTEM

    from .services import register_carrier

    try:
        carrier, token = register_carrier(args.code, args.name, actor=SYSTEM)
    except InvalidInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"carrier {carrier.code} registered; API token (shown once): {token}")
    return 0
