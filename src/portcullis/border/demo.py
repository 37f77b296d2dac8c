"""Demo border data: a carrier, and tomorrow's flight with its passenger list screened."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from portcullis.workforce.authority import SYSTEM

from .paxlst_writer import generate_manifest, write_paxlst
from .services import receive_passenger_list, register_carrier


def build(*, rng, actor) -> None:
    carrier, _token = register_carrier("PC", "Portcullis Air (demo)", actor=SYSTEM)
    departure = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(9, 30))
    legs, persons = generate_manifest(120, crew=8, seed=rng.randrange(10_000), departure=departure)
    body = write_paxlst(legs, persons, sender="PC", recipient="PORTCULLIS", control_ref="1",
                        prepared_at=departure - dt.timedelta(hours=2))
    receive_passenger_list(body, carrier=carrier, actor=carrier.principal())
