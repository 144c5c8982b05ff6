"""Query parameters the API document does not list are refused, not ignored: a mistyped filter
(`?bussiness_key=…`) would otherwise answer with every item, unfiltered."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Flask, request
from flask_smorest import Api
from flask_smorest.spec.plugins import FlaskPlugin
from werkzeug.exceptions import BadRequest


def init_app(app: Flask, api: Api) -> None:
    @cache
    def query_parameters() -> dict[tuple[str, str], frozenset[str]]:
        # The document is built once, at the first request with a query string.
        return {
            (path, method): frozenset(
                p["name"] for p in operation.get("parameters", []) if p["in"] == "query"
            )
            for path, operations in api.spec.to_dict()["paths"].items()
            for method, operation in operations.items()
            if isinstance(operation, dict) and method != "parameters"
        }

    def documented(path: str, method: str) -> frozenset[str] | None:
        # None: not an API operation (documentation, assets)
        return query_parameters().get((path, method))

    @app.before_request
    def _refuse_unknown_query_parameters() -> None:
        if not request.args or request.url_rule is None or not request.path.startswith("/api/"):
            return
        method = "get" if request.method == "HEAD" else request.method.lower()
        known = documented(FlaskPlugin.flaskpath2openapi(request.url_rule.rule), method)
        if known is None:
            return
        unknown = sorted(set(request.args) - known)
        if unknown:
            raise _UnknownParameters(unknown, known)


class _UnknownParameters(BadRequest):
    def __init__(self, unknown: list[str], known: frozenset[str]) -> None:
        listed = ", ".join(sorted(known)) or "aucun"
        super().__init__()
        self.data: dict[str, Any] = {
            "message": "paramètre de requête inconnu",
            "errors": {
                name[:100]: [f"paramètre inconnu (acceptés : {listed})"] for name in unknown
            },
        }
