"""Demo status: grants, ILR, EU settled status and citizenship for some demo people, one curtailment,
and one person sign-in ("view and prove") with a share code an employer can try on /check/.

The person's login is written to ``<data>/demo-person-logins.txt`` (mode 600), one line
``username<TAB>password<TAB>PERSON<TAB>name (reference); share code ...; date of birth ...``."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from django.conf import settings
from django.db.models import Count

from portcullis.people.models import Person

from . import services

GRANTS = [
    ("skilled_worker", 3 * 365, ["work only for the sponsor named on the certificate of sponsorship",
                                  "no recourse to public funds"]),
    ("ilr", None, []),
    ("euss_settled", None, []),
    ("euss_pre_settled", 5 * 365, []),
    ("leave_to_remain", 30 * 30, ["no recourse to public funds"]),
    ("british_citizen", None, []),
]


def build(*, rng, actor) -> None:
    today = dt.date.today()
    people = list(Person.objects.filter(state="active", birth_day__isnull=False)
                  .annotate(n=Count("status_records")).filter(n=0).order_by("id")[:60])
    granted = []
    for i, person in enumerate(people[:48]):
        kind, days, conditions = GRANTS[i % len(GRANTS)]
        start = today - dt.timedelta(days=rng.randrange(30, 900))
        rec = services.grant_status(person, kind=kind, start=start,
                                    expiry=start + dt.timedelta(days=days) if days else None,
                                    conditions=conditions, actor=actor, reason="demo data", source="legacy",
                                    source_ref=f"DEMO-{i:04d}")
        granted.append((person, rec))
    if len(granted) > 4:
        _person, rec = granted[4]
        services.curtail_status(rec, on=today - dt.timedelta(days=10), reason="demo: sponsor licence revoked",
                                actor=actor)
    if not granted:
        return
    person, _rec = granted[0]
    password = secrets.token_urlsafe(12)
    username = "person.demo"
    from django.contrib.auth import get_user_model

    existing = get_user_model().objects.filter(username=username).first()
    if existing is None:
        services.create_person_account(person, username=username, password=password, actor=actor,
                                       reason="demo data")
        person_for_login = person
    else:
        existing.set_password(password)
        existing.save(update_fields=["password"])
        person_for_login = existing.person_account.person
    _share, code = services.create_share_code(person_for_login, purpose="right_to_work", actor=actor)
    try:
        from portcullis.correspondence.demo import letters_for
    except ImportError:
        letters_for = None
    if letters_for is not None and not person_for_login.letters.exists():
        letters_for(person_for_login, actor=actor)
    path = Path(settings.DATA_DIR) / "demo-person-logins.txt"
    path.write_text(f"{username}\t{password}\tPERSON\t{person_for_login.display_name} ({person_for_login.reference}); "
                    f"share code {services.format_share_code(code)}; date of birth {person_for_login.birth_date_text}\n")
    path.chmod(0o600)
