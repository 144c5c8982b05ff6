"""The outbox: every message the processes sent or are about to send."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Page

from workflows.fact.roles import MANAGERS

from ..auth import requires
from ..engine_access import current_engine
from .blueprint import Blueprint

blp = Blueprint("outbox", __name__, url_prefix="/api/outbox", description="Outbox")


class OutboxMessageSchema(ma.Schema):
    id = ma.fields.Integer()
    instance_id = ma.fields.String(allow_none=True)
    topic = ma.fields.String()
    kind = ma.fields.String(allow_none=True)
    recipient = ma.fields.String(allow_none=True)
    payload = ma.fields.Dict()
    status = ma.fields.String()
    attempts = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()


class OutboxArgsSchema(ma.Schema):
    kind = ma.fields.String(validate=ma.validate.Length(max=100))
    status = ma.fields.String(validate=ma.validate.OneOf(["pending", "sent", "dead", "abandoned"]))


@blp.route("")
class Outbox(MethodView):
    @blp.arguments(OutboxArgsSchema(), location="query")
    @blp.response(200, OutboxMessageSchema(many=True))
    @blp.paginate(Page)
    @requires(*MANAGERS)
    def get(self, args):
        """Outbox rows, filtered by kind and status."""
        return current_engine().outbox.list(kind=args.get("kind"), status=args.get("status"))
