from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "portcullis.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from portcullis.web.home import Tile, person_panels, register_tile

        from .web import person_panel

        register_tile(Tile("My cases", "casework:my-queue", "The applications you own, oldest clock first.",
                           "casework.view", ("casework",)))
        register_tile(Tile("Team queue", "casework:team-queue",
                           "Every open application in your team's queue: filter, take the next case, reallocate.",
                           "casework.view", ("casework",)))
        register_tile(Tile("New application", "casework:intake", "Record an application received on paper.",
                           "casework.intake", ("casework", "admin")))
        register_tile(Tile("Awaiting countersignature", "casework:countersign-queue",
                           "Decisions proposed by other officers that need your second pair of eyes.",
                           "casework.countersign", ("casework",)))
        register_tile(Tile("Stuck cases", "casework:stuck", "Cases with no transition for 10 days or more.",
                           "casework.reports", ("casework",)))
        person_panels.append(person_panel)
