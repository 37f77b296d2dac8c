"""``portcullis letters``: render a template to PDF for checking, register template versions, verify issued letters.

    portcullis letters render refusal context.json --language cy --out refusal.pdf
    portcullis letters sync
    portcullis letters verify [LETTER_ID ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser("letters", help="letter templates: render, register versions, verify issued letters")
    commands = parser.add_subparsers(dest="letters_command", metavar="SUBCOMMAND", required=True)
    render = commands.add_parser("render", help="render a template with a JSON context to PDF (nothing is stored)")
    render.add_argument("template")
    render.add_argument("context", help="JSON file with the letter context, or - for standard input")
    render.add_argument("--language", default="en", choices=["en", "cy"])
    render.add_argument("--out", default="-", help="PDF file to write (default standard output); .html writes HTML")
    render.set_defaults(func=_render)
    sync = commands.add_parser("sync", help="register a new version of every template whose file has changed")
    sync.set_defaults(func=_sync)
    verify = commands.add_parser("verify", help="check issued letters' PDFs against their recorded sha256")
    verify.add_argument("ids", nargs="*", type=int)
    verify.set_defaults(func=_verify)


def _render(args: argparse.Namespace) -> int:
    from portcullis.cli import setup_django

    setup_django()
    from portcullis.errors import InvalidInput

    from .catalogue import KINDS, normalise
    from .rendering import render_html, render_pdf, source_files
    from .services import CHALLENGE_KINDS
    from . import deadlines as dl

    if args.template not in KINDS:
        print(f"template: must be one of {', '.join(KINDS)}", file=sys.stderr)
        return 2
    raw = sys.stdin.read() if args.context == "-" else open(args.context, encoding="utf-8").read()
    try:
        ctx, errors = normalise(args.template, json.loads(raw))
    except json.JSONDecodeError as exc:
        print(f"context: not JSON ({exc})", file=sys.stderr)
        return 2
    if errors:
        for e in errors:
            print(f"{e.field}: {e.message}", file=sys.stderr)
        return 2
    today = dt.date.today()
    stated = dl.compute(ctx.get("challenge"), decided_on=ctx.get("decided_on") or today, served_on=today,
                        method="email") if args.template in CHALLENGE_KINDS else {}
    body, layout = source_files(args.template, args.language)
    try:
        html = render_html(body, layout, dict(ctx, letter_date=today, service_method="email", deadlines=stated),
                           title=KINDS[args.template].title(args.language), lang=args.language, draft=True)
        data = html.encode() if args.out.endswith(".html") else render_pdf(html)
    except InvalidInput as exc:
        for e in exc.errors:
            print(f"{e.field}: {e.message}", file=sys.stderr)
        return 2
    if args.out == "-":
        sys.stdout.buffer.write(data)
    else:
        with open(args.out, "wb") as fh:
            fh.write(data)
    return 0


def _sync(args: argparse.Namespace) -> int:
    from portcullis.cli import setup_django

    setup_django()
    from .services import sync_templates

    for tpl in sync_templates():
        print(f"{tpl.code}.{tpl.language} v{tpl.version} {tpl.content_hash[:12]}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from portcullis.cli import setup_django

    setup_django()
    from .models import Letter
    from .services import verify

    qs = Letter.objects.exclude(state="draft")
    if args.ids:
        qs = qs.filter(pk__in=args.ids)
    bad = 0
    for letter in qs.iterator():
        ok = verify(letter)
        bad += not ok
        print(f"letter {letter.pk} {letter.code}.{letter.language} {'intact' if ok else 'DOES NOT MATCH its hash'}")
    return 1 if bad else 0
