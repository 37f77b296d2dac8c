"""The one NinjaAPI instance.  Each context contributes a router from its own ``api`` module
(``router`` and ``prefix``); adding a context never touches this file."""

from __future__ import annotations

import importlib
import logging

from django.apps import apps
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from portcullis.errors import Conflict, InvalidInput, NotFound
from portcullis.workforce.authority import NotAuthorised

from .auth import AUTH
from .problems import field_from_loc, problem

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="Portcullis API",
    version="1",
    description="Immigration casework and border control. Errors are RFC 9457 problem+json naming the field.",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = []
    for err in exc.errors:
        loc = err.get("loc", ())
        errors.append({"field": field_from_loc(loc), "message": err.get("msg", "is not valid")})
    return problem(422, "Invalid input", "The request has fields that are not valid.", errors)


@api.exception_handler(InvalidInput)
def on_invalid_input(request, exc: InvalidInput):
    return problem(422, "Invalid input", str(exc), [e.as_dict() for e in exc.errors])


@api.exception_handler(NotAuthorised)
def on_not_authorised(request, exc: NotAuthorised):
    return problem(403, "Not authorised", str(exc), action=exc.action)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return problem(401, "Not signed in", "Send a bearer token, or sign in.")


@api.exception_handler(NotFound)
def on_not_found(request, exc: NotFound):
    return problem(404, "Not found", str(exc))


@api.exception_handler(Conflict)
def on_conflict(request, exc: Conflict):
    return problem(409, "Conflict", str(exc))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return problem(exc.status_code, "Error", str(exc))


@api.exception_handler(Exception)
def on_unexpected(request, exc: Exception):
    log.exception("unexpected API error")
    return problem(500, "Internal error", "Something went wrong; nothing was changed. The error has been logged.")


def _mount_context_routers() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("portcullis.") or config.name == "portcullis.api":
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.api":
                continue
            raise
        api.add_router(module.prefix, module.router)


_mount_context_routers()
