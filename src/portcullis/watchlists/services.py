"""Watchlist management and screening on top of the pure :mod:`portcullis.screening` engine.

Each process holds one in-memory :class:`~portcullis.screening.Index`, built from the entry
table on first use and brought up to date incrementally (only entries changed since) whenever a
cheap stamp query shows the tables changed.

Start-up (:func:`load_index`, what a worker process does at boot, before serving requests):

* the index is built (or an index built elsewhere is installed),
* the objects alive then (the index: millions of small Python objects at 1M entries) are moved
  out of the cyclic garbage collector's reach with :func:`gc.freeze`.  Without this a full
  (generation 2) collection, which CPython triggers every so often as objects accumulate, walks
  every one of them: several seconds, landing on whichever request happens to be running; and
  the collector's thresholds are raised (:data:`GC_THRESHOLDS`), so that the objects a large
  request keeps alive are not walked over and over while it runs,
* ``PORTCULLIS_SCREENING_WORKERS`` (default 0: screen in the request's process) processes are
  forked once to share a batch's screening (:meth:`Index.start_workers`); they are forked again
  after an incremental update, which stops them.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from portcullis.audit.services import record, record_many
from portcullis.errors import FieldError, InvalidInput, NotFound
from portcullis.postgresql import chunks
from portcullis.screening import Index, LoadError, Query, Thresholds, WatchlistEntry, load_ftm_jsonl, load_watchlist
from portcullis.workforce.authority import authorise

from .models import Entry, Screening, Watchlist


def _entry_value(row: Entry, code: str) -> WatchlistEntry:
    return WatchlistEntry(
        list_id=code, entry_id=row.entry_id, names=row.names, birth_dates=row.birth_dates,
        nationalities=row.nationalities, gender=row.gender or None, document_numbers=row.document_numbers,
        action=row.action, valid_from=row.valid_from.isoformat() if row.valid_from else None,
        valid_to=row.valid_to.isoformat() if row.valid_to else None,
    )


log = logging.getLogger(__name__)


def screening_workers() -> int:
    """Processes to fork for screening a batch (``PORTCULLIS_SCREENING_WORKERS``; 0 or 1: none)."""
    try:
        return max(0, int(os.environ.get("PORTCULLIS_SCREENING_WORKERS", "0") or 0))
    except ValueError:
        return 0


# Below this many entries a full collection is quick, and freezing is not worth keeping whatever
# else is alive (a test run's objects) out of the collector's reach for good.
FREEZE_MIN_ENTRIES = 10_000


# Collector thresholds once the index is frozen (CPython's default is 700, 10, 10).  With the
# frozen objects out of the count, a full collection is due again as soon as the few objects
# left have grown by a quarter, and a 500-passenger manifest keeps hundreds of thousands of
# objects alive for the length of the request: at the default thresholds that was 4 or 5 full
# collections per manifest (0.3-0.8 s), at these 1 (0.02 s).  Garbage is still collected, in
# larger and rarer batches.
GC_THRESHOLDS = (50_000, 20, 10)


def _settle(index: Index, *, start_up: bool = False) -> None:
    """After a full build: collect the build's garbage once, then freeze everything alive so that
    later collections no longer walk the index (see the module docstring)."""
    if start_up or len(index) >= FREEZE_MIN_ENTRIES:
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
    _start_workers(index)


def _start_workers(index: Index) -> None:
    """Fork the configured screening workers unless they are running (an update stops them)."""
    n = screening_workers()
    if n > 1 and len(index) > 0 and not index.workers:
        index.start_workers(n)


class _IndexHolder:
    def __init__(self):
        self.lock = threading.Lock()
        self.index: Index | None = None
        self.stamp = None
        self.synced_to: dt.datetime | None = None

    def _stamp(self):
        agg = Entry.objects.aggregate(n=Count("id"), last=Max("updated_at"))
        lists = Watchlist.objects.aggregate(n=Count("id"), last=Max("updated_at"))
        return (agg["n"], agg["last"], lists["n"], lists["last"])

    def get(self, *, start_up: bool = False) -> tuple[Index, Thresholds]:
        stamp = self._stamp()
        with self.lock:
            if self.index is None or stamp != self.stamp:
                codes = dict(Watchlist.objects.values_list("id", "code"))
                if self.index is None:
                    rows = Entry.objects.filter(removed_at__isnull=True).iterator(chunk_size=5000)
                    self.index = Index(_entry_value(r, codes[r.watchlist_id]) for r in rows)
                    _settle(self.index, start_up=start_up)
                else:
                    changed = Entry.objects.filter(updated_at__gte=self.synced_to)
                    self.index.remove([(codes[r.watchlist_id], r.entry_id) for r in changed if r.removed_at])
                    self.index.upsert(_entry_value(r, codes[r.watchlist_id]) for r in changed if not r.removed_at)
                    _start_workers(self.index)
                self.stamp = stamp
                self.synced_to = stamp[1] or timezone.now()
            index = self.index
        # Thresholds are read every time: a few rows, and a change must apply at once.
        return index, build_thresholds()

    def install(self, index: Index, *, start_up: bool = True) -> None:
        """Serve ``index`` (built elsewhere, e.g. from a list file) as if it had been loaded from
        the entry table now; changes to the table from now on are applied incrementally."""
        with self.lock:
            if self.index is not None and self.index is not index:
                self.index.stop_workers()
            self.index = index
            self.stamp = self._stamp()
            self.synced_to = self.stamp[1] or timezone.now()
            _settle(index, start_up=start_up)

    def reset(self):
        with self.lock:
            if self.index is not None:
                self.index.stop_workers()
            self.index, self.stamp, self.synced_to = None, None, None


_holder = _IndexHolder()


def current_index() -> tuple[Index, Thresholds]:
    return _holder.get()


def reset_index() -> None:
    _holder.reset()


def load_index(index: Index | None = None) -> dict:
    """Start-up: build the watchlist index from the entry table (or install ``index``), freeze
    it out of the garbage collector's reach, start the screening workers if configured, and
    screen one throw-away subject so that the first real request finds nothing left to set up.
    Call it once per serving process before taking requests.  Returns what it did and how long
    each step took (seconds)."""
    t0 = time.perf_counter()
    if index is None:
        _holder.reset()
        _holder.get(start_up=True)
    else:
        _holder.install(index)
    t1 = time.perf_counter()
    warm = Query(id="start-up", names=["Start Up Check"], birth_dates=["1970-01-01"], nationalities=["GBR"])
    index, thresholds = _holder.get()
    workers = index.workers
    if workers > 1:
        index.screen_batch([warm] * 64, thresholds, workers=workers)  # every worker answers once
    else:
        index.screen(warm, thresholds)
    t2 = time.perf_counter()
    info = {"entries": len(index), "workers": workers, "load_s": round(t1 - t0, 3), "warm_s": round(t2 - t1, 3),
            "frozen_objects": gc.get_freeze_count(), "gc_thresholds": gc.get_threshold()}
    log.info("watchlist index ready: %s", info)
    return info


def build_thresholds() -> Thresholds:
    per_list, per_action = {}, {}
    for wl in Watchlist.objects.all():
        per_list[wl.code] = wl.threshold
        for action, value in (wl.action_thresholds or {}).items():
            per_action[(wl.code, action)] = float(value)
    return Thresholds(default=0.75, per_list=per_list, per_action=per_action, review_margin=0.05)


@dataclass
class ImportReport:
    watchlist: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    version: str = ""
    errors: list[LoadError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"watchlist": self.watchlist, "added": self.added, "updated": self.updated,
                "unchanged": self.unchanged, "removed": self.removed, "version": self.version,
                "errors": [{"line": e.line, "field": e.field, "message": e.message, "skipped": e.skipped}
                           for e in self.errors]}


def list_version(watchlist: Watchlist) -> str:
    digest = hashlib.sha256()
    rows = watchlist.entries.filter(removed_at__isnull=True).order_by("entry_id")
    count = 0
    for row in rows.iterator(chunk_size=5000):
        digest.update(_entry_value(row, watchlist.code).content().encode())
        digest.update(b"\x00")
        count += 1
    return f"{count}-{digest.hexdigest()[:16]}"


def import_entries(code: str, path: str | Path, *, actor, fmt: str = "auto", replace: bool = False,
                   name: str = "", default_action: str = "refer") -> ImportReport:
    """Load entries from CSV, JSON lines or FollowTheMoney JSON lines into a watchlist.

    Incremental by default: new entries are added, changed ones updated, others left alone.
    With ``replace`` the file is the whole list, and entries missing from it are removed.
    Malformed rows are reported with their line numbers; the other rows are loaded.
    """
    authorise(actor, "watchlist.manage")
    path = Path(path)
    if not path.exists():
        raise InvalidInput(FieldError("file", f"{path} does not exist"))
    if fmt == "auto":
        fmt = "ftm" if ".ftm" in path.name or path.name.endswith((".ftm.json", ".ftm.jsonl")) else "table"
    with transaction.atomic():
        watchlist, _ = Watchlist.objects.get_or_create(code=code, defaults={"name": name or code,
                                                                             "default_action": default_action})
        if fmt == "ftm":
            entries, errors = load_ftm_jsonl(path, list_id=code, action=watchlist.default_action)
        elif fmt == "table":
            entries, errors = load_watchlist(path, list_id=code, action=watchlist.default_action)
        else:
            raise InvalidInput(FieldError("format", "must be auto, table (CSV or JSON lines) or ftm"))
        report = ImportReport(watchlist=code, errors=list(errors))
        existing = {e.entry_id: e for e in watchlist.entries.all()}
        seen = set()
        to_create, to_update = [], []
        now = timezone.now()
        for entry in entries:
            seen.add(entry.entry_id)
            values = dict(names=list(entry.names), birth_dates=list(entry.birth_dates),
                          nationalities=list(entry.nationalities), gender=entry.gender or "",
                          document_numbers=list(entry.document_numbers), action=entry.action,
                          valid_from=dt.date.fromisoformat(entry.valid_from) if entry.valid_from else None,
                          valid_to=dt.date.fromisoformat(entry.valid_to) if entry.valid_to else None)
            row = existing.get(entry.entry_id)
            if row is None:
                to_create.append(Entry(watchlist=watchlist, entry_id=entry.entry_id, **values))
                report.added += 1
            elif row.removed_at is not None or any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                row.removed_at = None
                row.updated_at = now
                to_update.append(row)
                report.updated += 1
            else:
                report.unchanged += 1
        Entry.objects.bulk_create(to_create, batch_size=2000)
        if to_update:
            Entry.objects.bulk_update(to_update, list(values) + ["removed_at", "updated_at"], batch_size=2000)
        if replace:
            gone = [row.pk for eid, row in existing.items() if eid not in seen and row.removed_at is None]
            # In slices: a list replaced wholesale can drop more entries than one statement takes.
            report.removed = sum(Entry.objects.filter(pk__in=part).update(removed_at=now, updated_at=now)
                                 for part in chunks(gone))
        watchlist.version = report.version = list_version(watchlist)
        watchlist.save()
        record(actor, "watchlist.imported", watchlist, reason=f"import of {path.name}",
               payload={**report.as_dict(), "errors": len(report.errors), "file": path.name, "replace": replace})
    return report


def _query_from(subject: dict, person=None) -> Query:
    try:
        return Query(id=str(subject.get("id") or getattr(person, "reference", "") or "subject"),
                     names=subject.get("names") or [], birth_dates=subject.get("birth_dates") or [],
                     nationalities=subject.get("nationalities") or [], gender=subject.get("gender") or None,
                     document_numbers=subject.get("document_numbers") or [], on_date=subject.get("on_date"))
    except ValueError as exc:
        field_name, _, message = str(exc).partition(": ")
        raise InvalidInput(FieldError(field_name, message or str(exc))) from None


def subject_of_person(person) -> dict:
    """The screening subject for a person record: every name, their birth date and documents."""
    names = []
    for n in person.names.all():
        names.append(n.full_name)
        if n.latin and n.latin != n.full_name:
            names.append(n.latin)
    return {
        "id": person.reference,
        "names": names,
        "birth_dates": [person.birth_date_text] if person.birth_year else [],
        "nationalities": [n.code for n in person.nationalities.all()],
        "gender": person.sex or None,
        "document_numbers": [i.number for i in person.identifiers.all()],
    }


def screen(subjects: list[dict], *, actor, purpose: str, persons: list | None = None) -> list[Screening]:
    """Screen subjects (dicts with names, birth_dates, ...) against every list; store and audit each."""
    authorise(actor, "screening.run")
    if not subjects:
        raise InvalidInput(FieldError("subjects", "nothing to screen"))
    persons = persons or [None] * len(subjects)
    queries = []
    errors = []
    for i, subject in enumerate(subjects):
        if not subject.get("names"):
            errors.append(FieldError(f"subjects[{i}].names", "at least one name is required"))
            continue
        try:
            queries.append(_query_from(subject, persons[i]))
        except InvalidInput as exc:
            errors.extend(FieldError(f"subjects[{i}].{e.field}", e.message) for e in exc.errors)
    if errors:
        raise InvalidInput(errors)
    index, thresholds = current_index()
    workers = index.workers
    results = (index.screen_batch(queries, thresholds, workers=workers) if len(queries) > 1
               else [index.screen(queries[0], thresholds)])
    versions = index.versions
    screened_by = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        out = [Screening(person=person, subject=subject, purpose=purpose, list_versions=versions,
                         hits=[h.as_dict() | {"text": h.explain_text()} for h in hits],
                         hit_count=sum(1 for h in hits if h.decision), screened_by=screened_by)
               for subject, person, hits in zip(subjects, persons, results)]
        if len(out) == 1:
            out[0].save(force_insert=True)
        else:
            Screening.objects.bulk_create(out, batch_size=1000)
        record_many(actor, [dict(action="screening.completed", obj=screening, person=screening.person, reason=purpose,
                                 payload={"hits": [(h["list_id"], h["entry_id"], round(h["score"], 3), h["decision"])
                                                   for h in screening.hits],
                                          "list_versions": versions})
                            for screening in out])
    return out


def screen_person(person, *, actor, purpose: str) -> Screening:
    return screen([subject_of_person(person)], actor=actor, purpose=purpose, persons=[person])[0]


def get_watchlist(code: str) -> Watchlist:
    wl = Watchlist.objects.filter(code=code).first()
    if wl is None:
        raise NotFound(f"no watchlist {code!r}")
    return wl
