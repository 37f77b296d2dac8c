"""Challenge deadlines, run from the date a notice is served.

Windows come from the rules parameters (``appeal.ftt.days``, ``admin_review.days``,
``admin_review.deemed_receipt_working_days``, the England and Wales bank holidays), looked up on the
decision date; they are never literals here.

* Appeal to the First-tier Tribunal: in the UK, within N days after the notice is sent; outside
  the UK, N days after it is received.  A deadline on a non-working day moves to the next working day.
* Administrative review: N calendar days after receipt.  A notice sent by post is taken to be
  received on the 2nd working day after posting; by hand, email or online, on the day.
"""

from __future__ import annotations

import datetime as dt

from portcullis.rules import parameter
from portcullis.rules.calendar import Calendar

DAY = dt.timedelta(days=1)
KINDS = {"appeal": "appeal", "administrative review": "admin_review", "admin_review": "admin_review"}
LOCATIONS = ("in_uk", "outside_uk", "detained", "border")


def remedy_of(challenge: dict | None) -> str | None:
    kind = (challenge or {}).get("kind")
    return KINDS.get(str(kind).strip().lower()) if kind else None


def _calendar(decided_on: dt.date) -> Calendar:
    return Calendar(parameter("calendar.bank_holidays_england_wales", on=decided_on).value)


def received_on(served_on: dt.date, method: str, decided_on: dt.date) -> dt.date:
    if method != "post":
        return served_on
    n = parameter("admin_review.deemed_receipt_working_days", on=decided_on).value
    cal = _calendar(decided_on)
    return cal.add_working_days(served_on, n) if cal.covers(served_on) else served_on + (n + 2) * DAY


def compute(challenge: dict | None, *, decided_on: dt.date, served_on: dt.date, method: str) -> dict:
    """{"admin_review"|"appeal": {"deadline", "days", "from", "citation"}} for the challenge that lies."""
    remedy = remedy_of(challenge)
    if remedy is None:
        return {}
    location = (challenge or {}).get("location") or "in_uk"
    received = received_on(served_on, method, decided_on)
    cal = _calendar(decided_on)
    if remedy == "appeal":
        p = parameter("appeal.ftt.days", on=decided_on)
        inside = location in ("in_uk", "detained", "border")
        days = p.value["in_uk" if inside else "outside_uk"]
        base = served_on if inside else received
        due = base + days * DAY
        if cal.covers(due):
            due = cal.next_working_day(due)
        return {"appeal": {"deadline": due.isoformat(), "days": days, "from": base.isoformat(),
                           "counted_from": "sent" if inside else "received", "citation": p.citation}}
    p = parameter("admin_review.days", on=decided_on)
    key = {"in_uk": "in_uk", "detained": "detained", "outside_uk": "overseas", "border": "border"}.get(location, "in_uk")
    days = p.value[key]
    fee = parameter("admin_review.fee", on=decided_on).value
    return {"admin_review": {"deadline": (received + days * DAY).isoformat(), "days": days,
                             "from": received.isoformat(), "counted_from": "received", "citation": p.citation,
                             "fee": fee}}


def later(stated: dict, actual: dict) -> dict:
    """The deadline that applies: never earlier than the one the letter told the person."""
    out = {}
    for remedy in set(stated) | set(actual):
        dates = [d[remedy]["deadline"] for d in (stated, actual) if remedy in d]
        out[remedy] = max(dates)
    return out
