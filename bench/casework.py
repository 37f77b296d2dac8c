"""Casework benchmark: the case page and taking the next case under concurrent clients, on PostgreSQL.

    .venv/bin/python bench/casework.py                                   # 1M persons, 2M applications
    .venv/bin/python bench/casework.py --persons 100000 --applications 200000 --clients 50

Data goes into its own database (``BENCH_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/portcullis_bench_casework, created if missing), written with COPY.
It is kept between runs and only topped up to the requested size (``--fresh`` starts again).

Shape of the data: every application has a person; 5% are open and unallocated in the
``shf-visas`` queue (what take-next pulls from), the rest decided or closed in three team queues.
The cases whose page is requested (``--sample``, default 20,000) also have their four check rows,
transitions and a stored evaluation, as a real case would.

Each client drives the Django test client with its own database connection (the whole request:
middleware, session, authorisation, ORM, template, access log).  ``case page`` = GET /cases/<ref>/
by a signed-in EO; ``take next`` = POST /cases/take-next/ by one of 50 AOs (SELECT ... FOR UPDATE
SKIP LOCKED); every case handed out is checked to have gone to one client only.
Target: p99 <= 100 ms for both.  ``empty page`` (unpaced scenarios only) = GET of a signed-in view
that returns a fixed body, added by this script: the cost of the framework's request cycle with
the project's middleware and nothing else, i.e. the floor under any page on this machine.

Scenarios, each for both operations (latency = wall time of one request as its client sees it):

* 1 client: the service time of one request on an otherwise idle application.
* ``--clients`` closed-loop clients with no think time, as threads of one process (one GIL: the
  configuration of the first measurement) and spread over ``--processes`` forked processes (like
  gunicorn workers).  Each client sends its next request the moment the last returns, so on a
  small machine this measures the queue in front of saturated CPUs, not the service time.
* the same clients spread over processes, pausing an exponentially distributed ``--think`` time
  (mean, ms) before each request, as caseworkers read a page before the next click.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 100.0


def _bench_database() -> str:
    import psycopg

    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portcullis_bench_casework")
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return url


def setup(fresh: bool) -> None:
    url = _bench_database()
    if fresh:
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("PORTCULLIS_MODE", "test")
    os.environ["DJANGO_SETTINGS_MODULE"] = "portcullis.settings_test"
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def staff():
    from django.contrib.auth import get_user_model

    from portcullis.workforce.models import Location, StaffProfile, Team

    User = get_user_model()
    shf, _ = Location.objects.get_or_create(code="SHF", defaults={"name": "Sheffield", "kind": "casework"})
    teams = {}
    for code in ("shf-visas", "cro-nationality", "jsy-casework"):
        teams[code], _ = Team.objects.get_or_create(code=code, defaults={"name": code, "function": "casework",
                                                                          "location": shf})
    users = {}
    for grade, n in (("AA", 1), ("AO", 50), ("EO", 50)):
        for i in range(n):
            name = f"bench.{grade.lower()}{i:02d}"
            user = User.objects.filter(username=name).first()
            if user is None:
                user = User.objects.create_user(name, password=None, first_name="Bench", last_name=grade)
                StaffProfile.objects.create(user=user, grade=grade, team=teams["shf-visas"], location=shf,
                                            staff_number=f"B{grade}{i:04d}")
            users.setdefault(grade, []).append(user)
    return teams, users


def generate(persons: int, applications: int, sample: int, teams, users) -> None:
    from django.db import connection
    from django.utils import timezone

    from portcullis.casework import services
    from portcullis.rules import evaluate

    rng = random.Random(2026)
    now = timezone.now()
    today = timezone.localdate()
    cur = connection.cursor().cursor  # the psycopg cursor
    have_persons = connection.cursor().execute("SELECT count(*) FROM people_person").fetchone()[0]
    if have_persons < persons:
        t0 = time.perf_counter()
        start = have_persons
        given = ["Ana", "José", "Анна", "محمد", "伟", "Zoë", "Łukasz", "Priya", "Kwame", "Inês"]
        family = ["Peña", "Müller", "Петрова", "حسين", "王", "Brontë", "Wójcik", "Raman", "Mensah", "Gonçalves"]
        _copy(cur, "people_person", ["reference", "sex", "birth_year", "birth_month", "birth_day", "place_of_birth",
                                     "state", "created_at", "updated_at"],
              ((f"B{i:09d}", "F" if i % 2 else "M", 1940 + i % 65, 1 + i % 12, 1 + i % 28, "", "active", now, now)
               for i in range(start, persons)))
        first_id = connection.cursor().execute("SELECT id FROM people_person WHERE reference = %s",
                                               [f"B{start:09d}"]).fetchone()[0]
        _copy(cur, "people_personname", ["person_id", "kind", "full_name", "script", "latin", "primary_identifier",
                                         "secondary_identifier", "given_names", "family_name"],
              ((first_id + k, "primary", f"{given[k % 10]} {family[(k // 10) % 10]}", "", f"N{k}", "", "", "", "")
               for k in range(persons - start)))
        print(f"persons: +{persons - start:,} in {time.perf_counter() - t0:.0f} s", flush=True)
    have_apps = connection.cursor().execute("SELECT count(*) FROM casework_application").fetchone()[0]
    if have_apps < applications:
        t0 = time.perf_counter()
        ids = [r[0] for r in connection.cursor().execute("SELECT id FROM people_person ORDER BY id").fetchall()]
        from pathlib import Path as _P

        facts = json.loads((_P(services.__file__).parents[1] / "rules" / "examples" / "visitor.json").read_text())["facts"]
        facts_json = json.dumps(facts)
        codes = [teams["shf-visas"].pk, teams["cro-nationality"].pk, teams["jsy-casework"].pk]
        routes = ["visitor", "naturalisation_6_1", "jersey_work_permit"]
        ao_ids = [u.pk for u in users["AO"]]

        def rows():
            for i in range(have_apps, applications):
                open_ = rng.random() < 0.05
                team = 0 if open_ else i % 3
                app_date = today - __import__("datetime").timedelta(days=rng.randint(0, 1500 if not open_ else 60))
                due = app_date + __import__("datetime").timedelta(days=21)
                status = "received" if open_ else rng.choice(["decided", "served", "closed", "closed", "closed"])
                owner = None if open_ or status == "closed" else rng.choice(ao_ids)
                yield (f"CW-{app_date.year}-B{i:08d}", routes[team], ids[i % len(ids)], facts_json, status, "", owner,
                       codes[team], False, False, False, 0, "bench", app_date, now, "service_standard.outside_uk_visa",
                       due, 0, None, due, now, None)

        _copy(cur, "casework_application",
              ["reference", "route", "person_id", "facts", "status", "sub_status", "owner_id", "queue_id", "child",
               "vulnerable", "high_profile", "priority", "channel", "application_date", "received_at",
               "service_standard", "target_date", "paused_days", "paused_since", "clock_due", "last_transition_at",
               "created_by_id"], rows())
        connection.cursor().execute("ANALYZE")
        print(f"applications: +{applications - have_apps:,} in {time.perf_counter() - t0:.0f} s", flush=True)
    # Checks, transitions and an evaluation for the sample of cases whose page is read.
    sample_ids = [r[0] for r in connection.cursor().execute(
        "SELECT a.id FROM casework_application a WHERE NOT EXISTS (SELECT 1 FROM casework_check c WHERE "
        "c.application_id = a.id) AND a.status <> 'received' ORDER BY a.id LIMIT %s", [sample]).fetchall()]
    have_sample = connection.cursor().execute("SELECT count(DISTINCT application_id) FROM casework_check").fetchone()[0]
    need = max(sample - have_sample, 0)
    if need:
        t0 = time.perf_counter()
        sample_ids = sample_ids[:need]
        ev = evaluate("visitor", facts, as_at=today)
        tree, text = json.dumps(ev.to_dict()), ev.explain_text()
        _copy(cur, "casework_check", ["application_id", "kind", "mandatory", "result", "details", "note",
                                      "recorded_at"],
              ((a, k, True, "passed", "{}", "", now) for a in sample_ids
               for k in ("identity", "biometrics", "watchlist", "immigration_history")))
        _copy(cur, "casework_transition", ["application_id", "action", "from_status", "from_sub_status", "to_status",
                                           "to_sub_status", "by_name", "at", "reason"],
              ((a, act, f, "", t, "", "bench", now, "") for a in sample_ids
               for act, f, t in (("received", "", "received"), ("validate", "received", "validated"),
                                 ("start_checks", "validated", "checks"),
                                 ("start_consideration", "checks", "consideration"), ("decided", "consideration", "decided"))))
        _copy(cur, "casework_evaluation", ["application_id", "as_at", "outcome", "recommended", "band", "rules_version",
                                           "facts", "tree", "explanation", "created_at"],
              ((a, today, "GRANT", "", "", ev.rules_version, facts_json, tree, text, now) for a in sample_ids))
        connection.cursor().execute("ANALYZE casework_check; ANALYZE casework_transition; ANALYZE casework_evaluation")
        print(f"sample of {len(sample_ids):,} full cases in {time.perf_counter() - t0:.0f} s", flush=True)


def _client_threads(name: str, first: int, count: int, per_client: int, think_ms: float, make_request,
                    barrier) -> dict:
    """Run clients ``first .. first+count-1`` as threads in this process; return their latencies."""
    from django.db import connections

    latencies: list[float] = []
    errors: list[str] = []
    spans: list[tuple[float, float]] = []
    got: list = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        try:
            request = make_request(n)
            request(warmup=True)
            pause = random.Random(1000 + n)
            barrier.wait()
            mine, values = [], []
            start = time.time()
            for _ in range(per_client):
                if think_ms:
                    time.sleep(pause.expovariate(1.0 / think_ms) / 1000)
                t0 = time.perf_counter()
                value = request()
                mine.append((time.perf_counter() - t0) * 1000)
                if value is not None:
                    values.append(value)
            with lock:
                latencies.extend(mine)
                got.extend(values)
                spans.append((start, time.time()))
        except Exception as exc:  # noqa: BLE001
            with lock:
                errors.append(repr(exc))
            try:
                barrier.abort()
            except Exception:  # noqa: BLE001
                pass
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(first, first + count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"latencies": latencies, "errors": errors, "spans": spans, "got": got}


def _child(name, first, count, per_client, think_ms, make_request, barrier, out) -> None:
    out.put(_client_threads(name, first, count, per_client, think_ms, make_request, barrier))


def _run(name: str, clients: int, per_client: int, make_request, *, processes: int = 1, think_ms: float = 0) -> dict:
    """``clients`` closed-loop clients spread over ``processes`` OS processes (threads inside each).

    Each client sends its next request when the last one returns, after an exponentially
    distributed think time of mean ``think_ms`` (0 = no pause: the clients saturate the machine).
    Latency is the wall time of one whole request as its client sees it.
    """
    import multiprocessing as mp

    from django.db import connections

    processes = max(1, min(processes, clients))
    if processes == 1:
        parts = [_client_threads(name, 0, clients, per_client, think_ms, make_request, threading.Barrier(clients))]
    else:
        ctx = mp.get_context("fork")
        connections.close_all()  # never share a connection with a forked child
        barrier, out = ctx.Barrier(clients), ctx.Queue()
        split = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
        children, first = [], 0
        for count in split:
            p = ctx.Process(target=_child, args=(name, first, count, per_client, think_ms, make_request, barrier, out))
            p.start()
            children.append(p)
            first += count
        parts = []
        while len(parts) < len(children):
            try:
                parts.append(out.get(timeout=5))
            except queue.Empty:
                dead = [p for p in children if p.exitcode not in (None, 0)]
                if dead:  # a child died without reporting: its clients' requests are missing, say so
                    for p in children:
                        if p.exitcode is None:
                            p.kill()
                    raise RuntimeError(f"{name}: {len(dead)} client process(es) died (exit codes "
                                       f"{[p.exitcode for p in dead]})")
        for p in children:
            p.join()
    latencies = sorted(x for part in parts for x in part["latencies"])
    errors = [e for part in parts for e in part["errors"]]
    spans = [s for part in parts for s in part["spans"]]
    got = [g for part in parts for g in part["got"]]
    if len(got) != len(set(got)):
        errors.append(f"{len(got) - len(set(got))} case(s) handed to two clients")
    wall = (max(e for _, e in spans) - min(s for s, _ in spans)) if spans else 0
    if errors:
        print(f"{name}: {len(errors)} client error(s), first: {errors[0]}", file=sys.stderr)
    q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")  # noqa: E731
    return {"name": name, "clients": clients, "processes": processes, "think": think_ms, "n": len(latencies),
            "errors": len(errors), "distinct": len(set(got)), "p50": q(0.50), "p95": q(0.95), "p99": q(0.99),
            "max": latencies[-1] if latencies else float("nan"), "rps": len(latencies) / wall if wall else 0,
            "mean": statistics.fmean(latencies) if latencies else float("nan")}


_COLUMNS = [("operation", 10), ("clients", 7), ("procs", 5), ("think ms", 8), ("requests", 8), ("errors", 6),
            ("p50 ms", 7), ("p95 ms", 7), ("p99 ms", 7), ("max ms", 7), ("req/s", 5), ("target", 10), ("met?", 4)]


def _header() -> str:
    return " | ".join(h.ljust(w) for h, w in _COLUMNS)


def _row(r: dict) -> str:
    target = (f"p99<={TARGET_MS:.0f}ms" if r["name"] != "empty page" else "(floor)") if r["clients"] > 1 else "-"
    met = ("yes" if r["p99"] <= TARGET_MS and not r["errors"] else "NO") if r["clients"] > 1 else "-"
    cells = [r["name"], r["clients"], r["processes"], f"{r['think']:.0f}", r["n"], r["errors"], f"{r['p50']:.1f}",
             f"{r['p95']:.1f}", f"{r['p99']:.1f}", f"{r['max']:.1f}", f"{r['rps']:.0f}", target, met]
    return " | ".join(str(c).ljust(w) for c, (_, w) in zip(cells, _COLUMNS))


def _install_empty_page() -> None:
    """Serve GET /bench/empty/ in this process: a signed-in view that returns a fixed body.

    Its cost is Django's own request cycle with this project's middleware (session, user, second
    factor, security headers) and no casework at all: the floor under every page, measured in the
    same run and the same client set-up as the case page."""
    import types

    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.urls import clear_url_caches, include, path

    module = types.ModuleType("bench_casework_urls")
    module.urlpatterns = [path("bench/empty/", login_required(lambda request: HttpResponse("empty"))),
                          path("", include(settings.ROOT_URLCONF))]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()


def bench(clients: int, per_client: int, processes: int, think: list[float], users) -> list[dict]:
    from django.db import connection
    from django.test import Client

    refs = [r[0] for r in connection.cursor().execute(
        "SELECT DISTINCT a.reference FROM casework_application a JOIN casework_check c ON c.application_id = a.id "
        "LIMIT 20000").fetchall()]

    def signed_in(grade: str, n: int) -> Client:
        client = Client()
        client.force_login(users[grade][n % len(users[grade])])
        return client

    def get_ok(name: str, path):
        """Clients that GET ``path(rng)`` (a new path each request, from the client's own rng), answered 200."""
        def make(n):
            client = signed_in("EO", n)
            local = random.Random(n)

            def go(warmup=False):
                r = client.get(path(local))
                if r.status_code != 200:
                    raise RuntimeError(f"{name} {r.status_code}")
            return go
        return make

    case_page = get_ok("case page", lambda local: f"/cases/{local.choice(refs)}/")

    def take_next(n):
        client = signed_in("AO", n)

        def go(warmup=False):
            r = client.post("/cases/take-next/")
            if r.status_code != 302 or not r["Location"].startswith("/cases/CW-"):
                raise RuntimeError(f"take next {r.status_code} {r.get('Location')}: no case allocated")
            # A browser follows the redirect to the case page, which shows (and so removes) the
            # "You have taken ..." message; that GET is what "case page" measures.  Without this the
            # unread messages pile up in the cookie until they overflow into the session, which
            # would then be written on every request: a cost no real user causes.
            client.cookies.pop("messages", None)
            return r["Location"].split("/")[2]
        return go

    empty_page = get_ok("empty page", lambda local: "/bench/empty/")

    _install_empty_page()
    results = []
    scenarios = [(1, 1, 0.0, per_client * 4),                    # one client: the service time
                 (clients, 1, 0.0, per_client),                  # all clients as threads of one process
                 (clients, processes, 0.0, per_client)]          # spread over processes, no think time
    for think_ms in think:
        if think_ms > 0:
            scenarios.append((clients, processes, think_ms, per_client))  # with think time between requests
    for n, procs, think_ms, reqs in scenarios:
        operations = [("case page", case_page), ("take next", take_next)]
        if not think_ms:
            operations.append(("empty page", empty_page))
        for name, make in operations:
            r = _run(name, n, reqs, make, processes=procs, think_ms=think_ms)
            results.append(r)
            print(_row(r), flush=True)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--applications", type=int, default=2_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="cases with full check/transition/evaluation rows")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="requests per client")
    parser.add_argument("--processes", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="OS processes the clients are spread over (default 2 x CPUs + 1, like gunicorn workers)")
    parser.add_argument("--think", type=float, nargs="*", default=[1000.0, 7000.0],
                        help="mean think times in ms for the paced runs, one run each (default 1000 = a click a "
                             "second, a stress level; 7000 = TPC-W's mean think time); none or 0: no paced run")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the bench database")
    args = parser.parse_args(argv)
    setup(args.fresh)
    teams, users = staff()
    generate(args.persons, args.applications, args.sample, teams, users)
    from django.db import connection

    open_left = connection.cursor().execute(
        "SELECT count(*) FROM casework_application WHERE owner_id IS NULL AND status = 'received'").fetchone()[0]
    print(f"data: {args.persons:,} persons, {args.applications:,} applications, {open_left:,} unallocated in the queue; "
          f"{os.cpu_count()} CPU(s)", flush=True)
    print(f"load average before the run: {os.getloadavg()[0]:.2f}", flush=True)
    print(_header(), flush=True)
    rows = bench(args.clients, args.requests, args.processes, args.think, users)
    print(f"load average after the run: {os.getloadavg()[0]:.2f}\n", flush=True)
    print(_header())
    for r in rows:
        print(_row(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
