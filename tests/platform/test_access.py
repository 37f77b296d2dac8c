"""Every page and API route refuses anonymous requests; bad input names the field and writes nothing."""

from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from portcullis.audit.models import AuditEvent
from portcullis.people.models import Person

pytestmark = pytest.mark.django_db

# Pages a person must reach without signing in.
PUBLIC = {"sign-in/", "account/two-factor/", "healthz", "api/v1/openapi.json", "api/v1/docs"}
PUBLIC_PREFIXES = ("static/", "check/")  # share-code checks are public by design (status context)


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _concrete(route: str) -> str:
    import re

    route = route.lstrip("^/").rstrip("$")
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<[^>]+>", "PCLX", route)
    return "/" + route.replace("\\Z", "")


def all_routes():
    return sorted({_concrete(r) for r, _ in _walk(get_resolver().url_patterns)})


def test_every_route_refuses_anonymous_requests(client):
    checked = 0
    for url in all_routes():
        bare = url.lstrip("/")
        if bare in PUBLIC or bare.startswith(PUBLIC_PREFIXES):
            continue
        if bare.startswith("api/v1/"):
            continue  # every API operation is checked from the OpenAPI document below
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (301, 302, 401, 403, 405), f"{method.upper()} {url} -> {response.status_code}"
            if response.status_code == 302:
                assert "/sign-in/" in response["Location"], f"{url} redirects to {response['Location']}"
            checked += 1
    assert checked >= 6


def test_openapi_lists_routes_and_every_operation_needs_auth(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    operations = [(path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 5
    for path, method, op in operations:
        if op.get("security") == []:
            pytest.fail(f"{method} {path} is open")
        response = getattr(client, method)(_concrete(path.replace("{", "<").replace("}", ">")))
        assert response.status_code in (401, 403, 405), f"{method} {path} -> {response.status_code}"


def test_api_bad_input_names_the_field_and_writes_nothing(api):
    before = (Person.objects.count(), AuditEvent.objects.count())
    cases = [
        ({"names": []}, "names"),
        ({"names": [{"full_name": "A B"}], "birth_date": "1980-02-30"}, "birth_date"),
        ({"names": [{"full_name": "A B"}], "nationalities": ["QQQ"]}, "nationalities[0]"),
        ({"names": [{"full_name": "A B"}], "documents": [{"number": ""}]}, "documents[0].number"),
        ({"names": [{}]}, "names[0].full_name"),
    ]
    for body, field in cases:
        response = api.post("/api/v1/people", json.dumps(body))
        assert response.status_code == 422, body
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == 422 and problem["title"]
        assert field in [e["field"] for e in problem["errors"]], (field, problem)
    response = api.post("/api/v1/people", "{not json")
    assert response.status_code in (400, 422)
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_api_resolves_reads_and_logs_access(api, staff):
    body = {"names": [{"full_name": "Zoë Brontë"}], "birth_date": "1985-03", "sex": "F", "nationalities": ["GBR", "IRL"],
            "documents": [{"number": "123456789", "issuing_state": "GBR"}]}
    created = api.post("/api/v1/people", json.dumps(body))
    assert created.status_code == 201
    ref = created.json()["person"]["reference"]
    again = api.post("/api/v1/people", json.dumps(body))
    assert again.status_code == 200 and again.json()["person"]["reference"] == ref
    record = api.get(f"/api/v1/people/{ref}").json()
    assert record["birth_date"] == "1985-03" and record["nationalities"] == ["GBR", "IRL"]
    from portcullis.audit.models import AccessLogEntry

    assert AccessLogEntry.objects.filter(user=staff, channel="api").exists()
    found = api.get("/api/v1/people", data={"name": "Zoe Bronte"}).json()
    assert found[0]["reference"] == ref


def test_revoked_token_is_refused(client, staff):
    from django.utils import timezone

    from portcullis.api.models import ApiToken

    token, raw = ApiToken.issue(user=staff, name="x")
    assert client.get("/api/v1/people?name=x", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    response = client.get("/api/v1/people?name=x", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"


def test_web_person_page_logs_access_and_shows_timeline(staff_client):
    from portcullis.audit.models import AccessLogEntry
    from portcullis.people.services import NameInput, PersonDetails, resolve_person

    person = resolve_person(PersonDetails(names=[NameInput(full_name="محمد الحسن")], birth_date="1970"),
                            actor=staff_client.user, reason="test").person
    response = staff_client.get(f"/people/{person.reference}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "محمد الحسن" in html and "person.created" in html
    assert AccessLogEntry.objects.filter(user=staff_client.user, person_id=person.pk, channel="web").count() == 1


def test_web_search_bad_date_names_the_field(staff_client):
    response = staff_client.get("/people/", {"name": "x", "birth_date": "31/12/1980"})
    assert response.status_code == 400
    assert b'data-field="birth_date"' in response.content


def test_unauthorised_grade_gets_403_page(client, make_staff, monkeypatch):
    from portcullis.workforce import authority

    user = make_staff("AA")
    client.force_login(user)
    monkeypatch.setitem(authority.matrix(), "person.search", {})
    assert client.get("/people/").status_code == 403
