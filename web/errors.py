"""Every error answer is application/problem+json: type, title, status, detail, errors."""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import Response, json
from werkzeug.exceptions import HTTPException

from engine import (
    ConflictError,
    EngineError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    ProcessError,
)

log = logging.getLogger(__name__)

STATUS_BY_ERROR: list[tuple[type[EngineError], int]] = [
    (NotFoundError, 404),
    (InvalidInputError, 400),
    (ForbiddenError, 403),
    (ConflictError, 409),
    (ProcessError, 422),
]

WEBARGS_LOCATIONS = {"json", "query", "form", "files", "headers", "cookies", "view_args"}

TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Introuvable",
    405: "Méthode non permise",
    409: "Conflit",
    415: "Type de contenu non pris en charge",
    422: "Données invalides",
    429: "Trop de requêtes",
    500: "Erreur interne",
}


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details (documentation of every error answer)."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    errors = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Raw(), metadata={"description": "per field"}
    )


def problem(
    status: int, detail: str | None = None, errors: dict[str, Any] | None = None
) -> Response:
    body: dict[str, Any] = {
        "type": f"https://concerto.invalid/problems/{status}",
        "title": TITLES.get(status, "Erreur"),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


def handle_engine_error(error: EngineError) -> Response:
    for kind, status in STATUS_BY_ERROR:
        if isinstance(error, kind):
            errors = getattr(error, "errors", None) or None
            if status == 400 and errors:
                status = 422  # a field at fault: same shape as schema validation failures
            return problem(status, str(error), errors)
    log.exception("unexpected engine error", exc_info=error)
    return problem(500)


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    if isinstance(errors, dict) and set(errors) <= WEBARGS_LOCATIONS:
        # webargs nests by location; the field names are what callers need (a location
        # whose whole input is wrong, such as a body that is not JSON, keeps its own name)
        flat: dict[str, Any] = {}
        for location, found in errors.items():
            flat.update(found if isinstance(found, dict) else {location: found})
        errors = flat
    detail = data.get("message") or (error.description if status < 500 else None)
    response = problem(status, detail, errors)
    for name, value in error.get_headers():
        if name.lower() != "content-type":  # e.g. Allow on 405, Retry-After on 429
            response.headers[name] = value
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response
