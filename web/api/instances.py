"""Process instances for staff: list and filter, read with history, cancel."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from workflows.fact.access import as_seen_by, history_seen_by
from workflows.fact.roles import MANAGERS, READERS

from ..auth import current_account, requires
from ..engine_access import current_engine
from ..errors import ProblemSchema
from .blueprint import Blueprint
from .pagination import CountedPage, SeenBy
from .schemas.common import InstanceSchema, InstanceWithHistorySchema, json_object

blp = Blueprint("instances", __name__, url_prefix="/api/instances", description="Instances")


class StartInstanceSchema(ma.Schema):
    process_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    business_key = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    variables = json_object("the instance's first variables", load_default=dict)


class InstanceQueryArgsSchema(ma.Schema):
    process_id = ma.fields.String(validate=ma.validate.Length(max=200))
    status = ma.fields.String(
        validate=ma.validate.OneOf(["running", "completed", "cancelled", "error"])
    )
    business_key = ma.fields.String(validate=ma.validate.Length(max=200))


@blp.route("")
class Instances(MethodView):
    @blp.arguments(InstanceQueryArgsSchema(), location="query")
    @blp.response(200, InstanceSchema(many=True))
    @blp.paginate(CountedPage)
    @blp.alt_response(403, schema=ProblemSchema)
    @requires(*READERS)
    def get(self, args):
        """Instances, filtered by process, status or business key."""
        query = current_engine().runtime.query()
        if "process_id" in args:
            query = query.process(args["process_id"])
        if "status" in args:
            query = query.status(args["status"])
        if "business_key" in args:
            query = query.business_key(args["business_key"])
        user = current_account().user
        return SeenBy(query, lambda instance: as_seen_by(user, instance))

    @blp.arguments(StartInstanceSchema())
    @blp.response(201, InstanceSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, body):
        """Start an instance of the latest version of a process and run it to its waits."""
        return current_engine().runtime.start(
            body["process_id"],
            business_key=body.get("business_key"),
            variables=body["variables"],
            actor=current_account().username,
        )


@blp.route("/<uuid_id:instance_id>")
class InstanceById(MethodView):
    @blp.response(200, InstanceWithHistorySchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @requires(*READERS)
    def get(self, instance_id):
        """An instance with its audit history (what the reader may see of them)."""
        engine = current_engine()
        instance = engine.runtime.get(instance_id)
        user = current_account().user
        history = history_seen_by(user, instance, engine.history.for_instance(instance_id))
        return {**as_seen_by(user, instance).__dict__, "history": history}


@blp.route("/<uuid_id:instance_id>/cancellation")
class InstanceCancellation(MethodView):
    @blp.response(200, InstanceSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, instance_id):
        """Cancel a running instance: its tasks and timers close."""
        return current_engine().runtime.cancel(instance_id, actor=current_account().username)


class MigrationSchema(ma.Schema):
    version_id = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=1, max=2147483647),
        metadata={"description": "the version of the same process to move to"},
    )


@blp.route("/<uuid_id:instance_id>/migration")
class InstanceMigration(MethodView):
    @blp.arguments(MigrationSchema())
    @blp.response(200, InstanceSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, body, instance_id):
        """Move a running instance to another version of its process: refused (409, with the
        elements) when the new version lacks one it went through or waits at."""
        return current_engine().runtime.migrate(
            instance_id, body["version_id"], actor=current_account().username
        )


class ActivitySchema(ma.Schema):
    task_id = ma.fields.String()
    element_id = ma.fields.String()
    element_type = ma.fields.String()
    element_name = ma.fields.String(allow_none=True)
    state = ma.fields.String(
        metadata={"description": "active, waiting, completed, cancelled or failed"}
    )
    started_at = ma.fields.AwareDateTime()
    ended_at = ma.fields.AwareDateTime(allow_none=True)
    actor = ma.fields.String(allow_none=True)
    changes = ma.fields.Dict(metadata={"description": "what the activity set or removed"})


@blp.route("/<uuid_id:instance_id>/activities")
class InstanceActivities(MethodView):
    @blp.response(200, ActivitySchema(many=True))
    @blp.alt_response(404, schema=ProblemSchema)
    @requires(*MANAGERS)
    def get(self, instance_id):
        """What the instance did: one entry per activity instance (each run of an element),
        in the order they started, with who completed it and the data it changed."""
        engine = current_engine()
        engine.runtime.get(instance_id)  # 404 for an unknown instance
        return engine.history.activities(instance_id)
