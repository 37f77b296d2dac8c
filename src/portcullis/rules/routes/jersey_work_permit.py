"""Jersey work permits (Immigration (Work Permits) (Jersey) Rules 1995; Jersey policy; facts section 11).

Route id ``jersey_work_permit``.  INVALID where no permit is needed (British/Irish, Jersey EUSS
status) or the application is not made by the prospective employer (r2).  Hard policy limits
(CHW permission, sector, length, English, dependants, cooling-off) refuse.  The rule 3(2) matters the
Minister *shall have regard to* (vacancy, advertising, local candidates, wages, economy) are a
judgement: an adverse one refers with a recommendation to refuse.  The skilled salary floor is an
**uncertain** parameter, so falling below it refers rather than refuses.
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal, Optional

from pydantic import Field

from ..core import GROUP, VALIDITY, Ctx, Leave, Node, Outcome
from ..engine import Route, register
from ..schema import Facts
from ..trips import add_months

CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")


class JerseyFacts(Facts):
    application_date: Optional[_dt.date] = None
    decision_date: Optional[_dt.date] = None
    made_by_employer: Optional[bool] = Field(None, description="application made by the prospective employer (r2)")
    worker_british_or_irish: Optional[bool] = None
    worker_has_jersey_euss_status: Optional[bool] = None
    employer_chw_permission: Optional[bool] = Field(None, description="business holds the Control of Housing and Work permission")
    permit_type: Optional[Literal["temporary_9_month", "temporary_1_year", "skilled"]] = None
    sector: Optional[str] = None
    months_requested: Optional[int] = Field(None, ge=1, le=120)
    salary_annual: Optional[float] = Field(None, ge=0)
    going_rate_annual: Optional[float] = Field(None, ge=0)
    english_level: Optional[Literal["A1", "A2", "B1", "B2", "C1", "C2"]] = None
    dependants: Optional[int] = Field(None, ge=0)
    previous_9_month_permit_ended: Optional[_dt.date] = None
    left_jersey_on: Optional[_dt.date] = Field(None, description="date the worker left after a previous 9-month permit")
    vacancy_genuine: Optional[bool] = Field(None, description="r3(2)(a) the vacancy exists")
    advertised_adequately: Optional[bool] = Field(None, description="r3(2)(b) manner, extent and period of advertising")
    permit_free_candidate_available: Optional[bool] = Field(None, description="r3(2)(c)")
    wages_comparable: Optional[bool] = Field(None, description="r3(2)(d) wages and conditions comparable to Jersey norms")
    economy_adverse: Optional[bool] = Field(None, description="r3(2)(e) economic situation of Jersey weighs against")


def _run(f: JerseyFacts, ctx: Ctx):
    app = f.application_date
    ctx.dates["application_date"] = app
    root = Node("jersey_work_permit", "Immigration (Work Permits) (Jersey) Rules 1995", "Jersey work permit", GROUP)
    result: dict = {}

    need = Node("JE.permit_needed", "Immigration (Jersey) Order; Jersey Immigration Rules Part 5", "The worker needs "
                "a work permit (not British/Irish, no Jersey EUSS status).", VALIDITY)
    if need.need(worker_british_or_irish=f.worker_british_or_irish,
                 worker_has_jersey_euss_status=f.worker_has_jersey_euss_status):
        if f.worker_british_or_irish or f.worker_has_jersey_euss_status:
            need.not_met("no work permit is needed (JE-04)")
        else:
            need.met()
    emp = Node("JE.r2_employer", "Work Permits Rules 1995 r2", "The application is made by the prospective employer "
               "on the prescribed form with the fee.", VALIDITY)
    if emp.need(made_by_employer=f.made_by_employer):
        emp.met() if f.made_by_employer else emp.not_met("not made by the prospective employer")
    root.add(need, emp)

    chw = Node("JE.chw", "Control of Housing and Work (Jersey) Law 2012", "The business holds the Control of Housing "
               "and Work permission for the post (JE-04).")
    if chw.need(employer_chw_permission=f.employer_chw_permission):
        chw.met() if f.employer_chw_permission else chw.not_met("no CHW permission for the post")
    root.add(chw)

    route = Node("JE.route", "Jersey work permit policy", "The permit type fits the sector, length, dependants and "
                 "cooling-off rules (JE-05).")
    spec = None
    if route.need(permit_type=f.permit_type, months_requested=f.months_requested, application_date=app):
        routes = ctx.p_or_unknown(route, "jersey.work_permit.routes", app, "application_date")
        if routes is not None:
            spec = routes[f.permit_type]
            fails = []
            if f.months_requested > spec["max_months"]:
                fails.append(f"{f.months_requested} months exceeds {spec['max_months']} for {f.permit_type}")
            if spec["sectors"] and (f.sector or "").lower() not in spec["sectors"]:
                fails.append(f"sector {f.sector!r} is not one of {', '.join(spec['sectors'])}")
            if not spec["dependants"] and (f.dependants or 0) > 0:
                fails.append("no dependants on this route")
            if f.permit_type == "temporary_9_month" and f.previous_9_month_permit_ended:
                months = ctx.p(route, "jersey.work_permit.cooling_off_months", app, "application_date")
                if f.left_jersey_on is None:
                    route.need(left_jersey_on=None)
                else:
                    back = add_months(f.left_jersey_on, months)
                    route.computed["may_return_from"] = back
                    if app < back:
                        fails.append(f"must be out of Jersey for {months} months after a 9-month permit (until {back})")
            if fails:
                route.not_met("; ".join(fails))
            elif route.status.value != "NOT_KNOWN" or not route.missing:
                route.met(f"{f.permit_type.replace('_', ' ')} for {f.months_requested} months")
    root.add(route)

    eng = Node("JE.english", "Jersey work permit policy", "English at B1 for permits longer than 12 months.")
    if eng.need(months_requested=f.months_requested) and app:
        e = ctx.p_or_unknown(eng, "jersey.work_permit.english_cefr", app, "application_date")
        if e is not None:
            if f.months_requested <= e["over_months"]:
                eng.met("not required for 12 months or less")
            elif eng.need(english_level=f.english_level):
                eng.met(f"{f.english_level}") if CEFR.index(f.english_level) >= CEFR.index(e["level"]) else eng.not_met(
                    f"{f.english_level} below {e['level']}")
    root.add(eng)

    if f.permit_type == "skilled":
        sal = Node("JE.skilled_salary", "Jersey skilled work permit policy", "Salary at least the higher of £30,000 "
                   "and the going rate (uncertain parameter: a shortfall is referred).")
        if sal.need(salary_annual=f.salary_annual, going_rate_annual=f.going_rate_annual) and app:
            floor = ctx.p_or_unknown(sal, "jersey.work_permit.skilled_salary_floor", app, "application_date")
            if floor is not None:
                need_pay = max(floor, f.going_rate_annual)
                sal.computed["required"] = need_pay
                if f.salary_annual >= need_pay:
                    sal.met(f"£{f.salary_annual:,.0f} meets £{need_pay:,.0f}")
                else:
                    sal.not_met(f"£{f.salary_annual:,.0f} below £{need_pay:,.0f}").refer(
                        "salary below the (uncertain) skilled floor or going rate", Outcome.REFUSE)
        root.add(sal)

    r3 = Node("JE.r3_2", "Work Permits Rules 1995 r3(2)", "Matters the Minister shall have regard to.", GROUP)
    for nid, attr, good, text in (("r3(2)(a)", "vacancy_genuine", True, "the vacancy exists"),
                                  ("r3(2)(b)", "advertised_adequately", True, "advertised adequately (incl. Social Security)"),
                                  ("r3(2)(c)", "permit_free_candidate_available", False, "no suitable permit-free candidate"),
                                  ("r3(2)(d)", "wages_comparable", True, "wages and conditions comparable in Jersey"),
                                  ("r3(2)(e)", "economy_adverse", False, "economic situation of Jersey does not weigh against")):
        n = Node(f"JE.{nid}", f"Work Permits Rules 1995 {nid}", text[0].upper() + text[1:] + ".")
        if n.need(**{attr: getattr(f, attr)}):
            if getattr(f, attr) == good:
                n.met()
            else:
                n.not_met("weighs against the permit").refer(f"{nid}: Minister to weigh", Outcome.REFUSE)
        r3.add(n)
    root.add(r3.rollup())
    root.rollup()

    leave = None
    if spec is not None and f.months_requested:
        bands = ctx.p_or_unknown(root, "jersey.work_permit.fee_bands", app, "application_date") if app else None
        fee = next((b["fee"] for b in (bands or []) if f.months_requested <= b["upto_months"]), None)
        result["fee_gbp"] = fee
        conds = ["employment only with the named employer in the named post"]
        if not spec["dependants"]:
            conds.append("no dependants")
        if not spec["settlement"]:
            conds.append("does not lead to settlement")
        if f.permit_type == "temporary_9_month":
            conds.append("must leave Jersey for at least 3 months at the end")
        leave = Leave(type=f"Jersey work permit ({f.permit_type.replace('_', ' ')})", duration=f"P{f.months_requested}M",
                      conditions=conds, ends=add_months(ctx.as_at, f.months_requested) - _dt.timedelta(days=1),
                      notes=[f"fee £{fee} (stale table, uncertain)" if fee else "fee not known"])
    return root, leave, result


register(Route("jersey_work_permit", "Jersey work permit (Immigration (Work Permits) (Jersey) Rules 1995)",
               JerseyFacts, _run, "Jersey parameters: routes, salary floor (uncertain), English, cooling-off."))
