"""Status pages.

* ``/check/``: the public page where an employer or landlord enters a share code and a date of
  birth.  Every wrong answer looks the same; too many from one address get a 429.
* ``/my-status/``: the person's own page (a :class:`PersonAccount` sign-in): their status records,
  their share codes, and who checked them.
* ``/status/people/<reference>/account/``: staff create a person's sign-in.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from portcullis.errors import InvalidInput, NotFound
from portcullis.people import services as people
from portcullis.web.auth import requires
from portcullis.workforce.authority import can

from . import services
from .models import PersonAccount, ShareCode

url_prefix = ""

NO_MATCH = ("We could not show a status for these details. Check the share code and the date of birth, "
            "and try again. If they are right, ask the person for a new share code.")


def client_address(request) -> str:
    # Behind a reverse proxy, configure it to set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips);
    # X-Forwarded-For is not trusted here, as any client can send it.
    return request.META.get("REMOTE_ADDR", "")


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def check(request):
    form = {"organisation": request.POST.get("organisation", "").strip()[:200]}
    errors = []
    if request.method == "POST":
        try:
            result = services.check_share_code(
                request.POST.get("share_code", ""), birth_day=request.POST.get("birth_date-day", ""),
                birth_month=request.POST.get("birth_date-month", ""), birth_year=request.POST.get("birth_date-year", ""),
                organisation=form["organisation"], client=client_address(request))
        except InvalidInput as exc:
            errors = [e.as_dict() for e in exc.errors]
        else:
            if result.outcome == "throttled":
                return _no_store(render(request, "status/check_throttled.html", status=429))
            if result.outcome == "no_match":
                errors = [{"field": "share_code", "message": NO_MATCH}]
            else:
                return _no_store(render(request, "status/check_result.html", {
                    "result": result, "organisation": form["organisation"],
                    "purpose": dict(ShareCode.Purpose.choices).get(result.purpose, ""),
                    "today": timezone.localdate()}))
    return _no_store(render(request, "status/check.html", {"errors": errors, "form": form},
                            status=400 if errors else 200))


def person_only(view):
    """Signed in with a person account; staff and others get the 403 page."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        account = services.account_for(request.user)
        if account is None:
            return render(request, "web/403.html", {"reason": "This page is for people viewing their own status."},
                          status=403)
        request.person_account = account
        return view(request, *args, **kwargs)

    return wrapped


def person_landing(user) -> str | None:
    """A person signing in with their own account lands on their status page."""
    if PersonAccount.objects.filter(user=user).exists():
        return reverse("status:my-status")
    return None


@person_only
def my_status(request):
    person = request.person_account.person
    now = timezone.now()
    new_code = request.session.pop("new_share_code", None)
    codes = [{"code": c, "state": c.state(now)} for c in services.share_codes(person)]
    letters = []
    try:
        from portcullis.correspondence.services import letters_for_person

        letters = letters_for_person(person, served_only=True)
    except ImportError:
        pass
    return render(request, "status/my_status.html", {
        "person": person, "records": services.history(person), "codes": codes, "new_code": new_code,
        "checks": services.checks_of(person), "purposes": ShareCode.Purpose.choices, "errors": [],
        "in_force": {r.pk for r in services.status_on(person, timezone.localdate())}, "letters": letters,
    })


@person_only
@require_POST
def create_code(request):
    person = request.person_account.person
    try:
        share, code = services.create_share_code(person, purpose=request.POST.get("purpose", ""), actor=request.user)
    except InvalidInput as exc:
        messages.error(request, "; ".join(e.message for e in exc.errors))
        return redirect("status:my-status")
    request.session["new_share_code"] = {"code": services.format_share_code(code), "purpose": share.get_purpose_display(),
                                         "expires": share.expires_at.isoformat()}
    return redirect("status:my-status")


@person_only
@require_POST
def revoke_code(request, pk: int):
    share = get_object_or_404(ShareCode, pk=pk, person=request.person_account.person)
    services.revoke_share_code(share, actor=request.user)
    messages.success(request, f"Share code ending {share.hint} no longer works.")
    return redirect("status:my-status")


@requires("status.create_person_account")
@require_http_methods(["GET", "POST"])
def create_account(request, reference: str):
    try:
        person = people.get_person(reference, user=request.user, channel="web", view="status.create_account")
    except NotFound:
        return render(request, "web/404.html", status=404)
    errors, username = [], request.POST.get("username", "")
    if request.method == "POST":
        try:
            services.create_person_account(person, username=username, password=request.POST.get("password", ""),
                                           actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, f"Sign-in {username} created. Give the person the password by a secure route.")
            return redirect("web:person", person.reference)
        except InvalidInput as exc:
            errors = [e.as_dict() for e in exc.errors]
    return render(request, "status/create_account.html", {"person": person, "errors": errors, "username": username},
                  status=400 if errors else 200)


def person_panel(request, person):
    """Status history and share-code checks on the staff person page."""
    if not can(request.user, "status.view"):
        return ""
    return render_to_string("status/_person_panel.html", {
        "person": person, "records": services.history(person), "checks": services.checks_of(person)[:20],
        "accounts": list(person.accounts.select_related("user")),
        "can_create_account": can(request.user, "status.create_person_account"),
    }, request=request)


urlpatterns = [
    path("check/", check, name="check"),
    path("my-status/", my_status, name="my-status"),
    path("my-status/share-codes/", create_code, name="create-code"),
    path("my-status/share-codes/<int:pk>/revoke/", revoke_code, name="revoke-code"),
    path("status/people/<str:reference>/account/", create_account, name="create-account"),
]
