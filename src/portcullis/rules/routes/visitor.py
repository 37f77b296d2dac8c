"""Visitor: leave to enter at the port (Appendix V; Visa National List; ETA; Part 9).

Route id ``visitor``.  Visa-national and ETA status are looked up on the **arrival date** (and
arrival time on a changeover day: changes take effect at 15:00).  Part 9 applies (V3).
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal, Optional

from pydantic import Field

from ..core import GROUP, Ctx, Leave, Node, Outcome
from ..engine import Route, register
from ..schema import Facts
from .general_grounds import Part9Facts, part9_tree


class VisitorFacts(Facts):
    arrival_date: Optional[_dt.date] = None
    arrival_time: Optional[_dt.time] = Field(None, description="local UK time; matters on a visa-list changeover day")
    decision_date: Optional[_dt.date] = None
    nationality: Optional[str] = Field(None, description="ISO alpha-3, or STATELESS")
    british_or_irish: Optional[bool] = None
    holds_uk_permission: Optional[bool] = Field(None, description="UK permission incl. EUSS status")
    holds_visit_visa: Optional[bool] = None
    holds_eta: Optional[bool] = None
    booking_date: Optional[_dt.date] = Field(None, description="when travel was booked (transitional visa-list rules)")
    visitor_type: Optional[Literal["standard", "marriage", "academic", "medical", "ppe", "transit"]] = None
    intended_stay_days: Optional[int] = Field(None, ge=0)
    arrived_via_ireland: Optional[bool] = None
    will_leave_at_end: Optional[bool] = None
    not_living_in_uk: Optional[bool] = None
    genuine_permitted_purpose: Optional[bool] = None
    no_prohibited_activities: Optional[bool] = None
    sufficient_funds: Optional[bool] = None
    days_in_uk_last_12_months: Optional[int] = Field(None, ge=0)
    part9: Optional[Part9Facts] = None


def _visa_list(ctx: Ctx, node: Node, f: VisitorFacts):
    """The visa-national list in force at the moment of arrival; None if not knowable."""
    day = f.arrival_date
    try:
        pv = ctx.params.get("visitor.visa_national_list", day)
    except Exception as exc:
        node.unknown(str(exc))
        return None
    v = pv.value
    if pv.effective_from == day and v.get("changed_at"):
        if f.arrival_time is None:
            if f.nationality and f.nationality.upper() in v["added"]:
                node.unknown(f"arrived on {day}, the day the list changed at {v['changed_at']}: arrival time needed",
                             ["arrival_time"])
                return None
        elif f.arrival_time < _dt.time.fromisoformat(v["changed_at"]):
            day = day - _dt.timedelta(days=1)
            node.computed["before_changeover"] = True
            pv = ctx.params.get("visitor.visa_national_list", day)
            v = pv.value
    from ..core import ParamUse

    node.parameters.append(ParamUse(pv, day, "arrival_date"))
    return v


def _run(f: VisitorFacts, ctx: Ctx):
    arr = f.arrival_date
    ctx.dates["arrival_date"] = arr
    root = Node("visitor", "Appendix V", "Leave to enter as a visitor at the port", GROUP)
    result: dict = {}

    doc = Node("V.entry_document", "Appendix V V1; Appendix Visitor: Visa National List VN 1.1; Appendix ETA",
               "Holds the entry document required on the arrival date: a visit visa (visa nationals) or an ETA "
               "(non-visa nationals, once required), unless British/Irish or holding UK permission.")
    if f.british_or_irish:
        doc.facts["british_or_irish"] = True
        doc.met("British or Irish citizen: not subject to control")
    elif f.holds_uk_permission:
        doc.facts["holds_uk_permission"] = True
        doc.met("holds UK permission")
    elif doc.need(arrival_date=arr, nationality=f.nationality):
        nat = f.nationality.upper()
        vl = _visa_list(ctx, doc, f)
        if vl is not None:
            vn = nat in vl["nationals"]
            tr = vl.get("transition")
            if vn and nat in vl["added"] and tr and f.booking_date and f.booking_date < tr["booked_before"] and arr <= tr["arrive_by"]:
                vn = False
                doc.computed["transitional_exemption"] = f"booked {f.booking_date}, arriving by {tr['arrive_by']}"
            doc.computed["visa_national"] = vn
            result["visa_national"] = vn
            if vn:
                if doc.need(holds_visit_visa=f.holds_visit_visa):
                    doc.met("visa national holding a visit visa") if f.holds_visit_visa else doc.not_met(
                        f"{nat} is a visa national on {arr} and holds no visit visa")
            elif f.holds_visit_visa:
                doc.facts["holds_visit_visa"] = True
                doc.met("holds a visit visa")
            else:
                eta = ctx.p_or_unknown(doc, "eta.required", arr, "arrival_date")
                if eta is not None:
                    euro = ctx.p(doc, "eta.european_nationalities", arr, "arrival_date")
                    need = (eta["scope"] == "all" or (eta["scope"] == "non_european" and nat not in euro)
                            or (eta["scope"] == "listed" and nat in eta["listed"]))
                    doc.computed["eta_required"] = need
                    result["eta_required"] = need
                    if not need:
                        doc.met("non-visa national; no ETA required on the arrival date")
                    elif doc.need(holds_eta=f.holds_eta):
                        ctx.p_or_unknown(doc, "eta.fee", arr, "arrival_date")
                        doc.met("holds an ETA") if f.holds_eta else doc.not_met(
                            f"{nat}: ETA required from the arrival date and none held")
    root.add(doc)

    gen = Node("V4.2", "Appendix V V4.2", "Genuine visitor: will leave at the end of the visit; not living in the UK "
               "through frequent or successive visits; genuine permitted purpose; no prohibited activities; "
               "sufficient funds.", GROUP)
    for nid, attr, text in (("V4.2(a)", "will_leave_at_end", "will leave the UK at the end of the visit"),
                            ("V4.2(b)", "not_living_in_uk", "will not live in the UK through frequent or successive visits"),
                            ("V4.2(c)", "genuine_permitted_purpose", "genuinely seeking entry for a permitted purpose"),
                            ("V4.2(d)", "no_prohibited_activities", "will not undertake prohibited activities"),
                            ("V4.2(e)", "sufficient_funds", "sufficient funds for the visit without work or public funds")):
        n = Node(nid, f"Appendix V {nid}", text[0].upper() + text[1:] + ".")
        if n.need(**{attr: getattr(f, attr)}):
            n.met() if getattr(f, attr) else n.not_met("not satisfied that the visitor " + text)
        gen.add(n)
    ind = Node("V.living_here_indicator", "Visit guidance (indicator, not a rule)", "Time spent in the UK as a "
               "visitor in the last 12 months (over six months suggests living here: V-11, uncertain).")
    if f.days_in_uk_last_12_months is not None and arr:
        lim = ctx.p(ind, "visitor.living_here_indicator_days", arr, "arrival_date")
        ind.facts["days_in_uk_last_12_months"] = f.days_in_uk_last_12_months
        ind.met(f"{f.days_in_uk_last_12_months} days")
        if f.days_in_uk_last_12_months > lim:
            ind.refer(f"{f.days_in_uk_last_12_months} days in the UK in the last 12 months (over {lim}): examine "
                      "whether living here", None)
    else:
        ind.met("not given: no indicator raised")
    gen.add(ind).rollup()
    root.add(gen)

    stay = Node("V.length_of_stay", "Appendix V V4.x", "The intended stay is within the maximum for the visitor type.")
    if stay.need(visitor_type=f.visitor_type, intended_stay_days=f.intended_stay_days, arrival_date=arr):
        mx = ctx.p(stay, "visitor.max_stay_months", arr, "arrival_date")
        from ..trips import add_months

        if f.visitor_type == "transit":
            limit_days = mx["transit_hours"] // 24
        else:
            limit_days = (add_months(arr, mx[f.visitor_type]) - arr).days
        stay.computed["max_days"] = limit_days
        stay.met(f"{f.intended_stay_days} days within {limit_days}") if f.intended_stay_days <= limit_days else stay.not_met(
            f"{f.intended_stay_days} days exceeds {limit_days} for a {f.visitor_type} visitor")
    root.add(stay)

    p9, out = part9_tree(f.part9 or Part9Facts(), ctx, arr, "permission_to_enter", True)
    p9.paragraph = "Appendix V V3; Immigration Rules Part 9"
    root.add(p9)
    result.update(out)
    root.rollup()

    leave = None
    if arr:
        lv = ctx.p(root, "visitor.leave", arr, "arrival_date")
        mx = {"academic": "P12M", "medical": "P11M", "ppe": "P1M", "transit": "PT48H"}
        dur = lv["ireland_deemed"] if f.arrived_via_ireland else mx.get(f.visitor_type or "standard", lv["duration"])
        leave = Leave(type=("deemed leave to enter (arrival through Ireland)" if f.arrived_via_ireland else
                            "leave to enter as a visitor"), duration=dur, conditions=list(lv["conditions"]),
                      notes=["refusal: no right of appeal and no administrative review (V-10)"])
    return root, leave, result


register(Route("visitor", "Visitor: leave to enter at the port (Appendix V)", VisitorFacts, _run,
               "Visa-national and ETA status by arrival date; genuine visitor; Part 9."))
