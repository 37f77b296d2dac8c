"""Demo casework: enrolment sites and applications waiting in each casework team's queue."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.utils import timezone

from portcullis.people.models import Person

from . import services
from .models import EnrolmentSite

EXAMPLES = Path(__file__).resolve().parents[1] / "rules" / "examples"
PLAN = [  # route, team, how many
    ("visitor", "shf-visas", 8), ("skilled_worker", "shf-visas", 4), ("naturalisation_6_1", "cro-nationality", 4),
    ("eu_settlement", "cro-nationality", 4), ("jersey_work_permit", "jsy-casework", 3),
]


# Example dates that are set relative to the application (a CoS is assigned within three months
# before it) and so move with the demo application's date; others (arrival in the UK, residence
# that began before 31 December 2020) are tied to fixed dates in the rules and stay as they are.
RELATIVE_DATES = {"skilled_worker": ("cos_assigned_date", "cos_end_date")}


def _facts(route: str, rng, application_date: dt.date) -> dict:
    """The route's example facts for an application made on ``application_date``.  The application
    date, the date of birth and the decision date are left out: casework takes them from the records."""
    facts = json.loads((EXAMPLES / f"{route}.json").read_text())["facts"]
    example_date = facts.get("application_date")
    for name in RELATIVE_DATES.get(route, ()):
        moved = dt.date.fromisoformat(facts[name]) + (application_date - dt.date.fromisoformat(example_date))
        facts[name] = moved.isoformat()
    for name in ("application_date", "date_of_birth", "decision_date"):
        facts.pop(name, None)
    if route == "visitor":
        facts["arrival_date"] = (timezone.localdate() + dt.timedelta(days=rng.randint(20, 60))).isoformat()
        if rng.random() < 0.4:
            facts.pop("sufficient_funds", None)  # a REFER to work on
    return facts


def _is_child(person: Person, on: dt.date) -> bool:
    if not person.birth_year:
        return False
    born = dt.date(person.birth_year, person.birth_month or 12, person.birth_day or 28)
    return (on.year - born.year - ((on.month, on.day) < (born.month, born.day))) < 18


def build(*, rng, actor) -> None:
    for code, name, cap in [("shf", "Sheffield enrolment centre", 4), ("cro", "Croydon enrolment centre", 6),
                            ("jsy", "Jersey, Maritime House", 2)]:
        EnrolmentSite.objects.get_or_create(code=code, defaults={"name": name, "capacity_per_slot": cap})
    people = list(Person.objects.filter(state=Person.State.ACTIVE).order_by("id")[:200])
    if not people:
        return
    from portcullis.workforce.models import StaffProfile

    # Applications are received by casework support staff, not by whoever built the demo.
    clerk = StaffProfile.objects.filter(grade="AA", team__function="casework").select_related("user").first()
    actor = clerk.user if clerk else actor
    today = timezone.localdate()
    for route, team, n in PLAN:
        for _ in range(n):
            person = rng.choice(people)
            applied = today - dt.timedelta(days=rng.randint(0, 40))
            services.submit_application(services.ApplicationInput(
                route=route, facts=_facts(route, rng, applied), applicant_reference=person.reference,
                application_date=applied, queue=team,
                fee=services.FeeInput(amount="0.00", state="waived", payment_reference="DEMO"),
                child=_is_child(person, applied), vulnerable=rng.random() < 0.1, channel="demo"), actor=actor)
