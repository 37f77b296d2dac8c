"""``portcullis rules``: evaluate, schema, explain, params, versions, release.

FILE.json is ``{"route": "<route id>", "as_at": "YYYY-MM-DD" (optional), "facts": {...}}``.
Examples: ``src/portcullis/rules/examples/<route>.json``.  Bad JSON or facts that fail the schema
print each field and exit 2.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser("rules", help="evaluate the Immigration Rules (rules as code)",
                              description="Evaluate a case file against a route of the Immigration Rules.")
    sub = p.add_subparsers(dest="rules_command", metavar="SUBCOMMAND")
    ev = sub.add_parser("evaluate", help="evaluate FILE.json and print the outcome and tree")
    ev.add_argument("file", help='JSON: {"route": ..., "as_at": optional, "facts": {...}}')
    ev.add_argument("--as-at", help="decision date (YYYY-MM-DD); overrides the file")
    ev.add_argument("--json", action="store_true", help="print the full evaluation as JSON")
    ev.add_argument("--rules-version", help="re-evaluate under an archived rules version")
    ev.set_defaults(func=handle_evaluate)
    ex = sub.add_parser("explain", help="print the requirement tree of FILE.json for a person to read")
    ex.add_argument("file")
    ex.add_argument("--as-at")
    ex.set_defaults(func=handle_explain)
    sc = sub.add_parser("schema", help="print the JSON Schema of a route's facts")
    sc.add_argument("route", help="route id, or 'list' for the route ids")
    sc.set_defaults(func=handle_schema)
    pa = sub.add_parser("params", help="print a parameter's value on a date (or all names)")
    pa.add_argument("name", nargs="?")
    pa.add_argument("--on", help="date (default today)")
    pa.set_defaults(func=handle_params)
    ve = sub.add_parser("versions", help="print the installed rules version and the archived ones")
    ve.set_defaults(func=handle_versions)
    re_ = sub.add_parser("release", help="archive the current parameters under the current rules version")
    re_.add_argument("--note", default="")
    re_.set_defaults(func=handle_release)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _date(s: str | None, what: str) -> _dt.date | None:
    if s is None:
        return None
    try:
        return _dt.date.fromisoformat(s)
    except ValueError:
        raise _Bad([{"field": what, "message": f"not an ISO date: {s!r}"}]) from None


class _Bad(Exception):
    def __init__(self, errors):
        self.errors = errors


def _load(path: str, as_at_arg: str | None):
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as exc:
        raise _Bad([{"field": "(file)", "message": str(exc)}]) from None
    except json.JSONDecodeError as exc:
        raise _Bad([{"field": "(file)", "message": f"not valid JSON: {exc}"}]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("route"), str) or not isinstance(doc.get("facts"), dict):
        raise _Bad([{"field": "(file)", "message": 'expected {"route": "<route id>", "facts": {...}}'}])
    as_at = _date(as_at_arg, "--as-at") or _date(doc.get("as_at"), "as_at")
    return doc["route"], doc["facts"], as_at


def _errors(errors) -> int:
    for e in errors:
        print(f"error: {e['field']}: {e['message']}", file=sys.stderr)
    return 2


def _evaluate(args):
    from . import FactsError, RulesVersionUnavailable, evaluate

    route, facts, as_at = _load(args.file, getattr(args, "as_at", None))
    try:
        return evaluate(route, facts, as_at=as_at, rules_version=getattr(args, "rules_version", None))
    except FactsError as exc:
        raise _Bad(exc.errors) from None
    except RulesVersionUnavailable as exc:
        raise _Bad([{"field": "--rules-version", "message": str(exc)}]) from None


def handle_evaluate(args) -> int:
    try:
        ev = _evaluate(args)
    except _Bad as exc:
        return _errors(exc.errors)
    if args.json:
        print(json.dumps(ev.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(ev.explain_text(), end="")
    return 0


def handle_explain(args) -> int:
    try:
        ev = _evaluate(args)
    except _Bad as exc:
        return _errors(exc.errors)
    print(ev.explain_text(), end="")
    return 0


def handle_schema(args) -> int:
    from . import FactsError, route_schema, routes

    if args.route == "list":
        print("\n".join(routes()))
        return 0
    try:
        print(json.dumps(route_schema(args.route), indent=2))
    except FactsError as exc:
        return _errors(exc.errors)
    return 0


def handle_params(args) -> int:
    from .params import ParameterNotInForce, current

    ps = current()
    if not args.name:
        print("\n".join(ps.names()))
        return 0
    try:
        on = _date(args.on, "--on") or _dt.date.today()
        print(json.dumps(ps.get(args.name, on).to_dict(), indent=2))
    except _Bad as exc:
        return _errors(exc.errors)
    except ParameterNotInForce as exc:
        return _errors([{"field": "name", "message": str(exc)}])
    return 0


def handle_versions(args) -> int:
    from .version import archived_versions, code_hash, rules_version

    print(f"installed {rules_version()} (code {code_hash()[:12]})")
    for v in archived_versions():
        print(f"archived  {v['rules_version']} (code {v['code_hash'][:12]}, released {v['released']}) {v.get('note') or ''}")
    return 0


def handle_release(args) -> int:
    from .version import release

    print(release(args.note))
    return 0
