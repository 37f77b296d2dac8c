"""Correspondence: versioned letter templates (English and Welsh), PDF rendering that shows names in
any script, a preview before issue, issued letters kept immutably with their hash, and the served
date from which challenge deadlines run."""
from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "portcullis.correspondence"
    label = "correspondence"
    verbose_name = "Correspondence"

    def ready(self) -> None:
        from portcullis.web.home import person_panels

        from .web import person_panel

        person_panels.append(person_panel)

        from . import links

        links.connect()
