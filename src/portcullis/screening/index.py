"""In-memory candidate index over a watchlist, and screening against it.

Keys per name part (particles, titles and initials are not indexed):

* ``f:<fold>``   romanisation-insensitive spelling (Mukhammed and Muhammed share it),
* ``c:<class>``  given-name equivalence class (Мухаммед, محمد, Mohamed ...),
* ``s:<skel>``   consonant skeleton of parts written in Arabic, Hebrew or Indic scripts,
* ``k:<key>``    Korean romanisation key of Hangul parts,

plus a one-deletion neighbourhood over the fold vocabulary (SymSpell, edit distance 1) so that
one-letter typos reach the right key, and an exact map of normalised document numbers.

Postings are compressed into numpy CSR arrays after the build; entries added later go into a
small delta map that is searched as well, and removed entries are masked until the next
:meth:`Index.compact`.  A query gathers the entries sharing keys with its name parts, ranks them by
the rarity-weighted number of query parts they share, and scores only the top few with the full
person scorer (:func:`portcullis.screening.scoring.score_pair`).
"""

from __future__ import annotations

import hashlib
import math
import os
from array import array
from collections import defaultdict
from typing import Iterable, Sequence

import numpy as np

from .model import Hit, Query, Thresholds, WatchlistEntry
from .normalize import Tok, korean_key, norm_doc, tokens
from .scoring import score_pair

MAX_CANDIDATES = 40
SINGLE_PART_CANDIDATES = 4
COMMON_SHARE = 0.02  # a key on more than this share of entries is "common"
_MASK128 = (1 << 128) - 1


def _digest(entry: WatchlistEntry) -> int:
    return int.from_bytes(hashlib.blake2b(entry.content().encode("utf-8"), digest_size=16).digest(), "big")


def _year(e: WatchlistEntry) -> int:
    return int(e.birth_dates[0][:4]) if e.birth_dates else 0


def _deletes(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def _token_keys(t: Tok) -> list[str]:
    keys = ["f:" + t.fold]
    if t.canon:
        keys.append("c:" + t.canon)
    if t.script == "A" and len(t.skel) >= 2:
        keys.append("s:" + t.skel)
    if t.script == "K":
        keys.append("k:" + t.fold)
    return keys


class Index:
    """Screening index over watchlist entries (any number of lists)."""

    def __init__(self, entries: Iterable[WatchlistEntry] = (), *, progress=None) -> None:
        self._entries: list[WatchlistEntry | None] = []
        self._pos: dict[tuple[str, str], int] = {}
        self._by_id: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._alive = bytearray()
        self._keys: dict[str, int] = {}
        self._df: array = array("I")
        self._offsets = np.zeros(1, dtype=np.int64)
        self._postings = np.zeros(0, dtype=np.int32)
        self._delta: dict[int, list[int]] = defaultdict(list)
        self._dels: dict[str, object] = {}
        self._fold_vocab: set[str] = set()
        self._docs: dict[str, list[int]] = defaultdict(list)
        self._list_count: dict[str, int] = defaultdict(int)
        self._list_hash: dict[str, int] = defaultdict(int)
        self._n_alive = 0
        self._years = array("H")  # first birth year per entry, 0 when unknown
        self._bulk(list(entries), progress=progress)

    @classmethod
    def build(cls, entries: Iterable[WatchlistEntry], *, progress=None) -> "Index":
        return cls(entries, progress=progress)

    # ------------------------------------------------------------------ building

    def _key_id(self, key: str) -> int:
        kid = self._keys.get(key)
        if kid is None:
            kid = len(self._keys)
            self._keys[key] = kid
            self._df.append(0)
            if key.startswith("f:"):
                self._add_fold(key[2:])
        return kid

    def _add_fold(self, fold: str) -> None:
        self._fold_vocab.add(fold)
        if len(fold) < 4:
            return
        dels = self._dels
        for d in _deletes(fold):
            cur = dels.get(d)
            if cur is None:
                dels[d] = fold
            elif isinstance(cur, str):
                if cur != fold:
                    dels[d] = (cur, fold)
            elif fold not in cur:
                dels[d] = cur + (fold,)

    def _entry_keys(self, entry: WatchlistEntry) -> set[int]:
        kids: set[int] = set()
        for name in entry.names:
            for t in tokens(name):
                if t.kind != "n":
                    continue
                for k in _token_keys(t):
                    kids.add(self._key_id(k))
        return kids

    def _register(self, entry: WatchlistEntry, idx: int) -> None:
        self._pos[entry.key] = idx
        self._by_id[entry.entry_id].append(entry.key)
        for d in entry.document_numbers:
            nd = norm_doc(d)
            if nd:
                self._docs[nd].append(idx)
        self._list_count[entry.list_id] += 1
        self._list_hash[entry.list_id] ^= _digest(entry)
        self._n_alive += 1

    def _bulk(self, entries: list[WatchlistEntry], progress=None) -> None:
        pk = array("I")
        pe = array("I")
        base = len(self._entries)
        seen: dict[tuple[str, str], int] = {}
        for i, e in enumerate(entries):
            if e.key in seen:  # the last occurrence wins
                entries[seen[e.key]] = None  # type: ignore[call-overload]
            seen[e.key] = i
        self._alive.extend(bytes(len(entries)))
        for i, e in enumerate(entries):
            idx = base + i
            self._entries.append(e)
            self._years.append(_year(e))
            if progress and i % 10000 == 0:
                progress(i, len(entries))
            if e is None:
                continue
            if e.key in self._pos:
                self._drop(self._pos[e.key])
            self._register(e, idx)
            self._alive[idx] = 1
            for kid in self._entry_keys(e):
                pk.append(kid)
                pe.append(idx)
                self._df[kid] += 1
        self._merge_postings(np.frombuffer(pk, dtype=np.uint32), np.frombuffer(pe, dtype=np.uint32))

    def _merge_postings(self, kids: np.ndarray, idxs: np.ndarray) -> None:
        nkeys = len(self._keys)
        # existing CSR expanded to (kid, idx) pairs
        old_counts = np.diff(self._offsets)
        old_k = np.repeat(np.arange(len(old_counts), dtype=np.uint32), old_counts)
        delta_k = []
        delta_e = []
        for k, lst in self._delta.items():
            delta_k.extend([k] * len(lst))
            delta_e.extend(lst)
        self._delta = defaultdict(list)
        all_k = np.concatenate([old_k, kids, np.asarray(delta_k, dtype=np.uint32)])
        all_e = np.concatenate(
            [self._postings.astype(np.uint32), idxs, np.asarray(delta_e, dtype=np.uint32)]
        )
        order = np.lexsort((all_e, all_k))
        self._postings = all_e[order].astype(np.int32)
        counts = np.bincount(all_k, minlength=nkeys)
        self._offsets = np.zeros(nkeys + 1, dtype=np.int64)
        np.cumsum(counts, out=self._offsets[1:])

    def _drop(self, idx: int) -> None:
        e = self._entries[idx]
        if e is None or not self._alive[idx]:
            return
        self._alive[idx] = 0
        self._pos.pop(e.key, None)
        keys = self._by_id.get(e.entry_id)
        if keys and e.key in keys:
            keys.remove(e.key)
            if not keys:
                del self._by_id[e.entry_id]
        self._list_count[e.list_id] -= 1
        self._list_hash[e.list_id] ^= _digest(e)
        self._n_alive -= 1
        self._entries[idx] = None

    # ------------------------------------------------------------------ updates

    def upsert(self, entries: Iterable[WatchlistEntry]) -> int:
        """Add entries, replacing any with the same (list_id, entry_id).  Returns the count."""
        n = 0
        for e in entries:
            old = self._pos.get(e.key)
            if old is not None:
                self._drop(old)
            idx = len(self._entries)
            self._entries.append(e)
            self._years.append(_year(e))
            self._alive.append(1)
            self._register(e, idx)
            for kid in self._entry_keys(e):
                self._delta[kid].append(idx)
                self._df[kid] += 1
            n += 1
        if sum(len(v) for v in self._delta.values()) > 200_000:
            self.compact()
        return n

    def remove(self, ids: Iterable[str | tuple[str, str]]) -> int:
        """Remove entries by entry id (from every list) or by (list_id, entry_id)."""
        n = 0
        for ident in ids:
            keys = [tuple(ident)] if isinstance(ident, tuple) else list(self._by_id.get(ident, ()))
            for key in keys:
                idx = self._pos.get(key)  # type: ignore[arg-type]
                if idx is not None:
                    self._drop(idx)
                    n += 1
        return n

    def replace_list(self, list_id: str, entries: Iterable[WatchlistEntry]) -> dict[str, int]:
        """Bring one list up to date with a fresh full load: add new entries, replace changed ones,
        remove missing ones.  Unchanged entries are left alone.  Returns the counts."""
        fresh = {e.entry_id: e for e in entries if e.list_id == list_id}
        current = {k[1]: i for k, i in self._pos.items() if k[0] == list_id}
        removed = [(list_id, eid) for eid in current if eid not in fresh]
        changed = [e for eid, e in fresh.items()
                   if eid not in current or self._entries[current[eid]].content() != e.content()]
        added = sum(1 for e in changed if e.entry_id not in current)
        self.remove(removed)
        self.upsert(changed)
        return {"added": added, "changed": len(changed) - added, "removed": len(removed)}

    def compact(self) -> None:
        """Fold the delta postings into the compressed arrays (removed entries stay masked)."""
        self._merge_postings(np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint32))

    # ------------------------------------------------------------------ introspection

    def __len__(self) -> int:
        return self._n_alive

    def get(self, list_id: str, entry_id: str) -> WatchlistEntry | None:
        idx = self._pos.get((list_id, entry_id))
        return None if idx is None else self._entries[idx]

    @property
    def versions(self) -> dict[str, str]:
        """Per list: ``<count>-<digest>``; the digest is order independent and changes with any entry."""
        return {
            lid: f"{self._list_count[lid]}-{self._list_hash[lid]:032x}"[:24]
            for lid in sorted(self._list_count)
            if self._list_count[lid] > 0
        }

    # ------------------------------------------------------------------ retrieval

    def _posting(self, kid: int) -> np.ndarray:
        if kid < len(self._offsets) - 1:
            arr = self._postings[self._offsets[kid] : self._offsets[kid + 1]]
        else:
            arr = self._postings[:0]
        extra = self._delta.get(kid)
        if extra:
            arr = np.concatenate([arr, np.asarray(extra, dtype=np.int32)])
        return arr

    def _fuzzy_folds(self, fold: str) -> set[str]:
        out = set()
        if fold in self._fold_vocab:
            out.add(fold)
        if len(fold) < 3:
            return out
        dels = self._dels
        probes = [fold] + _deletes(fold) if len(fold) >= 4 else [fold]
        for p in probes:
            cur = dels.get(p)
            if cur is None:
                continue
            if isinstance(cur, str):
                out.add(cur)
            else:
                out.update(cur)
        # the query lost a letter: its fold is itself a deletion of a vocabulary word (handled
        # above), or a vocabulary word of length 3 equals one of its deletions
        if len(fold) >= 4:
            for d in _deletes(fold):
                if d in self._fold_vocab:
                    out.add(d)
        return out

    def _query_keys(self, t: Tok) -> set[int]:
        keys = self._keys
        kids = set()
        names = {"f:" + f for f in self._fuzzy_folds(t.fold)}
        if t.canon:
            names.add("c:" + t.canon)
        if len(t.skel) >= 2:
            names.add("s:" + t.skel)
        names.add("k:" + (t.fold if t.script == "K" else korean_key(t.text)))
        for n in names:
            k = keys.get(n)
            if k is not None:
                kids.add(k)
        return kids

    def candidates(self, query: Query, limit: int = MAX_CANDIDATES) -> list[int]:
        n_entries = max(1, self._n_alive)
        common = max(1000, int(COMMON_SHARE * n_entries))
        parts: list[tuple[np.ndarray, float, bool]] = []
        seen_text = set()
        for name in query.names:
            for t in tokens(name):
                if t.kind != "n" or t.text in seen_text:
                    continue
                seen_text.add(t.text)
                kids = self._query_keys(t)
                if not kids:
                    continue
                arrays = [self._posting(k) for k in kids]
                arr = arrays[0] if len(arrays) == 1 else np.unique(np.concatenate(arrays))
                if len(arr) == 0:
                    continue
                weight = math.log(1.0 + n_entries / len(arr))
                parts.append((arr, weight, len(arr) > common))
        out: list[int] = []
        for d in query.document_numbers:
            out.extend(self._docs.get(norm_doc(d), ()))
        if parts:
            rare = [p for p in parts if not p[2]]
            if rare:
                use = rare
            else:
                # only common parts: entries sharing the two rarest of them
                parts.sort(key=lambda p: len(p[0]))
                if len(parts) >= 2:
                    both = np.intersect1d(parts[0][0], parts[1][0], assume_unique=True)
                    use = [(both, parts[0][1] + parts[1][1], False)]
                else:
                    use = parts
            if len(use) == 1:
                ids = use[0][0]
                if len(ids) > limit:
                    ids = ids[:limit]
                out.extend(int(i) for i in ids)
            else:
                allv = np.concatenate([p[0] for p in use])
                w = np.concatenate([np.full(len(p[0]), p[1], dtype=np.float32) for p in use])
                uniq, inv, counts = np.unique(allv, return_inverse=True, return_counts=True)
                score = np.bincount(inv, weights=w)
                # a person whose name shares one part out of several cannot reach a match score;
                # keep only entries sharing two parts, or the few best single-part ones
                multi = counts >= 2
                n_multi = int(multi.sum())
                if n_multi:
                    score = np.where(multi, score + 1000.0, score)
                qyears = [int(d[:4]) for d in query.birth_dates]
                if qyears and len(uniq) > limit:
                    # among namesakes, prefer entries whose birth year is compatible or unknown
                    ys = np.frombuffer(self._years, dtype=np.uint16)[uniq].astype(np.int32)
                    ok = ys == 0
                    for y in qyears:
                        ok |= np.abs(ys - y) <= 1
                    score = score + ok * 0.5
                keep = min(len(uniq), limit if n_multi else SINGLE_PART_CANDIDATES, max(n_multi, SINGLE_PART_CANDIDATES))
                if len(uniq) > keep:
                    top = np.argpartition(-score, keep - 1)[:keep]
                    top = top[np.argsort(-score[top], kind="stable")]
                else:
                    top = np.argsort(-score, kind="stable")
                out.extend(int(uniq[i]) for i in top)
        seen = set()
        result = []
        alive = self._alive
        for i in out:
            if i not in seen and alive[i]:
                seen.add(i)
                result.append(i)
        return result

    # ------------------------------------------------------------------ screening

    def screen(
        self,
        query: Query,
        threshold: Thresholds | float | None = None,
        limit: int = 10,
        candidates: int = MAX_CANDIDATES,
    ) -> list[Hit]:
        """Screen one person; hits sorted best first (at most ``limit``)."""
        th = Thresholds.coerce(threshold)
        floor = th.floor()
        hits: list[Hit] = []
        for idx in self.candidates(query, candidates):
            entry = self._entries[idx]
            if entry is None or not entry.active_on(query.on_date):
                continue
            score, expl = score_pair(query, entry, floor)
            if score < floor or expl is None:
                continue
            t = th.for_entry(entry.list_id, entry.action)
            if score < t - th.review_margin:
                continue
            expl["threshold"] = t
            expl["list_version"] = self.versions_of(entry.list_id)
            hits.append(Hit(entry.entry_id, entry.list_id, entry.action, round(score, 4), score >= t, expl))
        hits.sort(key=lambda h: (-h.score, h.list_id, h.entry_id))
        return hits[:limit]

    def versions_of(self, list_id: str) -> str:
        return f"{self._list_count[list_id]}-{self._list_hash[list_id]:032x}"[:24]

    def screen_batch(
        self,
        queries: Sequence[Query],
        threshold: Thresholds | float | None = None,
        limit: int = 10,
        workers: int = 1,
        progress=None,
    ) -> list[list[Hit]]:
        """Screen many people.  ``workers > 1`` forks worker processes that share the index."""
        queries = list(queries)
        if workers <= 1 or len(queries) < 64 or not hasattr(os, "fork"):
            out = []
            for i, q in enumerate(queries):
                out.append(self.screen(q, threshold, limit))
                if progress and i % 256 == 0:
                    progress(i, len(queries))
            return out
        import multiprocessing as mp

        global _WORKER_INDEX
        _WORKER_INDEX = (self, threshold, limit)
        ctx = mp.get_context("fork")
        chunk = max(16, len(queries) // (workers * 8))
        batches = [queries[i : i + chunk] for i in range(0, len(queries), chunk)]
        out: list[list[Hit]] = []
        with ctx.Pool(workers) as pool:
            for i, res in enumerate(pool.imap(_screen_chunk, batches)):
                out.extend(res)
                if progress:
                    progress(len(out), len(queries))
        _WORKER_INDEX = None
        return out


_WORKER_INDEX = None


def _screen_chunk(batch: list[Query]) -> list[list[Hit]]:
    index, threshold, limit = _WORKER_INDEX  # type: ignore[misc]
    return [index.screen(q, threshold, limit) for q in batch]
