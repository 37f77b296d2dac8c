from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from portcullis.errors import InvalidInput, NotFound
from portcullis.people import services as people
from portcullis.workforce.authority import can

from .auth import requires
from .home import landing_for, tiles_for


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@require_http_methods(["GET", "POST"])
def sign_in(request):
    errors = []
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            login(request, user)
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists() or settings.PORTCULLIS_REQUIRE_SECOND_FACTOR:
                return redirect(f"/account/two-factor/?next={_safe_next(request)}")
            return redirect(_safe_next(request))
        for field, field_errors in form.errors.items():
            for message in field_errors:
                errors.append({"field": "username" if field == "__all__" else field, "message": message})
    return render(request, "web/sign_in.html", {"form": form, "errors": errors, "next": _safe_next(request),
                                                "timed_out": request.GET.get("timed_out")},
                  status=400 if errors else 200)


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("web:sign-in")


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Set up (first time) or use the TOTP second factor."""
    if not request.user.is_authenticated:
        return redirect("web:sign-in")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False)
    errors = []
    if request.method == "POST":
        token = "".join(request.POST.get("token", "").split())
        if not token.isdigit() or len(token) != 6:
            errors.append({"field": "token", "message": "Enter the 6-digit code from your authenticator app"})
        elif device.verify_token(token):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_safe_next(request))
        else:
            errors.append({"field": "token", "message": "The code is wrong or has expired"})
    context = {"errors": errors, "setting_up": setting_up, "next": _safe_next(request)}
    if setting_up:
        context["qr"] = _qr_data_uri(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "web/two_factor.html", context, status=400 if errors else 200)


def home(request):
    if request.user.is_authenticated:
        landing = landing_for(request.user)
        if landing:
            return redirect(landing)
    return _staff_home(request)


@requires("staff.view")
def _staff_home(request):
    return render(request, "web/home.html", {"tiles": tiles_for(request.user)})


@requires("person.search")
def people_search(request):
    query = {k: request.GET.get(k, "").strip() for k in ("name", "birth_date", "document_number")}
    results, errors, searched = [], [], any(query.values())
    if searched:
        try:
            results = people.search_people(user=request.user, **query)
        except InvalidInput as exc:
            errors = [e.as_dict() for e in exc.errors]
    return render(request, "web/people_search.html",
                  {"query": query, "results": results, "errors": errors, "searched": searched},
                  status=400 if errors else 200)


@requires("person.view")
def person_detail(request, reference: str):
    try:
        person = people.get_person(reference, user=request.user, channel="web", view="web.person")
    except NotFound:
        return render(request, "web/404.html", status=404)
    events = list(people.timeline(person)[:200])
    return render(request, "web/person.html", {
        "person": person, "events": events,
        "can_merge": can(request.user, "person.merge"),
        "sections": _person_sections(request, person),
    })


def _person_sections(request, person):
    """Panels other contexts add to the person page (status, applications, encounters)."""
    from .home import person_panels

    return [panel for panel in (p(request, person) for p in person_panels) if panel]


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def not_found(request, exception=None):
    return render(request, "web/404.html", status=404)


def server_error(request):
    return render(request, "web/500.html", status=500)


def forbidden(request, exception=None):
    return render(request, "web/403.html", {"reason": ""}, status=403)
