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

Clients are threads, each with its own database connection, driving the Django test client (the
whole request: middleware, session, authorisation, ORM, template).  ``case page`` = GET
/cases/<ref>/ by a signed-in EO; ``take next`` = POST /cases/take-next/ by one of 50 AOs
(SELECT ... FOR UPDATE SKIP LOCKED).  Target: p99 <= 100 ms for both.
"""

from __future__ import annotations

import argparse
import io
import json
import os
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


def _run(name: str, clients: int, per_client: int, make_request) -> dict:
    from django.db import connection

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def worker(n: int) -> None:
        try:
            request = make_request(n)
            request(warmup=True)
            barrier.wait()
            mine = []
            for _ in range(per_client):
                t0 = time.perf_counter()
                request()
                mine.append((time.perf_counter() - t0) * 1000)
            with lock:
                latencies.extend(mine)
        except Exception as exc:  # noqa: BLE001
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        print(f"{name}: {len(errors)} client error(s), first: {errors[0]}", file=sys.stderr)
    latencies.sort()
    q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")  # noqa: E731
    return {"name": name, "n": len(latencies), "p50": q(0.50), "p95": q(0.95), "p99": q(0.99),
            "max": latencies[-1] if latencies else float("nan"), "rps": len(latencies) / wall if wall else 0,
            "mean": statistics.fmean(latencies) if latencies else float("nan")}


def bench(clients: int, per_client: int, users) -> list[dict]:
    from django.db import connection
    from django.test import Client

    refs = [r[0] for r in connection.cursor().execute(
        "SELECT DISTINCT a.reference FROM casework_application a JOIN casework_check c ON c.application_id = a.id "
        "LIMIT 20000").fetchall()]
    rng = random.Random(7)
    results = []

    def case_page(n):
        client = Client()
        client.force_login(users["EO"][n % len(users["EO"])])
        local = random.Random(n)

        def go(warmup=False):
            r = client.get(f"/cases/{local.choice(refs)}/")
            if r.status_code != 200:
                raise RuntimeError(f"case page {r.status_code}")
        return go

    def take_next(n):
        client = Client()
        client.force_login(users["AO"][n % len(users["AO"])])

        def go(warmup=False):
            r = client.post("/cases/take-next/")
            if r.status_code != 302:
                raise RuntimeError(f"take next {r.status_code}")
        return go

    for single in (1, clients):
        results.append({**_run("case page", single, per_client if single > 1 else per_client * 4, case_page),
                        "clients": single})
        results.append({**_run("take next", single, per_client if single > 1 else per_client * 4, take_next),
                        "clients": single})
    rng.random()
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--applications", type=int, default=2_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="cases with full check/transition/evaluation rows")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="requests per client")
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
    rows = bench(args.clients, args.requests, users)
    headers = ["operation", "clients", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms", "req/s", "p99 target"]
    out = io.StringIO()
    widths = [12, 8, 9, 8, 8, 8, 8, 7, 10]
    out.write(" | ".join(h.ljust(w) for h, w in zip(headers, widths)) + "\n")
    for r in rows:
        ok = "met" if r["p99"] <= TARGET_MS else "NOT met"
        cells = [r["name"], r["clients"], r["n"], f"{r['p50']:.1f}", f"{r['p95']:.1f}", f"{r['p99']:.1f}",
                 f"{r['max']:.1f}", f"{r['rps']:.0f}", ok if r["clients"] > 1 else "-"]
        out.write(" | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + "\n")
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
