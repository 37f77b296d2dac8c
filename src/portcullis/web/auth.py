"""Web-side use of the one authorisation function."""

from __future__ import annotations

from functools import wraps

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
