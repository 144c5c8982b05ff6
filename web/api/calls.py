"""Calls for projects: list, read, open a new one (seed defaults), move their dates."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from workflows.fact import calls
from workflows.fact.access import call_as_seen_by
from workflows.fact.config import AwareDateTime
from workflows.fact.roles import MANAGERS

from ..auth import current_account, requires
from ..engine_access import current_engine
from ..errors import ProblemSchema
from .blueprint import Blueprint
from .pagination import CountedPage, SeenBy
from .schemas.common import InstanceSchema

blp = Blueprint("calls", __name__, url_prefix="/api/calls", description="Calls for projects")


class DeadlineSchema(ma.Schema):
    deposit_deadline = AwareDateTime(required=True)
    commission_at = AwareDateTime()


class CommissionSchema(ma.Schema):
    commission_at = AwareDateTime(required=True)


class ConfigChangeSchema(ma.Schema):
    config = ma.fields.Dict(keys=ma.fields.String(), required=True)


class RescheduleSchema(ma.Schema):
    informed_instances = ma.fields.List(ma.fields.String())


@blp.route("")
class Calls(MethodView):
    @blp.response(200, InstanceSchema(many=True))
    @blp.paginate(CountedPage)
    @requires()
    def get(self):
        """Every call, with its configuration and state as variables."""
        user = current_account().user
        query = current_engine().runtime.query().process(calls.CALL_PROCESS)
        return SeenBy(query, lambda call: call_as_seen_by(user, call))

    @blp.arguments(ma.Schema.from_dict({"config": ma.fields.Dict(load_default=dict)})())
    @blp.response(201, InstanceSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, body):
        """Open a call: its configuration, the seed's values by default (dates in Paris time).

        A call whose deposit deadline has already passed is refused unless the configuration
        says `confirm_past_dates: true`."""
        return calls.open_call(current_engine(), body["config"], actor=current_account().username)


@blp.route("/<reference>")
class CallByReference(MethodView):
    @blp.response(200, InstanceSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @requires()
    def get(self, reference):
        """One call."""
        return call_as_seen_by(current_account().user, calls.get_call(current_engine(), reference))

    @blp.arguments(ConfigChangeSchema())
    @blp.response(200, InstanceSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def patch(self, body, reference):
        """Change the call's title, envelope, contact, staff address, axes or criteria."""
        return calls.update_config(
            current_engine(), reference, body["config"], actor=current_account().username
        )


@blp.route("/<reference>/deadline")
class CallDeadline(MethodView):
    @blp.arguments(DeadlineSchema())
    @blp.response(200, RescheduleSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, body, reference):
        """Extend the deposit deadline (and move the commission) before the deadline passes:
        reminders are planned again for the new deadline, drafts are told."""
        return _reschedule(reference, body)


@blp.route("/<reference>/commission")
class CallCommission(MethodView):
    @blp.arguments(CommissionSchema())
    @blp.response(200, RescheduleSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, body, reference):
        """Move the commission session before it sits: deposited dossiers are told, and the
        response deadline follows."""
        return _reschedule(reference, body)


def _reschedule(reference: str, body: dict) -> dict:
    told = calls.reschedule(
        current_engine(),
        reference,
        deposit_deadline=body.get("deposit_deadline"),
        commission_at=body.get("commission_at"),
        actor=current_account().username,
    )
    return {"informed_instances": told}
