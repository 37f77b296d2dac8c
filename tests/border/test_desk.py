"""The primary control desk: scan, see, decide within authority; refusals countersigned."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from portcullis.audit.models import AuditEvent
from portcullis.border import services
from portcullis.border.models import Examination, Movement
from portcullis.documents import generate_mrz
from portcullis.errors import InvalidInput
from portcullis.status.models import StatusRecord
from portcullis.watchlists import services as watchlists
from portcullis.workforce.authority import SYSTEM, NotAuthorised

pytestmark = pytest.mark.django_db
ERIKSSON = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


@pytest.fixture(autouse=True)
def fresh_index():
    watchlists.reset_index()
    yield
    watchlists.reset_index()


@pytest.fixture
def io(make_staff):
    return make_staff("IO", "lhr-border", "border")


@pytest.fixture
def cio(make_staff):
    return make_staff("CIO", "lhr-border", "border")


def passport(surname="Smith", given="Jane", nationality="USA", number="123456780", birth="1985-06-15"):
    return generate_mrz(format="TD3", document_code="P", issuing_state=nationality, surname=surname,
                        given_names=given, document_number=number, nationality=nationality, birth_date=birth,
                        sex="F", expiry_date=dt.date.today() + dt.timedelta(days=2000))


def wanted(tmp_path, **entry):
    path = tmp_path / "w.jsonl"
    path.write_text(json.dumps({"id": "W-1", **entry}) + "\n")
    watchlists.import_entries("wanted", path, actor=SYSTEM, default_action="arrest")


def test_specimen_passport_shows_hit_and_is_referred(io, tmp_path):
    wanted(tmp_path, names=["Anna Maria Eriksson"], birth_dates=["1974"])
    exam = services.examine(ERIKSSON, officer=io, port=io.staff.location)
    view = services.desk_view(exam)
    assert view.person.display_name.upper().startswith("ANNA MARIA")
    assert [h["entry_id"] for h in view.hits if h["decision"]] == ["W-1"]
    assert not view.egate.eligible and any("watchlist" in r for r in view.egate.reasons)
    with pytest.raises(InvalidInput):
        services.grant_visitor_leave(exam, officer=io)
    services.refer(exam, officer=io, reason="watchlist hit W-1")
    exam.refresh_from_db()
    assert exam.outcome == "referred"


def test_bad_mrz_names_line_and_position_and_stores_nothing(io):
    bad = ERIKSSON.replace("7408122", "7408123")
    with pytest.raises(InvalidInput) as exc:
        services.examine(bad, officer=io, port=io.staff.location)
    assert "line 2" in str(exc.value).lower()
    with pytest.raises(InvalidInput):
        services.examine("P<UTO\nshort", officer=io, port=io.staff.location)
    assert Examination.objects.count() == 0


def test_io_refusal_needs_cio_countersignature_with_removal_directions(io, cio, make_staff):
    exam = services.examine(passport(), officer=io, port=io.staff.location)
    services.refuse_entry(exam, officer=io, grounds=["not_genuine_visitor"], reason="no return ticket, inconsistent account")
    exam.refresh_from_db()
    assert exam.outcome == "refusal_proposed"
    with pytest.raises(InvalidInput) as exc:
        services.countersign_refusal(exam, officer=cio, removal={})
    assert {e.field for e in exc.value.errors} >= {"removal.service", "removal.departs_at"}
    with pytest.raises(NotAuthorised):
        services.countersign_refusal(exam, officer=make_staff("IO", "lhr-border", "border"),
                                     removal={"carrier_code": "BA", "service": "BA0117", "departs_at": "2026-12-01T18:00",
                                              "destination": "JFK"})
    services.countersign_refusal(exam, officer=cio, removal={"carrier_code": "BA", "service": "BA0117",
                                                             "departs_at": "2026-12-01T18:00", "destination": "JFK"})
    exam.refresh_from_db()
    assert exam.outcome == "refused" and exam.countersigned_by == cio
    assert exam.removal_directions.service == "BA0117"
    actions = list(AuditEvent.objects.filter(person_id=exam.person_id).values_list("action", flat=True))
    assert "border.refusal_proposed" in actions and "border.entry_refused" in actions


def test_aio_cannot_refuse(make_staff):
    aio = make_staff("AIO", "lhr-border", "border")
    exam = services.examine(passport(), officer=aio, port=aio.staff.location)
    with pytest.raises(NotAuthorised):
        services.refuse_entry(exam, officer=aio, grounds=["not_genuine_visitor"], reason="x")


def test_british_citizen_admitted_and_movement_recorded(io):
    exam = services.examine(passport(nationality="GBR", number="925076473"), officer=io, port=io.staff.location)
    services.admit(exam, basis="british_citizen", officer=io)
    assert Movement.objects.get(person=exam.person).direction == "in"


def test_admission_basis_must_be_shown_by_the_record(io):
    exam = services.examine(passport(), officer=io, port=io.staff.location)
    with pytest.raises(InvalidInput) as exc:
        services.admit(exam, basis="euss", officer=io)
    assert exc.value.errors[0].field == "basis"


def test_overstay_report_lists_expired_leave_without_departure(io):
    from portcullis.status.services import grant_status

    exam = services.examine(passport(), officer=io, port=io.staff.location)
    person = exam.person
    from django.db import transaction

    with transaction.atomic():
        grant_status(person, kind="visitor", start=dt.date(2025, 1, 1), expiry=dt.date(2025, 6, 30), actor=io,
                     reason="test", source="border", source_ref="t")
    rows = services.overstay_report(user=io, on=dt.date(2025, 8, 1))
    assert [r.person for r in rows] == [person] and rows[0].days_over == 32
    services.record_departure(person, officer=io, port="LHR", at=dt.datetime(2025, 7, 5, 10, tzinfo=dt.timezone.utc))
    assert services.overstay_report(user=io, on=dt.date(2025, 8, 1)) == []


def test_egate_rules():
    from portcullis.border.egate import egate_eligibility

    today = dt.date(2026, 6, 1)
    ok = egate_eligibility(nationality="USA", birth_date=dt.date(1990, 1, 1), document_code="P", biometric=True,
                           watchlist_hit=False, on=today)
    assert ok.eligible
    child = egate_eligibility(nationality="USA", birth_date=dt.date(2017, 1, 1), document_code="P", biometric=True,
                              watchlist_hit=False, on=today)
    assert not child.eligible and "minimum age of 10" in child.reasons[0]
    old_rules = egate_eligibility(nationality="USA", birth_date=dt.date(2010, 1, 1), document_code="P", biometric=True,
                                  watchlist_hit=False, accompanied=True, on=dt.date(2021, 6, 1))
    assert not old_rules.eligible  # aged 11: the minimum was 12 then
    assert not egate_eligibility(nationality="IND", birth_date=dt.date(1990, 1, 1), document_code="P", biometric=True,
                                 watchlist_hit=False, on=today).eligible


def test_visitor_leave_length_and_conditions_come_from_the_parameters(io):
    from portcullis.rules import parameter

    exam = services.examine(passport(), officer=io, port=io.staff.location)
    services.grant_visitor_leave(exam, officer=io)
    exam.refresh_from_db()
    leave = exam.status_record
    expected = parameter("visitor.leave", on=leave.start_date).value
    assert leave.kind == StatusRecord.Kind.VISITOR
    assert leave.conditions == expected["conditions"]
    months = int(expected["duration"][1:-1])
    assert (leave.expiry_date.year - leave.start_date.year) * 12 + leave.expiry_date.month - leave.start_date.month in (months, months - 1)
    assert Movement.objects.filter(person=exam.person, direction="in").count() == 1
