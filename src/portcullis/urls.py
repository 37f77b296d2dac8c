"""URL map.  Each context with pages has a ``web`` module with ``urlpatterns`` and ``url_prefix``;
it is mounted here without this file naming it."""

import importlib

from django.apps import apps
from django.urls import include, path

from portcullis.api.main import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("portcullis.web.urls")),
]

for config in apps.get_app_configs():
    if not config.name.startswith("portcullis.") or config.name in ("portcullis.web", "portcullis.api"):
        continue
    try:
        module = importlib.import_module(f"{config.name}.web")
    except ModuleNotFoundError as exc:
        if exc.name == f"{config.name}.web":
            continue
        raise
    urlpatterns.append(path(module.url_prefix, include((module.urlpatterns, config.label))))

handler403 = "portcullis.web.views.forbidden"
handler404 = "portcullis.web.views.not_found"
handler500 = "portcullis.web.views.server_error"
