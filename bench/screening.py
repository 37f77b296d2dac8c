"""Screening benchmark: speed at scale, recall per perturbation class, false positives, peers.

    .venv/bin/python bench/screening.py --entries 1000000          # full run (a few minutes)
    .venv/bin/python bench/screening.py --entries 100000 --no-peers
    .venv/bin/python bench/screening.py --quality-only              # research-data quality only

Quality figures on the externally written data in ``../shared/research_data/screening/``:
name_bench Person F1, recall on yente's treated UN positives, false positives per 1,000 on the
100k qarin negatives (list = UN + US Congress persons, 1,937 entries).
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import resource
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import screening_data as sd  # noqa: E402

from portcullis.screening import Index, Query, Thresholds, WatchlistEntry, name_similarity  # noqa: E402
from portcullis.screening.model import valid_partial_date  # noqa: E402
from portcullis.screening.normalize import fold_text  # noqa: E402

THRESHOLD = Thresholds().default
SHARED = sd.SHARED


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def f1_at(scores, labels, t):
    tp = sum(1 for s, m in zip(scores, labels) if s >= t and m)
    fp = sum(1 for s, m in zip(scores, labels) if s >= t and not m)
    fn = sum(1 for s, m in zip(scores, labels) if s < t and m)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


# ------------------------------------------------------------------------- research-data quality


def name_bench(rows_out, peers: bool):
    rows = [r for r in csv.DictReader(open(SHARED / "nomenklatura_name_bench_cases.csv", encoding="utf-8"))
            if r["schema"] == "Person"]
    labels = [r["is_match"] == "true" for r in rows]
    t0 = time.perf_counter()
    ours = [name_similarity(r["name1"], r["name2"]) for r in rows]
    us = (time.perf_counter() - t0) / len(rows) * 1e6
    f, p, r = f1_at(ours, labels, THRESHOLD)
    rows_out.append(("name_bench Person F1 / P / R (548 pairs)", f"{f:.3f} / {p:.3f} / {r:.3f} @ {THRESHOLD}",
                     "logic-v2 0.745 / 0.699 / 0.798 @ 0.70"))
    rows_out.append(("name_bench time per pair", f"{us:.0f} us", ""))
    frozen = [r for r in csv.DictReader(open(SHARED / "nomenklatura_name_bench_logicv2_frozen.csv", encoding="utf-8"))
              if r["schema"] == "Person"]
    ff = f1_at([float(r["score"]) for r in frozen], [r["is_match"] == "true" for r in frozen], 0.7)
    rows_out.append(("name_bench logic-v2 frozen run (541 rows, file)", f"F1 {ff[0]:.3f}", ""))
    if peers:
        lv2 = LogicV2Peer()
        t0 = time.perf_counter()
        sc = [lv2.pair(Query("a", [r["name1"]]), Query("b", [r["name2"]])) for r in rows]
        us2 = (time.perf_counter() - t0) / len(rows) * 1e6
        f2 = f1_at(sc, labels, 0.7)
        rows_out.append(("name_bench logic-v2 live (same run)", f"F1 {f2[0]:.3f} / P {f2[1]:.3f} / R {f2[2]:.3f} @ 0.70",
                         f"{us2:.0f} us/pair"))
        from rapidfuzz import fuzz
        sc = [fuzz.token_set_ratio(fold_text(r["name1"]), fold_text(r["name2"])) / 100 for r in rows]
        best = max((f1_at(sc, labels, t / 100)[0], t / 100) for t in range(50, 100))
        rows_out.append(("name_bench rapidfuzz token_set_ratio (anyascii)", f"best F1 {best[0]:.3f} @ {best[1]}", ""))


def _un_rows(fname):
    return list(csv.DictReader(open(SHARED / fname, encoding="utf-8")))


def _dates(v: str) -> list[str]:
    v = (v or "").strip()
    return [v] if v and valid_partial_date(v) else []


def research_list() -> list[WatchlistEntry]:
    entries = []
    for i, r in enumerate(_un_rows("yente_positives_un_untreated.csv")):
        entries.append(WatchlistEntry("un", f"UN{i}", [r["full_name"]], _dates(r["date_of_birth"]),
                                      [r["nationality"]] if r["nationality"] else [], r["gender"] or None))
    for i, r in enumerate(_un_rows("yente_positives_us_congress_untreated.csv")):
        entries.append(WatchlistEntry("congress", f"US{i}", [r["full_name"]], _dates(r["date_of_birth"]),
                                      [r["nationality"]] if r["nationality"] else [], r["gender"] or None))
    return entries


def un_treated(rows_out, peers: bool, workers: int):
    entries = research_list()
    index = Index(entries)
    treated = _un_rows("yente_positives_un_treated.csv")
    untreated = _un_rows("yente_positives_un_untreated.csv")
    queries = [Query(f"UN{i}", [r["full_name"]], _dates(r["date_of_birth"]),
                     [r["nationality"]] if r["nationality"] else [], r["gender"] or None)
               for i, r in enumerate(treated)]
    results = index.screen_batch(queries, workers=1)
    found = [any(h.entry_id == q.id and h.decision for h in hits) for q, hits in zip(queries, results)]
    altered = [i for i, (a, b) in enumerate(zip(treated, untreated))
               if a["full_name"] != b["full_name"] or a["date_of_birth"] != b["date_of_birth"]]
    dob_alt = [i for i in altered if treated[i]["date_of_birth"] != untreated[i]["date_of_birth"]]
    year_alt = [i for i in dob_alt if treated[i]["date_of_birth"][:4] != untreated[i]["date_of_birth"][:4]]

    def rec(ix):
        return sum(found[i] for i in ix) / len(ix) if ix else float("nan")

    rows_out.append(("UN treated recall, all 683", f"{rec(range(len(found))):.3f}", ""))
    rows_out.append((f"UN treated recall, {len(altered)} altered pairs", f"{rec(altered):.3f}", "logic-v2 0.883 @ 0.70"))
    rows_out.append((f"UN treated recall, {len(dob_alt)} with DOB altered ({len(year_alt)} birth year +-1)",
                     f"{rec(dob_alt):.3f} ({rec(year_alt):.3f})", ""))
    if peers:
        lv2 = LogicV2Peer()
        ok = 0
        for i in altered:
            e = entries[i]
            ok += lv2.pair(queries[i], Query.from_entry(e)) >= 0.7
        rows_out.append(("UN treated recall, altered, logic-v2 live (pairwise, perfect candidates)",
                         f"{ok / len(altered):.3f}", ""))
    negs = sd.negatives()
    t0 = time.perf_counter()
    res = index.screen_batch(negs, workers=workers)
    el = time.perf_counter() - t0
    alerted = [q for q, hits in zip(negs, res) if any(h.decision for h in hits)]
    rows_out.append(("FP per 1,000 on 100k negatives (list: UN + Congress, 1,937)",
                     f"{1000 * len(alerted) / len(negs):.3f} ({len(alerted)} travellers)", f"{el:.1f} s"))
    return alerted, res, negs


# ------------------------------------------------------------------------- peers


class LogicV2Peer:
    """nomenklatura logic-v2 (bench-only dependency)."""

    _inst = None

    def __new__(cls):
        if cls._inst is None:
            cls._inst = super().__new__(cls)
            from followthemoney import model
            from nomenklatura.matching import LogicV2

            cls._inst.model = model
            cls._inst.algo = LogicV2
            cls._inst.config = LogicV2.default_config()
            cls._inst.n = 0
        return cls._inst

    def entity(self, q):
        self.n += 1
        e = self.model.make_entity("Person")
        e.id = f"e{self.n}"
        for n in q.names:
            e.add("name", n)
        for d in q.birth_dates:
            e.add("birthDate", d)
        for c in q.nationalities:
            e.add("nationality", c, quiet=True)
        if q.gender:
            e.add("gender", {"m": "male", "f": "female"}.get(q.gender, q.gender), quiet=True)
        for d in q.document_numbers:
            e.add("passportNumber", d)
        return e

    def pair(self, a, b) -> float:
        return self.algo.compare(self.entity(a), self.entity(b), self.config).score


# ------------------------------------------------------------------------- scale benchmark


def progress_bar(label):
    def cb(i, n):
        if n:
            sys.stderr.write(f"\r{label} {i}/{n} ({100 * i / n:.0f}%)")
            sys.stderr.flush()
            if i >= n:
                sys.stderr.write("\n")
    return cb


def scale(rows_out, n_entries: int, per_class: int, peers: bool, workers: int, full_day: bool,
          show_misses: bool = False):
    t0 = time.perf_counter()
    entries, people = sd.generate_watchlist(n_entries)
    gen_s = time.perf_counter() - t0
    n_names = sum(len(e.names) for e in entries)
    rss_before = rss_mb()
    gc.collect()
    gc.freeze()
    t0 = time.perf_counter()
    index = Index.build(entries)
    build_s = time.perf_counter() - t0
    gc.freeze()
    rss_after = rss_mb()
    # worker processes forked once after the build, as a screening service would; every batch
    # below with workers > 1 reuses them
    t0 = time.perf_counter()
    index.start_workers(workers)
    start_s = time.perf_counter() - t0
    rows_out.append((f"watchlist: entries / names", f"{n_entries:,} / {n_names:,}", f"generated in {gen_s:.0f} s"))
    rows_out.append(("index build time", f"{build_s:.1f} s", "target <= 300 s"))
    rows_out.append(("peak RSS after build (whole process incl. entries)", f"{rss_after:.0f} MB",
                     f"before build {rss_before:.0f} MB; target <= 4096 MB"))

    positives = sd.planted_positives(entries, people, per_class)
    negs = sd.negatives()
    rng = random.Random(7)

    # single-query latency
    sample = rng.sample(negs, 1500) + [q for q, _, _ in rng.sample(positives, min(500, len(positives)))]
    rng.shuffle(sample)
    for q in sample[:50]:
        index.screen(q)
    lat = []
    for q in sample:
        t = time.perf_counter()
        index.screen(q)
        lat.append((time.perf_counter() - t) * 1000)
    rows_out.append(("single query p50 / p99 (1 core)", f"{pct(lat, 50):.2f} / {pct(lat, 99):.2f} ms",
                     "target 5 / 50 ms"))

    # manifest of 500
    manifest = rng.sample(negs, 495) + [q for q, _, _ in rng.sample(positives, 5)]
    t = time.perf_counter()
    index.screen_batch(manifest, workers=1)
    m1 = time.perf_counter() - t
    t = time.perf_counter()
    index.screen_batch(manifest, workers=workers)
    m2 = time.perf_counter() - t
    rows_out.append(("500-passenger manifest", f"{m2:.2f} s ({workers} started workers); {m1:.2f} s (1 core)",
                     f"target <= 2 s (goal 1 s); starting the workers once took {start_s:.2f} s"))

    # recall per perturbation class: the planted positives (seed 5; their misses were inspected
    # while working on the engine) and a held-out set (seed 6; never inspected)
    held_out = sd.planted_positives(entries, people, per_class, seed=6)
    for label, pos_set in (("", positives), ("held-out ", held_out)):
        res = index.screen_batch([q for q, _, _ in pos_set], workers=workers)
        by_cls = defaultdict(list)
        cand_cls = defaultdict(list)
        for (q, eid, cls), hits in zip(pos_set, res):
            ok = any(h.entry_id == eid and h.decision for h in hits)
            by_cls[cls].append(ok)
            if show_misses and not ok:
                e = entries[int(eid[1:])]  # entry ids are W<position>
                print(f"MISS {label}{cls}: {q.names} {q.birth_dates} {q.nationalities} {q.gender} | entry {e.names} "
                      f"{e.birth_dates} {e.nationalities} {e.gender} | hits {[h.explain_text() for h in hits[:3]]}")
        for q, eid, cls in pos_set[:: max(1, len(pos_set) // 1000)]:
            cands = {index._entries[i].entry_id for i in index.candidates(q)}
            cand_cls[cls].append(eid in cands)
        for cls in sd.PERTURBATIONS:
            v = by_cls[cls]
            c = cand_cls[cls]
            rows_out.append((f"decision recall{' (held-out seed 6)' if label else ''}: {cls}",
                             f"{sum(v) / len(v):.3f} (n={len(v)})", f"candidate recall {sum(c) / max(1, len(c)):.3f}"))

    # negatives: false positives and throughput
    t = time.perf_counter()
    res = index.screen_batch(negs, workers=workers, progress=progress_bar("negatives"))
    neg_s = time.perf_counter() - t
    alerted = sum(1 for hits in res if any(h.decision for h in hits))
    rows_out.append(("FP per 1,000 travellers (100k qarin negatives vs generated list)",
                     f"{1000 * alerted / len(negs):.2f} ({alerted})", ""))
    qps = len(negs) / neg_s
    rows_out.append(("throughput (100k negatives)", f"{qps:.0f} queries/s ({workers} workers)", f"{neg_s:.0f} s"))
    if full_day:
        day = (negs * 4)[:362_000]
        t = time.perf_counter()
        index.screen_batch(day, workers=workers, progress=progress_bar("day"))
        rows_out.append(("day of 362k travellers (measured)", f"{(time.perf_counter() - t) / 60:.1f} min", ""))
    else:
        rows_out.append(("day of 362k travellers (from the 100k throughput)", f"{362_000 / qps / 60:.1f} min", ""))

    index.stop_workers()
    if peers:
        peer_rows(rows_out, index, entries, positives, negs, workers)


def peer_rows(rows_out, index, entries, positives, negs, workers):
    import numpy as np
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import JaroWinkler

    rng = random.Random(11)
    choices = [fold_text(e.names[0]) for e in entries]
    owner = [e.entry_id for e in entries]
    sample = rng.sample(positives, min(60, len(positives)))
    times, found = [], []
    for q, eid, cls in sample:
        t = time.perf_counter()
        m = process.cdist([fold_text(q.names[0])], choices, scorer=JaroWinkler.normalized_similarity,
                          dtype=np.float32, workers=workers)[0]
        top = np.argpartition(-m, 10)[:10]
        times.append((time.perf_counter() - t) * 1000)
        found.append(eid in {owner[i] for i in top})
    rows_out.append(("peer rapidfuzz brute force JW (primary names, top-10)",
                     f"{statistics.median(times):.0f} ms/query; recall@10 {sum(found) / len(found):.2f}",
                     f"sample {len(sample)} positives, {workers} workers"))
    lv2 = LogicV2Peer()
    lv2.pair(Query("a", ["warm up"]), Query("b", ["warm up"]))
    pos = rng.sample(positives, min(300, len(positives)))
    by_entry = {e.entry_id: e for e in entries}
    t = time.perf_counter()
    ok = defaultdict(list)
    for q, eid, cls in pos:
        ok[cls].append(lv2.pair(q, Query.from_entry(by_entry[eid])) >= 0.7)
    per_pair = (time.perf_counter() - t) / len(pos) * 1000
    rows_out.append(("peer logic-v2: ms per pair (list entries with aliases)", f"{per_pair:.2f} ms",
                     f"per query with yente's 50 candidates ~ {50 * per_pair:.0f} ms"))
    for cls in sd.PERTURBATIONS:
        if ok[cls]:
            rows_out.append((f"peer logic-v2 pairwise recall @0.70: {cls}", f"{sum(ok[cls]) / len(ok[cls]):.2f}",
                             f"n={len(ok[cls])}, candidates assumed perfect"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--per-class", type=int, default=300)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quality-only", action="store_true")
    ap.add_argument("--no-quality", action="store_true")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--full-day", action="store_true", help="screen 362k travellers instead of extrapolating")
    ap.add_argument("--show-fp", action="store_true")
    ap.add_argument("--show-misses", action="store_true", help="print the planted positives that were missed")
    args = ap.parse_args(argv)
    rows: list[tuple[str, str, str]] = []
    peers = not args.no_peers
    if not args.no_quality:
        name_bench(rows, peers)
        alerted, res, negs = un_treated(rows, peers, args.workers)
        if args.show_fp:
            for q, hits in zip(negs, res):
                if any(h.decision for h in hits):
                    print(q.names, q.birth_dates, [h.explain_text() for h in hits if h.decision])
    if not args.quality_only:
        scale(rows, args.entries, args.per_class, peers, args.workers, args.full_day, args.show_misses)
    print("\n| measure | Portcullis | note |\n|---|---|---|")
    for a, b, c in rows:
        print(f"| {a} | {b} | {c} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
