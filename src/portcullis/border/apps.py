from django.apps import AppConfig


class BorderConfig(AppConfig):
    name = "portcullis.border"
    label = "border"
    verbose_name = "Border control"

    def ready(self) -> None:
        from portcullis.web.home import Tile, person_panels, register_tile

        from .web import person_panel

        register_tile(Tile("Primary control desk", "border:desk", "Scan a passport, see status, visas and hits, decide.",
                           "border.examine", ("border",)))
        register_tile(Tile("Arriving flights", "border:flights", "Pre-arrival passenger lists with every hit explained.",
                           "border.view_flights", ("border",)))
        register_tile(Tile("Referrals awaiting a decision", "border:referrals",
                           "Travellers referred to secondary examination and refusals awaiting countersignature.",
                           "border.examine", ("border", "enforcement")))
        register_tile(Tile("Overstay report", "border:overstayers", "People whose leave has expired with no departure.",
                           "border.overstay_report", ("border", "enforcement")))
        person_panels.append(person_panel)

        from django.apps import apps

        if apps.is_installed("portcullis.casework"):
            # Casework counts absences from the movements the border recorded.
            from portcullis.casework.signals import movement_sources

            from .services import movements_for

            if movements_for not in movement_sources:
                movement_sources.append(movements_for)
