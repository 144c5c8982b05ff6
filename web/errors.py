"""Every error answer is application/problem+json: type, title, status, detail, errors."""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import Response, json, render_template, request
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

WEBARGS_LOCATIONS = {
    "json",
    "query",
    "form",
    "files",
    "multipart",
    "headers",
    "cookies",
    "view_args",
}

TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Introuvable",
    405: "Méthode non permise",
    409: "Conflit",
    413: "Fichier trop volumineux",
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


ADVICE = {
    400: "La demande n'a pas pu être comprise.",
    401: "Connectez-vous pour continuer.",
    403: "Votre compte ne donne pas accès à cette page.",
    404: "L'adresse est peut-être mal écrite, ou la page n'existe plus.",
    409: "La situation a changé entre-temps : rechargez la page avant de recommencer.",
    413: "Un fichier envoyé ne peut dépasser 10 Mo : réduisez-le (PDF compressé) puis recommencez.",
    422: "Corrigez les informations signalées puis recommencez.",
    429: "Trop de tentatives : patientez une minute avant de recommencer.",
    500: "Une erreur est survenue de notre côté ; elle est enregistrée. Réessayez plus tard.",
}


def error_response(
    status: int, detail: str | None = None, errors: dict[str, Any] | None = None
) -> Response:
    """A problem for the API, a French page with a way back for a person's browser."""
    if request.path.startswith("/api"):
        return problem(status, detail, errors)
    page = render_template(
        "error.html",
        title=TITLES.get(status, "Erreur"),
        detail=detail if status < 500 else None,
        advice=ADVICE.get(status, ADVICE[400] if status < 500 else ADVICE[500]),
    )
    return Response(page, status=status, mimetype="text/html")


def handle_engine_error(error: EngineError) -> Response:
    for kind, status in STATUS_BY_ERROR:
        if isinstance(error, kind):
            errors = getattr(error, "errors", None) or None
            if status == 400 and errors:
                status = 422  # a field at fault: same shape as schema validation failures
            element = getattr(error, "element_id", None)
            if element:  # the diagram element where a step failed
                errors = {"element": [element]}
            return error_response(status, str(error), errors)
    log.exception("unexpected engine error", exc_info=error)
    return error_response(500)


def _first_error(errors: dict[str, Any], prefix: str = "") -> str | None:
    """`field: message` for the first field at fault, down nested fields."""
    key, found = next(iter(errors.items()))
    name = f"{prefix}{key}"
    if isinstance(found, dict) and found:
        return _first_error(found, f"{name}.")
    if isinstance(found, list) and found and isinstance(found[0], str):
        return f"{name}: {found[0]}"
    return None


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
    if isinstance(errors, dict) and errors and not data.get("message"):
        detail = _first_error(errors) or detail  # werkzeug's description is English and vague
    if not request.path.startswith("/api"):
        detail = None  # werkzeug's descriptions are English; the page says it in French
    response = error_response(status, detail, errors)
    for name, value in error.get_headers():
        if name.lower() != "content-type":  # e.g. Allow on 405, Retry-After on 429
            response.headers[name] = value
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response
