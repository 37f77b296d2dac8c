"""Border benchmarks.

    .venv/bin/python bench/border.py                    # every section
    .venv/bin/python bench/border.py --section parse    # PAXLST parsing only

Sections (one function each, registered in ``SECTIONS``):

* ``parse``: parse a deterministic 10,000-passenger PAXLST (target: <= 1 s), and, side by side,
  the generic parser pydifact (bench-only dependency: ``.venv/bin/pip install pydifact``) on the
  same file and on the four real samples in ../shared/research_data/paxlst/.

* ``carrier``: a 500-passenger manifest through the carrier API end to end on PostgreSQL: HTTP
  request with a carrier token, parse, resolve every person (creating their records), screen
  against a 1M-entry watchlist index, store the pre-arrival list, answer with CUSRES
  (target: <= 3 s).  Needs PostgreSQL (``BENCH_DATABASE_URL``, default
  postgres://postgres@127.0.0.1:5432/portcullis_bench, created if missing).  ``--entries``
  sets the watchlist size (default 1,000,000).  The process first runs the serving start-up step
  (``watchlists.load_index``), then every run is timed, the first included; ``--repeat`` new
  manifests, then the same ones again (known travellers); median and max of each are reported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from portcullis.border.paxlst import PaxlstError, parse_paxlst
from portcullis.border.paxlst_writer import generate_manifest, write_paxlst

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "research_data" / "paxlst"
SAMPLE_NAMES = ["Test1.txt", "airline2.edi", "apisMessage.txt", "multiple_flight_leg_apis.txt"]
PARSE_TARGET_S = 1.0


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [headers] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
                     + [line(r) for r in cells[1:]])


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall time of ``repeat`` runs (after one warm-up), and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def manifest_10k() -> str:
    flights, persons = generate_manifest(10_000, seed=2025)
    return write_paxlst(flights, persons, sender="PCAIR", recipient="GBRAPI", control_ref="100001",
                        prepared_at=dt.datetime(2025, 6, 1, 7, 0), transaction_ref="PC0101-20250601")


def _pydifact():
    try:
        from pydifact.segmentcollection import Interchange
    except ImportError:
        return None
    return Interchange


def _pydifact_try(Interchange, text: str) -> str:
    """What pydifact makes of a whole interchange (messages found), or the error it raises."""
    try:
        messages = list(Interchange.from_str(text).get_messages())
        return f"ok: {len(messages)} message(s)"
    except Exception as exc:  # noqa: BLE001 - we report whatever it raises
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"fails: {type(exc).__name__}: {msg[:70]}"


def section_parse(repeat: int) -> bool:
    print("## PAXLST parsing\n")
    text = manifest_10k()
    seconds, ic = timed(lambda: parse_paxlst(text), repeat)
    persons = len(ic.persons)
    segments = ic.messages[0].segment_count
    rows = [["portcullis parse_paxlst", f"{len(text) / 1e6:.2f} MB", segments, persons,
             f"{seconds:.3f}", f"{persons / seconds:,.0f}", "yes" if seconds <= PARSE_TARGET_S else "NO"]]
    Interchange = _pydifact()
    if Interchange is not None:
        from pydifact.segmentcollection import RawSegmentCollection

        def peer():
            return RawSegmentCollection.from_str(text).segments

        try:
            p_seconds, segs = timed(peer, max(1, repeat // 2))
            rows.append(["pydifact RawSegmentCollection (tokenize only)", f"{len(text) / 1e6:.2f} MB", len(segs),
                         "-", f"{p_seconds:.3f}", f"{persons / p_seconds:,.0f}", "-"])
        except Exception as exc:  # noqa: BLE001
            rows.append(["pydifact RawSegmentCollection", f"{len(text) / 1e6:.2f} MB", "-", "-",
                         f"fails: {type(exc).__name__}", "-", "-"])
    print(f"10,000-passenger PAXLST (target <= {PARSE_TARGET_S:.0f} s, median of {repeat} runs):\n")
    print(table(["parser", "size", "segments", "persons", "seconds", "persons/s", "within target"], rows))

    print("\nThe four real samples:\n")
    rows = []
    for name in SAMPLE_NAMES:
        raw = (SAMPLES / name).read_bytes()
        try:
            s = parse_paxlst(raw)
            ours = (f"ok: {len(s.messages)} msg, {len(s.flights)} flight(s), "
                    f"{sum(len(m.passengers) for m in s.messages)} pax, {sum(len(m.crew) for m in s.messages)} crew, "
                    f"{len(s.warnings)} warning(s)")
        except PaxlstError as exc:
            ours = f"error: {exc}"
        theirs = _pydifact_try(Interchange, raw.decode("latin-1")) if Interchange else "not installed"
        rows.append([name, ours, theirs])
    print(table(["sample", "portcullis", "pydifact Interchange.get_messages()"], rows))
    print()
    return seconds <= PARSE_TARGET_S


CARRIER_TARGET_S = 3.0
ENTRIES = 1_000_000
# Processes the API process forks once at start-up to share a manifest's screening (the
# PORTCULLIS_SCREENING_WORKERS of a serving process; an environment value overrides this).
SCREENING_WORKERS = 2


def _bench_database() -> str:
    import os

    import psycopg

    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portcullis_bench")
    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def section_carrier(repeat: int) -> bool:
    import os
    import sys as _sys

    print("## Carrier API end to end (PostgreSQL)\n")
    os.environ["DATABASE_URL"] = _bench_database()
    os.environ.setdefault("PORTCULLIS_MODE", "test")
    os.environ["DJANGO_SETTINGS_MODULE"] = "portcullis.settings_test"
    workers = int(os.environ.setdefault("PORTCULLIS_SCREENING_WORKERS", str(SCREENING_WORKERS)))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from portcullis.border.services import register_carrier
    from portcullis.screening import Index
    from portcullis.watchlists import services as watchlists
    from portcullis.workforce.authority import SYSTEM

    _sys.path.insert(0, str(ROOT / "bench"))
    from screening_data import generate_watchlist

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    entries, _people = generate_watchlist(ENTRIES)
    index = Index(entries)
    del entries, _people
    build = time.perf_counter() - t0
    # Every serving process holds the index in memory.  Here it is built from the generated list
    # rather than loaded from 1M database rows; then the process's start-up step runs as a server
    # would run it before taking requests: watchlists.load_index() freezes the index out of the
    # garbage collector's reach, forks the screening workers (PORTCULLIS_SCREENING_WORKERS) and
    # screens one throw-away subject.  All of that is start-up cost, not per manifest.
    ready = watchlists.load_index(index)
    _carrier, token = register_carrier("PC", "Portcullis Air", actor=SYSTEM)
    client = Client()

    def post(body: str) -> float:
        t0 = time.perf_counter()
        response = client.post("/api/v1/border/passenger-lists", data=body, content_type="application/edifact",
                               headers={"Authorization": f"Bearer {token}"})
        elapsed = time.perf_counter() - t0
        assert response.status_code == 200, response.content[:300]
        return elapsed

    # Every run is timed, the first included: no untimed warm-up request.
    bodies, new_times = [], []
    for run in range(repeat):
        flights, persons = generate_manifest(500, seed=9000 + run)
        body = write_paxlst(flights, persons, sender="PC", recipient="PORTCULLIS", control_ref=f"{run + 1}",
                            prepared_at=flights[0].departure_time)
        bodies.append(body)
        new_times.append(post(body))
    # The same manifests again: every traveller is found by document number.
    known_times = [post(body) for body in bodies]
    rows, ok = [], True
    for label, times in (("new travellers (records created)", new_times),
                         ("known travellers (found by document)", known_times)):
        median, worst = statistics.median(times), max(times)
        ok = ok and worst <= CARRIER_TARGET_S
        rows.append([label, 500, f"{ENTRIES:,}", len(times), f"{median:.2f}",
                     "yes" if median <= CARRIER_TARGET_S else "NO", f"{worst:.2f}",
                     "yes" if worst <= CARRIER_TARGET_S else "NO", " ".join(f"{t:.2f}" for t in times)])
    print(f"watchlist index: {len(index):,} entries built in {build:.0f} s; start-up step "
          f"(watchlists.load_index: gc.freeze, {ready['workers'] or 'no'} screening worker(s) forked, one "
          f"throw-away screening) {ready['load_s'] + ready['warm_s']:.1f} s; not per manifest\n")
    print(table(["500-passenger manifest", "passengers", "watchlist entries", "runs", "median s",
                 f"median within {CARRIER_TARGET_S:.0f} s", "max s", f"max within {CARRIER_TARGET_S:.0f} s",
                 "every run, in order (s)"], rows))
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    print(f"\n{os.cpu_count()} CPUs, load average after the runs (1, 5, 15 min): {load}; "
          f"PORTCULLIS_SCREENING_WORKERS={workers}")
    print()
    return ok


SECTIONS: dict[str, Callable[[int], bool]] = {
    "parse": section_parse,
    "carrier": section_carrier,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--section", choices=sorted(SECTIONS), action="append",
                        help="run only this section (repeatable); default: all")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (median and max reported)")
    parser.add_argument("--entries", type=int, default=ENTRIES, help="watchlist size for the carrier section")
    args = parser.parse_args(argv)
    globals()["ENTRIES"] = args.entries
    ok = True
    warnings.simplefilter("ignore")  # pydifact warns about its missing service v4 directories
    for name in args.section or list(SECTIONS):
        ok = SECTIONS[name](args.repeat) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
