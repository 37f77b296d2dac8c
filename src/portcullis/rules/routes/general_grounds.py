"""General grounds for refusal: Part 9 (from 1 December 2020) and para 320 before it.

Route id ``general_grounds``.  GRANT here means *no general ground is engaged* (the substantive route
decides); REFUSE names a mandatory ground; REFER a discretionary one.  :func:`part9_tree` is reused by
the visitor route at the port.
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal, Optional

from pydantic import Field

from ..core import GROUP, Ctx, Node, Outcome
from ..engine import Route, register
from ..schema import Facts
from ..trips import add_months, add_years
from ._common import Conviction, custodial_lengths, yes

REFUSE = Outcome.REFUSE


class Breach(Facts):
    type: Literal["overstay", "condition_breach", "illegal_entry", "deception"]
    date: Optional[_dt.date] = Field(None, description="date of the breach (for an overstay: first day without leave)")
    leave_expired: Optional[_dt.date] = Field(None, description="overstay: last day of leave")
    aged_18_or_over: Optional[bool] = Field(None, description="at the time of the breach")
    departed: Optional[_dt.date] = None
    departure: Optional[Literal["voluntary_own_expense", "voluntary_public_expense", "caution_condition", "removed",
                                "deported", "not_departed"]] = None
    notice_date: Optional[_dt.date] = Field(
        None, description="notice of liability for removal or end of appeal/AR rights, whichever later (9.8.7(b)/(c))")
    refusal_date: Optional[_dt.date] = Field(None, description="deception: date of the refusal (9.8.7(f))")
    section_3c_or_exception: Optional[bool] = Field(None, description="9.8.6 disregard applies (e.g. s3C leave)")


class Part9Facts(Facts):
    exclusion_or_deportation_order: Optional[bool] = None
    not_conducive: Optional[bool] = None
    convictions: Optional[list[Conviction]] = Field(None, description="all convictions; [] if none")
    persistent_offender: Optional[bool] = None
    serious_harm: Optional[bool] = None
    false_representations: Optional[bool] = Field(None, description="false representations/documents or non-disclosure (9.7.1)")
    deception_shown: Optional[bool] = Field(None, description="more likely than not used deception in this application (9.7.2)")
    breaches: Optional[list[Breach]] = Field(None, description="previous breaches of immigration law; [] if none")
    nhs_debt_gbp: Optional[float] = Field(None, ge=0)


class GeneralGroundsFacts(Part9Facts):
    application_date: Optional[_dt.date] = None
    decision_date: Optional[_dt.date] = None
    application_type: Optional[Literal["entry_clearance", "permission_to_enter", "permission_to_stay"]] = None
    route_applied_for: Optional[str] = Field(None, description="e.g. 'eu_settlement' (Part 9 does not apply)")
    seeking_entry_as_visitor: Optional[bool] = None


NOT_APPLICABLE_ROUTES = {"eu_settlement", "eu_family_permit", "s2_healthcare_visitor", "swiss_service_provider"}


def part9_tree(f: Part9Facts, ctx: Ctx, app: _dt.date | None, app_type: str | None,
               visitor: bool | None = None) -> tuple[Node, dict]:
    root = Node("PART9", "Immigration Rules Part 9", "General grounds for refusal", GROUP)
    out: dict = {}
    regime = ctx.p_or_unknown(root, "part9.regime", app, "application_date")

    n = Node("9.2.1", "Part 9 para 9.2.1 / para 320(2)(a)", "Must refuse: exclusion order, personal exclusion, or "
             "deportation order (or decision to make one).")
    if n.need(exclusion_or_deportation_order=f.exclusion_or_deportation_order):
        n.not_met("subject to exclusion or deportation") if f.exclusion_or_deportation_order else n.met()
    c = Node("9.3.1", "Part 9 para 9.3.1", "Must refuse: presence not conducive to the public good.")
    if c.need(not_conducive=f.not_conducive):
        c.not_met("presence not conducive to the public good") if f.not_conducive else c.met()
    root.add(n, c)

    crim = Node("9.4.1", "Part 9 para 9.4.1 (from 1 Dec 2020) / para 320(2)(b) (before)", "Must refuse: custodial "
                "sentence of 12 months or more (consecutive sentences aggregated, suspended sentences excluded), "
                "persistent offender, or offence causing serious harm.")
    lesser = Node("9.4.3", "Part 9 para 9.4.3", "May refuse: custodial sentence under 12 months, non-custodial "
                  "sentence or out-of-court disposal.")
    if regime is not None and crim.need(convictions=f.convictions):
        lengths, unknown = custodial_lengths(f.convictions)
        crim.computed["custodial_months"] = [m for m, _ in lengths]
        crim.computed["regime"] = regime
        bad, minor = [], False
        if regime == "part9":
            thr = ctx.p(crim, "part9.criminality.custodial_months", app, "application_date")
            for m, _c in lengths:
                if m >= thr:
                    bad.append(f"custodial sentence of {m:g} months (12 months or more; no time limit)")
                else:
                    minor = True
        else:
            t = ctx.p(crim, "part9.para320.criminality", app, "application_date")
            for m, cv in lengths:
                if m >= t["always_months"]:
                    bad.append(f"custodial sentence of {m:g} months (4 years or more)")
                    continue
                clear = t["mid_clear_years"] if m >= t["mid_months"] else t["short_clear_years"]
                if cv.sentence_end_date is None:
                    unknown = True
                    crim.missing.append("convictions[].sentence_end_date")
                elif app < add_years(cv.sentence_end_date, clear):
                    bad.append(f"custodial sentence of {m:g} months ended {cv.sentence_end_date}, less than {clear} "
                               "years ago (para 320(2)(b))")
        minor = minor or any(cv.disposal in ("suspended", "non_custodial", "out_of_court") for cv in f.convictions)
        for flag, text in (("persistent_offender", "persistent offender"), ("serious_harm", "offence causing serious harm")):
            crim.facts[flag] = getattr(f, flag)
            if getattr(f, flag):
                bad.append(text)
        if bad:
            crim.not_met("; ".join(bad))
        elif unknown:
            crim.unknown("a conviction lacks its disposal, length or end date", crim.missing or ["convictions"])
        else:
            crim.met("no conviction at the mandatory threshold")
        if minor and not bad:
            lesser.facts["convictions"] = len(f.convictions)
            lesser.not_met("lesser conviction(s) on record").refer("9.4.3 discretionary refusal", REFUSE)
            if visitor and app_type == "permission_to_enter":
                lesser.band += ("; 9.4.4/9.4.5 visitor at the border with a conviction: mandatory ground exists but its "
                                "trigger is not verified (P9-07, uncertain)")
        else:
            lesser.met("no lesser convictions" if not minor else "mandatory ground already engaged")
    else:
        lesser.unknown(crim.reason or "convictions not known", crim.missing or ["convictions"])
    root.add(crim, lesser)

    fr = Node("9.7", "Part 9 paras 9.7.1, 9.7.2", "False representations (may refuse, 9.7.1); deception shown in the "
              "application (must refuse, 9.7.2).")
    if fr.need(false_representations=f.false_representations, deception_shown=f.deception_shown):
        if f.deception_shown:
            fr.not_met("deception used in the application (9.7.2)")
        elif f.false_representations:
            fr.not_met("false representations or non-disclosure (9.7.1)").refer("9.7.1 discretionary refusal", REFUSE)
        else:
            fr.met()
    root.add(fr)

    ban = Node("9.8.1", "Part 9 paras 9.8.1, 9.8.4-9.8.7", "Must refuse entry clearance or permission to enter within "
               "the re-entry ban period after a previous breach as an adult (9.8.7 periods; overstay disregards 9.8.5).")
    if ban.need(breaches=f.breaches, application_date=app, application_type=app_type):
        periods = ctx.p(ban, "part9.reentry_ban_months", app, "application_date")
        window = ctx.p(ban, "part9.public_expense_window_months", app, "application_date")
        bans, unknown, found = [], [], []
        for i, b in enumerate(f.breaches):
            where = f"breaches[{i}]"
            if b.aged_18_or_over is None:
                unknown.append(f"{where}.aged_18_or_over")
                continue
            if not b.aged_18_or_over:
                found.append(f"{where}: breach as a child, not counted (9.8.4)")
                continue
            if b.type == "overstay":
                if b.leave_expired is None or b.departed is None:
                    if b.departure == "not_departed":
                        found.append(f"{where}: has not left the UK")
                        continue
                    unknown.append(f"{where}.leave_expired/departed")
                    continue
                began = b.leave_expired + _dt.timedelta(days=1)
                days = (b.departed - b.leave_expired).days
                allowance = ctx.p(ban, "part9.overstay_disregard_days", began, "overstay_began_date")
                ban.computed[f"{where}.overstay_days"] = days
                if yes(b.section_3c_or_exception):
                    found.append(f"{where}: disregarded (9.8.6)")
                    continue
                if b.departure == "voluntary_own_expense" and days <= allowance:
                    found.append(f"{where}: overstay of {days} days (allowance {allowance}) disregarded (9.8.5)")
                    continue
            if b.type == "deception":
                if b.refusal_date is None:
                    unknown.append(f"{where}.refusal_date")
                    continue
                start, months, row = b.refusal_date, periods["deception"], "f"
            else:
                if b.departure is None or (b.departure != "not_departed" and b.departed is None):
                    unknown.append(f"{where}.departure/departed")
                    continue
                if b.departure == "not_departed":
                    found.append(f"{where}: has not left the UK")
                    continue
                start = b.departed
                if b.departure == "voluntary_public_expense":
                    if b.notice_date is None:
                        unknown.append(f"{where}.notice_date")
                        continue
                    within = b.departed <= add_months(b.notice_date, window)
                    months = periods["voluntary_public_expense_within" if within else "voluntary_public_expense_after"]
                    row = "b" if within else "c"
                else:
                    months = periods[b.departure]
                    row = {"voluntary_own_expense": "a", "caution_condition": "d", "removed": "e", "deported": "e"}[b.departure]
            ends = add_months(start, months)
            bans.append({"breach": where, "row": f"9.8.7({row})", "from": start, "months": months, "ends": ends,
                         "in_force_on_application": app < ends})
        ban.computed["bans"] = bans
        if found:
            ban.computed["notes"] = found
        live = [b for b in bans if b["in_force_on_application"]]
        out["reentry_bans"] = bans
        if live:
            text = "; ".join(f"{b['row']} ban of {b['months']} months from {b['from']} until {b['ends']}" for b in live)
            if app_type in ("entry_clearance", "permission_to_enter"):
                ban.not_met("application made within the re-entry ban: " + text)
            else:
                ban.not_met("previous breach within the ban period (permission to stay): " + text).refer(
                    "9.8.2/9.8.3 discretionary refusal for previous breach (permission to stay)", REFUSE)
        elif unknown:
            ban.unknown("facts needed for a breach: " + ", ".join(unknown), unknown)
        else:
            ban.met("no re-entry ban in force on the date of application")
    root.add(ban)

    nhs = Node("9.11", "Part 9 para 9.11.1", "May refuse: unpaid NHS charges of £500 or more.")
    if nhs.need(nhs_debt_gbp=f.nhs_debt_gbp) and app:
        limit = ctx.p(nhs, "part9.nhs_debt_gbp", app, "application_date")
        nhs.not_met(f"NHS debt £{f.nhs_debt_gbp:,.2f} (threshold £{limit})").refer("9.11 discretionary refusal", REFUSE) \
            if f.nhs_debt_gbp >= limit else nhs.met()
    root.add(nhs)
    return root.rollup("no general ground engaged"), out


def _run(f: GeneralGroundsFacts, ctx: Ctx):
    app = f.application_date
    ctx.dates["application_date"] = app
    if f.route_applied_for and f.route_applied_for in NOT_APPLICABLE_ROUTES:
        root = Node("PART9", "Immigration Rules Part 9", "General grounds for refusal", GROUP)
        na = Node("9.1.1", "Immigration Rules para 9.1.1", "Part 9 does not apply to Appendix EU, the EU Settlement "
                  "Scheme Family Permit, S2 Healthcare Visitors or Swiss service providers (P9-01).")
        na.facts["route_applied_for"] = f.route_applied_for
        root.add(na.met(f"Part 9 does not apply to {f.route_applied_for}")).rollup("Part 9 does not apply")
        return root, None, {"applies": False}
    root, out = part9_tree(f, ctx, app, f.application_type, f.seeking_entry_as_visitor)
    out["applies"] = True
    return root, None, out


register(Route("general_grounds", "General grounds for refusal (Part 9)", GeneralGroundsFacts, _run,
               "Criminality, re-entry bans with overstay allowances, deception. GRANT = no ground engaged."))
