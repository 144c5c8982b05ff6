"""Signals: broadcast to every instance waiting for one, and start processes that start on it."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from workflows.fact.roles import MANAGERS

from ..auth import current_account, requires
from ..engine_access import current_engine
from ..errors import ProblemSchema
from .blueprint import Blueprint
from .schemas.common import json_object

blp = Blueprint("signals", __name__, url_prefix="/api/signals", description="Signals")


class SignalSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    variables = json_object("variables set on every instance the signal reaches", load_default=dict)


class SignalResultSchema(ma.Schema):
    name = ma.fields.String()
    instances = ma.fields.List(ma.fields.String(), metadata={"description": "instances reached"})


@blp.route("")
class Signals(MethodView):
    @blp.arguments(SignalSchema())
    @blp.response(200, SignalResultSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, body):
        """Throw a signal: every instance waiting for it receives it, with the variables, and
        every process whose start event waits for it starts (none reached is not an error)."""
        reached = current_engine().signals.throw(
            body["name"], body["variables"], actor=current_account().username
        )
        return {"name": body["name"], "instances": reached}
