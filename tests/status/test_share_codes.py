"""View and prove: share codes, the public check, brute-force throttling, and who checked."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from portcullis.audit.models import AuditEvent
from portcullis.errors import InvalidInput
from portcullis.people.services import NameInput, PersonDetails, resolve_person
from portcullis.status import services
from portcullis.status.models import ShareCheck, ShareCode

pytestmark = pytest.mark.django_db
PASSWORD = "a long demo passphrase 42"


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def holder(staff):
    person = resolve_person(PersonDetails(names=[NameInput(full_name="Анна Петрова")], birth_date="1990-03-27"),
                            actor=staff, reason="test").person
    services.grant_status(person, kind="skilled_worker", start=dt.date(2025, 1, 6), expiry=dt.date(2030, 1, 5),
                          conditions=["work only for the sponsor", "no recourse to public funds"], actor=staff,
                          reason="granted", source="casework", source_ref="CASE-1")
    return person


def _check(client, code, day="27", month="3", year="1990", organisation="Acme Ltd", ip="203.0.113.9"):
    return client.post("/check/", {"share_code": code, "birth_date-day": day, "birth_date-month": month,
                                    "birth_date-year": year, "organisation": organisation}, REMOTE_ADDR=ip)


def _body(response) -> str:
    """The page without its per-request CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_share_code_is_nine_unambiguous_characters_stored_hashed_and_expires_in_90_days(holder, staff):
    share, code = services.create_share_code(holder, purpose="right_to_work", actor=staff)
    assert len(code) == 9 and code[0] == "W"
    assert not set(code) & set("0O1IL U")
    assert set(code) <= set(services.SHARE_CODE_ALPHABET)
    assert services.format_share_code(code) == f"{code[:3]} {code[3:6]} {code[6:]}"
    assert code not in ShareCode.objects.values_list("code_hash", flat=True)[0] and share.hint == code[-3:]
    assert (share.expires_at - share.created_at).days == 90
    assert AuditEvent.objects.filter(action="status.share_code_created", person_id=holder.pk).exists()
    with pytest.raises(InvalidInput) as exc:
        services.create_share_code(holder, purpose="dating", actor=staff)
    assert exc.value.errors[0].field == "purpose"


def test_employer_sees_name_status_conditions_expiry_and_a_reference(client, holder, staff):
    _share, code = services.create_share_code(holder, purpose="right_to_work", actor=staff)
    response = _check(client, services.format_share_code(code).lower())  # spaces and case do not matter
    assert response.status_code == 200
    html = response.content.decode()
    for expected in ("Анна Петрова", "Anna Petrova", "Skilled Worker leave", "work only for the sponsor",
                     "5 January 2030", "Prove your right to work"):
        assert expected in html, expected
    check = ShareCheck.objects.get()
    assert check.reference in html and check.outcome == "shown" and check.organisation == "Acme Ltd"
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="status.share_check")
    assert event.person_id == holder.pk and event.payload["outcome"] == "shown"


def test_wrong_code_wrong_birth_date_expired_and_revoked_all_look_the_same(client, holder, staff):
    _share, code = services.create_share_code(holder, purpose="right_to_rent", actor=staff)
    revoked, revoked_code = services.create_share_code(holder, purpose="other", actor=staff)
    services.revoke_share_code(revoked, actor=staff)
    expired, expired_code = services.create_share_code(holder, purpose="other", actor=staff)
    ShareCode.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    unknown = "R" + ("3" if code[1] != "3" else "4") + code[2:]
    responses = [_check(client, unknown), _check(client, code, day="28"), _check(client, revoked_code),
                 _check(client, expired_code)]
    assert {r.status_code for r in responses} == {400}
    bodies = {_body(r) for r in responses}
    assert len(bodies) == 1
    assert "Анна" not in bodies.pop()
    assert list(ShareCheck.objects.order_by("id").values_list("outcome", flat=True)) == [
        "unknown_code", "wrong_birth_date", "not_usable", "not_usable"]
    assert AuditEvent.objects.filter(action="status.share_check").count() == 4
    # the unknown code belongs to nobody; the others are on the person's record so they can see them
    assert list(AuditEvent.objects.filter(action="status.share_check").order_by("seq")
                .values_list("person_id", flat=True)) == [None, holder.pk, holder.pk, holder.pk]


def test_code_locks_after_five_wrong_birth_dates(client, holder, staff):
    share, code = services.create_share_code(holder, purpose="right_to_work", actor=staff)
    for day in range(1, 6):
        assert _check(client, code, day=str(day), ip=f"198.51.100.{day}").status_code == 400
    share.refresh_from_db()
    assert share.locked_at is not None and share.failed_attempts == 5
    # now even the right date of birth gets the generic answer; the person sees the code is locked
    assert _check(client, code, ip="198.51.100.77").status_code == 400
    assert ShareCheck.objects.filter(person=holder).count() == 6


def test_thousand_wrong_guesses_from_one_client_are_throttled_audited_and_reveal_nothing(client, holder, staff):
    _share, code = services.create_share_code(holder, purpose="right_to_work", actor=staff)
    before = AuditEvent.objects.count()
    statuses, bodies = [], {400: set(), 429: set()}
    alphabet = services.SHARE_CODE_ALPHABET
    for i in range(1000):
        if i % 3 == 0:  # the real code with a wrong date of birth
            guess, day = code, str(1 + i % 26)
        else:  # a made-up code
            guess = "W" + "".join(alphabet[(i * 7 + k * 13) % len(alphabet)] for k in range(8))
            day = "27"
        response = _check(client, guess, day=day, ip="192.0.2.66")
        statuses.append(response.status_code)
        bodies.setdefault(response.status_code, set()).add(_body(response))
    limit = services.CLIENT_FAILURE_LIMIT
    assert statuses[:limit] == [400] * limit
    assert statuses[limit:] == [429] * (1000 - limit)
    assert len(bodies[400]) == 1 and len(bodies[429]) == 1
    assert "Анна" not in bodies[400].pop() + bodies[429].pop()
    # the right code and date of birth from the throttled client is refused the same way
    throttled = _check(client, code, ip="192.0.2.66")
    assert throttled.status_code == 429 and "Анна" not in throttled.content.decode()
    # every attempt is audited, and is a ShareCheck
    assert AuditEvent.objects.filter(action="status.share_check").count() == 1001
    assert AuditEvent.objects.count() - before == 1001
    assert ShareCheck.objects.filter(outcome="throttled").count() == 1000 - limit + 1
    # the person can see the attempts made with their code before the throttle stopped them
    assert ShareCheck.objects.filter(person=holder, outcome="wrong_birth_date").count() == 4
    # the code is not yet locked (4 < 5 wrong dates), so a real employer elsewhere is not affected
    assert _check(client, code, ip="203.0.113.200").status_code == 200


def test_incomplete_details_name_the_field_and_write_nothing(client, holder):
    before = (AuditEvent.objects.count(), ShareCheck.objects.count())
    response = _check(client, "W12", day="31", month="2", organisation="")
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("share_code", "birth_date-day", "organisation"):
        assert f'data-field="{field}"' in html, field
    assert (AuditEvent.objects.count(), ShareCheck.objects.count()) == before


def test_check_page_is_public_and_my_status_needs_a_person_sign_in(staff_client):
    assert Client().get("/check/").status_code == 200
    response = Client().get("/my-status/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    assert staff_client.get("/my-status/").status_code == 403


def test_person_sees_status_codes_and_who_checked(client, holder, staff):
    account = services.create_person_account(holder, username="anna.petrova", password=PASSWORD, actor=staff)
    _share, code = services.create_share_code(holder, purpose="right_to_rent", actor=account.user)
    _check(Client(), code, organisation="Lettings R Us")
    _check(Client(), code, day="1", organisation="Mallory Lettings")
    person_client = Client()
    person_client.force_login(account.user)
    html = person_client.get("/my-status/").content.decode()
    assert "Skilled Worker leave" in html and "In force" in html
    assert "Lettings R Us" in html and "Status shown" in html
    assert "Mallory Lettings" in html and "Wrong date of birth" in html
    assert f"…{code[-3:]}" in html
    # a person account is not staff: the staff pages refuse it
    assert person_client.get("/people/").status_code == 403


def test_person_creates_and_stops_a_code_on_the_web(holder, staff):
    account = services.create_person_account(holder, username="anna.p", password=PASSWORD, actor=staff)
    c = Client()
    c.force_login(account.user)
    response = c.post("/my-status/share-codes/", {"purpose": "right_to_work"}, follow=True)
    shown = re.search(r'data-testid="share-code">([^<]+)<', response.content.decode()).group(1)
    assert re.fullmatch(r"W[A-Z0-9]{2} [A-Z0-9]{3} [A-Z0-9]{3}", shown)
    assert _check(Client(), shown).status_code == 200
    share = ShareCode.objects.get(person=holder)
    c.post(f"/my-status/share-codes/{share.pk}/revoke/")
    assert _check(Client(), shown).status_code == 400
    # nobody else's code can be stopped
    other = resolve_person(PersonDetails(names=[NameInput(full_name="Other Person")], birth_date="1980"),
                           actor=staff, reason="t").person
    theirs, _ = services.create_share_code(other, purpose="other", actor=staff)
    assert c.post(f"/my-status/share-codes/{theirs.pk}/revoke/").status_code == 404


def test_person_account_bad_input_names_the_field(holder, staff):
    with pytest.raises(InvalidInput) as exc:
        services.create_person_account(holder, username="", password="short", actor=staff)
    assert {e.field for e in exc.value.errors} == {"username", "password"}


def test_curtailment_and_revocation_are_records_not_recomputation(holder, staff):
    rec = services.history(holder)[0]
    assert services.status_on(holder, dt.date(2026, 6, 1)) == [rec]
    with pytest.raises(InvalidInput) as exc:
        services.curtail_status(rec, on=dt.date(2020, 1, 1), reason="", actor=staff)
    assert {e.field for e in exc.value.errors} == {"on", "reason"}
    services.curtail_status(rec, on=dt.date(2026, 3, 1), reason="sponsor licence revoked", actor=staff)
    assert services.status_on(holder, dt.date(2026, 2, 28)) == [rec]
    assert services.status_on(holder, dt.date(2026, 3, 1)) == []
    assert AuditEvent.objects.filter(action="status.curtailed", person_id=holder.pk).exists()
    with pytest.raises(InvalidInput):
        services.revoke_status(rec, on=dt.date(2026, 4, 1), reason="again", actor=staff)
    ilr = services.grant_status(holder, kind="ilr", start=dt.date(2026, 5, 1), expiry=None, actor=staff, reason="ILR",
                                source="casework", source_ref="CASE-2")
    services.revoke_status(ilr, on=dt.date(2027, 1, 1), reason="obtained by deception", actor=staff)
    assert [r.state for r in services.history(holder)] == ["revoked", "curtailed"]


def test_a_person_signing_in_lands_on_their_own_status_page(holder, staff):
    account = services.create_person_account(holder, username="anna.signs.in", password=PASSWORD, actor=staff)
    c = Client()
    response = c.post("/sign-in/", {"username": "anna.signs.in", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/my-status/"
    assert "Skilled Worker leave" in response.content.decode()
    # staff still land on the staff home page
    staff_client = Client()
    staff_client.force_login(staff)
    assert staff_client.get("/").status_code == 200
    assert account.person == holder
