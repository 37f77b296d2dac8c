"""Status: each person's immigration status history, stored as records (never recomputed),
and the share codes people use to prove it."""
from django.apps import AppConfig


class StatusConfig(AppConfig):
    name = "portcullis.status"
    label = "status"
    verbose_name = "Immigration status"

    def ready(self) -> None:
        from portcullis.web.home import landing_pages, person_panels

        from .web import person_landing, person_panel

        person_panels.append(person_panel)
        landing_pages.append(person_landing)
