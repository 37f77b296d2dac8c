"""Skilled Worker (Appendix Skilled Worker; facts file section 4).

Points: sponsorship 20 + skill level 20 + English 10 (mandatory) + salary 20 (tradeable; only if both
mandatory 20s are awarded) = 70.  Salary thresholds, going-rate percentages, the hourly floor and the
skill level are looked up on the **CoS assignment date** (SW-10/11 transitional rules); the English
level and maintenance on the **application date**.
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal, Optional

from pydantic import Field

from ..core import GROUP, INFO, MANDATORY, MET, VALIDITY, Ctx, Leave, Node
from ..engine import Route, register
from ..schema import Facts
from ..trips import add_months, add_years

CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")
OPTIONS = ("A", "B", "C", "D", "E", "F")
ONE = _dt.timedelta(days=1)


class Funds(Facts):
    sponsor_certifies_maintenance: Optional[bool] = Field(None, description="A-rated sponsor certifies maintenance on the CoS")
    lowest_balance_gbp: Optional[float] = Field(None, ge=0, description="lowest balance over the period held")
    days_held: Optional[int] = Field(None, ge=0)
    closing_balance_date: Optional[_dt.date] = None


class SkilledWorkerFacts(Facts):
    application_date: Optional[_dt.date] = None
    decision_date: Optional[_dt.date] = None
    applying_from: Optional[Literal["outside_uk", "inside_uk"]] = None
    first_application: Optional[bool] = Field(None, description="first Skilled Worker grant (not an extension)")
    date_of_birth: Optional[_dt.date] = None
    sponsor_licensed: Optional[bool] = None
    cos_valid: Optional[bool] = Field(None, description="CoS valid, not withdrawn, not used before")
    cos_assigned_date: Optional[_dt.date] = None
    cos_end_date: Optional[_dt.date] = Field(None, description="end date of the job on the CoS")
    occupation_code: Optional[str] = Field(None, description="SOC 2020 code")
    occupation_rqf: Optional[int] = Field(None, ge=1, le=8)
    on_immigration_salary_list: Optional[bool] = None
    on_temporary_shortage_list: Optional[bool] = None
    salary_annual: Optional[float] = Field(None, ge=0, description="guaranteed basic gross annual pay")
    weekly_hours: Optional[float] = Field(None, gt=0, le=168)
    going_rate_annual: Optional[float] = Field(None, ge=0, description="going rate for the SOC code (37.5 h basis)")
    has_relevant_phd: Optional[bool] = None
    has_stem_phd: Optional[bool] = None
    new_entrant: Optional[bool] = Field(None, description="switching from Student/Graduate, professional registration, postdoc; under-26 is derived")
    first_sponsored_before_2024_04_04: Optional[bool] = None
    english_level: Optional[Literal["A1", "A2", "B1", "B2", "C1", "C2"]] = None
    english_exempt: Optional[bool] = None
    months_with_permission_in_uk: Optional[float] = Field(None, ge=0)
    funds: Optional[Funds] = None
    partner: Optional[bool] = None
    children: Optional[int] = Field(None, ge=0)


def _run(f: SkilledWorkerFacts, ctx: Ctx):
    app, cos = f.application_date, f.cos_assigned_date
    ctx.dates.update(application_date=app, cos_assigned_date=cos)
    root = Node("skilled_worker", "Appendix Skilled Worker", "Skilled Worker permission (70 points)", GROUP)
    result: dict = {}

    val = Node("SW.cos_in_date", "Appendix Skilled Worker SW 1.x (validity)", "The CoS was assigned no more than "
               "3 months before the date of application.", VALIDITY)
    if val.need(application_date=app, cos_assigned_date=cos):
        months = ctx.p(val, "skilled_worker.cos_max_age_months", app, "application_date")
        earliest = add_months(app, -months)
        val.computed["earliest_cos_date"] = earliest
        if cos > app:
            val.not_met("CoS assigned after the application")
        elif cos < earliest:
            val.not_met(f"CoS assigned {cos}, more than {months} months before the application ({earliest})")
        else:
            val.met(f"CoS assigned {cos}")
    root.add(val)

    pts = Node("SW.points", "Appendix Skilled Worker SW 4.x; Appendix Points", "At least 70 points: 50 mandatory "
               "(sponsorship 20, skill level 20, English 10) and 20 tradeable (salary).", GROUP)
    spon = Node("SW.sponsorship", "SW 4.x (20 points)", "Job offer from a licensed sponsor with a valid CoS.")
    if spon.need(sponsor_licensed=f.sponsor_licensed, cos_valid=f.cos_valid):
        spon.met("20 points") if (f.sponsor_licensed and f.cos_valid) else spon.not_met("sponsor not licensed or CoS not valid")
    skill = Node("SW.skill_level", "SW 5.x; Appendix Skilled Occupations (20 points)", "The job is at the required "
                 "skill level (RQF, by CoS assignment date), or on the Immigration Salary List or Temporary Shortage List.")
    if skill.need(occupation_rqf=f.occupation_rqf, cos_assigned_date=cos):
        min_rqf = ctx.p_or_unknown(skill, "skilled_worker.min_rqf", cos, "cos_assigned_date")
        closed = ctx.p_or_unknown(skill, "skilled_worker.care_overseas_closed", cos, "cos_assigned_date")
        if min_rqf is not None:
            care = (f.occupation_code or "").strip() in ("6135", "6136")
            if care and closed and f.applying_from == "outside_uk":
                skill.not_met("overseas recruitment into care worker / senior care worker roles closed for CoS assigned "
                              "from 22 July 2025 (SW-21)")
            elif f.occupation_rqf >= min_rqf:
                skill.met(f"RQF {f.occupation_rqf} (minimum {min_rqf})")
            elif f.on_immigration_salary_list:
                skill.met("occupation on the Immigration Salary List")
            elif f.on_temporary_shortage_list and f.occupation_rqf >= 3:
                deadline = ctx.p_or_unknown(skill, "skilled_worker.tsl_cos_deadline", cos, "cos_assigned_date")
                if deadline is not None:
                    skill.met("Temporary Shortage List role") if cos <= deadline else skill.not_met(
                        f"TSL CoS must be assigned by {deadline}")
            elif f.first_application is False and f.occupation_rqf >= 3:
                skill.met("transitional: existing RQF 3-5 worker extending (SW-20)")
            else:
                skill.not_met(f"RQF {f.occupation_rqf} below the minimum RQF {min_rqf}")
    eng = Node("SW.english", "SW 8.x; Appendix English Language (10 points)", "English at the CEFR level required on "
               "the date of application (B2 for first applications from 8 January 2026; B1 otherwise).")
    if f.english_exempt:
        eng.facts["english_exempt"] = True
        eng.met("exempt (nationality or degree)")
    elif eng.need(english_level=f.english_level, application_date=app, first_application=f.first_application):
        levels = ctx.p(eng, "skilled_worker.english_cefr", app, "application_date")
        need = levels["first" if f.first_application else "extension"]
        eng.computed["required_level"] = need
        eng.met(f"{f.english_level} meets {need}") if CEFR.index(f.english_level) >= CEFR.index(need) else eng.not_met(
            f"{f.english_level} is below {need}")

    sal = Node("SW.salary", "SW 14.x; Appendix Skilled Occupations (20 tradeable points)", "Salary meets the threshold, "
               "the pro-rated going rate and the hourly floor under at least one option, as at the CoS assignment date.",
               MANDATORY)
    awarded = None
    if sal.need(salary_annual=f.salary_annual, weekly_hours=f.weekly_hours, going_rate_annual=f.going_rate_annual,
                cos_assigned_date=cos):
        try:
            pct = ctx.p(sal, "skilled_worker.going_rate_percent", cos, "cos_assigned_date")
            basis = ctx.p(sal, "skilled_worker.going_rate_basis_hours", cos, "cos_assigned_date")
            cap = ctx.p(sal, "skilled_worker.max_hours_counted", cos, "cos_assigned_date")
        except Exception as exc:  # ParameterNotInForce
            sal.unknown(str(exc))
            pct = None
        if pct is not None:
            hours = min(f.weekly_hours, cap)
            counted = round(f.salary_annual * hours / f.weekly_hours, 2)
            hourly = round(counted / 52 / hours, 2)
            sal.computed.update(salary_counted=counted, hours_counted=hours, hourly_rate=hourly)
            under26 = None
            if f.date_of_birth and app:
                under26 = add_years(f.date_of_birth, 26) > app
            applicable = {
                "A": True, "B": bool(f.has_relevant_phd), "C": bool(f.has_stem_phd),
                "D": bool(f.on_immigration_salary_list), "E": bool(f.new_entrant) or bool(under26),
                "F": bool(f.first_sponsored_before_2024_04_04) and "F" in pct,
            }
            for opt in OPTIONS:
                if not applicable[opt]:
                    continue
                o = Node(f"SW.salary.option_{opt.lower()}", f"SW 14.x Option {opt}", _OPT_TEXT[opt])
                thr = ctx.p_or_unknown(o, f"skilled_worker.option_{opt.lower()}.threshold", cos, "cos_assigned_date")
                if thr is None:
                    sal.add(o)
                    continue
                gr = round(f.going_rate_annual * hours / basis * pct[opt] / 100, 2)
                o.computed.update(threshold=thr, going_rate_required=gr, going_rate_percent=pct[opt],
                                  salary_counted=counted)
                fails = []
                if counted < thr:
                    fails.append(f"salary £{counted:,.2f} is below the threshold £{thr:,}")
                if counted < gr:
                    fails.append(f"salary £{counted:,.2f} is below {pct[opt]}% of the pro-rated going rate (£{gr:,.2f})")
                if opt in "ABCDE":
                    floor = ctx.p(o, "skilled_worker.hourly_floor", cos, "cos_assigned_date")
                    o.computed["hourly_floor"] = floor
                    if hourly < floor:
                        fails.append(f"hourly rate £{hourly:.2f} is below £{floor:.2f}")
                if fails:
                    o.not_met("; ".join(fails))
                else:
                    o.met(f"£{counted:,.2f} meets £{thr:,} and £{gr:,.2f}")
                    if awarded is None:
                        awarded = opt
                sal.add(o)
            for c in sal.children:  # the options are shown; the salary node itself decides
                c.kind = INFO
            if awarded:
                sal.met(f"met under Option {awarded}")
            elif any(c.status.value == "NOT_KNOWN" for c in sal.children):
                sal.unknown("no option met; a threshold is not known for the CoS date")
            else:
                sal.not_met("no salary option met: " + " | ".join(f"{c.id[-1].upper()}: {c.reason}" for c in sal.children))
            result["salary_option"] = awarded
    mandatory_ok = spon.status.value == "MET" and skill.status.value == "MET"
    points = (20 if spon.status.value == "MET" else 0) + (20 if skill.status.value == "MET" else 0) + (
        10 if eng.status.value == "MET" else 0) + (20 if (awarded and mandatory_ok) else 0)
    pts.computed["points"] = points
    result["points"] = points
    pts.add(spon, skill, eng, sal).rollup(f"{points} points")
    if sal.status.value == "MET" and not mandatory_ok:
        sal.reason += " (no salary points: mandatory points not awarded)"
    root.add(pts)

    fin = Node("SW.maintenance", "SW 9.x; Appendix Finance", "Funds of £1,270 (plus dependants) held for 28 consecutive "
               "days ending no more than 31 days before the application, unless certified by an A-rated sponsor or "
               "in the UK with permission for 12 months or more.")
    fu = f.funds or Funds()
    if fu.sponsor_certifies_maintenance:
        fin.facts["sponsor_certifies_maintenance"] = True
        fin.met("certified by the sponsor")
    elif fin.need(application_date=app):
        m = ctx.p(fin, "skilled_worker.maintenance", app, "application_date")
        if (f.applying_from == "inside_uk" and f.months_with_permission_in_uk is not None
                and f.months_with_permission_in_uk >= m["exempt_if_permission_months"]):
            fin.facts.update(applying_from="inside_uk", months_with_permission_in_uk=f.months_with_permission_in_uk)
            fin.met("in the UK with permission for 12 months or more")
        elif fin.need(lowest_balance_gbp=fu.lowest_balance_gbp, days_held=fu.days_held,
                      closing_balance_date=fu.closing_balance_date):
            kids = f.children or 0
            required = m["applicant"] + (m["partner"] if f.partner else 0) + (
                (m["first_child"] + m["other_child"] * (kids - 1)) if kids else 0)
            age = (app - fu.closing_balance_date).days
            fin.computed.update(required_gbp=required, statement_age_days=age)
            fails = []
            if fu.lowest_balance_gbp < required:
                fails.append(f"lowest balance £{fu.lowest_balance_gbp:,.2f} below £{required:,}")
            if fu.days_held < m["days_held"]:
                fails.append(f"held for {fu.days_held} days, not {m['days_held']}")
            if age < 0 or age > m["statement_max_age_days"]:
                fails.append(f"closing balance dated {age} days before the application (max {m['statement_max_age_days']})")
            fin.not_met("; ".join(fails)) if fails else fin.met(f"£{required:,} held for {fu.days_held} days")
    root.add(fin)
    root.rollup()

    g = ctx.p(root, "skilled_worker.grant", ctx.as_at, "decision_date")
    leave = None
    if f.cos_end_date:
        ends = min(f.cos_end_date + _dt.timedelta(days=g["days_after_cos_end"]), add_years(ctx.as_at, g["max_years"]))
        leave = Leave(type="Skilled Worker permission (entry clearance)" if f.applying_from == "outside_uk"
                      else "Skilled Worker permission to stay", duration=f"P{(ends - ctx.as_at).days}D",
                      conditions=list(g["conditions"]), ends=ends,
                      notes=["refusal: no right of appeal; administrative review available (SW-28)"])
    else:
        leave = Leave(type="Skilled Worker permission", duration=None, conditions=list(g["conditions"]),
                      notes=["cos_end_date not given: end of leave not computed"])
    return root, leave, result


_OPT_TEXT = {
    "A": "Option A: general threshold and 100% of the going rate.",
    "B": "Option B: relevant PhD - lower threshold and 90% of the going rate.",
    "C": "Option C: STEM PhD - lower threshold and 80% of the going rate.",
    "D": "Option D: Immigration Salary List occupation.",
    "E": "Option E: new entrant (under 26, switching from Student/Graduate, etc.) - 70% of the going rate.",
    "F": "Option F: transitional, first sponsored before 4 April 2024.",
}

register(Route("skilled_worker", "Skilled Worker (Appendix Skilled Worker)", SkilledWorkerFacts, _run,
               "Points, salary thresholds and going rates by CoS date, English level by application date, funds."))
