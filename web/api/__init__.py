"""The REST API (flask-smorest): OpenAPI at /api/openapi.json, interactive docs at /api/docs."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from ..auth import Unauthenticated
from ..errors import ProblemSchema, handle_http_exception, problem


class ConcertoApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        return handle_http_exception(error)


def init_app(app: Flask) -> ConcertoApi:
    from . import auth, calls, dossiers, incidents, instances, outbox, processes, tasks

    app.config.setdefault("API_TITLE", "Concerto")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "/docs")
    app.config.setdefault(
        "OPENAPI_SWAGGER_UI_URL", "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/"
    )
    api = ConcertoApi(
        app,
        spec_kwargs={
            "components": {
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer"},
                    "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                }
            },
            "security": [{"bearer": []}, {"session": []}],
        },
    )
    for module in (auth, calls, dossiers, tasks, instances, processes, incidents, outbox):
        api.register_blueprint(module.blp)
    app.register_error_handler(Unauthenticated, lambda _: problem(401, "authentification requise"))
    return api
