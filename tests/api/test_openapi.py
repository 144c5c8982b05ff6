"""The OpenAPI document holds: it is valid OpenAPI 3, says what the server checks, links answers
to the operations on what they name (generated requests: test_fuzzing.py)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests import samples
from web import create_app

from .conftest import Api


def test_openapi_document_is_served_with_docs(api: Api) -> None:
    document = api.get("/api/openapi.json").json
    assert document["info"]["title"] == "Concerto"
    assert "bearer" in document["components"]["securitySchemes"]
    assert api.get("/api/docs").status_code == 200


def test_openapi_docs_page_loads_swagger_ui_from_the_app_itself(api: Api) -> None:
    page = api.get("/api/docs").get_data(as_text=True)
    assert "/api/docs/assets/swagger-ui-bundle.js" in page and "cdn." not in page
    for asset, kind in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "css")):
        served = api.get(f"/api/docs/assets/{asset}")
        assert served.status_code == 200 and kind in served.mimetype
        assert len(served.data) > 10_000  # the real file, installed from npm
    assert api.get("/api/docs/assets/../../package.json").status_code == 404


def test_openapi_docs_fall_back_to_the_cdn_without_the_npm_files(tmp_path: Path) -> None:
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'docs.sqlite'}",
            "SECRET_KEY": "test",
            "SWAGGER_UI_DIST": str(tmp_path / "missing"),
        }
    )
    page = app.test_client().get("/api/docs").get_data(as_text=True)
    assert "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js" in page


UPLOADS = (
    ("post", "/api/processes/{process_id}/validation"),
    ("post", "/api/processes/{process_id}/versions"),
    ("put", "/api/dossiers/{dossier_id}/pieces/{key}"),
)
# What a stateful client follows: an answer, and operations it links to.
LINKED = {
    ("post", "/api/calls/{reference}/dossiers", "201"): (
        ("get", "/api/dossiers/{dossier_id}"),
        ("put", "/api/dossiers/{dossier_id}/draft"),
        ("post", "/api/dossiers/{dossier_id}/deposit"),
        ("put", "/api/dossiers/{dossier_id}/pieces/{key}"),
    ),
    ("post", "/api/calls", "201"): (("post", "/api/calls/{reference}/dossiers"),),
    ("post", "/api/instances", "201"): (("get", "/api/instances/{instance_id}"),),
    ("get", "/api/tasks", "200"): (
        ("get", "/api/tasks/{task_id}"),
        ("post", "/api/tasks/{task_id}/completion"),
    ),
    ("post", "/api/processes/{process_id}/versions", "201"): (
        ("get", "/api/processes/versions/{version_id}/files/{name}"),
    ),
    ("post", "/api/dossiers/{dossier_id}/reviewers", "201"): (
        ("put", "/api/dossiers/{dossier_id}/reviewers/{reviewer}"),
    ),
}


@pytest.fixture(scope="module")
def document(api: Api) -> dict[str, Any]:
    return api.get("/api/openapi.json").json


def _operations(document: dict[str, Any]):  # type: ignore[no-untyped-def]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield method, path, operation


def _schema(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _body_schema(document: dict[str, Any], method: str, path: str, content_type: str):  # type: ignore[no-untyped-def]
    body = document["paths"][path][method]["requestBody"]
    return _schema(document, body["content"][content_type]["schema"])


def test_openapi_document_is_valid_openapi_3(document: dict[str, Any]) -> None:
    validate(document)  # raises, naming the first fault


def test_openapi_parameters_are_only_in_places_openapi_3_knows(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        parameters = operation.get("parameters", []) + document["paths"][path].get("parameters", [])
        places = {p["in"] for p in parameters}
        assert places <= {"path", "query", "header", "cookie"}, (method, path, places)


def test_openapi_uploads_are_multipart_request_bodies(document: dict[str, Any]) -> None:
    for method, path in UPLOADS:
        body = document["paths"][path][method]["requestBody"]
        assert body["required"] is True and list(body["content"]) == ["multipart/form-data"]
        fields = _body_schema(document, method, path, "multipart/form-data")["properties"]
        files = [f.get("items", f) for f in fields.values() if f.get("format") == "binary"
                 or f.get("items", {}).get("format") == "binary"]  # fmt: skip
        assert files and all(f["type"] == "string" for f in files), (path, fields)
    deployment = _body_schema(
        document, "post", "/api/processes/{process_id}/versions", "multipart/form-data"
    )
    assert deployment["properties"]["comment"]["type"] == "string"
    assert deployment["required"] == ["files"]


def test_openapi_uploads_as_documented_are_accepted(api: Api) -> None:
    """One multipart body: files and the comment together, as the document says."""
    xml = samples.approval("openapi_upload").encode()
    deployed = api.post(
        "/api/processes/openapi_upload/versions", "staff",
        data={"files": [(io.BytesIO(xml), "openapi_upload.bpmn")], "comment": "documenté"},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert deployed.status_code == 201, deployed.json
    assert deployed.json["comment"] == "documenté"


def test_openapi_request_bodies_are_required_when_a_field_is(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        if "requestBody" not in operation:
            continue
        body = operation["requestBody"]
        (content_type,) = body["content"]
        schema = _body_schema(document, method, path, content_type)
        assert body.get("required", False) is bool(schema.get("required")), (method, path)


def test_openapi_schema_names_mean_something(document: dict[str, Any]) -> None:
    for name in document["components"]["schemas"]:
        # apispec names from_dict schemas "Generated", and numbers a second schema of one name
        assert not name.startswith("Generated") and not name[-1].isdigit(), name


def test_openapi_links_lead_from_answers_to_operations_on_what_they_name(
    document: dict[str, Any],
) -> None:
    for (method, path, status), targets in LINKED.items():
        links = document["paths"][path][method]["responses"][status]["links"]
        refs = {link["operationRef"] for link in links.values()}
        for target_method, target_path in targets:
            escaped = target_path.replace("~", "~0").replace("/", "~1")
            assert f"#/paths/{escaped}/{target_method}" in refs, (path, target_path)
    for _method, path, operation in _operations(document):
        for status, answer in operation["responses"].items():
            for name, link in answer.get("links", {}).items():
                _, target_path, target_method = link["operationRef"].rsplit("/", 2)
                target_path = target_path.replace("~1", "/").replace("~0", "~")
                assert target_method in document["paths"][target_path], (path, status, name)
                declared = set(re.findall(r"{([^}]+)}", target_path))
                assert set(link["parameters"]) <= declared, (path, status, name)
                for expression in link["parameters"].values():
                    assert expression.startswith(("$response.body#/", "$request.path.")), name


def test_openapi_path_patterns_accept_the_ids_the_api_hands_out(
    api: Api, document: dict[str, Any]
) -> None:
    def pattern(path: str, name: str) -> str:
        (parameter,) = [p for p in document["paths"][path]["parameters"] if p["name"] == name]
        return parameter["schema"]["pattern"]

    dossier = api.draft("bruno")
    instance = api.get(f"/api/dossiers/{dossier}", "bruno").json["id"]
    task = api.get(f"/api/tasks?scope=mine&business_key={dossier}", "bruno").json[0]["id"]
    for path, name, value in (
        ("/api/calls/{reference}", "reference", "2020-01"),
        ("/api/dossiers/{dossier_id}", "dossier_id", dossier),
        ("/api/instances/{instance_id}", "instance_id", instance),
        ("/api/tasks/{task_id}", "task_id", task),
    ):
        assert re.fullmatch(pattern(path, name).strip("^$"), value), (name, value)
    assert api.get("/api/dossiers/pas un numéro", "staff").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "field", "request_for"),
    [
        (
            "post", "/api/dossiers/{dossier_id}/withdrawal", "reason",
            lambda api, text: api.post(f"/api/dossiers/{api.draft('ana')}/withdrawal", "ana",
                                       json={"reason": text}),
        ),
        (
            "post", "/api/processes/{process_id}/versions", "comment",
            lambda api, text: api.post("/api/processes/approval/versions", "staff", data={
                "files": (io.BytesIO(samples.approval().encode()), "approval.bpmn"),
                "comment": text}),
        ),
        (
            "get", "/api/tasks", "business_key",
            lambda api, text: api.get(f"/api/tasks?business_key={text}", "staff"),
        ),
    ],
)  # fmt: skip
def test_openapi_text_longer_than_documented_is_refused_naming_the_field(
    api: Api, document: dict[str, Any], method: str, path: str, field: str, request_for: Any
) -> None:
    operation = document["paths"][path][method]
    if "requestBody" in operation:
        (content_type,) = operation["requestBody"]["content"]
        schema = _body_schema(document, method, path, content_type)["properties"][field]
    else:
        (parameter,) = [p for p in operation["parameters"] if p["name"] == field]
        schema = parameter["schema"]
    longest = schema["maxLength"]
    assert request_for(api, "x" * longest).status_code != 422
    refused = request_for(api, "x" * (longest + 1))
    assert refused.status_code == 422 and field in refused.json["errors"], refused.json
