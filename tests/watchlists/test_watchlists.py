"""Watchlists held in the database, screened through the in-memory index, each screening recorded."""

from __future__ import annotations

import json

import pytest

from portcullis.audit.models import AuditEvent
from portcullis.errors import InvalidInput
from portcullis.people.services import DocumentInput, NameInput, PersonDetails, resolve_person
from portcullis.watchlists import services
from portcullis.watchlists.models import Entry, Screening, Watchlist
from portcullis.workforce.authority import SYSTEM

pytestmark = pytest.mark.django_db


def write_jsonl(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows))
    return path


WANTED = [
    {"id": "W1", "names": ["Мухаммед Аль-Хасан"], "birth_dates": ["1971"], "nationalities": ["JOR"], "gender": "M"},
    {"id": "W2", "names": ["Daniel Ortega"], "birth_dates": ["1945-11-11"], "nationalities": ["NIC"]},
    {"id": "W3", "names": ["Li Wei"], "birth_dates": ["1980-02-03"], "document_numbers": ["E12345678"]},
]


def test_import_is_audited_and_incremental(tmp_path):
    path = write_jsonl(tmp_path / "wanted.jsonl", WANTED)
    report = services.import_entries("wanted", path, actor=SYSTEM, default_action="arrest")
    assert (report.added, report.updated, report.unchanged) == (3, 0, 0)
    first_version = Watchlist.objects.get(code="wanted").version
    changed = [dict(WANTED[0], birth_dates=["1972"]), WANTED[1]]
    report = services.import_entries("wanted", write_jsonl(tmp_path / "w2.jsonl", changed), actor=SYSTEM)
    assert (report.added, report.updated, report.unchanged, report.removed) == (0, 1, 1, 0)
    assert Entry.objects.filter(removed_at__isnull=True).count() == 3
    report = services.import_entries("wanted", write_jsonl(tmp_path / "w3.jsonl", changed), actor=SYSTEM, replace=True)
    assert report.removed == 1
    assert Watchlist.objects.get(code="wanted").version != first_version
    assert AuditEvent.objects.filter(action="watchlist.imported").count() == 3


def test_malformed_rows_are_reported_by_line_and_the_rest_loaded(tmp_path):
    rows = [WANTED[0], "{not json", {"id": "X", "names": []}, {"id": "Y", "names": ["A B"], "birth_dates": ["19x0"]},
            WANTED[1]]
    report = services.import_entries("wanted", write_jsonl(tmp_path / "bad.jsonl", rows), actor=SYSTEM)
    assert report.added == 2
    assert sorted(e.line for e in report.errors) == [2, 3, 4]


def test_screening_finds_cross_script_and_records_list_versions(tmp_path, staff):
    services.import_entries("wanted", write_jsonl(tmp_path / "w.jsonl", WANTED), actor=SYSTEM, default_action="arrest")
    result = services.screen([{"names": ["Mohammed Al Hassan"], "birth_dates": ["1971-03-04"],
                               "nationalities": ["JOR"]}], actor=staff, purpose="test")[0]
    assert result.hit_count == 1
    hit = result.hits[0]
    assert hit["entry_id"] == "W1" and hit["action"] == "arrest" and hit["decision"]
    assert hit["text"]
    assert result.list_versions["wanted"] == services.current_index()[0].versions["wanted"]
    clean = services.screen([{"names": ["Daniel Ortiz"], "birth_dates": ["1990-01-01"]}], actor=staff, purpose="test")[0]
    assert clean.hit_count == 0


def test_index_follows_imports_without_a_restart(tmp_path, staff):
    services.import_entries("wanted", write_jsonl(tmp_path / "a.jsonl", WANTED[:1]), actor=SYSTEM)
    subject = {"names": ["Li Wei"], "birth_dates": ["1980-02-03"]}
    assert services.screen([subject], actor=staff, purpose="t")[0].hit_count == 0
    services.import_entries("wanted", write_jsonl(tmp_path / "b.jsonl", WANTED[2:]), actor=SYSTEM)
    assert services.screen([subject], actor=staff, purpose="t")[0].hit_count == 1
    services.import_entries("wanted", write_jsonl(tmp_path / "c.jsonl", WANTED[:1]), actor=SYSTEM, replace=True)
    assert services.screen([subject], actor=staff, purpose="t")[0].hit_count == 0


def test_per_list_threshold_applies(tmp_path, staff):
    services.import_entries("wanted", write_jsonl(tmp_path / "w.jsonl", WANTED), actor=SYSTEM)
    subject = {"names": ["Li Wai"], "birth_dates": ["1980"]}
    loose = services.screen([subject], actor=staff, purpose="t")[0]
    Watchlist.objects.filter(code="wanted").update(threshold=0.99)
    strict = services.screen([subject], actor=staff, purpose="t")[0]
    assert strict.hit_count <= loose.hit_count
    assert strict.hit_count == 0


def test_screening_a_person_goes_on_their_timeline(tmp_path, staff):
    services.import_entries("wanted", write_jsonl(tmp_path / "w.jsonl", WANTED), actor=SYSTEM)
    person = resolve_person(PersonDetails(names=[NameInput(full_name="李伟")], birth_date="1980-02-03",
                                          documents=[DocumentInput(number="E12345678", issuing_state="CHN")]),
                            actor=staff).person
    screening = services.screen_person(person, actor=staff, purpose="application")
    assert screening.hit_count == 1 and screening.person == person
    assert AuditEvent.objects.filter(action="screening.completed", person_id=person.pk).exists()


def test_bad_subject_names_the_field_and_stores_nothing(staff):
    with pytest.raises(InvalidInput) as exc:
        services.screen([{"names": ["A"]}, {"names": ["B"], "birth_dates": ["1980-13"]}], actor=staff, purpose="t")
    assert exc.value.errors[0].field == "subjects[1].birth_dates"
    assert Screening.objects.count() == 0


def test_api_screen_one_and_batch(api, tmp_path):
    services.import_entries("wanted", write_jsonl(tmp_path / "w.jsonl", WANTED), actor=SYSTEM)
    one = api.post("/api/v1/screening/screen", json.dumps({"names": ["Daniel Ortega"], "birth_dates": ["1945"]}))
    assert one.status_code == 200 and one.json()["hits"][0]["entry_id"] == "W2"
    batch = api.post("/api/v1/screening/batch", json.dumps({"subjects": [
        {"id": "p1", "names": ["Daniel Ortega"], "birth_dates": ["1945-11-11"]},
        {"id": "p2", "names": ["Someone Else"], "birth_dates": ["1999"]}]}))
    assert batch.status_code == 200
    assert [len([h for h in s["hits"] if h["decision"]]) for s in batch.json()] == [1, 0]
    bad = api.post("/api/v1/screening/batch", json.dumps({"subjects": [{"names": []}]}))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("subjects[0].names")
