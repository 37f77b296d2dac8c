"""Naturalisation as a British citizen: BNA 1981 s6(1) and s6(2), Schedule 1.

Route ids: ``naturalisation_6_1`` (5 years' residence) and ``naturalisation_6_2`` (3 years, spouse or
civil partner of a British citizen).  Absences are counted per CONV-01..03 and CONV-06; excess
absences engage the discretion bands of the naturalisation guidance (NAT-10..15) and produce REFER
with a recommendation; the good-character regime is chosen by the application date (GC-02/03/05).
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal, Optional

from pydantic import Field

from ..core import GROUP, VALIDITY, Ctx, Leave, Node, Outcome
from ..engine import Route, register
from ..schema import Facts, TravelFacts, trips_of
from ..trips import absence_days, absent_on, add_months, add_years, period_start
from ._common import Conviction, custodial_lengths, yes

GRANT, REFUSE = Outcome.GRANT, Outcome.REFUSE


class Discretion(Facts):
    home_family_work_estate_in_uk: Optional[bool] = Field(
        None, description="home, family, employment and a substantial part of estate/finances are in the UK (NAT-11)")
    prior_residence_years: Optional[float] = Field(
        None, ge=0, description="years of residence without substantial absences immediately before the period")
    crown_or_designated_service: Optional[bool] = None
    accompanying_british_spouse_abroad: Optional[bool] = None
    career_unavoidable: Optional[bool] = Field(None, description="absences an unavoidable consequence of career")
    exceptional_reasons: Optional[bool] = Field(None, description="exceptional compelling occupational or compassionate reasons")


class NaturalisationFacts(TravelFacts):
    application_date: Optional[_dt.date] = Field(None, description="date submitted and paid (CONV-04)")
    decision_date: Optional[_dt.date] = None
    fee_paid: Optional[bool] = None
    date_of_birth: Optional[_dt.date] = None
    full_capacity: Optional[bool] = None
    spouse_or_civil_partner_of_british_citizen: Optional[bool] = Field(
        None, description="on the date of application (s6(2) only)")
    settled_status: Optional[Literal["ilr", "euss_settled", "pre_settled", "limited_leave", "none"]] = None
    settled_date: Optional[_dt.date] = Field(None, description="date ILR / settled status was granted")
    immigration_breach_in_period: Optional[bool] = None
    english_requirement_met: Optional[bool] = None
    life_in_uk_test_passed: Optional[bool] = None
    koll_medical_exemption: Optional[bool] = Field(None, description="long-term physical or mental condition")
    intends_uk_home: Optional[bool] = Field(None, description="s6(1) only: intends the UK to be the principal home")
    convictions: Optional[list[Conviction]] = Field(None, description="all convictions, spent or not; [] if none")
    persistent_offender: Optional[bool] = None
    serious_harm: Optional[bool] = None
    sexual_offence: Optional[bool] = None
    illegal_entry: Optional[bool] = Field(None, description="has ever entered the UK illegally")
    illegal_entry_date: Optional[_dt.date] = None
    dangerous_journey: Optional[bool] = Field(None, description="arrived without entry clearance/ETA by a dangerous journey")
    deception: Optional[bool] = Field(None, description="deception or dishonesty in dealings with the Home Office")
    discretion: Optional[Discretion] = None


def _links(f: NaturalisationFacts) -> Optional[bool]:
    return f.discretion.home_family_work_estate_in_uk if f.discretion else None


def _special_reasons(f: NaturalisationFacts) -> bool:
    d = f.discretion
    return bool(d and (yes(d.crown_or_designated_service) or yes(d.accompanying_british_spouse_abroad)
                       or yes(d.career_unavoidable) or yes(d.exceptional_reasons)))


def _exceptional(f: NaturalisationFacts) -> bool:
    d = f.discretion
    return bool(d and (yes(d.crown_or_designated_service) or yes(d.exceptional_reasons)))


def _run(section: str):
    s61 = section == "s6_1"
    para = "BNA 1981 s6(1), Sch 1 para 1" if s61 else "BNA 1981 s6(2), Sch 1 para 3"
    rpara = "Sch 1 para 1(2)" if s61 else "Sch 1 para 3"
    dpara = "Sch 1 para 2" if s61 else "Sch 1 para 4"

    def run(f: NaturalisationFacts, ctx: Ctx):
        app = f.application_date
        ctx.dates["application_date"] = app
        root = Node(f"naturalisation_{'6_1' if s61 else '6_2'}", para,
                    "Naturalisation as a British citizen under section " + ("6(1)" if s61 else "6(2)"), GROUP)
        result: dict = {}

        # -- validity ---------------------------------------------------------------------
        fee = Node("NAT.fee_paid", "Immigration and Nationality (Fees) Regulations 2018",
                   "The application fee has been paid (an unpaid application is not valid).", VALIDITY)
        if fee.need(fee_paid=f.fee_paid, application_date=app):
            amount = ctx.p_or_unknown(fee, "naturalisation.fee.adult", app, "application_date")
            ctx.p_or_unknown(fee, "naturalisation.fee.ceremony", app, "application_date")
            if amount is not None:
                fee.computed["fee_gbp"] = amount
                fee.met("fee paid") if f.fee_paid else fee.not_met(f"fee of £{amount} not paid")
        root.add(fee)

        # -- age and capacity -------------------------------------------------------------
        age = Node("NAT.full_age", "BNA 1981 s6(1)/(2), s50(11)", "The applicant is of full age (18 or over) "
                   "on the date of application.")
        if age.need(date_of_birth=f.date_of_birth, application_date=app):
            full = ctx.p_or_unknown(age, "naturalisation.full_age_years", app, "application_date")
            if full is not None:
                eighteenth = add_years(f.date_of_birth, full)
                age.computed["full_age_on"] = eighteenth
                age.met(f"full age on {eighteenth}") if eighteenth <= app else age.not_met(
                    f"not of full age until {eighteenth}")
        cap = Node("NAT.full_capacity", "BNA 1981 s6, s44A", "The applicant is of full capacity "
                   "(may be waived where in the applicant's best interests).")
        if cap.need(full_capacity=f.full_capacity):
            cap.met() if f.full_capacity else cap.not_met("not of full capacity").refer(
                "full capacity may be waived (s44A)", None)
        root.add(age, cap)

        if not s61:
            mar = Node("NAT.s6_2.spouse", "BNA 1981 s6(2)", "On the date of application the applicant is the "
                       "spouse or civil partner of a British citizen.")
            if mar.need(spouse_or_civil_partner_of_british_citizen=f.spouse_or_civil_partner_of_british_citizen):
                mar.met() if f.spouse_or_civil_partner_of_british_citizen else mar.not_met(
                    "not the spouse or civil partner of a British citizen on the date of application; consider s6(1)")
            root.add(mar)

        # -- residence --------------------------------------------------------------------
        res = Node("NAT.residence", rpara, "Residence requirements", GROUP)
        years_name = f"naturalisation.{section}.qualifying_years"
        max_name = f"naturalisation.{section}.max_absence_days"
        start = atstart = total = final = None
        tnode = Node("NAT.absences_total", rpara + "(a)", "Absent from the UK on not more than the permitted "
                     "number of days in the qualifying period ending with the date of application (whole days; "
                     "the days of departure and return are days in the UK).")
        fnode = Node("NAT.absences_final_year", rpara + "(b)", "Absent on not more than 90 days in the 12 months "
                     "ending with the date of application.")
        snode = Node("NAT.present_at_start", rpara + "(a)", "In the UK at the beginning of the qualifying period.")
        limit = None
        bands = None
        if tnode.need(application_date=app):
            years = ctx.p_or_unknown(tnode, years_name, app, "application_date")
            limit = ctx.p_or_unknown(tnode, max_name, app, "application_date")
            bands = ctx.p_or_unknown(tnode, "naturalisation.discretion.bands", app, "application_date")
            if years is not None:
                start = period_start(app, years=years)
                tnode.computed.update(period_start=start, period_end=app)
        if start is not None:
            trips = trips_of(f, tnode)
            if trips is not None:
                total = absence_days(trips, start, app)
                fy_start = period_start(app, years=1)
                final = absence_days(trips, fy_start, app)
                fnode.computed.update(period_start=fy_start, period_end=app, absence_days=final)
                atstart = absent_on(trips, start)
                tnode.computed["absence_days"] = total
                fnode.computed["trips_source"] = tnode.computed.get("trips_source")
                result.update(period_start=start, absence_days=total, final_year_absence_days=final)
                if total is None:
                    tnode.unknown("a movement record has no matching departure; absences cannot be counted", ["trips"])
            else:
                fnode.unknown(tnode.reason, tnode.missing)
                snode.unknown(tnode.reason, tnode.missing)
        else:
            fnode.unknown(tnode.reason or "period not known", tnode.missing)
            snode.unknown(tnode.reason or "period not known", tnode.missing)

        key = section
        if total is not None and limit is not None and bands is not None:
            b = bands[key]
            fnode_limit = ctx.p(fnode, "naturalisation.final_year.max_absence_days", app, "application_date")
            # total absences
            if total <= limit:
                tnode.met(f"{total} days absent; the limit is {limit}")
            else:
                tnode.not_met(f"{total} days absent; the limit is {limit}")
                if total <= b["total_normally_disregard_upto"]:
                    tnode.refer(f"NAT-10 total {limit + 1}-{b['total_normally_disregard_upto']} days: excess normally "
                                f"disregarded ({dpara})", GRANT)
                elif total <= b["total_consider_upto"]:
                    excess = total - limit
                    need_years = (b["prior_residence_years_large_excess"] if excess > b["large_excess_days"]
                                  else b["prior_residence_years"])
                    d = f.discretion
                    prior_ok = bool(d and d.prior_residence_years is not None and d.prior_residence_years >= need_years)
                    links = _links(f)
                    ok = yes(links) and (prior_ok or _special_reasons(f))
                    tnode.computed.update(excess_days=excess, prior_residence_years_needed=need_years)
                    tnode.refer(f"NAT-11 total {b['total_normally_disregard_upto'] + 1}-{b['total_consider_upto']} days: "
                                f"consider disregarding ({dpara}); links {'established' if yes(links) else 'not established'}, "
                                f"{need_years} years' prior residence {'shown' if prior_ok else 'not shown'}"
                                + (", special reasons claimed" if _special_reasons(f) else ""),
                                GRANT if ok else REFUSE)
                elif _exceptional(f):
                    tnode.refer(f"NAT-12 total over {b['total_consider_upto']} days: normally refuse; exceptional "
                                "reasons claimed", REFUSE)
                else:
                    tnode.reason += f"; over {b['total_consider_upto']} days is normally refused (NAT-12)"
            # final year
            if final is not None:
                if final <= fnode_limit:
                    fnode.met(f"{final} days absent in the final year; the limit is {fnode_limit}")
                else:
                    fnode.not_met(f"{final} days absent in the final year; the limit is {fnode_limit}")
                    if final <= bands["final_year_normally_disregard_upto"]:
                        fnode.refer(f"NAT-13 final year {fnode_limit + 1}-{bands['final_year_normally_disregard_upto']} "
                                    f"days: normally overlooked ({dpara})", GRANT)
                    elif final <= bands["final_year_consider_upto"] and total <= limit:
                        fnode.refer(f"NAT-14 final year {bands['final_year_normally_disregard_upto'] + 1}-"
                                    f"{bands['final_year_consider_upto']} days with total within limit: may overlook "
                                    f"with strong links", GRANT if yes(_links(f)) else REFUSE)
                    elif _exceptional(f):
                        fnode.refer("NAT-14/15 final year excess with total over limit or over "
                                    f"{bands['final_year_consider_upto']} days: normally refuse; exceptional reasons "
                                    "claimed", REFUSE)
                    else:
                        fnode.reason += "; normally refused (NAT-14/15)"
        elif total is None and tnode.status.value != "NOT_KNOWN":
            tnode.unknown("absences not known")
        # present at the start
        if start is not None and atstart is not None:
            snode.computed["period_start"] = start
            if not atstart:
                snode.met(f"in the UK on {start}")
            else:
                snode.not_met(f"wholly absent on {start}, the first day of the period")
                waivable = ctx.p(snode, "naturalisation.present_at_start.waivable", app, "application_date")
                if waivable:
                    snode.refer("NAT-06 not in the UK at the start: may be treated as met (Sch 1 para 2(1)(za))",
                                GRANT if yes(_links(f)) else REFUSE)
                else:
                    snode.reason += "; no discretion before 28 June 2022 (NAT-06)"
        elif start is not None and atstart is None and snode.status.value != "NOT_KNOWN":
            snode.unknown("presence on the first day not knowable from the records", ["trips"])
        if fnode.status.value == "NOT_KNOWN" and not fnode.reason:
            fnode.unknown(tnode.reason or "absences not known", tnode.missing)
        # free of time restriction
        rnode = Node("NAT.free_of_time_restriction", rpara + "(c)", (
            "Not subject to any restriction on the period of stay at any time in the 12 months ending with the date "
            "of application (ILR or settled status held throughout)." if s61 else
            "Not subject to any restriction on the period of stay on the date of application."))
        if rnode.need(settled_status=f.settled_status, application_date=app):
            if f.settled_status not in ("ilr", "euss_settled"):
                rnode.not_met(f"holds {f.settled_status.replace('_', ' ')}: limited leave is a time restriction (NAT-20)")
            elif rnode.need(settled_date=f.settled_date):
                if s61:
                    months = ctx.p(rnode, "naturalisation.s6_1.free_of_restriction_months", app, "application_date")
                    latest = add_months(app, -months)
                    rnode.computed.update(latest_settled_date=latest, earliest_application_date=add_months(f.settled_date, months))
                    if f.settled_date <= latest:
                        rnode.met(f"settled on {f.settled_date}, on or before {latest}")
                    elif f.settled_date <= app:
                        rnode.not_met(f"settled on {f.settled_date}, after {latest}: restricted within the final 12 months")
                        rnode.refer("restriction that did not apply on the date of application may be disregarded "
                                    "(Sch 1 para 2(1)(c))", REFUSE)
                    else:
                        rnode.not_met(f"settled on {f.settled_date}, after the date of application")
                else:
                    rnode.met(f"settled on {f.settled_date}") if f.settled_date <= app else rnode.not_met(
                        f"settled on {f.settled_date}, after the date of application")
        bnode = Node("NAT.no_breach", rpara + "(d)", "Not at any time in the qualifying period in the UK in breach "
                     "of the immigration laws.")
        if bnode.need(immigration_breach_in_period=f.immigration_breach_in_period):
            if f.immigration_breach_in_period:
                bnode.not_met("in breach of the immigration laws during the period").refer(
                    f"breach may be disregarded ({dpara}(1)(d))", REFUSE)
            else:
                bnode.met("no breach")
        res.add(snode, tnode, fnode, rnode, bnode).rollup()
        root.add(res)

        # -- good character ---------------------------------------------------------------
        root.add(good_character(f, ctx, app))

        # -- language and life ------------------------------------------------------------
        age_on_app = None
        if f.date_of_birth and app:
            age_on_app = app.year - f.date_of_birth.year - ((app.month, app.day) < (f.date_of_birth.month, f.date_of_birth.day))
        for nid, fact_name, text, medical in (
                ("NAT.english", "english_requirement_met", "Sufficient knowledge of English, Welsh or Scottish Gaelic (B1).",
                 None),
                ("NAT.life_in_uk", "life_in_uk_test_passed", "Sufficient knowledge about life in the UK (test passed).",
                 f.koll_medical_exemption)):
            n = Node(nid, "BNA 1981 Sch 1 para 1(1)(c)" + ("" if nid == "NAT.english" else "(ca)"), text)
            value = getattr(f, fact_name)
            n.facts[fact_name] = value
            exempt_age = ctx.p_or_unknown(n, "koll.exempt_age", app, "application_date") if app else None
            if age_on_app is not None and exempt_age is not None and age_on_app >= exempt_age:
                n.computed["age_on_application"] = age_on_app
                n.met(f"exempt: aged {age_on_app} (65 or over)")
            elif medical or f.koll_medical_exemption:
                n.facts["koll_medical_exemption"] = True
                n.met("exempt: long-term physical or mental condition (waiver under Sch 1 para 2(1)(e))")
            elif value is None:
                n.unknown(f"fact not known: {fact_name}", [fact_name])
            else:
                n.met("met") if value else n.not_met("not shown")
            root.add(n)

        if s61:
            h = Node("NAT.future_intention", "BNA 1981 Sch 1 para 1(1)(d)", "Intends the UK to be the home or principal "
                     "home (or Crown / qualifying service) if granted (NAT-16).")
            if h.need(intends_uk_home=f.intends_uk_home):
                h.met() if f.intends_uk_home else h.not_met("does not intend the UK to be the principal home")
            root.add(h)

        root.rollup()
        leave = Leave(type="certificate of naturalisation as a British citizen (" + ("s6(1)" if s61 else "s6(2)") + ")",
                      duration=None, conditions=["attend a citizenship ceremony and make the oath and pledge"],
                      notes=["grant is discretionary: the Secretary of State may grant 'if he thinks fit' (NAT-01)",
                             "no right of appeal against refusal; reconsideration or judicial review (NAT-21)"])
        return root, leave, result

    return run


def good_character(f, ctx: Ctx, app: _dt.date | None) -> Node:
    """Good character for nationality (GC-01..06), regime chosen by the application date."""
    gc = Node("NAT.good_character", "BNA 1981 Sch 1 para 1(1)(b)", "Of good character (Nationality guidance: good "
              "character requirement).", GROUP)
    crim = Node("GC.criminality", "Good character guidance: criminality", "No criminality that normally leads to "
                "refusal under the regime in force on the date of application.")
    regime = ctx.p_or_unknown(crim, "good_character.regime", app, "application_date")
    if regime is not None:
        crim.computed["regime"] = regime
    if regime is not None and crim.need(convictions=f.convictions):
        lengths, unknown = custodial_lengths(f.convictions)
        crim.computed["custodial_months"] = [m for m, _ in lengths]
        bad: list[str] = []
        lesser = False
        if regime == "part9_aligned":
            thr = ctx.p(crim, "good_character.custodial_months", app, "application_date")
            for m, c in lengths:
                if m >= thr:
                    bad.append(f"custodial sentence of {m:g} months (at least {thr}), whenever it occurred (GC-02)")
                else:
                    lesser = True
            lesser = lesser or any(c.disposal in ("suspended", "non_custodial", "out_of_court") for c in f.convictions)
        else:
            t = ctx.p(crim, "good_character.sentence_thresholds_2019", app, "application_date")
            for m, c in lengths:
                if m >= t["always_refuse_months"]:
                    bad.append(f"custodial sentence of {m:g} months (4 years or more): normally always refused (GC-03)")
                    continue
                clear = t["mid_clear_years"] if m >= t["mid_sentence_months"] else t["short_clear_years"]
                if c.sentence_end_date is None:
                    crim.missing.append("convictions[].sentence_end_date")
                    unknown = True
                    continue
                until = add_years(c.sentence_end_date, clear)
                if app < until:
                    bad.append(f"custodial sentence of {m:g} months ended {c.sentence_end_date}: refused unless "
                               f"{clear} years have passed (until {until}) (GC-03)")
            for c in f.convictions:
                if c.disposal in ("non_custodial", "out_of_court", "suspended"):
                    if c.date is None:
                        crim.missing.append("convictions[].date")
                        unknown = True
                    elif app < add_years(c.date, t["non_custodial_clear_years"]):
                        bad.append(f"{c.disposal.replace('_', ' ')} disposal on {c.date}, within "
                                   f"{t['non_custodial_clear_years']} years (GC-03)")
        for flag, text in (("persistent_offender", "persistent offender"), ("serious_harm", "offence causing serious harm"),
                           ("sexual_offence", "sexual offence / notification requirements")):
            v = getattr(f, flag, None)
            crim.facts[flag] = v
            if v:
                bad.append(text)
        if bad:
            crim.not_met("; ".join(bad))
        elif unknown:
            crim.unknown("a conviction lacks its disposal, length or dates", crim.missing or ["convictions"])
        elif lesser:
            crim.met("only lesser convictions").refer(
                "GC-02 lesser convictions: refuse if not satisfied of good character on the balance of probabilities",
                None)
        else:
            crim.met("no convictions that engage the thresholds")
    ill = Node("GC.illegal_entry", "Good character guidance: immigration-related matters (illegal entry)",
               "No illegal entry that normally leads to refusal (GC-05; regime by application date).")
    if ill.need(illegal_entry=f.illegal_entry, application_date=app):
        lookback = ctx.p_or_unknown(ill, "good_character.illegal_entry_lookback_years", app, "application_date")
        if ill.status.value == "NOT_KNOWN" and ill.reason:
            pass
        elif not f.illegal_entry and not yes(f.dangerous_journey):
            ill.met("no illegal entry")
        elif lookback is None:
            ill.not_met("previous illegal entry or dangerous journey: normally refused regardless of time elapsed "
                        "(applications from 10 February 2025)")
        elif yes(f.illegal_entry) and ill.need(illegal_entry_date=f.illegal_entry_date):
            since = add_years(app, -lookback)
            ill.computed["lookback_from"] = since
            if f.illegal_entry_date > since:
                ill.not_met(f"illegal entry on {f.illegal_entry_date}, within {lookback} years").refer(
                    "scope to disregard illegal entry within 10 years (pre-10 Feb 2025 policy)", REFUSE)
            else:
                ill.met(f"illegal entry on {f.illegal_entry_date}, more than {lookback} years before the application")
        elif not yes(f.illegal_entry):
            ill.met("no illegal entry")
    dec = Node("GC.deception", "Good character guidance: deception and dishonesty", "No deception or dishonesty "
               "in dealings with the Home Office or other government departments.")
    if dec.need(deception=f.deception):
        dec.met() if not f.deception else dec.not_met("deception or dishonesty recorded").refer(
            "GC-06 deception or dishonesty: weigh against good character", REFUSE)
    gc.add(crim, ill, dec).rollup()
    return gc


register(Route("naturalisation_6_1", "Naturalisation as a British citizen, BNA 1981 s6(1)", NaturalisationFacts,
               _run("s6_1"), "Five years' residence; absence bands; good character by application date."))
register(Route("naturalisation_6_2", "Naturalisation as a British citizen, BNA 1981 s6(2) (spouse or civil partner)",
               NaturalisationFacts, _run("s6_2"), "Three years' residence; spouse/civil partner of a British citizen."))
