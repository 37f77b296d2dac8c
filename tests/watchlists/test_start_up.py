"""Start-up of a serving process: the index loaded, frozen out of the collector's reach, workers forked."""

from __future__ import annotations

import gc

import pytest

from portcullis.screening import Index, WatchlistEntry
from portcullis.watchlists import services
from portcullis.workforce.authority import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def gc_calls(monkeypatch):
    """Record what start-up asks of the collector, without freezing the test process."""
    calls = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *t: calls.append(("set_threshold", t)))
    return calls


def entries(n: int) -> list[WatchlistEntry]:
    return [WatchlistEntry(list_id="wanted", entry_id=f"W{i}", names=(f"Given{i % 97} Family{i}",),
                           birth_dates=(f"{1950 + i % 50}-01-0{1 + i % 9}",), action="refer")
            for i in range(n)]


def subjects(n: int) -> list[dict]:
    return [{"names": [f"Given{i % 97} Family{i}"], "birth_dates": [f"{1950 + i % 50}-01-0{1 + i % 9}"]}
            for i in range(0, n * 3, 3)]


def test_load_index_freezes_the_index_and_raises_thresholds(gc_calls, monkeypatch):
    monkeypatch.delenv("PORTCULLIS_SCREENING_WORKERS", raising=False)
    index = Index(entries(50))
    info = services.load_index(index)
    assert gc_calls == ["collect", "freeze", ("set_threshold", services.GC_THRESHOLDS)]
    assert info["entries"] == 50 and info["workers"] == 0
    assert services.current_index()[0] is index


def test_lazy_build_freezes_only_a_large_index(gc_calls, monkeypatch):
    services.current_index()  # empty table: small, nothing frozen
    assert gc_calls == []
    monkeypatch.setattr(services, "FREEZE_MIN_ENTRIES", 0)
    services.reset_index()
    services.current_index()
    assert gc_calls[:2] == ["collect", "freeze"]


def test_screening_workers_forked_at_start_up_give_the_same_hits(gc_calls, monkeypatch, staff):
    index = Index(entries(400))
    monkeypatch.delenv("PORTCULLIS_SCREENING_WORKERS", raising=False)
    services.load_index(index)
    alone = services.screen(subjects(70), actor=staff, purpose="test")
    monkeypatch.setenv("PORTCULLIS_SCREENING_WORKERS", "2")
    info = services.load_index(index)
    assert info["workers"] == 2 and index.workers == 2
    shared = services.screen(subjects(70), actor=staff, purpose="test")
    assert [s.hits for s in shared] == [s.hits for s in alone]
    assert sum(s.hit_count for s in shared) >= 70
    services.reset_index()
    assert index.workers == 0


def test_workers_restart_after_an_incremental_update(gc_calls, monkeypatch, tmp_path):
    monkeypatch.setenv("PORTCULLIS_SCREENING_WORKERS", "2")
    monkeypatch.setattr(services, "FREEZE_MIN_ENTRIES", 0)
    path = tmp_path / "w.jsonl"
    path.write_text('{"id": "W1", "names": ["Daniel Ortega"], "birth_dates": ["1945-11-11"]}\n')
    services.import_entries("wanted", path, actor=SYSTEM)
    index, _ = services.current_index()
    assert index.workers == 2
    path.write_text('{"id": "W2", "names": ["Li Wei"], "birth_dates": ["1980-02-03"]}\n')
    services.import_entries("wanted", path, actor=SYSTEM)
    again, _ = services.current_index()
    assert again is index and index.get("wanted", "W2") is not None
    assert index.workers == 2  # the update stopped them; they were forked again
