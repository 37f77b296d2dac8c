"""Demo letters: for the demo person with a sign-in, a served grant letter in English and Welsh, and a
draft request for information waiting for preview and issue."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from portcullis.status.models import PersonAccount

from . import services


def build(*, rng, actor) -> None:
    services.sync_templates()
    account = PersonAccount.objects.select_related("person").order_by("id").first()
    if account is not None and not account.person.letters.exists():
        letters_for(account.person, actor=actor)


def letters_for(person, *, actor) -> None:
    """Called by the status demo once the demo person has a sign-in (contexts' demos run in app order)."""
    record = person.status_records.order_by("start_date").first()
    name = person.primary_name
    base = {"case_reference": f"DEMO-{person.pk:06d}", "route_name": "Skilled Worker",
            "decided_on": record.start_date if record else timezone.localdate(), "decided_by": actor.get_full_name(),
            "person": {"reference": person.reference, "name": name.full_name, "latin": name.latin,
                       "birth_date": person.birth_date_text}}
    if record:
        for language in ("en", "cy"):
            ctx = dict(base, leave={"kind": record.kind, "start": record.start_date, "expiry": record.expiry_date,
                                    "conditions": record.conditions})
            letter = services.prepare_letter(person, "grant", ctx, language=language, actor=actor, related=base["case_reference"])
            letter = services.issue_letter(letter, actor=actor, service_method="online")
            services.record_service(letter, served_on=timezone.localdate(), method="online", actor=actor)
    rfi = dict(base, rfi={"items": ["Payslips for the last three months", "Your current tenancy agreement"],
                          "respond_by": timezone.localdate() + dt.timedelta(days=14)})
    services.prepare_letter(person, "rfi", rfi, actor=actor, related=base["case_reference"])
