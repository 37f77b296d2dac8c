"""``portcullis cases stuck --days N``: cases with no transition for N days (the "black hole" report)."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser("cases", help="casework: the stuck-case report",
                                   description="Casework reports on the command line.")
    commands = parser.add_subparsers(dest="cases_command", metavar="COMMAND", required=True)
    stuck = commands.add_parser("stuck", help="cases with no transition for N days, oldest first",
                                description="List cases that are not closed and have had no transition for N days. "
                                            "Exit 0 (also when none are stuck).")
    stuck.add_argument("--days", type=int, default=10, help="days without a transition (default 10)")
    stuck.add_argument("--json", action="store_true", help="print JSON lines")
    stuck.set_defaults(func=_stuck)


def _stuck(args: argparse.Namespace) -> int:
    from portcullis.cli import setup_django

    setup_django()
    from django.utils import timezone

    from portcullis.casework.services import stuck_cases
    from portcullis.errors import InvalidInput
    from portcullis.workforce.authority import SYSTEM, authorise

    authorise(SYSTEM, "casework.reports")
    try:
        cases = stuck_cases(args.days)
    except InvalidInput as exc:
        print(f"portcullis cases stuck: {exc}", file=sys.stderr)
        return 2
    now = timezone.now()
    count = 0
    if not args.json:
        print(f"{'case':<16} {'status':<26} {'owner / queue':<24} {'idle days':>9}  last transition")
    for case in cases.iterator():
        count += 1
        idle = (now - case.last_transition_at).days
        who = case.owner.get_username() if case.owner else f"queue {case.queue.code}"
        if args.json:
            print(json.dumps({"reference": case.reference, "status": case.status, "sub_status": case.sub_status,
                              "owner": case.owner.get_username() if case.owner else None,
                              "queue": case.queue.code if case.queue else None, "idle_days": idle,
                              "last_transition_at": case.last_transition_at.isoformat()}))
        else:
            status = case.status + (f"/{case.sub_status}" if case.sub_status else "")
            print(f"{case.reference:<16} {status:<26} {who:<24} {idle:>9}  {timezone.localtime(case.last_transition_at):%Y-%m-%d %H:%M}")
    if not args.json:
        print(f"{count} case(s) with no transition for {args.days} day(s) or more")
    return 0
