"""Value objects of the screening engine: entries, queries, hits and thresholds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

ACTIONS = ("refuse_entry", "arrest", "refer", "notify")
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    return tuple(str(v) for v in value if v is not None and str(v).strip())


def valid_partial_date(value: str) -> bool:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` with plausible month and day."""
    if not _DATE_RE.match(value):
        return False
    parts = value.split("-")
    if len(parts) > 1 and not 1 <= int(parts[1]) <= 12:
        return False
    if len(parts) > 2 and not 1 <= int(parts[2]) <= 31:
        return False
    return True


@dataclass(frozen=True, slots=True)
class WatchlistEntry:
    """One person on one watchlist."""

    list_id: str
    entry_id: str
    names: tuple[str, ...]
    birth_dates: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    gender: str | None = None
    document_numbers: tuple[str, ...] = ()
    action: str = "refer"
    valid_from: str | None = None  # ISO date, inclusive
    valid_to: str | None = None  # ISO date, inclusive

    def __post_init__(self) -> None:
        for name in ("names", "birth_dates", "nationalities", "document_numbers"):
            object.__setattr__(self, name, _tuple(getattr(self, name)))
        if not self.names:
            raise ValueError("names: an entry needs at least one name")
        if self.action not in ACTIONS:
            raise ValueError(f"action: {self.action!r} is not one of {', '.join(ACTIONS)}")
        for d in self.birth_dates:
            if not valid_partial_date(d):
                raise ValueError(f"birth_dates: {d!r} is not YYYY, YYYY-MM or YYYY-MM-DD")

    @property
    def key(self) -> tuple[str, str]:
        return (self.list_id, self.entry_id)

    def active_on(self, day: str | None) -> bool:
        if day is None:
            return True
        if self.valid_from and day < self.valid_from:
            return False
        if self.valid_to and day > self.valid_to:
            return False
        return True

    def content(self) -> str:
        """Canonical text of the entry, used for list version digests."""
        return "\x1f".join(
            [
                self.list_id,
                self.entry_id,
                "\x1e".join(self.names),
                "\x1e".join(self.birth_dates),
                "\x1e".join(self.nationalities),
                self.gender or "",
                "\x1e".join(self.document_numbers),
                self.action,
                self.valid_from or "",
                self.valid_to or "",
            ]
        )


@dataclass(frozen=True, slots=True)
class Query:
    """A person to screen: a traveller, an applicant, or a person record."""

    id: str
    names: tuple[str, ...]
    birth_dates: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    gender: str | None = None
    document_numbers: tuple[str, ...] = ()
    on_date: str | None = None  # screen against entries valid on this ISO date

    def __post_init__(self) -> None:
        for name in ("names", "birth_dates", "nationalities", "document_numbers"):
            object.__setattr__(self, name, _tuple(getattr(self, name)))
        for d in self.birth_dates:
            if not valid_partial_date(d):
                raise ValueError(f"birth_dates: {d!r} is not YYYY, YYYY-MM or YYYY-MM-DD")

    @classmethod
    def from_entry(cls, entry: WatchlistEntry) -> "Query":
        return cls(
            id=entry.entry_id,
            names=entry.names,
            birth_dates=entry.birth_dates,
            nationalities=entry.nationalities,
            gender=entry.gender,
            document_numbers=entry.document_numbers,
        )


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds: a default, per list, and per (list, action).

    The most specific one applies.  Hits scoring at least ``threshold - review_margin`` are
    returned (with ``decision`` False below the threshold) so officers can see near misses."""

    default: float = 0.75
    per_list: dict[str, float] = field(default_factory=dict)
    per_action: dict[tuple[str, str], float] = field(default_factory=dict)
    review_margin: float = 0.0

    def for_entry(self, list_id: str, action: str) -> float:
        t = self.per_action.get((list_id, action))
        if t is not None:
            return t
        return self.per_list.get(list_id, self.default)

    def floor(self) -> float:
        values = [self.default, *self.per_list.values(), *self.per_action.values()]
        return max(0.0, min(values) - self.review_margin)

    @classmethod
    def coerce(cls, value: "Thresholds | float | None") -> "Thresholds":
        if value is None:
            return cls()
        if isinstance(value, Thresholds):
            return value
        return cls(default=float(value))


@dataclass(frozen=True, slots=True)
class Hit:
    entry_id: str
    list_id: str
    action: str
    score: float
    decision: bool
    explanation: dict

    def explain_text(self) -> str:
        e = self.explanation
        name = e.get("name") or {}
        parts = [
            f"{self.list_id}/{self.entry_id} {self.score:.2f} ({'HIT' if self.decision else 'below threshold'}, "
            f"{self.action})"
        ]
        if name:
            parts.append(
                f"name {name.get('query_name')!r} ~ {name.get('entry_name')!r} {name.get('similarity', 0):.2f}"
            )
        for ev in e.get("evidence", []):
            parts.append(f"{ev['effect']:+.2f} {ev['reason']}")
        return "; ".join(parts)

    def as_dict(self) -> dict:
        return {
            "entry_id": self.entry_id,
            "list_id": self.list_id,
            "action": self.action,
            "score": round(self.score, 4),
            "decision": self.decision,
            "explanation": self.explanation,
        }


def as_queries(items: Iterable) -> list[Query]:
    return [q if isinstance(q, Query) else Query.from_entry(q) for q in items]
