"""Letter pages: preview (HTML and PDF) before issue, issue, record service; the person's own letters."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from portcullis.audit.services import log_access
from portcullis.errors import Conflict, InvalidInput
from portcullis.web.auth import requires
from portcullis.workforce.authority import can

from . import services
from .models import Letter
from .rendering import body_of

url_prefix = "letters/"


def _letter(pk: int) -> Letter:
    return get_object_or_404(Letter.objects.select_related("person", "template", "issued_by"), pk=pk)


def _page(request, letter, errors=None, status=200):
    return render(request, "correspondence/letter.html", {
        "letter": letter, "body": mark_safe(body_of(letter.html)), "errors": errors or [],
        "methods": Letter.ServiceMethod.choices, "today": timezone.localdate(),
        "can_issue": letter.state == Letter.State.DRAFT and can(request.user, "correspondence.issue"),
        "can_serve": letter.state != Letter.State.DRAFT and can(request.user, "correspondence.serve"),
        "deadlines": services.effective_deadlines(letter), "intact": services.verify(letter) if letter.pdf else None,
    }, status=status)


@requires("correspondence.view")
def letter_page(request, pk: int):
    letter = _letter(pk)
    log_access(request.user, letter.person, channel="web", view="correspondence.letter")
    return _page(request, letter)


def _pdf_response(letter: Letter, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = "" if letter.state != Letter.State.DRAFT else "-draft"
    response["Content-Disposition"] = f'inline; filename="letter-{letter.pk}-{letter.code}.{letter.language}{suffix}.pdf"'
    if letter.sha256:
        response["X-Content-SHA256"] = letter.sha256
    return response


@requires("correspondence.view")
def letter_pdf(request, pk: int):
    letter = _letter(pk)
    log_access(request.user, letter.person, channel="web", view="correspondence.letter_pdf")
    try:
        pdf = services.draft_pdf(letter)
    except InvalidInput as exc:
        return _page(request, letter, [e.as_dict() for e in exc.errors], status=400)
    return _pdf_response(letter, pdf)


@requires("correspondence.issue")
@require_POST
def issue(request, pk: int):
    letter = _letter(pk)
    try:
        services.issue_letter(letter, actor=request.user, service_method=request.POST.get("service_method") or None)
    except InvalidInput as exc:
        return _page(request, letter, [e.as_dict() for e in exc.errors], status=400)
    except Conflict as exc:
        return _page(request, letter, [{"field": "service_method", "message": str(exc)}], status=409)
    messages.success(request, "Letter issued. Its content can no longer change.")
    return redirect("correspondence:letter", pk)


@requires("correspondence.serve")
@require_POST
def serve(request, pk: int):
    letter = _letter(pk)
    errors = []
    parts = [request.POST.get(f"served_on-{p}", "").strip() for p in ("year", "month", "day")]
    try:
        served_on = dt.date(*map(int, parts))
    except ValueError:
        errors.append({"field": "served_on-day", "message": "Enter the date the letter was served, for example 2 3 2026"})
    if not errors:
        try:
            services.record_service(letter, served_on=served_on, method=request.POST.get("method", ""), actor=request.user)
            messages.success(request, "Service recorded. Deadlines now run from the served date.")
            return redirect("correspondence:letter", pk)
        except InvalidInput as exc:
            errors = [e.as_dict() for e in exc.errors]
        except Conflict as exc:
            errors = [{"field": "method", "message": str(exc)}]
    return _page(request, _letter(pk), errors, status=400)


def my_letter(request, pk: int):
    """A served letter, for the person it is addressed to (person account)."""
    from portcullis.status.web import person_only

    @person_only
    def view(request):
        letter = get_object_or_404(Letter, pk=pk, person=request.person_account.person, state=Letter.State.SERVED)
        return _pdf_response(letter, bytes(letter.pdf))

    return view(request)


def person_panel(request, person):
    if not can(request.user, "correspondence.view"):
        return ""
    letters = services.letters_for_person(person)
    if not letters:
        return ""
    return render_to_string("correspondence/_person_panel.html", {"letters": letters}, request=request)


urlpatterns = [
    path("<int:pk>/", letter_page, name="letter"),
    path("<int:pk>/pdf", letter_pdf, name="letter-pdf"),
    path("<int:pk>/issue/", issue, name="issue"),
    path("<int:pk>/serve/", serve, name="serve"),
    path("mine/<int:pk>/", my_letter, name="my-letter"),
]
