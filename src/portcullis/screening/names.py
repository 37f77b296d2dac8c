"""Name-to-name similarity with an explanation.

Two names are compared token by token.  Tokens are paired greedily by similarity (so word order
does not matter); adjacent tokens may be joined to match one token on the other side
("Abdul Rahman" / "Abdulrahman", "Jin Ping" / "Jinping").  Each token similarity is strict: a
token either looks like the same word (equal, same equivalence class, same romanisation key, or a
small number of edits for its length) or it scores 0.  This is what separates "Daniel Ortiz" from
"Daniel Ortega" while still matching "Olaf Scholze" to "Olaf Scholz".

The name score is the weighted share of paired tokens.  A token left over on *both* sides counts
as a contradiction at full weight; a token left over on one side only (a missing or extra middle
name) counts at :data:`EXTRA_WEIGHT`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from .normalize import Tok, alt_fold, korean_key, tokens

KIND_WEIGHT = {"n": 1.0, "p": 0.25, "t": 0.1, "i": 0.35}
EXTRA_WEIGHT = 0.3
CLASH_FACTOR = 0.75  # each name part contradicted on both sides multiplies the score by this
SHORT_WEIGHT = 0.7  # two-letter name parts carry less information
ABJAD_EDIT = 0.75  # two names in abjad / abugida spellings one letter apart
SHORT_SKELETON = 0.7  # a two-consonant skeleton shared across scripts (ولد / Lydia) says little


@dataclass(frozen=True, slots=True)
class NameMatch:
    score: float
    query_name: str
    entry_name: str
    pairs: tuple[tuple[str, str, float], ...]  # (query part, entry part, similarity)
    unmatched_query: tuple[str, ...]
    unmatched_entry: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "query_name": self.query_name,
            "entry_name": self.entry_name,
            "similarity": round(self.score, 4),
            "parts": [{"query": a, "entry": b, "similarity": round(s, 3)} for a, b, s in self.pairs],
            "unmatched_query_parts": list(self.unmatched_query),
            "unmatched_entry_parts": list(self.unmatched_entry),
        }


def _budget(length: int) -> int:
    if length <= 2:
        return 0
    if length <= 8:
        return 1
    return 2


@lru_cache(maxsize=1_000_000)
def token_similarity(a: Tok, b: Tok) -> float:
    """Similarity of two tokens in [0, 1]; 0 when they look like different words."""
    if a.text == b.text:
        return 1.0
    if a.canon and a.canon == b.canon:
        return 0.95
    if a.kind == "i" or b.kind == "i":
        if a.text[0] == b.text[0]:
            return 0.9
        return 0.0
    if (a.script == "K") != (b.script == "K") or a.script == b.script == "K":
        # Hangul syllables: only the same syllable under another romanisation
        return 0.92 if korean_key(a.text) == korean_key(b.text) else 0.0
    if a.script != b.script and (a.script == "A" or b.script == "A"):
        sa, sb = a.skel, b.skel
        if sa == sb and len(sa) >= 3:
            return 0.9
        if sa == sb and len(sa) == 2:
            return SHORT_SKELETON
        if min(len(sa), len(sb)) >= 4 and OSA.distance(sa, sb) <= 1:
            return 0.75
        return 0.0
    fa, fb = a.fold, b.fold
    if fa == fb:
        return 0.95
    if a.script == b.script == "A":
        # both written without short vowels: a letter more or less is a larger difference than
        # in a full spelling (سمسار / سمر), so only one edit in four or more letters
        if min(len(fa), len(fb)) >= 4 and OSA.distance(fa, fb, score_cutoff=2) <= 1:
            return ABJAD_EDIT
        return 0.0
    aa, ab = alt_fold(a.text), alt_fold(b.text)
    if aa or ab:
        # ch read as kh on one side (Chalid / Khalid)
        if aa in (fb, ab) or ab == fa:
            return 0.9
    length = max(len(fa), len(fb))
    budget = _budget(min(len(fa), len(fb)) + 1)
    d = OSA.distance(fa, fb, score_cutoff=budget + 1)
    if d > budget and (aa or ab):
        d = min(OSA.distance(x, y, score_cutoff=budget + 1) for x in (fa, aa) if x for y in (fb, ab) if y)
    if d > budget:
        # the raw spelling may be closer than the romanisation key
        d = OSA.distance(a.text, b.text, score_cutoff=budget + 1)
        length = max(len(a.text), len(b.text))
        if d > budget:
            return 0.0
    return max(0.0, 1.0 - 0.9 * d / length)


def _weight(t: Tok) -> float:
    w = KIND_WEIGHT[t.kind]
    if t.kind == "n" and len(t.text) <= 2:
        w *= SHORT_WEIGHT
    return w


def _join(toks: tuple[Tok, ...], i: int) -> Tok:
    a, b = toks[i], toks[i + 1]
    text = a.text + b.text
    fold = a.fold + b.fold
    return Tok(text, fold, a.skel + b.skel, "", a.script if a.script == b.script else "L", "n")


def compare_tokens(qa: tuple[Tok, ...], qb: tuple[Tok, ...]) -> tuple[float, list, list, list]:
    """Score two tokenised names.  Returns (score, pairs, unmatched_a, unmatched_b)."""
    if not qa or not qb:
        return 0.0, [], list(range(len(qa))), list(range(len(qb)))
    cand = []
    for i, ta in enumerate(qa):
        for j, tb in enumerate(qb):
            s = token_similarity(ta, tb)
            if s > 0.0:
                cand.append((s, (i,), (j,)))
    pairs, used_a, used_b = _greedy(cand)
    left_a = [i for i in range(len(qa)) if i not in used_a and qa[i].kind == "n"]
    left_b = [j for j in range(len(qb)) if j not in used_b and qb[j].kind == "n"]
    if left_a and left_b and (len(qa) > 1 or len(qb) > 1):
        # try joining adjacent parts on either side
        extra = []
        lb = {j: len(qb[j].fold) for j in left_b}
        la = {i: len(qa[i].fold) for i in left_a}
        for i in range(len(qa) - 1):
            n = len(qa[i].fold) + len(qa[i + 1].fold)
            near = [j for j in left_b if abs(lb[j] - n) <= 2]
            if not near:
                continue
            ja = _join(qa, i)
            for j in near:
                tb = qb[j]
                s = token_similarity(ja, tb)
                if s > 0.0:
                    extra.append((s, (i, i + 1), (j,)))
        for j in range(len(qb) - 1):
            n = len(qb[j].fold) + len(qb[j + 1].fold)
            near = [i for i in left_a if abs(la[i] - n) <= 2]
            if not near:
                continue
            jb = _join(qb, j)
            for i in near:
                ta = qa[i]
                s = token_similarity(ta, jb)
                if s > 0.0:
                    extra.append((s, (i,), (j, j + 1)))
        if extra:
            pairs, used_a, used_b = _greedy(cand + extra)
    num = 0.0
    den = 0.0
    for s, ia, jb in pairs:
        w = max(sum(_weight(qa[i]) for i in ia), sum(_weight(qb[j]) for j in jb))
        num += s * 2 * w
        den += 2 * w
    ua = [i for i in range(len(qa)) if i not in used_a]
    ub = [j for j in range(len(qb)) if j not in used_b]
    # a full name part explained only by an initial on the other side still needs explaining
    weak_a = [ia[0] for s, ia, jb in pairs if qb[jb[0]].kind == "i" and qa[ia[0]].kind == "n"]
    weak_b = [jb[0] for s, ia, jb in pairs if qa[ia[0]].kind == "i" and qb[jb[0]].kind == "n"]
    na = sum(1 for i in ua if qa[i].kind in "ni") + len(weak_a)
    nb = sum(1 for j in ub if qb[j].kind in "ni") + len(weak_b)
    clash = min(na, nb)
    wa = sorted((_weight(qa[i]) for i in ua), reverse=True)
    wb = sorted((_weight(qb[j]) for j in ub), reverse=True)
    den += sum(wa[:clash]) + sum(wb[:clash])
    den += EXTRA_WEIGHT * (sum(wa[clash:]) + sum(wb[clash:]))
    # unmatched Han / Hangul syllables are parts of a given name, not optional middle names
    den += (1 - EXTRA_WEIGHT) * sum(_weight(t) for k, t in enumerate(qa) if k in ua[clash:] and t.script in "KH")
    den += (1 - EXTRA_WEIGHT) * sum(_weight(t) for k, t in enumerate(qb) if k in ub[clash:] and t.script in "KH")
    if den <= 0.0:
        return 0.0, pairs, ua, ub
    score = num / den * CLASH_FACTOR**clash
    matched_n = sum(1 for p in pairs for i in p[1] if qa[i].kind == "n")
    if matched_n == 0:
        score = min(score, 0.5)  # only particles, titles or initials agree
    elif matched_n == 1 and max(na, nb) >= 2:
        score = min(score, 0.7)  # one shared name part against several unexplained ones
    elif (weak_a or weak_b) and sum(1 for p in pairs if qa[p[1][0]].kind == "n" and qb[p[2][0]].kind == "n") <= 1:
        score = min(score, 0.72)  # one full name part plus initials: too weak to decide alone
    return score, pairs, ua, ub


def _greedy(cand):
    cand.sort(key=lambda c: (-c[0], len(c[1]) + len(c[2])))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for s, ia, jb in cand:
        if any(i in used_a for i in ia) or any(j in used_b for j in jb):
            continue
        pairs.append((s, ia, jb))
        used_a.update(ia)
        used_b.update(jb)
    return pairs, used_a, used_b


def match_names(a: str, b: str) -> NameMatch:
    ta, tb = tokens(a), tokens(b)
    score, pairs, ua, ub = compare_tokens(ta, tb)
    return NameMatch(
        score=score,
        query_name=a,
        entry_name=b,
        pairs=tuple(
            (" ".join(ta[i].text for i in ia), " ".join(tb[j].text for j in jb), s) for s, ia, jb in pairs
        ),
        unmatched_query=tuple(ta[i].text for i in ua),
        unmatched_entry=tuple(tb[j].text for j in ub),
    )


def name_similarity(a: str, b: str) -> float:
    """Similarity of two person names in [0, 1], symmetric, independent of word order."""
    s1 = compare_tokens(tokens(a), tokens(b))[0]
    return round(s1, 6)


def best_name_score(names_a, names_b) -> tuple[float, tuple[str, str] | None]:
    best = None
    best_score = -1.0
    for a in names_a:
        ta = tokens(a)
        for b in names_b:
            s = compare_tokens(ta, tokens(b))[0]
            if s > best_score:
                best_score, best = s, (a, b)
            if s >= 1.0:
                return best_score, best
    return max(best_score, 0.0), best


def best_name_match(names_a, names_b) -> NameMatch | None:
    best: NameMatch | None = None
    best_score = -1.0
    for a in names_a:
        ta = tokens(a)
        for b in names_b:
            s = compare_tokens(ta, tokens(b))[0]
            if s > best_score:
                best_score = s
                best = (a, b)
            if s >= 1.0:
                break
        if best_score >= 1.0:
            break
    if best is None:
        return None
    return match_names(*best)
