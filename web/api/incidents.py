"""Incidents: failures that used up their retries, for staff to retry or resolve."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Page

from workflows.fact.roles import MANAGERS

from ..auth import current_account, requires
from ..engine_access import current_engine
from ..errors import ProblemSchema
from .blueprint import Blueprint

blp = Blueprint("incidents", __name__, url_prefix="/api/incidents", description="Incidents")


class IncidentSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    status = ma.fields.String()
    instance_id = ma.fields.String(allow_none=True)
    element_id = ma.fields.String(allow_none=True)
    error = ma.fields.String()
    attempts = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()
    resolved_at = ma.fields.AwareDateTime(allow_none=True)
    resolution = ma.fields.String(allow_none=True)


class IncidentArgsSchema(ma.Schema):
    status = ma.fields.String(load_default="open", validate=ma.validate.OneOf(["open", "resolved"]))


class ResolutionSchema(ma.Schema):
    note = ma.fields.String(required=True, validate=ma.validate.Length(min=3, max=2000))


@blp.route("")
class Incidents(MethodView):
    @blp.arguments(IncidentArgsSchema(), location="query")
    @blp.response(200, IncidentSchema(many=True))
    @blp.paginate(Page)
    @requires(*MANAGERS)
    def get(self, args):
        """Open (or resolved) incidents."""
        return current_engine().management.incidents(status=args["status"])


@blp.route("/<int(max=2147483647):incident_id>/retry")
class IncidentRetry(MethodView):
    @blp.response(200, IncidentSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, incident_id):
        """Try the failed timer or delivery again now."""
        return current_engine().management.retry_incident(
            incident_id, actor=current_account().username
        )


@blp.route("/<int(max=2147483647):incident_id>/resolution")
class IncidentResolution(MethodView):
    @blp.arguments(ResolutionSchema())
    @blp.response(200, IncidentSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, body, incident_id):
        """Close the incident without retrying (handled by hand), with a note."""
        return current_engine().management.resolve_incident(
            incident_id, note=body["note"], actor=current_account().username
        )
