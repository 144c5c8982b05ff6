"""Schemas of user tasks."""

from __future__ import annotations

import marshmallow as ma

from .common import json_object


class TaskSchema(ma.Schema):
    id = ma.fields.String()
    instance_id = ma.fields.String()
    process_id = ma.fields.String()
    business_key = ma.fields.String(allow_none=True)
    element_id = ma.fields.String()
    name = ma.fields.String(allow_none=True)
    lane = ma.fields.String(allow_none=True)
    form_key = ma.fields.String(allow_none=True)
    assignee = ma.fields.String(allow_none=True)
    claimed_by = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    due_at = ma.fields.AwareDateTime(allow_none=True)


class TaskDetailSchema(TaskSchema):
    form = ma.fields.Dict(allow_none=True, metadata={"description": "form-js schema"})
    variables = ma.fields.Dict(metadata={"description": "the data the task works on"})


class TaskQueryArgsSchema(ma.Schema):
    scope = ma.fields.String(
        load_default="available",
        validate=ma.validate.OneOf(["mine", "available", "all"]),
        metadata={
            "description": "mine: assigned to or claimed by me; available: mine plus the "
            "unassigned tasks of my roles' lanes; all: every open task (staff)"
        },
    )
    process_id = ma.fields.String(validate=ma.validate.Length(max=200))
    form_key = ma.fields.String(validate=ma.validate.Length(max=200))
    business_key = ma.fields.String(validate=ma.validate.Length(max=200))


class CompleteTaskSchema(ma.Schema):
    data = json_object("the task form's answers, by field key", required=True)
