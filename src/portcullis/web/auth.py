"""Web-side use of the one authorisation function."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from portcullis.workforce.authority import NotAuthorised, authorise


def requires(action: str):
    """Signed in, and allowed ``action`` by the delegated-authority matrix (or a 403 page)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                authorise(request.user, action, countersign_ok=True)
            except NotAuthorised as exc:
                return render(request, "web/403.html", {"reason": str(exc)}, status=403)
            return view(request, *args, **kwargs)

        wrapped.portcullis_action = action
        return wrapped

    return decorator


class StaffBackend(ModelBackend):
    """The model backend, reading a signed-in user with their staff profile and its team.

    Every page shows the officer's grade and team and every authorisation reads the grade, so
    loading them with the user saves two queries on each request."""

    def get_user(self, user_id):
        UserModel = get_user_model()
        try:
            user = UserModel._default_manager.select_related("staff", "staff__team").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
