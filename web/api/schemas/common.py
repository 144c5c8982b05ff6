"""Pieces shared by several resources."""

from __future__ import annotations

import marshmallow as ma


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

    data = ma.fields.Dict(keys=ma.fields.String(), required=True)


class DepositSchema(ma.Schema):
    """The deposit form's data; without it, the draft as last saved is deposited."""

    data = ma.fields.Dict(keys=ma.fields.String(), load_default=None)
