"""EU Settlement Scheme (Appendix EU; facts file section 3).

Validity (deadline and late-application regime by application date), eligibility, continuous
qualifying period (CQP) with the six-months-in-twelve rule (CONV-08 convention, uncertain: totals in
the 180-186 day band are referred), settled status (EU11), the 30-in-60 alternative for pre-settled
holders by **decision date** (HC 836, from 16 July 2025), pre-settled status (EU14), suitability.
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal, Optional

from pydantic import Field

from ..core import GROUP, INFO, VALIDITY, Ctx, Leave, Node, Outcome
from ..engine import Route, register
from ..schema import TravelFacts, trips_of
from ..trips import ONE, Trip, absence_days, add_months, add_years, merged_intervals


class EUSSFacts(TravelFacts):
    application_date: Optional[_dt.date] = None
    decision_date: Optional[_dt.date] = None
    nationality: Optional[str] = Field(None, min_length=3, max_length=3, description="ISO 3166-1 alpha-3")
    applying_as: Optional[Literal["eea_citizen", "family_member", "joining_family_member"]] = None
    applying_from: Optional[Literal["inside_uk", "outside_uk"]] = None
    current_status: Optional[Literal["none", "pre_settled"]] = None
    residence_began: Optional[_dt.date] = Field(None, description="start of residence in the UK and Islands")
    arrival_date: Optional[_dt.date] = Field(None, description="joining family member: date of arrival")
    late_reasonable_grounds: Optional[bool] = None
    late_grounds_evidenced: Optional[bool] = None
    imprisoned_since_residence_began: Optional[bool] = None
    deportation_or_exclusion_order: Optional[bool] = None
    false_or_misleading_information: Optional[bool] = None


def _cqp(trips: list[Trip], start: _dt.date, end: _dt.date, spec: dict, reasons: dict, specified: _dt.date):
    """Continuous qualifying period from ``start`` to ``end``.  Returns a dict of computed values."""
    any_len = set(reasons["any_length"])
    single = set(reasons["single_up_to_12_months"])
    # one important-reason absence of up to 12 months is disregarded (the longest that qualifies)
    best, best_days = None, -1
    for t in trips:
        if t.reason in single and t.departed is not None:
            first = t.departed + ONE
            last = (t.returned - ONE) if t.returned else end
            days = (last - first).days + 1
            if days <= (add_months(first, spec["important_reason_max_months"]) - first).days and days > best_days:
                best, best_days = t, days
    excl = lambda t: t.reason in any_len or t is best  # noqa: E731
    out = {"cqp_start": start, "disregarded_absences": [
        {"departed": t.departed, "returned": t.returned, "reason": t.reason} for t in trips if excl(t)]}
    breaks, worst = [], (0, None)
    cur = start
    while True:
        ivs = merged_intervals(trips, cur, end, excl)
        if ivs is None:
            return None
        brk = None
        for lo, _hi in ivs:
            wend = add_months(lo, spec["window_months"]) - ONE
            limit = (add_months(lo, spec["limit_months"]) - lo).days
            total = 0
            for a, b in ivs:
                if a > wend:
                    break
                if b < lo:
                    continue
                total += (min(b, wend) - max(a, lo)).days + 1
                if total > limit and brk is None:
                    brk = (lo, b, total, limit)
            if total > worst[0]:
                worst = (total, lo)
            if brk:
                break
        if brk is None:
            break
        lo, last_absent, total, limit = brk
        completed = add_years(cur, 5) <= lo
        breaks.append({"window_start": lo, "absent_days": total, "limit_days": limit, "cqp_completed_before": completed})
        if completed:
            out.update(cqp_start=cur, cqp_end=lo - ONE, breaks=breaks, completed_5_years=True,
                       worst_window_days=worst[0], worst_window_start=worst[1])
            return out
        cur = last_absent + ONE  # residence resumes on the day of return
        if cur > specified:
            out.update(cqp_start=None, breaks=breaks, completed_5_years=False, worst_window_days=worst[0],
                       worst_window_start=worst[1], restart_after_specified_date=cur)
            return out
    out.update(cqp_start=cur, cqp_end=end, breaks=breaks, completed_5_years=add_years(cur, 5) - ONE <= end,
               worst_window_days=worst[0], worst_window_start=worst[1])
    return out


def _run(f: EUSSFacts, ctx: Ctx):
    app, dec = f.application_date, ctx.as_at
    ctx.dates["application_date"] = app
    root = Node("eu_settlement", "Appendix EU", "EU Settlement Scheme: settled or pre-settled status", GROUP)
    result: dict = {}

    val = Node("EU.deadline", "Appendix EU EU9; Annex 1 'required date'", "The application was made by the required "
               "date, or there are reasonable grounds for the delay (test by application date).", VALIDITY)
    if val.need(application_date=app, current_status=f.current_status):
        if f.current_status == "pre_settled":
            val.met("pre-settled to settled: no deadline applies (EU-04)")
        else:
            deadline = ctx.p(val, "euss.required_date", app, "application_date")
            if f.applying_as == "joining_family_member" and f.arrival_date and f.arrival_date >= _dt.date(2021, 4, 1):
                months = ctx.p(val, "euss.joining_family_member_months", app, "application_date")
                deadline = add_months(f.arrival_date, months)
            val.computed["deadline"] = deadline
            if app <= deadline:
                val.met(f"applied by {deadline}")
            else:
                regime = ctx.p(val, "euss.late_application_regime", app, "application_date")
                val.computed["late_regime"] = regime
                if val.need(late_reasonable_grounds=f.late_reasonable_grounds):
                    if not f.late_reasonable_grounds:
                        val.not_met(f"late (deadline {deadline}) without reasonable grounds: invalid, no AR or appeal")
                    elif regime == "strict_evidence":
                        if val.need(late_grounds_evidenced=f.late_grounds_evidenced):
                            val.met("late with evidenced reasonable grounds") if f.late_grounds_evidenced else val.not_met(
                                "late: reasonable grounds claimed but not evidenced (strict test from 9 August 2023)")
                    else:
                        val.met("late with reasonable grounds (benefit of the doubt before 9 August 2023)")
    root.add(val)

    eli = Node("EU.eligible_person", "Appendix EU Annex 1 'relevant EEA citizen' / 'family member'",
               "EEA or Swiss citizen, or a family member of one.")
    if f.applying_as in ("family_member", "joining_family_member"):
        eli.facts["applying_as"] = f.applying_as
        eli.met("family member")
    elif eli.need(nationality=f.nationality) and app:
        nats = ctx.p(eli, "euss.eligible_nationalities", app, "application_date")
        eli.met(f"{f.nationality.upper()} is an EEA/Swiss nationality") if f.nationality.upper() in nats else eli.not_met(
            f"{f.nationality.upper()} is not an EEA or Swiss nationality")
    elif app is None:
        eli.unknown("application date not known", ["application_date"])
    root.add(eli)

    res = Node("EU.residence", "Appendix EU Annex 1 'continuous qualifying period'", "Continuous residence in the UK "
               "and Islands that began by the specified date, with no absence over six months in any 12-month period "
               "(one absence up to 12 months for an important reason allowed).", GROUP)
    cq = Node("EU.cqp", "Annex 1 'continuous qualifying period' (a)(i)", "Continuous qualifying period: whole days "
              "absent, six months in any 12-month window (convention CONV-08).")
    info = None
    if cq.need(residence_began=f.residence_began):
        specified = ctx.p(cq, "euss.specified_date", app or dec, "application_date")
        spec = ctx.p(cq, "euss.cqp.absence", dec, "decision_date")
        reasons = ctx.p(cq, "euss.cqp.important_reasons", dec, "decision_date")
        trips = trips_of(f, cq)
        if f.residence_began > specified and f.applying_as != "joining_family_member":
            cq.not_met(f"residence began {f.residence_began}, after the specified date {specified}")
        elif trips is not None:
            info = _cqp(trips, f.residence_began, dec, spec, reasons, specified)
            if info is None:
                cq.unknown("a movement record has no matching departure", ["trips"])
            else:
                cq.computed.update(info)
                lo, hi = spec["manual_check_days"]
                if info["cqp_start"] is None:
                    cq.not_met("continuity broken and residence resumed after the specified date")
                else:
                    cq.met(f"continuous residence from {info['cqp_start']}" + (
                        f" (broken {len(info['breaks'])} time(s))" if info["breaks"] else ""))
                near = [b for b in info["breaks"] if lo <= b["absent_days"] <= hi]
                if (lo <= info["worst_window_days"] <= hi) or near:
                    cq.refer(f"CONV-08 manual check: {info['worst_window_days']} days absent in a 12-month window "
                             f"({lo}-{hi} band; counting convention uncertain)",
                             Outcome.GRANT if cq.status.value == "MET" else None)
    if f.imprisoned_since_residence_began:
        cq.facts["imprisoned_since_residence_began"] = True
        if cq.band is None:
            cq.refer("a period of imprisonment breaks continuity unless an exception applies (Annex 1)", Outcome.REFUSE)
    res.add(cq).rollup()
    root.add(res)

    status = Node("EU.status", "Appendix EU EU11 / EU14", "Settled status (5 years' CQP, or 30 months in 60 for a "
                  "pre-settled holder from 16 July 2025) or, failing that, pre-settled status.", GROUP)
    settled = Node("EU.settled", "Appendix EU EU11", "Continuous qualifying period of five years.", INFO)
    alt = Node("EU.settled_30_in_60", "Appendix EU Annex 1 as amended by HC 836", "Pre-settled holder resident for 30 "
               "months in total in the most recent 60 months (by decision date).", INFO)
    pre = Node("EU.pre_settled", "Appendix EU EU14", "Continuous qualifying period of less than five years that began "
               "before the specified date.", INFO)
    verdict = Node("EU.status_available", "Appendix EU EU11 / EU14", "A status can be granted.")
    kind = None
    if info is not None and info["cqp_start"] is not None:
        years = ctx.p(settled, "euss.settled.cqp_years", dec, "decision_date")
        done = info["completed_5_years"]
        settled.computed["cqp_start"] = info["cqp_start"]
        settled.met(f"{years} years completed") if done else settled.not_met(f"{years} years not yet completed")
        if done:
            kind = "settled"
        if not done and f.current_status == "pre_settled":
            alt_p = ctx.p(alt, "euss.presettled.alt_test_30_in_60", dec, "decision_date")
            if alt_p is None:
                alt.not_met(f"30-in-60 test not in force on the decision date {dec}")
            else:
                ws = max(add_months(dec, -alt_p["window_months"]) + ONE, f.residence_began)
                trips = trips_of(f, alt)
                absent = absence_days(trips, ws, dec) if trips is not None else None
                if absent is None:
                    alt.unknown("absences not knowable", ["trips"])
                else:
                    present = (dec - ws).days + 1 - absent
                    needed = (dec - add_months(dec, -alt_p["months_required"])).days
                    alt.computed.update(window_start=ws, window_end=dec, days_present=present, days_required=needed)
                    if present >= needed:
                        alt.met(f"{present} days present in the window; {needed} required")
                        kind = "settled"
                    else:
                        alt.not_met(f"{present} days present in the window; {needed} required")
        elif not done:
            alt.not_met("applies only to holders of pre-settled status")
        if kind is None:
            pre.met("CQP began before the specified date") if f.current_status != "pre_settled" else pre.not_met(
                "already holds pre-settled status")
            if f.current_status != "pre_settled":
                kind = "pre_settled"
        else:
            pre.not_met("settled status available instead")
    else:
        for n in (settled, alt, pre):
            n.unknown("no continuous qualifying period established") if cq.status.value != "NOT_MET" else n.not_met(
                "no continuous qualifying period")
    if cq.status.value == "NOT_KNOWN":
        verdict.unknown("continuous qualifying period not known", list(cq.missing))
    elif kind:
        verdict.met(f"{kind.replace('_', '-')} status")
    else:
        verdict.not_met("neither settled nor pre-settled status can be granted" + (
            " (keeps existing pre-settled status)" if f.current_status == "pre_settled" else ""))
    status.add(settled, alt, pre, verdict).rollup()
    status.status, status.reason = verdict.status, verdict.reason
    root.add(status)
    result["status"] = kind

    suit = Node("EU.suitability", "Appendix EU EU15, EU16", "Suitability (Part 9 does not apply to Appendix EU).", GROUP)
    s15 = Node("EU15", "Appendix EU EU15", "Mandatory refusal: deportation order, exclusion order or exclusion decision in force.")
    if s15.need(deportation_or_exclusion_order=f.deportation_or_exclusion_order):
        s15.not_met("subject to a deportation or exclusion order") if f.deportation_or_exclusion_order else s15.met()
    s16 = Node("EU16", "Appendix EU EU16", "Discretionary refusal: false or misleading information material to the decision.")
    if s16.need(false_or_misleading_information=f.false_or_misleading_information):
        s16.not_met("false or misleading information").refer("EU16 discretionary refusal", Outcome.REFUSE) \
            if f.false_or_misleading_information else s16.met()
    suit.add(s15, s16).rollup()
    root.add(suit)
    root.rollup()

    outside = f.applying_from == "outside_uk"
    if kind == "settled":
        leave = Leave(type="settled status: indefinite leave to " + ("enter" if outside else "remain") + " (Appendix EU)",
                      duration=None, conditions=[], notes=["lost only after more than 5 consecutive years' absence (EU-09)",
                                                           "refusal: appeal 14 days (in UK) / 28 days (outside UK) (EU-14)"])
    elif kind == "pre_settled":
        yrs = ctx.p(pre, "euss.presettled.leave_years", dec, "decision_date")
        leave = Leave(type="pre-settled status: limited leave to " + ("enter" if outside else "remain") + " (Appendix EU)",
                      duration=f"P{yrs}Y", conditions=[], ends=add_years(dec, yrs) - ONE,
                      notes=["extended automatically (EU-10); settled status when eligible"])
    else:
        leave = None
    return root, leave, result


register(Route("eu_settlement", "EU Settlement Scheme (Appendix EU)", EUSSFacts, _run,
               "Settled and pre-settled status; continuous residence; 30-in-60 by decision date."))
