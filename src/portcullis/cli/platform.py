"""Platform commands: demo, serve, migrate, audit verify, staff tokens."""

from __future__ import annotations

import os
from pathlib import Path
import sys

from . import setup_django


def register(subparsers) -> None:
    demo = subparsers.add_parser("demo", help="create the embedded database with demo data and print demo logins")
    demo.add_argument("--people", type=int, default=2000, help="number of demo persons (default 2000)")
    demo.add_argument("--seed", type=int, default=9303, help="random seed (the data are deterministic)")
    demo.add_argument("--force", action="store_true", help="recreate demo data even if present")
    demo.set_defaults(func=_demo)

    serve = subparsers.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="serve in demo mode (embedded database, HTTP cookies)")
    serve.set_defaults(func=_serve)

    migrate = subparsers.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(func=_migrate)

    static = subparsers.add_parser("collectstatic", help="gather GOV.UK Frontend and Portcullis static files "
                                   "for WhiteNoise (production)")
    static.set_defaults(func=_collectstatic)

    audit = subparsers.add_parser("audit", help="the audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    verify = audit_sub.add_parser("verify", help="check the hash chain; name the first edited, inserted or deleted event")
    verify.set_defaults(func=_audit_verify)

    token = subparsers.add_parser("token", help="issue an API token to a user (shown once)")
    token.add_argument("username")
    token.add_argument("--name", default="cli")
    token.add_argument("--role", default="", help="pseudo-grade for a service client, e.g. CARRIER")
    token.set_defaults(func=_token)


def _collectstatic(args) -> int:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"static files collected in {settings.STATIC_ROOT}")
    return 0


def _migrate(args) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print("database is up to date")
    return 0


def _demo(args) -> int:
    os.environ.setdefault("PORTCULLIS_MODE", "demo")
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from portcullis.demo import build_demo

    logins = build_demo(people=args.people, seed=args.seed, force=args.force)
    if logins is None:
        print("Demo data already present (use --force to rebuild).  Demo logins are in data/demo-logins.txt.")
        return 0
    print("Demo logins (generated now; also written to data/demo-logins.txt, readable only by you):")
    for row in logins:
        print(f"  {row['username']:<14} {row['password']}  {row['grade']:<4} {row['team']}")
    from django.conf import settings

    person_logins = Path(settings.DATA_DIR) / "demo-person-logins.txt"
    if person_logins.exists():
        print("A person's own sign-in (view and prove status; also in data/demo-person-logins.txt):")
        for line in person_logins.read_text().splitlines():
            username, password, _kind, about = line.split("\t", 3)
            print(f"  {username:<14} {password}  {about}")
    return 0


def _serve(args) -> int:
    if args.demo:
        os.environ.setdefault("PORTCULLIS_MODE", "demo")
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if settings.PRODUCTION:
        print("In production, serve with a WSGI server, e.g.: gunicorn portcullis.wsgi -w 4 -b 0.0.0.0:8000",
              file=sys.stderr)
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, use_threading=True)
    return 0


def _audit_verify(args) -> int:
    setup_django()
    from portcullis.audit.models import AuditEvent
    from portcullis.audit.services import verify
    from portcullis.workforce.authority import SYSTEM, authorise

    authorise(SYSTEM, "audit.verify")
    findings = verify()
    count = AuditEvent.objects.count()
    if not findings:
        print(f"audit trail intact: {count} events, hash chain verified")
        return 0
    print(f"audit trail BROKEN: first problem at {findings[0]}")
    for finding in findings[1:]:
        print(f"  also: {finding}")
    return 1


def _token(args) -> int:
    setup_django()
    from django.contrib.auth import get_user_model

    from portcullis.api.models import ApiToken

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        print(f"error: username: no user {args.username!r}", file=sys.stderr)
        return 2
    from django.db import transaction

    from portcullis.audit.services import record
    from portcullis.workforce.authority import SYSTEM

    with transaction.atomic():
        token, raw = ApiToken.issue(user=user, name=args.name, role=args.role)
        record(SYSTEM, "api.token_issued", token, reason=f"token {args.name!r} for {user.username}",
               payload={"user": user.username, "role": args.role, "prefix": token.prefix})
    print(raw)
    return 0
