"""Border pages: the primary control desk, an examination, referrals, arriving flights, overstayers."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone

from portcullis.errors import Conflict, InvalidInput
from portcullis.web.auth import requires
from portcullis.workforce.authority import can

from . import services
from .models import Examination, ExpectedTraveller, Flight, Movement

url_prefix = "border/"


def _port(user):
    return user.staff.location


# Other contexts add sections to the examination page (correspondence: the notices served): fn(request, exam) -> html.
examination_panels: list = []

@requires("border.examine")
def desk(request):
    errors, mrz = [], ""
    if request.method == "POST":
        mrz = request.POST.get("mrz", "")
        try:
            exam = services.examine(mrz, officer=request.user, port=_port(request.user))
            return redirect("border:examination", exam.pk)
        except InvalidInput as exc:
            errors = [e.as_dict() for e in exc.errors]
    return render(request, "border/desk.html", {"errors": errors, "mrz": mrz}, status=400 if errors else 200)


@requires("border.examine")
def examination(request, pk: int):
    exam = get_object_or_404(Examination.objects.select_related("person", "port", "officer"), pk=pk)
    from portcullis.audit.services import log_access

    log_access(request.user, exam.person, channel="web", view="border.examination")
    view = services.desk_view(exam)
    errors = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        reason = request.POST.get("reason", "")
        removal = {k: request.POST.get(f"removal_{k}", "").strip()
                   for k in ("carrier_code", "service", "departs_at", "destination")}
        try:
            if action == "admit":
                services.admit(exam, basis=request.POST.get("basis", ""), officer=request.user, reason=reason)
                messages.success(request, "Admitted")
            elif action == "grant_visitor":
                services.grant_visitor_leave(exam, officer=request.user, reason=reason)
                messages.success(request, "Leave to enter granted as a visitor")
            elif action == "refer":
                services.refer(exam, officer=request.user, reason=reason)
                messages.success(request, "Referred to secondary examination")
            elif action == "interview":
                services.record_interview(exam, officer=request.user, interview_record=request.POST.get("interview_record", ""),
                                          outcome=request.POST.get("interview_outcome", ""))
                messages.success(request, "Interview recorded")
            elif action == "refuse":
                services.refuse_entry(exam, officer=request.user, grounds=request.POST.getlist("grounds"),
                                      reason=reason, removal=removal)
                messages.success(request, "Refusal recorded")
            elif action == "countersign":
                services.countersign_refusal(exam, officer=request.user, removal=removal)
                messages.success(request, "Refusal countersigned and removal directions set")
            else:
                raise InvalidInput("choose a decision", field="action")
            return redirect("border:examination", exam.pk)
        except InvalidInput as exc:
            errors = [e.as_dict() for e in exc.errors]
        except Conflict as exc:
            errors = [{"field": "action", "message": str(exc)}]
        view = services.desk_view(Examination.objects.get(pk=exam.pk))
    return render(request, "border/examination.html", {
        "view": view, "exam": view.examination, "errors": errors, "grounds": services.REFUSAL_GROUNDS,
        "bases": services.ADMISSION_BASES, "can_refuse": can(request.user, "border.refuse_entry"),
        "can_countersign": can(request.user, "border.countersign_refusal"),
        "panels": [html for html in (panel(request, view.examination) for panel in examination_panels) if html],
    }, status=400 if errors else 200)


@requires("border.examine")
def referrals(request):
    open_ = Examination.objects.filter(outcome__in=[Examination.Outcome.REFERRED, Examination.Outcome.REFUSAL_PROPOSED])
    return render(request, "border/referrals.html",
                  {"examinations": open_.select_related("person", "port", "officer").order_by("started_at")})


@requires("border.view_flights")
def flights(request):
    today = timezone.localdate()
    qs = Flight.objects.filter(arrival_time__date__gte=today - timezone.timedelta(days=2)).select_related("passenger_list")
    return render(request, "border/flights.html", {"flights": qs[:200]})


@requires("border.view_flights")
def flight(request, pk: int):
    flight = get_object_or_404(Flight, pk=pk)
    travellers = (ExpectedTraveller.objects.filter(flight=flight).select_related("person", "screening")
                  .prefetch_related("person__names"))
    return render(request, "border/flight.html", {"flight": flight, "travellers": travellers})


@requires("border.overstay_report")
def overstayers(request):
    return render(request, "border/overstayers.html", {"rows": services.overstay_report(user=request.user)})


def person_panel(request, person):
    if not can(request.user, "border.examine") and not can(request.user, "border.overstay_report"):
        return ""
    exams = Examination.objects.filter(person=person).select_related("port")[:20]
    moves = Movement.objects.filter(person=person).order_by("-at")[:20]
    if not exams and not moves:
        return ""
    return render_to_string("border/_person_panel.html", {"exams": exams, "moves": moves}, request=request)


urlpatterns = [
    path("desk/", desk, name="desk"),
    path("examinations/<int:pk>/", examination, name="examination"),
    path("referrals/", referrals, name="referrals"),
    path("flights/", flights, name="flights"),
    path("flights/<int:pk>/", flight, name="flight"),
    path("overstayers/", overstayers, name="overstayers"),
]
