"""What casework tells other contexts, sent inside the transaction of the change it reports.

Receivers (correspondence prepares the letters) run in that transaction too, so a letter and the
decision it reports commit or roll back together.  ``movement_sources`` is the other direction:
contexts that hold a person's recorded movements (border) register a function returning them as
the rules engine takes them, and casework uses it when a case's facts say
``trips_source: movements``.
"""

from __future__ import annotations

from typing import Callable

from django.dispatch import Signal

decision_taken = Signal()  # sender=Application; case, decision, actor
evidence_requested = Signal()  # sender=Application; case, rfi, actor
interview_scheduled = Signal()  # sender=Application; case, interview, actor

movement_sources: list[Callable] = []  # fn(person) -> list[{"direction", "date", "port"}]


def recorded_movements(person) -> list[dict] | None:
    """The person's movements from every registered source, in date order; None when no context records them."""
    if not movement_sources:
        return None
    out: list[dict] = []
    for source in movement_sources:
        out.extend(source(person))
    return sorted(out, key=lambda m: (m["date"], m["direction"] == "in"))
