"""``portcullis screen``: screen a traveller file against a watchlist file."""

from __future__ import annotations

import argparse
import json
import sys
import time

from .index import Index
from .loaders import load_people, load_watchlist
from .model import Thresholds


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "screen",
        help="screen travellers against a watchlist",
        description="Screen travellers (JSON lines or CSV) against a watchlist (JSON lines, CSV or "
        "OpenSanctions FtM JSON lines). One output line per traveller.",
    )
    p.add_argument("--watchlist", required=True, help="watchlist file (.jsonl, .csv, FtM .json/.jsonl)")
    p.add_argument("--travellers", required=True, help="travellers file (.jsonl or .csv)")
    p.add_argument("--threshold", type=float, default=None, help="decision threshold (default %(default)s -> 0.75)")
    p.add_argument("--list-id", default="watchlist", help="list id for entries without one")
    p.add_argument("--action", default="refer", help="action for entries without one")
    p.add_argument("--limit", type=int, default=10, help="hits per traveller")
    p.add_argument("--workers", type=int, default=1, help="worker processes for large files")
    p.add_argument("--json", action="store_true", help="JSON lines output")
    p.set_defaults(func=handler)


class _Progress:
    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled
        self.last = 0.0

    def __call__(self, i: int, n: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.2 and i < n:
            return
        self.last = now
        width = 30
        fill = int(width * i / n) if n else width
        sys.stderr.write(f"\r{self.label} [{'#' * fill}{'.' * (width - fill)}] {i}/{n}")
        if i >= n:
            sys.stderr.write("\n")
        sys.stderr.flush()


def handler(args: argparse.Namespace) -> int:
    try:
        entries, werrors = load_watchlist(args.watchlist, args.list_id, args.action)
        travellers, terrors = load_people(args.travellers)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for e in werrors:
        print(f"{args.watchlist}: {e}", file=sys.stderr)
    for e in terrors:
        print(f"{args.travellers}: {e}", file=sys.stderr)
    big = len(travellers) >= 1000 and sys.stderr.isatty()
    index = Index(entries)
    thresholds = Thresholds.coerce(args.threshold)
    results = index.screen_batch(
        travellers, thresholds, limit=args.limit, workers=args.workers,
        progress=_Progress("screening", big),
    )
    if big:
        _Progress("screening", True)(len(travellers), len(travellers))
    versions = index.versions
    out = sys.stdout
    for q, hits in zip(travellers, results):
        if args.json:
            out.write(json.dumps({"id": q.id, "hits": [h.as_dict() for h in hits], "list_versions": versions},
                                 ensure_ascii=False) + "\n")
        else:
            decided = [h for h in hits if h.decision]
            if not decided:
                out.write(f"{q.id}\tclear\n")
            else:
                out.write(f"{q.id}\t{len(decided)} hit(s)\t" + " | ".join(h.explain_text() for h in decided) + "\n")
    bad = len(werrors) + len(terrors) - sum(1 for e in werrors + terrors if e.skipped)
    print(f"screened {len(travellers)} traveller(s) against {len(index)} entries "
          f"({', '.join(f'{k}@{v}' for k, v in versions.items())}); {bad} bad row(s)", file=sys.stderr)
    return 1 if bad else 0
