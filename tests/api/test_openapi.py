"""The OpenAPI document holds: generated requests never get a 5xx or an undocumented answer."""

from __future__ import annotations

from pathlib import Path

import hypothesis
import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

from web import create_app

from .conftest import Api

SAMPLES_PER_OPERATION = 15


@pytest.fixture(scope="module")
def api_schema(api: Api):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_wsgi("/api/openapi.json", api.client.application)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis.settings(
    max_examples=SAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
)
def test_openapi_no_server_error_and_answers_match_the_document(case, api: Api) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api.tokens['admin']}"},
        # Schema-valid is not always acceptable: uploaded diagrams and call dates are checked
        # on their content, and refused with a documented 422.
        excluded_checks=[positive_data_acceptance],
    )


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
