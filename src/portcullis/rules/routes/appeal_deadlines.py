"""Appeal and administrative review deadlines (facts file section 9; CONV-10, CONV-11).

Route id ``appeal_deadlines``.  Outcomes: GRANT = a remedy is available and (if ``lodged_date`` is
given) was lodged in time; REFER = lodged late (an extension of time is a judicial/administrative
discretion) or the calendar does not cover the dates; REFUSE = no appeal or administrative review
lies against this decision type.  ``Evaluation.result`` holds the remedies and deadlines.
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal, Optional

from pydantic import Field

from ..calendar import Calendar
from ..core import GROUP, INFO, Ctx, Node
from ..engine import Route, register
from ..schema import Facts

DAY = _dt.timedelta(days=1)
DecisionType = Literal["protection_refusal", "human_rights_refusal", "protection_revocation", "deprivation",
                       "euss_refusal", "points_based_refusal", "skilled_worker_refusal", "entry_clearance_no_appeal",
                       "border_cancellation", "visitor_refusal", "short_term_student_refusal", "naturalisation_refusal"]


class AppealFacts(Facts):
    decision_type: Optional[DecisionType] = None
    decision_date: Optional[_dt.date] = Field(None, description="date of the decision")
    notice_sent: Optional[_dt.date] = Field(None, description="date the notice of decision was sent (defaults to decision date)")
    notice_received: Optional[_dt.date] = Field(None, description="date the notice was received, if known")
    served_by_post: Optional[bool] = None
    location: Optional[Literal["in_uk", "outside_uk", "detained"]] = None
    non_suspensive: Optional[bool] = Field(None, description="appeal may only be brought after leaving the UK")
    departure_date: Optional[_dt.date] = None
    lodged_date: Optional[_dt.date] = Field(None, description="date the appeal / review was lodged, to check timeliness")
    remedy_lodged: Optional[Literal["appeal", "admin_review"]] = None


def _run(f: AppealFacts, ctx: Ctx):
    dec = f.decision_date or ctx.as_at
    sent = f.notice_sent or dec
    ctx.dates.update(notice_sent=sent)
    root = Node("appeal_deadlines", "FtT (IAC) Rules 2014 r19; Appendix Administrative Review",
                "Which challenge lies, and by when", GROUP)
    result: dict = {"remedies": []}
    rem = Node("AP.remedy", "NIAA 2002 s82; Appendix AR", "An appeal or administrative review lies against the decision.")
    remedy = None
    if rem.need(decision_type=f.decision_type, location=f.location):
        table = ctx.p(rem, "appeal.remedies", dec, "decision_date")
        remedy = table[f.decision_type]
        rem.computed["remedy"] = remedy
        if remedy == "none":
            rem.not_met(f"no right of appeal or administrative review against a {f.decision_type.replace('_', ' ')}"
                        " (remedy: reconsideration, fresh application or judicial review)")
        else:
            rem.met(remedy.replace("_", " "))
    root.add(rem)
    hol = ctx.p(root, "calendar.bank_holidays_england_wales", dec, "decision_date")
    cal = Calendar(hol)
    deadlines: dict[str, _dt.date] = {}

    if remedy in ("appeal", "appeal_and_admin_review"):
        ap = Node("AP.ftt_deadline", "FtT (IAC) Rules 2014 r19(2)/(3)/(3B); r11 (CONV-10)", "Notice of appeal: in the UK "
                  "within 14 days after the notice is sent; outside the UK within 28 days after receipt; non-suspensive "
                  "within 28 days after departure.  A deadline on a non-working day moves to the next working day.",
                  INFO)
        days = ctx.p(ap, "appeal.ftt.days", dec, "decision_date")
        base = None
        if f.non_suspensive:
            if ap.need(departure_date=f.departure_date):
                base, n, what = f.departure_date, days["non_suspensive_after_departure"], "after departure"
        elif f.location in ("in_uk", "detained"):
            base, n, what = sent, days["in_uk"], "after the notice was sent"
        else:
            received = f.notice_received
            if received is None and ap.need(notice_received=f.notice_received):
                pass
            else:
                base, n, what = received, days["outside_uk"], "after receipt"
        if base is not None:
            raw = base + n * DAY
            if not cal.covers(raw):
                ap.unknown(f"bank-holiday calendar does not cover {raw.year}", ["calendar"])
            else:
                due = cal.next_working_day(raw)
                ap.computed.update(base_date=base, days=n, raw_deadline=raw, deadline=due)
                ap.met(f"appeal by {due} ({n} days {what}" + (", moved to the next working day)" if due != raw else ")"))
                deadlines["appeal"] = due
                result["remedies"].append({"remedy": "appeal", "deadline": due, "days": n, "from": base})
        root.add(ap)
    if remedy in ("admin_review", "appeal_and_admin_review"):
        ar = Node("AR.deadline", "Appendix Administrative Review AR 3.x; AR guidance 34R (CONV-11)", "Administrative "
                  "review: 14 calendar days (in the UK), 7 (detained), 28 (overseas), counted from the day after "
                  "receipt; a posted decision with no proof of receipt is deemed received on the 2nd working day.", INFO)
        days = ctx.p(ar, "admin_review.days", dec, "decision_date")
        ctx.p(ar, "admin_review.fee", dec, "decision_date")
        key = {"in_uk": "in_uk", "detained": "detained", "outside_uk": "overseas"}[f.location]
        if f.decision_type == "border_cancellation":
            key = "border"
        received = f.notice_received
        if received is None:
            if f.served_by_post:
                wd = ctx.p(ar, "admin_review.deemed_receipt_working_days", dec, "decision_date")
                if cal.covers(sent):
                    received = cal.add_working_days(sent, wd)
                    ar.computed["deemed_received"] = received
            elif f.served_by_post is False:
                received = sent
        if received is None:
            ar.unknown("date of receipt not known (give notice_received or served_by_post)", ["notice_received"])
        else:
            due = received + days[key] * DAY
            ar.computed.update(received=received, days=days[key], deadline=due)
            ar.met(f"administrative review by {due} ({days[key]} calendar days after receipt on {received})")
            deadlines["admin_review"] = due
            result["remedies"].append({"remedy": "admin_review", "deadline": due, "days": days[key], "from": received})
        root.add(ar)

    if f.lodged_date is not None and deadlines:
        which = f.remedy_lodged or next(iter(deadlines))
        lt = Node("AP.in_time", "FtT (IAC) Rules 2014 r20 (extension of time); Appendix AR", "The challenge was lodged "
                  "within the time limit.")
        lt.facts.update(lodged_date=f.lodged_date, remedy_lodged=which)
        due = deadlines.get(which)
        if due is None:
            lt.unknown(f"no {which} deadline computed", ["remedy_lodged"])
        elif f.lodged_date <= due:
            lt.met(f"lodged {f.lodged_date}, deadline {due}")
        else:
            lt.not_met(f"lodged {f.lodged_date}, {(f.lodged_date - due).days} day(s) after {due}").refer(
                "late: an extension of time may be granted", None)
        root.add(lt)
        result["in_time"] = lt.status.value == "MET"
    # information nodes that are NOT_KNOWN should still refer: promote them
    for c in root.children:
        if c.kind == INFO and c.status.value == "NOT_KNOWN":
            c.kind = "mandatory"
    result["deadlines"] = deadlines
    root.rollup()
    return root, None, result


register(Route("appeal_deadlines", "Appeal and administrative review deadlines", AppealFacts, _run,
               "Remedy by decision type; FtT and AR windows; working-day roll-forward."))
