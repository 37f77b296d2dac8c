"""``portcullis watchlist import``: load a list into the database (audited)."""

from __future__ import annotations

import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser("watchlist", help="manage the watchlists held in the database")
    sub = parser.add_subparsers(dest="watchlist_command", metavar="COMMAND", required=True)
    imp = sub.add_parser("import", help="import entries from CSV, JSON lines or FollowTheMoney JSON lines")
    imp.add_argument("file")
    imp.add_argument("--list", required=True, dest="code", help="watchlist code, e.g. wanted")
    imp.add_argument("--name", default="", help="name for a new list")
    imp.add_argument("--format", default="auto", choices=["auto", "table", "ftm"])
    imp.add_argument("--action", default="refer", choices=["refuse_entry", "arrest", "refer", "notify"],
                     help="default action for a new list")
    imp.add_argument("--replace", action="store_true", help="the file is the whole list: remove entries not in it")
    imp.set_defaults(func=_import)


def _import(args) -> int:
    from portcullis.cli import setup_django

    setup_django()
    from portcullis.errors import InvalidInput
    from portcullis.workforce.authority import SYSTEM, NotAuthorised

    from .services import import_entries

    try:
        report = import_entries(args.code, args.file, actor=SYSTEM, fmt=args.format, replace=args.replace,
                                name=args.name, default_action=args.action)
    except (InvalidInput, NotAuthorised) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for error in report.errors:
        print(str(error), file=sys.stderr)
    print(f"{report.watchlist}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
          f"{report.removed} removed, {len(report.errors)} rows reported; version {report.version}")
    return 1 if any(not e.skipped for e in report.errors) else 0
