"""Every JSON endpoint of the API, fed bad input, answers problem+json naming the field and writes nothing.

The operations are read from the OpenAPI document, so an endpoint added by a later context is
swept too without touching this file.
"""

from __future__ import annotations

import json
import re

import pytest
from django.apps import apps

pytestmark = pytest.mark.django_db

# Values of the wrong JSON type for each schema type.
WRONG = {"string": {"not": "a string"}, "integer": "seven", "number": "seven", "boolean": {"x": 1},
         "array": "not a list", "object": 12}


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(spec, schema["allOf"][0])
    return schema


def _json_operations(spec: dict):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            content = (op.get("requestBody") or {}).get("content") or {}
            if method == "post" and "application/json" in content:
                body = _resolve(spec, content["application/json"]["schema"])
                yield path, body


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions"}


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json()


def _assert_problem(response, *, fields: set[str] | None = None) -> dict:
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == response.status_code and problem["title"]
    if fields:
        named = {e["field"].split("[")[0].split(".")[0] for e in problem.get("errors", [])}
        assert fields <= named, (fields, problem)
    return problem


def test_every_json_endpoint_names_missing_required_fields_and_writes_nothing(api, spec):
    swept = 0
    before = _row_counts()
    for path, body in _json_operations(spec):
        required = set(body.get("required", []))
        if not required:
            continue
        response = api.post(_url(path), json.dumps({}))
        assert response.status_code == 422, (path, response.status_code, response.content[:300])
        _assert_problem(response, fields=required)
        swept += 1
    assert swept >= 10
    assert _row_counts() == before


def test_every_json_endpoint_names_a_field_of_the_wrong_type_and_writes_nothing(api, spec):
    swept = 0
    before = _row_counts()
    for path, body in _json_operations(spec):
        for name, prop in (body.get("properties") or {}).items():
            prop = _resolve(spec, prop)
            kind = prop.get("type")
            if kind not in WRONG:
                continue
            response = api.post(_url(path), json.dumps({name: WRONG[kind]}))
            assert response.status_code == 422, (path, name, response.status_code, response.content[:300])
            problem = _assert_problem(response)
            assert name in {e["field"].split("[")[0].split(".")[0] for e in problem["errors"]}, (path, name, problem)
            swept += 1
    assert swept >= 20
    assert _row_counts() == before


def test_every_json_endpoint_refuses_malformed_json_and_writes_nothing(api, spec):
    before = _row_counts()
    paths = [path for path, _ in _json_operations(spec)]
    assert len(paths) >= 10
    for path in paths:
        response = api.post(_url(path), "{not json")
        _assert_problem(response)
    assert _row_counts() == before


def test_no_two_api_schemas_share_a_name():
    """django-ninja names OpenAPI components by class name: two contexts' ``DecisionIn`` would
    silently document one body with the other's fields."""
    import importlib

    from ninja import Schema

    seen: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("portcullis."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError:
            continue
        for name, obj in vars(module).items():
            if isinstance(obj, type) and issubclass(obj, Schema) and obj.__module__ == module.__name__:
                assert name not in seen, f"{name} is defined in both {seen[name]} and {module.__name__}"
                seen[name] = module.__name__
    assert len(seen) >= 10
