"""Identifiers in the API's paths: a call's reference, a dossier's number, instance and task ids.

Each is a URL converter: a path that cannot name one is not found without a query, and its
pattern is documented on the path parameter, so that clients (and fuzzers) build real ones.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import BaseConverter

from workflows.fact.config import REFERENCE
from workflows.fact.dossiers import DOSSIER_ID

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class CallReference(BaseConverter):
    regex = REFERENCE


class DossierId(BaseConverter):
    regex = DOSSIER_ID


class Uuid(BaseConverter):
    """A UUID kept as the string the engine stores (werkzeug's `uuid` makes a UUID object)."""

    regex = UUID


CONVERTERS: dict[str, type[BaseConverter]] = {
    "reference": CallReference,
    "dossier_id": DossierId,
    "uuid_id": Uuid,
}


def _parameter_schema(converter: BaseConverter) -> dict[str, Any]:
    return {"type": "string", "pattern": f"^{converter.regex}$"}


def init_app(app: Flask, api: Api) -> None:
    """Before the blueprints: their rules are built with these converters."""
    for name, converter in CONVERTERS.items():
        app.url_map.converters[name] = converter
        api.register_converter(converter, _parameter_schema)
