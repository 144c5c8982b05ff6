"""The REST API (flask-smorest): OpenAPI at /api/openapi.json, interactive docs at /api/docs."""

from __future__ import annotations

from pathlib import Path

from apispec import BasePlugin
from flask import Flask, send_from_directory
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from ..auth import Unauthenticated
from ..errors import ProblemSchema, handle_http_exception, problem
from .links import LinksPlugin
from .schemas.common import JSON_VALUE_SCHEMA

PROBLEM = "application/problem+json"


class ProblemContentPlugin(BasePlugin):
    """Documents every error answer as application/problem+json, which is what is sent."""

    def operation_helper(self, path=None, operations=None, **kwargs):  # type: ignore[no-untyped-def]
        for operation in (operations or {}).values():
            for status, response in operation.get("responses", {}).items():
                if _is_error(status) and isinstance(response, dict):
                    _to_problem(response)


def _is_error(status: object) -> bool:
    return str(status) == "default" or str(status)[:1] in ("4", "5")


def _to_problem(response: dict) -> None:
    content = response.get("content") or {}
    if "application/json" in content:
        content[PROBLEM] = content.pop("application/json")


class ConcertoApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        return handle_http_exception(error)

    def _register_pagination_header(self) -> None:
        # The header carries JSON text: documented as the string it is on the wire.
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination as JSON: total, total_pages, first_page, last_page, "
                "page, previous_page, next_page",
                "schema": {"type": "string"},
            },
            lazy=True,
        )

    def _register_responses(self) -> None:
        # flask-smorest registers its shared error responses as application/json
        super()._register_responses()
        for name, response in self.spec.components.responses_lazy.items():
            if name != "OK":
                _to_problem(response)


SWAGGER_UI_DIST = Path(__file__).resolve().parents[2] / "node_modules" / "swagger-ui-dist"
SWAGGER_UI_CDN = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/"


def _swagger_ui_url(app: Flask) -> str:
    """Swagger UI's files as installed from npm (scripts/setup-env), served by the app itself so
    that the documentation works offline; from a CDN when they are not installed."""
    folder = Path(app.config.get("SWAGGER_UI_DIST", SWAGGER_UI_DIST))
    if not (folder / "swagger-ui-bundle.js").is_file():
        return SWAGGER_UI_CDN
    app.add_url_rule(
        "/api/docs/assets/<path:name>",
        "swagger_ui_assets",
        lambda name: send_from_directory(folder, name, max_age=86400),
    )
    return "/api/docs/assets/"


def init_app(app: Flask) -> ConcertoApi:
    from . import (
        auth,
        calls,
        changes,
        dossiers,
        identifiers,
        incidents,
        instances,
        outbox,
        processes,
        query_params,
        reviewers,
        session,
        signals,
        tasks,
    )

    app.config.setdefault("API_TITLE", "Concerto")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "/docs")
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", _swagger_ui_url(app))
    api = ConcertoApi(
        app,
        spec_kwargs={
            "extra_plugins": [ProblemContentPlugin(), LinksPlugin()],
            "components": {
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer"},
                    "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                }
            },
            "security": [{"bearer": []}, {"session": []}],
        },
    )
    identifiers.init_app(app, api)
    for module in (auth, calls, session, dossiers, reviewers, tasks, instances, processes,
                   incidents, outbox, signals, changes):  # fmt: skip
        api.register_blueprint(module.blp)
    query_params.init_app(app, api)
    api.spec.components.schema("JSONValue", JSON_VALUE_SCHEMA)
    app.register_error_handler(Unauthenticated, lambda _: problem(401, "authentification requise"))
    return api
