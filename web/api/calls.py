"""Calls for projects: list, read, open a new one, move their dates."""

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
from .schemas.common import InstanceSchema, json_object

blp = Blueprint("calls", __name__, url_prefix="/api/calls", description="Calls for projects")


class DeadlineSchema(ma.Schema):
    deposit_deadline = AwareDateTime(required=True)
    commission_at = AwareDateTime()


class CommissionSchema(ma.Schema):
    commission_at = AwareDateTime(required=True)


class NewCallSchema(ma.Schema):
    config = json_object(
        "The call's configuration: reference, title, publication_at, deposit_deadline, "
        "commission_at and envelope are required; the other fields take the FACT seed's values "
        "where missing",
        load_default=dict,
    )


class ConfigChangeSchema(ma.Schema):
    config = json_object("the fields to change, by name", required=True)


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

    @blp.arguments(NewCallSchema(), required=False)  # without a body: 422 naming each field
    @blp.response(201, InstanceSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, body):
        """Open a call: its configuration, with at least its reference, title, publication,
        deposit deadline, commission (dates in Paris time) and envelope; the rest (tracks,
        axes, criteria, contact, reminders...) defaults to the FACT seed's.

        A call whose deposit deadline has already passed is refused unless the configuration
        says `confirm_past_dates: true`."""
        return calls.open_call(
            current_engine(), body["config"], actor=current_account().username, seed=False
        )


@blp.route("/<reference:reference>")
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


@blp.route("/<reference:reference>/deadline")
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


@blp.route("/<reference:reference>/commission")
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
