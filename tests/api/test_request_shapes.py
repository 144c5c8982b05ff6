"""Bodies and query strings the API refuses before anything is read into storage: sizes, JSON
that not every reader takes, wrong content types, unknown parameters, callers without access."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from web import create_app

from .conftest import Api


def put_raw(api: Api, path: str, text: str | bytes, user: str | None = "ana",
            content_type: str | None = "application/json"):  # type: ignore[no-untyped-def]  # fmt: skip
    return api.call("PUT", path, user, data=text, content_type=content_type)


def nested(depth: int) -> str:
    return '{"a":' * (depth - 1) + "1" + "}" * (depth - 1)


@pytest.fixture(scope="module")
def draft(stored_api: Api) -> str:
    return stored_api.draft()


@pytest.mark.parametrize(
    "text",
    [
        '{"data": {"budget_total": NaN}}',
        '{"data": {"budget_total": Infinity}}',
        '{"data": {"lines": [1, -Infinity]}}',
        '{"data": {"budget_total": 1e400}}',
        '{"data": {"budget_total": -2.5e308}}',
        '{"data": {"budget_total": 123456789012345678901234567890}}',
        '{"data": {"budget_total": 9007199254740993}}',
    ],
)
def test_numbers_json_cannot_carry_are_refused_and_nothing_is_stored(
    stored_api: Api, draft: str, text: str
) -> None:
    before = stored_api.stored()
    response = put_raw(stored_api, f"/api/dossiers/{draft}/draft", text)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert "json" in response.json["errors"]
    assert stored_api.stored() == before
    # the draft still reads as JSON and still saves
    assert stored_api.get(f"/api/dossiers/{draft}", "ana").status_code == 200
    ok = stored_api.call("PUT", f"/api/dossiers/{draft}/draft", "ana", json={"data": {"x": 1.5}})
    assert ok.status_code == 200, ok.json


@pytest.mark.parametrize(
    "text",
    [
        '{"data": {"a": 1, "a": 2}}',
        '{"data": {}, "data": {"a": 1}}',
        '{"data": {"list": [{"k": 1, "k": 1}]}}',
        '{"data": ',
        "{'data': {}}",
        b'{"data": {"a": "\xff"}}',
        "",
    ],
)
def test_malformed_or_ambiguous_json_is_refused_with_400(api: Api, text: str | bytes) -> None:
    dossier = api.draft()
    response = put_raw(api, f"/api/dossiers/{dossier}/draft", text)
    assert response.status_code in (400, 422), response.json
    if text:  # an empty body is a missing one: the schema names what is required
        assert response.status_code == 400
        assert "json" in response.json["errors"]


@pytest.mark.parametrize("depth", [33, 320, 5_000, 100_000])
def test_deep_nesting_is_refused_with_400_and_the_server_goes_on(
    stored_api: Api, draft: str, depth: int
) -> None:
    before = stored_api.stored()
    response = put_raw(stored_api, f"/api/dossiers/{draft}/draft", '{"data":' + nested(depth) + "}")
    assert response.status_code == 400, response.json
    assert "niveaux" in response.json["errors"]["json"][0]
    deep_list = '{"data": {"x": ' + "[" * depth + "]" * depth + "}}"
    assert put_raw(stored_api, f"/api/dossiers/{draft}/draft", deep_list).status_code == 400
    assert stored_api.stored() == before
    assert stored_api.get("/health").status_code == 200


def test_nesting_within_the_limit_is_taken(api: Api) -> None:
    dossier = api.draft()
    response = put_raw(api, f"/api/dossiers/{dossier}/draft", '{"data":' + nested(31) + "}")
    assert response.status_code == 200, response.json


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", '{"data": {}}'),
        ("application/x-www-form-urlencoded", "data=1"),
        ("multipart/form-data; boundary=x", "--x--"),
        (None, '{"data": {}}'),
        ("application/xml", "<data/>"),
    ],
)
def test_a_body_that_is_not_json_answers_415(api: Api, content_type: str | None, body: str) -> None:
    dossier = api.draft()
    response = put_raw(api, f"/api/dossiers/{dossier}/draft", body, content_type=content_type)
    assert response.status_code == 415, response.json
    assert response.mimetype == "application/problem+json"
    assert "Content-Type" in response.json["errors"]["json"][0]


def test_json_with_a_charset_or_a_json_suffix_is_json(api: Api) -> None:
    dossier = api.draft()
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = put_raw(api, f"/api/dossiers/{dossier}/draft", '{"data": {"x": 1}}',
                           content_type=content_type)  # fmt: skip
        assert response.status_code == 200, (content_type, response.json)


def test_a_body_past_the_size_limit_answers_413_as_a_problem(tmp_path: Path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "SECRET_KEY": "t",
                      "MAX_CONTENT_LENGTH": 4096})  # fmt: skip
    engine = app.extensions["concerto"]
    engine.management.create_schema()
    engine.identity.create_user("manager", "mot-de-passe-test", roles=["staff"],
                                email="m@x.fr")  # fmt: skip
    token = engine.identity.issue_token("manager")
    client = app.test_client()
    big = json.dumps({"config": {"title": "x" * 10_000}})
    response = client.post("/api/calls", data=big, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert engine.runtime.query().count() == 0
    engine.close()


# A value each URL converter takes: the rule must match for its view to be reached.
SAMPLE_BY_CONVERTER = {"reference": "2020-01", "dossier_id": "2020-01-9999", "int": "1",
                       "uuid_id": "00000000-0000-4000-8000-000000000000"}  # fmt: skip


def _concrete(rule: str) -> str:
    return re.sub(
        r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>",
        lambda match: SAMPLE_BY_CONVERTER.get(match.group(1) or "", "x"),
        rule,
    )


def _api_operations(api: Api) -> list[tuple[str, str, tuple[str, ...]]]:
    """(method, path, roles) of every API operation that requires a signed-in caller."""
    app = api.client.application
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            handler = getattr(view_class, method.lower(), None) if view_class else view
            roles = getattr(handler, "required_roles", None)
            if roles is not None:
                found.append((method, _concrete(rule.rule), roles))
    return found


def test_every_operation_refuses_an_anonymous_caller_before_reading_its_body(api: Api) -> None:
    operations = _api_operations(api)
    assert len(operations) > 25  # the whole API, not a few routes
    for method, path, _ in operations:
        for body in ('{"not json', '{"a": NaN}', "x" * 200_000):
            response = api.client.open(path, method=method, data=body,
                                       content_type="application/json")  # fmt: skip
            assert response.status_code == 401, (method, path, response.json)
            assert response.mimetype == "application/problem+json"


def test_a_caller_without_the_role_is_refused_before_its_body_is_read(api: Api) -> None:
    refused = 0
    for method, path, roles in _api_operations(api):
        if not roles or "reviewer" in roles:
            continue
        response = api.call(method, path, "rev1", data='{"broken', content_type="application/json")
        assert response.status_code == 403, (method, path, response.json)
        refused += 1
    assert refused > 10


@pytest.mark.parametrize(
    "query",
    [
        "bussiness_key=D-1",
        "scope=all&status=open&colour=red",
        "page=1&pagesize=3",
        "BUSINESS_KEY=x",
    ],
)
def test_unknown_query_parameters_are_refused_by_name(api: Api, query: str) -> None:
    response = api.get(f"/api/instances?{query}", "staff")
    assert response.status_code == 400, response.json
    unknown = set(response.json["errors"])
    assert unknown and not unknown & {"status", "page", "business_key"}
    assert "acceptés" in next(iter(response.json["errors"].values()))[0]


def test_documented_query_parameters_still_work(api: Api) -> None:
    dossier = api.draft()
    found = api.get(f"/api/instances?business_key={dossier}&page=1&page_size=5", "staff")
    assert found.status_code == 200, found.json
    assert [i["business_key"] for i in found.json] == [dossier]
    assert api.get("/api/tasks?scope=all&page_size=2", "staff").status_code == 200
    assert api.get(f"/api/dossiers/{dossier}?page=1", "ana").status_code == 400


def test_after_a_burst_of_bad_requests_nothing_is_new_and_the_service_answers(
    stored_api: Api, draft: str
) -> None:
    before = stored_api.stored()
    bad = [
        ("PUT", f"/api/dossiers/{draft}/draft", '{"data": {"a": NaN}}', "application/json"),
        ("PUT", f"/api/dossiers/{draft}/draft", '{"data": {"a": 1, "a": 2}}', "application/json"),
        ("PUT", f"/api/dossiers/{draft}/draft", nested(500), "application/json"),
        ("POST", f"/api/dossiers/{draft}/deposit", "data=1", "text/plain"),
        ("POST", "/api/calls", '{"config": {"envelope": 1e999}}', "application/json"),
        ("POST", "/api/instances?colour=red", "{}", "application/json"),
    ]
    for _ in range(20):
        for method, path, body, content_type in bad:
            response = stored_api.call(method, path, "ana" if "dossiers" in path else "staff",
                                       data=body, content_type=content_type)  # fmt: skip
            assert 400 <= response.status_code < 500, (path, response.json)
    assert stored_api.stored() == before
    assert stored_api.get("/health").status_code == 200
    ok = stored_api.call("PUT", f"/api/dossiers/{draft}/draft", "ana", json={"data": {"y": 2}})
    assert ok.status_code == 200, ok.json
