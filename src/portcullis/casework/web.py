"""Casework pages: my cases, the team queue, intake, the case page, countersignature, stuck cases."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.views.decorators.http import require_POST

from portcullis.errors import Conflict, FieldError, InvalidInput, NotFound
from portcullis.people.services import DocumentInput, NameInput, PersonDetails
from portcullis.web.auth import requires
from portcullis.workforce.authority import NotAuthorised, can
from portcullis.workforce.models import Team

from . import facts_form, services
from .lifecycle import MANUAL_MOVES, MOVES, route_config
from .models import (
    BiometricAppointment, Check, Decision, EnrolmentSite, Interview, RequestForEvidence, Status,
)

url_prefix = "cases/"

MOVE_LABELS = {"validate": "Validate", "reject_invalid": "Reject as invalid", "start_checks": "Start checks",
               "start_consideration": "Start consideration", "serve": "Mark decision served", "close": "Close case"}
STATUS_TAGS = {"received": "grey", "validated": "blue", "rejected": "red", "checks": "light-blue",
               "consideration": "purple", "pending_countersignature": "orange", "decided": "green",
               "served": "green", "closed": "grey"}


# Other contexts add sections to the case page (correspondence: the case's letters): fn(request, case) -> html.
case_panels: list = []

def _errors(exc: InvalidInput) -> list[dict]:
    return [e.as_dict() for e in exc.errors]


def _date(value: str, field: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(FieldError(field, "must be a date, YYYY-MM-DD")) from None


def _datetime(value: str, field: str) -> dt.datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(FieldError(field, "must be a date and time, YYYY-MM-DDTHH:MM")) from None


def _json(value: str, field: str) -> dict:
    value = (value or "").strip()
    if not value:
        return {}
    try:
        data = json.loads(value)
    except json.JSONDecodeError as exc:
        raise InvalidInput(FieldError(field, f"is not valid JSON: {exc.msg} at line {exc.lineno}")) from None
    if not isinstance(data, dict):
        raise InvalidInput(FieldError(field, "must be a JSON object"))
    return data


def _uploads(request, name: str) -> list[services.EvidenceInput]:
    return [services.EvidenceInput(filename=f.name, content=f.read(), content_type=f.content_type or "",
                                   description=request.POST.get(f"{name}_description", ""))
            for f in request.FILES.getlist(name)]


# -- queues ------------------------------------------------------------------------------------------

@requires("casework.view")
def my_queue(request):
    cases = services.my_cases(request.user)
    return render(request, "casework/my_queue.html", {
        "cases": cases[:200], "can_take": can(request.user, "casework.take_next"), "tags": STATUS_TAGS})


@requires("casework.take_next")
@require_POST
def take_next(request):
    case = services.take_next(request.user)
    if case is None:
        messages.info(request, "There are no cases waiting in your team's queue")
        return redirect("casework:my-queue")
    messages.success(request, f"You have taken {case.reference}")
    return redirect("casework:case", case.reference)


@requires("casework.view")
def team_queue(request):
    staff = getattr(request.user, "staff", None)
    teams = Team.objects.filter(function=Team.Function.CASEWORK).order_by("name")
    code = request.GET.get("queue") or (staff.team.code if staff else "")
    team = teams.filter(code=code).first() or (staff.team if staff else None)
    f = {k: request.GET.get(k, "") for k in ("status", "route", "owner", "flag")}
    f["breached"] = request.GET.get("breached") == "1"
    qs = services.team_queue(team, **f) if team else []
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "casework/team_queue.html", {
        "team": team, "teams": teams, "page": page, "filters": f, "statuses": Status.choices,
        "routes": _routes(), "tags": STATUS_TAGS,
        "query": query.urlencode(), "can_take": can(request.user, "casework.take_next")})


@requires("casework.countersign")
def countersign_queue(request):
    return render(request, "casework/countersign_queue.html",
                  {"cases": services.countersign_queue(request.user), "tags": STATUS_TAGS})


@requires("casework.reports")
def stuck(request):
    try:
        days = max(int(request.GET.get("days", "10")), 0)
    except ValueError:
        days = 10
    return render(request, "casework/stuck.html", {"cases": services.stuck_cases(days)[:500], "days": days,
                                                   "tags": STATUS_TAGS})


# -- intake ------------------------------------------------------------------------------------------

def _routes() -> list[tuple[str, str]]:
    return [(k, v["name"]) for k, v in route_config().items()]


def _fact_fields(route: str):
    return facts_form.fields_for(route_config()[route]["rules_route"])


def _more_rows(request, fields) -> dict:
    """``{list input name: 5}`` when the post is an "Add more rows" under that list, else {}."""
    name = request.POST.get("more_rows", "") if request.method == "POST" else ""
    return {name: 5} if any(f.name == name and f.kind == "list" for f in fields) else {}


def _intake_facts(form, fields) -> dict:
    """The facts keyed on the intake form: its fields, and any pasted as JSON.  Every input that
    cannot be read is named at once; InvalidInput before anything is written."""
    errors, facts, pasted = [], {}, {}
    try:
        facts = facts_form.read(fields, form)
    except InvalidInput as exc:
        errors += exc.errors
    try:
        pasted = _json(form.get("facts", ""), "facts")
    except InvalidInput as exc:
        errors += exc.errors
    if errors:
        raise InvalidInput(errors)
    return facts_form.merge(facts, pasted)


@requires("casework.intake")
def intake(request):
    """Step 1 (no route): choose the route.  Step 2 (?route=...): the applicant, the application and
    the route's facts as questions."""
    posted = request.method == "POST"
    route = (request.POST if posted else request.GET).get("route", "")
    if route not in route_config() or (not posted and request.GET.get("change")):
        errors = ([{"field": "route", "message": "choose the route the application is for"}]
                  if route not in route_config() and (posted or route) else [])
        return render(request, "casework/intake_route.html", {"errors": errors, "routes": _routes(), "route": route},
                      status=400 if errors else 200)
    fields = _fact_fields(route)
    errors, form = [], {"fee_currency": "GBP"}
    more = _more_rows(request, fields)
    if more:  # "Add more rows" under a list: the same form back with more empty rows, nothing saved
        form = request.POST
    elif posted:
        form = request.POST
        try:
            facts = _intake_facts(form, fields)
            applicant = PersonDetails(
                names=[NameInput(full_name=form.get("full_name", "").strip())] if form.get("full_name", "").strip() else [],
                birth_date=form.get("birth_date", "").strip(), sex=form.get("sex", ""),
                nationalities=[form["nationality"].strip().upper()] if form.get("nationality", "").strip() else [],
                documents=[DocumentInput(number=form["passport_number"].strip(),
                                         issuing_state=form.get("nationality", "").strip().upper())]
                if form.get("passport_number", "").strip() else [])
            inp = services.ApplicationInput(
                route=route, facts=facts, applicant=applicant,
                application_date=_date(form.get("application_date", ""), "application_date"),
                fee=services.FeeInput(amount=form.get("fee_amount", "").strip(), currency=form.get("fee_currency", "GBP"),
                                      state=form.get("fee_state", "paid"), payment_reference=form.get("payment_reference", "")),
                evidence=_uploads(request, "evidence"), queue=form.get("queue", ""), child=bool(form.get("child")),
                vulnerable=bool(form.get("vulnerable")), high_profile=bool(form.get("high_profile")), channel="paper")
            case = services.submit_application(inp, actor=request.user)
            messages.success(request, f"Application {case.reference} received")
            return redirect("casework:case", case.reference)
        except InvalidInput as exc:
            errors = facts_form.label_errors(fields, _errors(exc))
    return render(request, "casework/intake.html", {
        "errors": errors, "form": form, "route": route, "route_name": route_config()[route]["name"],
        "sections": facts_form.bind(fields, form if posted else {}, errors, more),
        "pasted_error": next((e["message"] for e in errors if e["field"] == "facts"), ""),
        "teams": Team.objects.filter(function=Team.Function.CASEWORK).order_by("name"),
    }, status=400 if errors else 200)


# -- the case page -----------------------------------------------------------------------------------

def _post_action(request, case) -> str:
    """Run the action the case page posted; return the success message."""
    p = request.POST
    action = p.get("action", "")
    user = request.user
    if action in MANUAL_MOVES:
        services.move(case, action, actor=user, reason=p.get("reason", ""))
        return f"{MOVE_LABELS[action]}: done"
    if action == "release":
        services.release(case, actor=user)
        return "Returned to the team queue"
    if action == "reallocate":
        to_user = None
        if p.get("owner"):
            to_user = get_user_model().objects.filter(username=p["owner"]).first()
            if to_user is None:
                raise InvalidInput(f"no user {p['owner']!r}", field="owner")
        to_team = Team.objects.filter(code=p.get("queue", "")).first() if p.get("queue") else None
        services.reallocate(case, actor=user, reason=p.get("reason", ""), to_user=to_user, to_team=to_team)
        return "Case reallocated"
    if action == "priority":
        services.set_priority(case, actor=user, reason=p.get("reason", ""), child=bool(p.get("child")),
                              vulnerable=bool(p.get("vulnerable")), high_profile=bool(p.get("high_profile")))
        return "Priority updated"
    if action == "request_evidence":
        services.request_evidence(case, items=p.get("items", ""), due_date=_date(p.get("due_date", ""), "due_date"),
                                  actor=user)
        return "Evidence requested; the service-standard clock is paused"
    if action == "record_evidence":
        rfi = RequestForEvidence.objects.filter(application=case, pk=p.get("rfi") or 0).first()
        if rfi is None:
            raise InvalidInput("choose the request this evidence answers", field="rfi")
        # The form shows the route's facts filled with the case's; what the caseworker changed is recorded.
        facts = facts_form.changes(_fact_fields(case.route), case.facts or {}, p)
        services.record_evidence(rfi, response=p.get("response", ""), facts=facts, files=_uploads(request, "files"),
                                 actor=user)
        return "Evidence recorded; the clock has restarted"
    if action == "identity":
        services.record_identity_check(case, mrz=p.get("mrz", ""), actor=user)
        return "Identity check recorded"
    if action == "watchlist":
        services.run_watchlist_check(case, actor=user)
        return "Watchlist screening recorded"
    if action == "history":
        services.run_history_check(case, actor=user)
        return "Immigration history check recorded"
    if action == "record_check":
        services.record_check(case, kind=p.get("kind", ""), result=p.get("result", ""), note=p.get("note", ""), actor=user)
        return "Check recorded"
    if action == "book_biometrics":
        services.book_biometrics(case, site_code=p.get("site", ""),
                                 slot_start=_datetime(p.get("slot_start", ""), "slot_start"), actor=user)
        return "Biometric enrolment appointment booked"
    if action == "biometrics_attended":
        appt = BiometricAppointment.objects.filter(application=case, pk=p.get("appointment") or 0).first()
        if appt is None:
            raise InvalidInput("no such appointment", field="appointment")
        services.record_biometrics(appt, attended=p.get("attended") == "yes", actor=user)
        return "Attendance recorded"
    if action == "schedule_interview":
        services.schedule_interview(case, when=_datetime(p.get("scheduled_for", ""), "scheduled_for"),
                                    location=p.get("location", ""), interpreter_language=p.get("interpreter_language", ""),
                                    actor=user)
        return "Interview scheduled"
    if action == "record_interview":
        interview = Interview.objects.filter(application=case, pk=p.get("interview") or 0).first()
        if interview is None:
            raise InvalidInput("no such interview", field="interview")
        services.record_interview(interview, record_text=p.get("record", ""), actor=user)
        return "Interview recorded"
    if action == "evaluate":
        ev = services.evaluate_case(case, actor=user)
        return f"Evaluated against the rules: {ev.outcome}"
    if action == "decide":
        d = services.propose_decision(case, outcome=p.get("outcome", ""), rationale=p.get("rationale", ""), actor=user)
        return ("Decision proposed for countersignature" if d.state == Decision.State.PROPOSED
                else f"Decision made: {d.get_outcome_display().lower()}")
    if action in ("countersign", "return"):
        d = services.countersign(case, actor=user, approve=action == "countersign", reason=p.get("reason", ""))
        return "Decision countersigned" if d.state == Decision.State.DECIDED else "Decision returned to the caseworker"
    raise InvalidInput("choose an action", field="action")


def _rows(case, name: str, qs) -> list:
    """``list(qs)``, or no query at all when get_case(presence=True) found the case has no such rows."""
    return list(qs) if getattr(case, f"has_{name}", True) else []


@requires("casework.view")
def case_page(request, reference: str):
    try:
        case = services.get_case(reference, user=request.user, presence=True)
    except NotFound:
        raise Http404 from None
    errors = []
    evidence_post = request.method == "POST" and request.POST.get("action") == "record_evidence"
    more = _more_rows(request, _fact_fields(case.route)) if evidence_post else {}
    if request.method == "POST" and not more:
        try:
            msg = _post_action(request, case)
            messages.success(request, msg)
            return redirect("casework:case", case.reference)
        except InvalidInput as exc:
            errors = _errors(exc)
            if evidence_post:
                errors = facts_form.label_errors(_fact_fields(case.route), errors)
        except (Conflict, NotAuthorised) as exc:
            errors = [{"field": "action", "message": str(exc)}]
        case = services.get_case(reference, user=request.user, view="casework.case.after_error", presence=True)
    # The page shows the tree, not the stored facts and text explanation.
    evaluation = services.latest_evaluation(case, defer=("facts", "explanation")) if case.has_evaluations else None
    # One query for the decisions list and the current decision.
    decisions = _rows(case, "decisions", case.decisions.select_related(*services.DECISION_PEOPLE))
    decision = services.current_of(decisions)
    rfis = _rows(case, "rfis", case.rfis.all())
    user = request.user
    moves = [{"name": m, "label": MOVE_LABELS[m]} for m in MANUAL_MOVES
             if case.status in MOVES[m].sources and can(user, MOVES[m].action)]
    checks = _rows(case, "checks", case.checks.all())
    open_rfis = [r for r in rfis if r.is_open]
    evidence_facts = []
    if open_rfis:
        # Record evidence: the route's facts as questions, filled with the case's (or, after a
        # refused post, with what was posted and the errors against each input).
        fields = _fact_fields(case.route)
        evidence_facts = facts_form.bind(fields, request.POST if evidence_post else facts_form.form_data(fields, case.facts or {}),
                                         errors if evidence_post else None, more)
    proposed = decision if decision and decision.state == Decision.State.PROPOSED else None
    ctx = {
        "case": case, "person": case.person, "errors": errors, "tags": STATUS_TAGS,
        "route_name": services.route_name(case.route),
        "facts": facts_form.summary(route_config()[case.route]["rules_route"], case.facts or {}),
        "checks": checks, "outstanding": [c for c in checks if c.mandatory and c.result != Check.Result.PASSED],
        "rfis": rfis, "open_rfis": open_rfis, "evidence_facts": evidence_facts, "evidence_post": evidence_post,
        "posted": request.POST if request.method == "POST" else {},
        "interviews": _rows(case, "interviews", case.interviews.select_related("interviewer")),
        "appointments": _rows(case, "appointments", case.appointments.select_related("site")),
        "sites": EnrolmentSite.objects.order_by("name"),
        "dependants": _rows(case, "dependants", case.dependants.select_related("person")),
        "fees": _rows(case, "fees", case.fees.all()),
        "evidence": _rows(case, "evidence", case.evidence.all()), "evaluation": evaluation,
        "nodes": evaluation.requirement_nodes() if evaluation else [],
        "rationale_why": (services.rationale_required(evaluation, "REFUSE") or services.rationale_required(evaluation, "GRANT"))
        if evaluation else [],
        "decision": decision, "proposed": proposed,
        "decisions": decisions,
        "timeline": services.timeline(case), "moves": moves, "today": dt.date.today(),
        "is_owner": case.owner_id == user.pk,
        "can_work": case.owner_id == user.pk or can(user, "casework.reallocate"),
        "can_reallocate": can(user, "casework.reallocate"), "can_priority": can(user, "casework.set_priority"),
        "can_countersign": bool(proposed) and proposed.proposed_by_id != user.pk
        and can(user, f"casework.countersign.{route_config()[case.route]['authority']}"),
        "teams": Team.objects.filter(function=Team.Function.CASEWORK).order_by("name"),
        "workable": case.status in ("received", "validated", "checks", "consideration"),
        "certificate": getattr(case, "certificate", None)
        if case.has_certificate and case.status in ("decided", "served", "closed") else None,
        "kinds": Check.Kind.choices,
        "panels": [html for html in (panel(request, case) for panel in case_panels) if html],
    }
    return render(request, "casework/case.html", ctx, status=400 if errors else 200)


def person_panel(request, person):
    if not can(request.user, "casework.view"):
        return ""
    apps = services.applications_of(person)
    if not apps:
        return ""
    rows = [(a, services.current_decision(a)) for a in apps]
    return render_to_string("casework/_person_panel.html", {"rows": rows, "tags": STATUS_TAGS,
                                                             "names": {k: v["name"] for k, v in route_config().items()}},
                            request=request)


urlpatterns = [
    path("", my_queue, name="my-queue"),
    path("take-next/", take_next, name="take-next"),
    path("queue/", team_queue, name="team-queue"),
    path("new/", intake, name="intake"),
    path("countersign/", countersign_queue, name="countersign-queue"),
    path("stuck/", stuck, name="stuck"),
    path("<str:reference>/", case_page, name="case"),
]
