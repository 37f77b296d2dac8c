"""``portcullis mrz check [LINE ...]``: read and check machine readable zones."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from portcullis.documents.parser import parse_mrz


def register(subparsers: argparse._SubParsersAction) -> None:
    mrz = subparsers.add_parser("mrz", help="read and check ICAO 9303 machine readable zones",
                                description="Read and check ICAO 9303 machine readable zones.")
    mrz_sub = mrz.add_subparsers(dest="mrz_command", metavar="SUBCOMMAND")
    check = mrz_sub.add_parser(
        "check", help="check one or more MRZs",
        description="Check MRZs given as arguments (one line per argument) or on stdin. "
                    "Documents are separated by a blank line (or an empty argument).",
    )
    check.add_argument("lines", nargs="*", metavar="LINE", help="MRZ lines; omit to read stdin")
    check.add_argument("--json", action="store_true", help="print one JSON object per document (JSON Lines)")
    check.add_argument("--mode", choices=("strict", "lenient"), default="strict",
                       help="strict ICAO rules (default) or accept known non-standard issuers with warnings")
    check.add_argument("--no-ocr", dest="correct_ocr", action="store_false",
                       help="do not correct OCR confusions")
    check.add_argument("--reference-date", metavar="YYYY-MM-DD", default=None,
                       help="date for century inference and expiry (default: today)")
    check.set_defaults(func=handler)
    mrz.set_defaults(func=_usage(mrz))


def _usage(parser: argparse.ArgumentParser):
    def show(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2
    return show


def split_documents(text: str) -> list[list[str]]:
    """Blank-line separated blocks of non-blank lines."""
    documents: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            documents.append(current)
            current = []
    if current:
        documents.append(current)
    return documents


def handler(args: argparse.Namespace) -> int:
    reference = None
    if args.reference_date:
        try:
            reference = date.fromisoformat(args.reference_date)
        except ValueError:
            print(f"portcullis mrz check: --reference-date {args.reference_date!r} is not YYYY-MM-DD",
                  file=sys.stderr)
            return 2
    text = "\n".join(args.lines) if args.lines else sys.stdin.read()
    documents = split_documents(text)
    if not documents:
        print("portcullis mrz check: no MRZ given (pass the lines as arguments or on stdin)", file=sys.stderr)
        return 2
    all_valid = True
    for number, lines in enumerate(documents, 1):
        result = parse_mrz(lines, mode=args.mode, reference_date=reference, correct_ocr=args.correct_ocr)
        all_valid &= result.valid
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            if len(documents) > 1:
                print(f"Document {number}")
            print(result.summary())
            if number < len(documents):
                print()
    return 0 if all_valid else 1
