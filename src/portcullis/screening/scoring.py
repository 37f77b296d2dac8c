"""Person-to-person scoring: the best name match plus evidence (dates of birth, nationality,
gender, document numbers), each with its effect on the score and a reason."""

from __future__ import annotations

from functools import lru_cache

from .model import Query, WatchlistEntry
from .names import best_name_score, match_names
from .normalize import norm_country, norm_doc

# Effects on the score (added to the name similarity, result clipped to [0, 1]).
DOB_EXACT = 0.05
DOB_PARTIAL_AGREES = 0.02
DOB_DAY_MONTH_SWAP = -0.02
DOB_YEAR_OFF_BY_ONE = -0.04
DOB_ONE_COMPONENT = -0.05
DOB_TWO_COMPONENTS = -0.12
DOB_YEARS_APART = -0.20
DOB_DECADE_APART = -0.30
NATIONALITY_AGREES = 0.02
NATIONALITY_DIFFERS = -0.05
GENDER_DIFFERS = -0.10
DOCUMENT_FLOOR = 0.90
DOCUMENT_BONUS = 0.05

_GENDER = {"m": "m", "male": "m", "man": "m", "f": "f", "female": "f", "woman": "f"}


@lru_cache(maxsize=100_000)
def parse_date(value: str) -> tuple[int, int | None, int | None]:
    parts = value.split("-")
    y = int(parts[0])
    m = int(parts[1]) if len(parts) > 1 else None
    d = int(parts[2]) if len(parts) > 2 else None
    return y, m, d


def compare_dob(a: str, b: str) -> tuple[float, str]:
    ya, ma, da = parse_date(a)
    yb, mb, db = parse_date(b)
    # shared precision
    if ma is None or mb is None:
        ma = mb = None
    if da is None or db is None:
        da = db = None
    gap = abs(ya - yb)
    full = da is not None
    if gap == 0 and ma == mb and da == db:
        if full:
            return DOB_EXACT, f"date of birth {a} matches"
        return DOB_PARTIAL_AGREES, f"date of birth {a} agrees with {b} (partial date)"
    if gap == 0 and full and ma == db and da == mb:
        return DOB_DAY_MONTH_SWAP, f"date of birth {a} vs {b}: day and month swapped"
    if gap == 1:
        if ma == mb and da == db:
            return DOB_YEAR_OFF_BY_ONE, f"birth year {ya} vs {yb}: one year apart"
        return DOB_TWO_COMPONENTS, f"date of birth {a} vs {b}: year one apart and day or month differ"
    if gap == 0:
        differs = int(ma != mb) + int(da != db)
        if differs == 1:
            return DOB_ONE_COMPONENT, f"date of birth {a} vs {b}: one component differs"
        return DOB_TWO_COMPONENTS, f"date of birth {a} vs {b}: day and month differ"
    if gap < 10:
        return DOB_YEARS_APART, f"birth years {ya} and {yb} are {gap} years apart"
    return DOB_DECADE_APART, f"birth years {ya} and {yb} are {gap} years apart"


def evidence(query: Query, entry: WatchlistEntry) -> tuple[list[dict], bool]:
    """Evidence items (effect, reason) and whether a document number matched."""
    items: list[dict] = []
    if query.birth_dates and entry.birth_dates:
        best = None
        for a in query.birth_dates:
            for b in entry.birth_dates:
                eff = compare_dob(a, b)
                if best is None or eff[0] > best[0]:
                    best = eff
        items.append({"kind": "birth_date", "effect": best[0], "reason": best[1]})
    if query.nationalities and entry.nationalities:
        qa = {norm_country(c) for c in query.nationalities}
        qb = {norm_country(c) for c in entry.nationalities}
        shared = qa & qb
        if shared:
            items.append(
                {"kind": "nationality", "effect": NATIONALITY_AGREES,
                 "reason": f"nationality {sorted(shared)[0]} agrees"}
            )
        else:
            items.append(
                {"kind": "nationality", "effect": NATIONALITY_DIFFERS,
                 "reason": f"nationality {'/'.join(sorted(qa))} vs {'/'.join(sorted(qb))}"}
            )
    if query.gender and entry.gender:
        ga = _GENDER.get(query.gender.strip().lower())
        gb = _GENDER.get(entry.gender.strip().lower())
        if ga and gb and ga != gb:
            items.append({"kind": "gender", "effect": GENDER_DIFFERS, "reason": f"gender {ga} vs {gb}"})
    doc_hit = False
    if query.document_numbers and entry.document_numbers:
        qd = {norm_doc(d) for d in query.document_numbers} - {""}
        ed = {norm_doc(d) for d in entry.document_numbers} - {""}
        shared = qd & ed
        if shared:
            doc_hit = True
            items.append(
                {"kind": "document", "effect": DOCUMENT_BONUS,
                 "reason": f"document number {sorted(shared)[0]} matches"}
            )
    return items, doc_hit


def score_pair(query: Query, entry: WatchlistEntry | Query, floor: float = 0.0) -> tuple[float, dict | None]:
    """Score one person against another (a traveller against a list entry, or two person records).

    Returns ``(score, explanation)``; when the score is below ``floor`` the explanation is
    ``None`` (saves building it for candidates that will not be reported).  The explanation holds
    the best name pair with its part-by-part similarities and the evidence items that raised or
    lowered the score."""
    _raw, score, explanation = score_pair_ranked(query, entry, floor)
    return score, explanation


def score_pair_ranked(
    query: Query, entry: WatchlistEntry | Query, floor: float = 0.0
) -> tuple[float, float, dict | None]:
    """:func:`score_pair` plus the score before clipping to [0, 1] (to order hits that both
    reach 1.0: the one with more agreeing evidence first)."""
    name_score, pair = best_name_score(query.names, entry.names)
    items, doc_hit = evidence(query, entry)
    raw = name_score + sum(i["effect"] for i in items)
    if doc_hit:
        raw = max(raw, DOCUMENT_FLOOR + DOCUMENT_BONUS)
    score = min(1.0, max(0.0, raw))
    if not doc_hit and score < floor:
        return raw, score, None  # not reported: skip the details
    nm = match_names(*pair) if pair else None
    explanation = {"name": nm.as_dict() if nm else None, "name_score": round(name_score, 4), "evidence": items}
    return raw, score, explanation
