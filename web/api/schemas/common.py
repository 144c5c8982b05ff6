"""Pieces shared by several resources."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from ...json_input import MAX_DEPTH, MAX_SAFE_INTEGER

# Any JSON value a body may carry, as web.json_input reads them: numbers within ±2^53 (what
# JavaScript clients keep exactly), nesting within MAX_DEPTH levels.
_BOUND = {"minimum": -MAX_SAFE_INTEGER, "maximum": MAX_SAFE_INTEGER}
_VALUE_REF = {"$ref": "#/components/schemas/JSONValue"}
JSON_VALUE_SCHEMA: dict[str, Any] = {
    "description": f"Any JSON value; numbers within ±2^53, nested {MAX_DEPTH} levels at most",
    "nullable": True,
    "anyOf": [
        {"type": "string"},
        {"type": "boolean"},
        {"type": "integer", **_BOUND},
        {"type": "number", **_BOUND},
        {"type": "array", "items": _VALUE_REF},
        {"type": "object", "additionalProperties": _VALUE_REF},
    ],
}


def json_object(description: str, **kwargs: Any) -> ma.fields.Dict:
    """An object of JSON values, documented as such."""
    metadata = {"description": description, "additionalProperties": _VALUE_REF}
    return ma.fields.Dict(keys=ma.fields.String(), metadata=metadata, **kwargs)


class HistoryEntrySchema(ma.Schema):
    at = ma.fields.AwareDateTime()
    actor = ma.fields.String(allow_none=True)
    action = ma.fields.String()
    element_id = ma.fields.String(allow_none=True)
    changes = ma.fields.Dict()


class InstanceSchema(ma.Schema):
    id = ma.fields.String()
    process_id = ma.fields.String()
    version_id = ma.fields.Integer()
    business_key = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    variables = ma.fields.Dict()
    started_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()
    ended_at = ma.fields.AwareDateTime(allow_none=True)


class InstanceWithHistorySchema(InstanceSchema):
    history = ma.fields.List(ma.fields.Nested(HistoryEntrySchema))


class DataSchema(ma.Schema):
    """Form data: an object of variables."""

    data = json_object("the form's answers by field key", required=True)


class DepositSchema(ma.Schema):
    """The deposit form's data; without it, the draft as last saved is deposited."""

    data = json_object("the deposit form's answers by field key", load_default=None)
