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
from .normalize import Tok, alt_fold, fold_key, korean_key, norm_doc, tokens
from .normalize import norm_country
from .scoring import (
    DOB_DAY_MONTH_SWAP,
    DOB_DECADE_APART,
    DOB_EXACT,
    DOB_ONE_COMPONENT,
    DOB_PARTIAL_AGREES,
    DOB_TWO_COMPONENTS,
    DOB_YEAR_OFF_BY_ONE,
    DOB_YEARS_APART,
    GENDER_DIFFERS,
    NATIONALITY_AGREES,
    NATIONALITY_DIFFERS,
    parse_date,
    score_pair_ranked,
)

MAX_CANDIDATES = 40
SINGLE_PART_CANDIDATES = 4
RANK_UNCHECKED_DOB = 0.02  # ranking only: per component of the traveller's birth date not checked
WALK_CAP = 60_000  # postings walked per query at most (beyond the rarest part)
# A name part's postings (one array per key: spellings, equivalence class, skeleton ...) up to
# this many in all are merged into one sorted array once per query: the membership tests then
# search one array instead of a dozen (the same answers, a fraction of the numpy calls).
FLATTEN_CAP = 4096
_MASK128 = (1 << 128) - 1


def _digest(entry: WatchlistEntry) -> int:
    return int.from_bytes(hashlib.blake2b(entry.content().encode("utf-8"), digest_size=16).digest(), "big")


def _ymd(value: str) -> tuple[int, int, int]:
    y, m, d = parse_date(value)
    return y, m or 0, d or 0


_EV_COLUMNS = ("y1", "m1", "d1", "y2", "m2", "d2", "n1", "n2", "g")
_GENDER_CODE = {"m": 1, "male": 1, "man": 1, "f": 2, "female": 2, "woman": 2}


def _member(ids: np.ndarray, arrays: list[np.ndarray]) -> np.ndarray:
    """Which of the sorted ``ids`` occur in any of the sorted posting ``arrays``."""
    m = np.zeros(len(ids), dtype=bool)
    for a in arrays:
        pos = np.searchsorted(a, ids)
        pos[pos >= len(a)] = len(a) - 1
        m |= a[pos] == ids
    return m


def _top(score: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest scores, best first (ties by position)."""
    if len(score) > k:
        top = np.argpartition(-score, k - 1)[:k]
        return top[np.lexsort((top, -score[top]))]
    return np.argsort(-score, kind="stable")


def _dob_effect(qy: int, qm: int, qd: int, ey: np.ndarray, em: np.ndarray, ed: np.ndarray) -> np.ndarray:
    """:func:`portcullis.screening.scoring.compare_dob` over arrays of entry dates (0 = unknown);
    0 where the entry has no date."""
    mk = (em > 0) if qm else np.zeros(len(ey), dtype=bool)
    dk = (ed > 0) & mk if qd else np.zeros(len(ey), dtype=bool)
    mq = np.where(mk, qm, 0)
    me = np.where(mk, em, 0)
    dq = np.where(dk, qd, 0)
    de = np.where(dk, ed, 0)
    gap = np.abs(ey - qy)
    same = (mq == me) & (dq == de)
    eff = np.where(gap >= 10, DOB_DECADE_APART, DOB_YEARS_APART)
    differs = (mq != me).astype(np.int8) + (dq != de)
    eff = np.where((gap == 0) & (differs == 1), DOB_ONE_COMPONENT, eff)
    eff = np.where((gap == 0) & (differs == 2), DOB_TWO_COMPONENTS, eff)
    eff = np.where(gap == 1, np.where(same, DOB_YEAR_OFF_BY_ONE, DOB_TWO_COMPONENTS), eff)
    eff = np.where((gap == 0) & dk & (mq == de) & (dq == me), DOB_DAY_MONTH_SWAP, eff)
    eff = np.where((gap == 0) & same, np.where(dk, DOB_EXACT, DOB_PARTIAL_AGREES), eff)
    return eff


def _deletes(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def _precision(date: str) -> int:
    """Components in a partial date: 1 (year), 2 (year and month) or 3."""
    return 1 + date.count("-")


def _rank_adjustment(query: Query, entry: WatchlistEntry) -> float:
    """Ordering of hits only (the score is untouched): among hits, an entry that could be checked
    against more of the traveller's birth date comes first (a namesake without a birth date
    below one born the same day, or a year apart on the same day)."""
    if not query.birth_dates:
        return 0.0
    qc = max(_precision(d) for d in query.birth_dates)
    ec = max((_precision(d) for d in entry.birth_dates), default=0)
    return -RANK_UNCHECKED_DOB * max(0, qc - ec)


def _joined(particle: Tok, t: Tok) -> str:
    """Fold of a particle written together with the next part (al-Meza / Almeza)."""
    return fold_key(particle.text + t.text)


def _edits(text: str) -> set[str]:
    """Deletions and adjacent transpositions of the spelling (not of its fold: a typo can break a
    digraph, Chakait / Cahkait)."""
    out = set()
    if len(text) >= 4:
        out.update(text[:i] + text[i + 1 :] for i in range(len(text)))
    out.update(text[:i] + text[i + 1] + text[i] + text[i + 2 :] for i in range(len(text) - 1) if text[i] != text[i + 1])
    return out


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
        self._spellings: set[str] = set()
        self._docs: dict[str, list[int]] = defaultdict(list)
        self._dobs: dict[str, array] = defaultdict(lambda: array("I"))  # full birth date -> entries
        self._list_count: dict[str, int] = defaultdict(int)
        self._list_hash: dict[str, int] = defaultdict(int)
        self._n_alive = 0
        self._pool = None  # worker processes of start_workers()
        self._pool_size = 0
        # per entry, for ranking candidates: the first two birth dates (year, month, day; 0 when
        # unknown), the first two nationalities (codes, 0 when unknown) and the gender (1 m, 2 f)
        self._ev = array("H")  # _EV_COLUMNS values per entry
        self._countries: dict[str, int] = {}
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
        self._add_deletions(fold, fold)

    def _add_deletions(self, word: str, fold: str) -> None:
        """One-deletion neighbourhood of ``word`` (a fold, or a spelling) pointing to ``fold``."""
        if len(word) < 4:
            return
        dels = self._dels
        for d in _deletes(word):
            cur = dels.get(d)
            if cur is None:
                dels[d] = fold
            elif isinstance(cur, str):
                if cur != fold:
                    dels[d] = (cur, fold)
            elif fold not in cur:
                dels[d] = cur + (fold,)

    def _add_spelling(self, t: Tok) -> None:
        # deletions of the spelling as well as of the fold, so that a typo inside a digraph
        # (Kgalid / Khalid: the fold is "halid") is one edit away too
        if t.text not in self._spellings and t.script == "L":
            self._spellings.add(t.text)
            if t.text != t.fold:
                self._add_deletions(t.text, t.fold)

    def _country(self, value: str) -> int:
        c = norm_country(value)
        code = self._countries.get(c)
        if code is None:
            code = self._countries[c] = len(self._countries) + 1
        return code

    def _add_evidence(self, e: WatchlistEntry | None) -> None:
        dates = [_ymd(d) for d in e.birth_dates[:2]] if e is not None else []
        dates += [(0, 0, 0)] * (2 - len(dates))
        nats = [self._country(c) for c in e.nationalities[:2]] if e is not None else []
        nats += [0] * (2 - len(nats))
        gender = _GENDER_CODE.get((e.gender or "").strip().lower(), 0) if e is not None else 0
        self._ev.extend([*dates[0], *dates[1], *nats, gender])

    def _entry_keys(self, entry: WatchlistEntry) -> set[int]:
        kids: set[int] = set()
        for name in entry.names:
            toks = tokens(name)
            for i, t in enumerate(toks):
                if t.kind != "n":
                    continue
                for k in _token_keys(t):
                    kids.add(self._key_id(k))
                self._add_spelling(t)
                alt = alt_fold(t.text)
                if alt:
                    kids.add(self._key_id("f:" + alt))
                if i and toks[i - 1].kind == "p":
                    kids.add(self._key_id("f:" + _joined(toks[i - 1], t)))
        return kids

    def _register(self, entry: WatchlistEntry, idx: int) -> None:
        self._pos[entry.key] = idx
        self._by_id[entry.entry_id].append(entry.key)
        for d in entry.document_numbers:
            nd = norm_doc(d)
            if nd:
                self._docs[nd].append(idx)
        for d in entry.birth_dates:
            if len(d) == 10:
                self._dobs[d].append(idx)
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
            self._add_evidence(e)
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
        self.stop_workers()
        n = 0
        for e in entries:
            old = self._pos.get(e.key)
            if old is not None:
                self._drop(old)
            idx = len(self._entries)
            self._entries.append(e)
            self._add_evidence(e)
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
        self.stop_workers()
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
        self.stop_workers()
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

    def _fuzzy_folds(self, fold: str, text: str = "") -> set[str]:
        out = set()
        if fold in self._fold_vocab:
            out.add(fold)
        if len(fold) < 3:
            return out
        dels = self._dels
        probes = [fold] + _deletes(fold) if len(fold) >= 4 else [fold]
        if text and text != fold:
            probes += [text] + _deletes(text) if len(text) >= 4 else [text]
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
        if len(text) >= 4:
            vocab = self._fold_vocab
            out.update(f for f in map(fold_key, _edits(text)) if f in vocab)
        return out

    def _query_keys(self, t: Tok, particle: Tok | None = None) -> set[int]:
        keys = self._keys
        kids = set()
        names = {"f:" + f for f in self._fuzzy_folds(t.fold, t.text)}
        alt = alt_fold(t.text)
        if alt:
            names.update("f:" + f for f in self._fuzzy_folds(alt))
        if particle is not None:
            names.add("f:" + _joined(particle, t))
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

    def _evidence_rank(self, query: Query, ids: np.ndarray) -> np.ndarray:
        """Vectorised estimate of the evidence effects of :func:`score_pair` (birth date,
        nationality, gender) for the entries ``ids``; used to rank namesakes before scoring."""
        rows = np.frombuffer(self._ev, dtype=np.uint16).reshape(-1, len(_EV_COLUMNS))[ids].astype(np.int32)
        col = {k: rows[:, i] for i, k in enumerate(_EV_COLUMNS)}
        out = np.zeros(len(ids), dtype=np.float64)
        if query.birth_dates:
            best = np.full(len(ids), -1.0)
            # only where the entry has the date (most have no second one)
            dated = {k: np.flatnonzero(col["y" + k] > 0) for k in "12"}
            for qd in query.birth_dates:
                qy, qm, qdd = _ymd(qd)
                for k, sel in dated.items():
                    if len(sel):
                        eff = _dob_effect(qy, qm, qdd, col["y" + k][sel], col["m" + k][sel], col["d" + k][sel])
                        best[sel] = np.maximum(best[sel], eff)
            out += np.where(col["y1"] > 0, best, 0.0)
            # ranking only: a date the entry cannot be checked against counts for less
            qc = max(_precision(d) for d in query.birth_dates)
            ec = np.maximum((col["y1"] > 0).astype(np.int32) + (col["m1"] > 0) + (col["d1"] > 0),
                            (col["y2"] > 0).astype(np.int32) + (col["m2"] > 0) + (col["d2"] > 0))
            out -= RANK_UNCHECKED_DOB * np.maximum(0, qc - ec)
        if query.nationalities:
            codes = [self._countries.get(norm_country(c), -1) for c in query.nationalities]
            n1, n2 = col["n1"], col["n2"]
            shared = np.zeros(len(ids), dtype=bool)
            for c in codes:
                shared |= (n1 == c) | (n2 == c)
            out += np.where(n1 == 0, 0.0, np.where(shared, NATIONALITY_AGREES, NATIONALITY_DIFFERS))
        qg = _GENDER_CODE.get((query.gender or "").strip().lower(), 0)
        if qg:
            g = col["g"]
            out += np.where((g != 0) & (g != qg), GENDER_DIFFERS, 0.0)
        return out

    def _born_near(self, query: Query) -> np.ndarray:
        dates = set()
        for d in query.birth_dates:
            if len(d) == 10:
                y, md = int(d[:4]), d[4:]
                dates.update((d, f"{d[:4]}-{d[8:]}-{d[5:7]}", f"{y - 1}{md}", f"{y + 1}{md}"))
        found = [self._dobs[d] for d in dates if d in self._dobs]
        if not found:
            return np.zeros(0, dtype=np.int32)
        return np.unique(np.concatenate([np.frombuffer(a, dtype=np.uint32) for a in found]).astype(np.int32))

    def candidates(self, query: Query, limit: int = MAX_CANDIDATES) -> list[int]:
        """Entry positions worth scoring for ``query``, best first.

        Entries sharing a document number come first.  Then, among the entries sharing name parts
        with the query, those sharing the most parts, ranked by the evidence (birth date,
        nationality, gender) and by the rarity of the shared parts; plus the few best entries
        sharing a single part (names joined or spelt beyond the keys).  Entries sharing at least
        two parts are found by walking the postings of every part but the commonest and testing
        membership in the rest, so a common part never has to be expanded."""
        n_entries = max(1, self._n_alive)
        out: list[int] = []
        for d in query.document_numbers:
            out.extend(self._docs.get(norm_doc(d), ()))
        parts: list[tuple[list[np.ndarray], int]] = []
        seen_text = set()
        for name in query.names:
            toks = tokens(name)
            for i, t in enumerate(toks):
                if t.kind != "n" or t.text in seen_text:
                    continue
                seen_text.add(t.text)
                particle = toks[i - 1] if i and toks[i - 1].kind == "p" else None
                arrays = [a for a in (self._posting(k) for k in self._query_keys(t, particle)) if len(a)]
                if arrays:
                    df = sum(len(a) for a in arrays)
                    if 1 < len(arrays) and df <= FLATTEN_CAP:
                        # one sorted array of the distinct entries answers membership as the list
                        # does, in one search instead of one per key (df still counts them all)
                        arrays = [np.unique(np.concatenate(arrays))]
                    parts.append((arrays, df))
        if parts:
            parts.sort(key=lambda p: p[1])
            # walk every part but the commonest (fewer while that is too many entries)
            walk = max(1, len(parts) - 1)
            while walk > 1 and sum(p[1] for p in parts[:walk]) > WALK_CAP:
                walk -= 1
            walked = [a for p in parts[:walk] for a in p[0]]
            uniq = walked[0] if len(walked) == 1 else np.unique(np.concatenate(walked))
            if len(uniq) > WALK_CAP * 2 and len(parts) > 1:
                # even the rarest part is very common: keep its entries sharing the next part
                uniq = uniq[_member(uniq, parts[1][0])]
            # birth-date blocking: entries born on the traveller's date (or with day and month
            # swapped, or a year apart) that share any name part, even only the commonest
            born = self._born_near(query)
            if len(born):
                shares = np.zeros(len(born), dtype=bool)
                for arrays, _df in parts:
                    shares |= _member(born, arrays)
                born = born[shares]
                uniq = np.union1d(uniq, born) if len(born) else uniq
            n = np.zeros(len(uniq), dtype=np.int32)
            rarity = np.zeros(len(uniq), dtype=np.float64)
            for arrays, df in parts:
                m = _member(uniq, arrays)
                n += m
                rarity += m * math.log(1.0 + n_entries / df)
            rank = rarity + 100.0 * self._evidence_rank(query, uniq)
            multi = n >= 2
            picked: list[np.ndarray] = []
            n_multi = int(multi.sum())
            if n_multi:
                sel = np.flatnonzero(multi)
                picked.append(sel[_top(1000.0 * n[sel] + rank[sel], limit)])
            single = np.flatnonzero(~multi)
            if len(single):
                picked.append(single[_top(rank[single], SINGLE_PART_CANDIDATES)])
                if len(born):
                    single = single[_member(uniq[single], [born])]
                    picked.append(single[_top(rank[single], SINGLE_PART_CANDIDATES)])
            for sel in picked:
                out.extend(uniq[sel].tolist())
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
        """Screen one person; hits sorted best first (at most ``limit``).

        Hits are ordered by the score before it is clipped to [0, 1], so that among namesakes
        scoring 1.0 the one whose birth date and nationality also agree comes first, less
        :data:`RANK_UNCHECKED_DOB` per component of the traveller's birth date that the entry
        cannot confirm (it has no date, or only a year)."""
        th = Thresholds.coerce(threshold)
        floor = th.floor()
        ranked: list[tuple[float, Hit]] = []
        for idx in self.candidates(query, candidates):
            entry = self._entries[idx]
            if entry is None or not entry.active_on(query.on_date):
                continue
            raw, score, expl = score_pair_ranked(query, entry, floor)
            if score < floor or expl is None:
                continue
            t = th.for_entry(entry.list_id, entry.action)
            if score < t - th.review_margin:
                continue
            expl["threshold"] = t
            expl["list_version"] = self.versions_of(entry.list_id)
            ranked.append((raw + _rank_adjustment(query, entry), Hit(entry.entry_id, entry.list_id, entry.action, round(score, 4), score >= t, expl)))
        ranked.sort(key=lambda rh: (-rh[0], rh[1].list_id, rh[1].entry_id))
        return [h for _, h in ranked[:limit]]

    def versions_of(self, list_id: str) -> str:
        return f"{self._list_count[list_id]}-{self._list_hash[list_id]:032x}"[:24]

    def start_workers(self, workers: int) -> None:
        """Fork ``workers`` processes now, to be reused by :meth:`screen_batch` (a service forks
        once after building the index instead of once per batch).  They screen against the index
        as it is now: any update (:meth:`upsert`, :meth:`remove`, :meth:`replace_list`,
        :meth:`compact`) stops them, and batches go back to forking per call until
        :meth:`start_workers` is called again."""
        self.stop_workers()
        if workers <= 1 or not hasattr(os, "fork"):
            return
        import multiprocessing as mp

        global _WORKER_INDEX
        _WORKER_INDEX = self
        self._pool = mp.get_context("fork").Pool(workers)
        self._pool_size = workers

    @property
    def workers(self) -> int:
        """Worker processes started by :meth:`start_workers` and still running (0: none)."""
        return self._pool_size if getattr(self, "_pool", None) is not None else 0

    def stop_workers(self) -> None:
        pool = getattr(self, "_pool", None)
        if pool is not None:
            pool.terminate()
            pool.join()
        self._pool = None
        self._pool_size = 0

    def screen_batch(
        self,
        queries: Sequence[Query],
        threshold: Thresholds | float | None = None,
        limit: int = 10,
        workers: int = 1,
        progress=None,
    ) -> list[list[Hit]]:
        """Screen many people.  ``workers > 1`` uses the processes of :meth:`start_workers`, or
        forks worker processes for this call; either way they share the index copy-on-write."""
        queries = list(queries)
        if workers <= 1 or len(queries) < 64 or not hasattr(os, "fork"):
            out = []
            for i, q in enumerate(queries):
                out.append(self.screen(q, threshold, limit))
                if progress and i % 256 == 0:
                    progress(i, len(queries))
            return out
        global _WORKER_INDEX
        chunk = max(16, len(queries) // (workers * 8))
        tasks = [(queries[i : i + chunk], threshold, limit) for i in range(0, len(queries), chunk)]
        out: list[list[Hit]] = []
        pool = getattr(self, "_pool", None)
        own = pool is None
        if own:
            import multiprocessing as mp

            _WORKER_INDEX = self
            pool = mp.get_context("fork").Pool(workers)
        try:
            for res in pool.imap(_screen_chunk, tasks):
                out.extend(res)
                if progress:
                    progress(len(out), len(queries))
        finally:
            if own:
                pool.terminate()
                pool.join()
        return out


_WORKER_INDEX = None


def _screen_chunk(task) -> list[list[Hit]]:
    batch, threshold, limit = task
    index = _WORKER_INDEX
    return [index.screen(q, threshold, limit) for q in batch]  # type: ignore[union-attr]
