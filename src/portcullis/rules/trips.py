"""Trips abroad and absence counting (facts file section 0, CONV-01/02/03/06/07/08).

A *trip* is a departure from the UK (and Islands) and the matching return.  Absence is counted in
**whole days**: the day of departure and the day of return are days in the UK, so a trip that leaves
on day D and returns on day R is absent on D+1 .. R-1, i.e. ``max(0, (R - D) - 1)`` days (CONV-01).
Overlapping or duplicated trips are merged, so a day is never counted twice: the count is invariant
under the order of the trips and adding a trip never lowers it.

Trips come either as declared by the applicant or derived from movement records
(``[{"direction": "out"|"in", "date": ..., "port": ...}]``) with :func:`derive_trips`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Iterable

ONE = _dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Trip:
    departed: _dt.date | None  # None: the departure is not recorded (e.g. an "in" with no "out")
    returned: _dt.date | None  # None: not (yet) returned
    reason: str | None = None

    def absent_days(self, start: _dt.date, end: _dt.date) -> int | None:
        """Whole days of this trip that fall within [start, end]; None if the departure is unknown."""
        iv = self.interval(end)
        if iv is None:
            return None
        lo, hi = max(iv[0], start), min(iv[1], end)
        return (hi - lo).days + 1 if hi >= lo else 0

    def interval(self, horizon: _dt.date) -> tuple[_dt.date, _dt.date] | None:
        """First and last whole day absent (last capped at ``horizon`` if not returned); None if unknown.

        Returns an empty interval (last < first) for same-day or next-day returns."""
        if self.departed is None:
            return None
        first = self.departed + ONE
        last = (self.returned - ONE) if self.returned is not None else horizon
        return first, last


@dataclass(frozen=True, slots=True)
class Movement:
    direction: str  # "out" | "in"
    date: _dt.date
    port: str | None = None


def _d(v) -> _dt.date:
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    return _dt.date.fromisoformat(str(v)[:10])


def derive_trips(movements: Iterable[dict | Movement]) -> tuple[list[Trip], list[str]]:
    """Pair movement records into trips.  Returns (trips, anomalies).

    Records are taken in date order (records on the same date keep their given order).  An "out"
    opens a trip and the next "in" closes it.  Anomalies are reported, not hidden:

    * two "out"s in a row: the first trip is kept open until the later "in" (the earlier departure
      is the safer reading for absence: it can only count more days);
    * an "in" with no "out" before it: a trip with an unknown departure, which makes any absence
      count covering it NOT_KNOWN;
    * a final "out" with no "in": the person has not returned (absent to the end of any period).
    """
    recs = []
    for i, m in enumerate(movements):
        if isinstance(m, Movement):
            recs.append((m.date, i, m.direction))
        else:
            recs.append((_d(m["date"]), i, str(m["direction"]).lower()))
    recs.sort()
    trips: list[Trip] = []
    anomalies: list[str] = []
    open_out: _dt.date | None = None
    for day, _i, direction in recs:
        if direction == "out":
            if open_out is not None:
                anomalies.append(f"departure on {day} follows an unmatched departure on {open_out}")
                continue
            open_out = day
        elif direction == "in":
            if open_out is None:
                anomalies.append(f"arrival on {day} has no recorded departure")
                trips.append(Trip(None, day))
            else:
                trips.append(Trip(open_out, day))
                open_out = None
        else:
            anomalies.append(f"unknown direction {direction!r} on {day}")
    if open_out is not None:
        trips.append(Trip(open_out, None))
    return trips, anomalies


def merged_intervals(trips: Iterable[Trip], start: _dt.date, end: _dt.date,
                     exclude=None) -> list[tuple[_dt.date, _dt.date]] | None:
    """Merged whole-day absence intervals clipped to [start, end]; None if any relevant trip has an
    unknown departure.  ``exclude(trip)`` may drop trips (e.g. disregarded absences)."""
    ivs = []
    for t in trips:
        if exclude is not None and exclude(t):
            continue
        if t.departed is None:
            if t.returned is None or t.returned > start:
                return None
            continue
        first = t.departed + ONE
        last = (t.returned - ONE) if t.returned is not None else end
        if first < start:
            first = start
        if last > end:
            last = end
        if last >= first:
            ivs.append((first, last))
    if len(ivs) < 2:
        return ivs
    ivs.sort()
    out = [ivs[0]]
    for lo, hi in ivs[1:]:
        plo, phi = out[-1]
        if lo <= phi + ONE:
            if hi > phi:
                out[-1] = (plo, hi)
        else:
            out.append((lo, hi))
    return out


def absence_days(trips: Iterable[Trip], start: _dt.date, end: _dt.date, exclude=None) -> int | None:
    """Whole days absent within [start, end] inclusive (CONV-01); None if not knowable."""
    ivs = merged_intervals(trips, start, end, exclude)
    if ivs is None:
        return None
    return sum((hi - lo).days + 1 for lo, hi in ivs)


def absent_on(trips: Iterable[Trip], day: _dt.date) -> bool | None:
    """True if ``day`` is a whole day of absence (CONV-06); None if not knowable."""
    n = absence_days(trips, day, day)
    return None if n is None else n > 0


def add_months(d: _dt.date, months: int) -> _dt.date:
    """Calendar months, clamping to the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    for day in (d.day, 30, 29, 28):
        try:
            return _dt.date(y, m, min(d.day, day))
        except ValueError:
            continue
    raise ValueError(d)


def add_years(d: _dt.date, years: int) -> _dt.date:
    return add_months(d, 12 * years)


def period_start(end: _dt.date, years: int = 0, months: int = 0) -> _dt.date:
    """First day of the period of N years/months *ending with* ``end`` (CONV-02/03)."""
    return add_months(end, -(12 * years + months)) + ONE


def worst_rolling_window(trips: Iterable[Trip], start: _dt.date, end: _dt.date, window_months: int = 12,
                         exclude=None) -> tuple[int, _dt.date | None, list] | None:
    """Largest total of whole days absent in any window of ``window_months`` calendar months within
    [start, end].  The worst window always begins on a first day of absence, so only those are tried.
    Returns (days, window_start, merged_intervals) or None if not knowable."""
    ivs = merged_intervals(trips, start, end, exclude)
    if ivs is None:
        return None
    best, best_at = 0, None
    for lo, _hi in ivs:
        wend = add_months(lo, window_months) - ONE
        total = 0
        for a, b in ivs:
            if a > wend:
                break
            if b < lo:
                continue
            total += (min(b, wend) - max(a, lo)).days + 1
        if total > best:
            best, best_at = total, lo
    return best, best_at, ivs
