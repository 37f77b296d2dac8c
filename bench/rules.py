"""Rules engine benchmark: evaluations per second per route, single process, full explanation.

    .venv/bin/python bench/rules.py              # ~1 s per route
    .venv/bin/python bench/rules.py --seconds 3 --to-dict

Each evaluation validates the facts against the route schema, builds the full requirement tree
(statuses, facts used, computed values, parameters with dates and citations) and derives the outcome.
With --to-dict it also serialises the tree to JSON-ready dicts (what casework stores).  Facts are the
shipped examples with the dates varied per iteration so parameter lookups are not all one cache entry.
Target: >= 10,000 evaluations/s per core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from portcullis.rules import evaluate, routes

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "portcullis" / "rules" / "examples"
DATE_KEYS = ("application_date", "decision_date", "arrival_date")


def variants(facts: dict, n: int = 64) -> list[dict]:
    out = []
    for i in range(n):
        f = dict(facts)
        for k in DATE_KEYS:
            if k in f:
                f[k] = (dt.date.fromisoformat(f[k]) + dt.timedelta(days=i % 7)).isoformat()
        out.append(f)
    return out


def bench(route: str, facts: dict, seconds: float, to_dict: bool) -> tuple[float, str]:
    vs = variants(facts)
    outcome = evaluate(route, vs[0]).outcome.value
    n, start = 0, time.perf_counter()
    deadline = start + seconds
    while True:
        for f in vs:
            ev = evaluate(route, f)
            if to_dict:
                ev.to_dict()
        n += len(vs)
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start), outcome


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=1.0, help="per route")
    ap.add_argument("--to-dict", action="store_true", help="also serialise every evaluation")
    args = ap.parse_args()
    print(f"portcullis.rules benchmark: single process, {args.seconds:g} s per route, full tree"
          + (" + to_dict()" if args.to_dict else ""))
    print(f"{'route':<22} {'outcome':<8} {'evaluations/s':>14}")
    worst = None
    for route in routes():
        facts = json.loads((EXAMPLES / f"{route}.json").read_text())["facts"]
        rate, outcome = bench(route, facts, args.seconds, args.to_dict)
        worst = rate if worst is None else min(worst, rate)
        print(f"{route:<22} {outcome:<8} {rate:>14,.0f}")
    print(f"slowest route: {worst:,.0f}/s (target 10,000/s per core: {'met' if worst >= 10000 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
