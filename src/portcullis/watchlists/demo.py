"""Demo watchlists: a few demo persons are listed (some under other spellings), so hits show up."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from portcullis.people.models import Person
from portcullis.workforce.authority import SYSTEM

from .models import Watchlist
from .services import import_entries


def build(*, rng, actor) -> None:
    Watchlist.objects.get_or_create(code="wanted", defaults={
        "name": "Wanted persons (demo)", "default_action": "arrest", "threshold": 0.8})
    Watchlist.objects.get_or_create(code="deportation-orders", defaults={
        "name": "Deportation orders and re-entry bans (demo)", "default_action": "refuse_entry", "threshold": 0.8})
    people = list(Person.objects.prefetch_related("names", "nationalities", "identifiers").order_by("id")[:2000])
    chosen = rng.sample(people, min(40, len(people)))
    rows = {"wanted": [], "deportation-orders": []}
    for i, person in enumerate(chosen):
        code = "wanted" if i % 2 else "deportation-orders"
        name = person.primary_name
        rows[code].append({
            "id": f"{code[:3].upper()}-{i:04d}",
            # Listed by the Latin spelling: the screening engine must find the native-script record.
            "names": [name.latin if i % 3 else name.full_name],
            "birth_dates": [person.birth_date_text[:4] if i % 4 == 0 else person.birth_date_text],
            "nationalities": [n.code for n in person.nationalities.all()],
            "gender": person.sex,
            "document_numbers": [],
        })
    with tempfile.TemporaryDirectory() as tmp:
        for code, entries in rows.items():
            path = Path(tmp) / f"{code}.jsonl"
            path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries))
            import_entries(code, path, actor=SYSTEM, replace=True)
