"""User tasks: my inbox, my roles' inbox, all (staff); read with form; claim; complete."""

from __future__ import annotations

from collections.abc import Callable

from flask.views import MethodView

from engine import ForbiddenError, NotFoundError
from engine.models import UserTask
from workflows.fact.access import as_seen_by, has_role, may_act_on_task, may_see_task
from workflows.fact.forms import complete_task, task_form
from workflows.fact.roles import STAFF, lanes_for

from ..auth import current_account, requires
from ..engine_access import current_engine
from ..errors import ProblemSchema
from .blueprint import Blueprint
from .pagination import CountedPage
from .schemas.tasks import CompleteTaskSchema, TaskDetailSchema, TaskQueryArgsSchema, TaskSchema

blp = Blueprint("tasks", __name__, url_prefix="/api/tasks", description="User tasks")


def _check_visible(task: UserTask) -> None:
    """Someone else's task looks like a missing one."""
    if not may_see_task(current_account().user, task):
        raise NotFoundError(f"task {task.id} not found or no longer open")


def _check_actionable(task: UserTask) -> None:
    """Observers only read."""
    _check_visible(task)
    if not may_act_on_task(current_account().user, task):
        raise ForbiddenError("lecture seule")


def _task(task_id: str, check: Callable[[UserTask], None]) -> UserTask:
    task = current_engine().tasks.get(task_id)
    check(task)
    return task


@blp.route("")
class Tasks(MethodView):
    @blp.arguments(TaskQueryArgsSchema(), location="query")
    @blp.response(200, TaskSchema(many=True))
    @blp.paginate(CountedPage)
    @blp.alt_response(401, schema=ProblemSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @requires()
    def get(self, args):
        """Open tasks: mine, available to my roles, or all of them (staff)."""
        user = current_account().user
        query = current_engine().tasks.query()
        if args["scope"] == "mine":
            query = query.assignee(user.username)
        elif args["scope"] == "available":
            query = query.available_to(user.username, lanes_for(user.roles))
        elif not has_role(user, STAFF):
            raise ForbiddenError("seule la mission Fact voit toutes les tâches")
        for key, method in (("process_id", query.process), ("form_key", query.form_key)):
            if key in args:
                query = method(args[key])
        if "business_key" in args:
            query = query.business_key(args["business_key"])
        return query


@blp.route("/<uuid_id:task_id>")
class TaskById(MethodView):
    @blp.response(200, TaskDetailSchema)
    @blp.alt_response(401, schema=ProblemSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @requires()
    def get(self, task_id):
        """A task with its form (form-js schema) and the data it works on."""
        task = _task(task_id, _check_visible)
        engine = current_engine()
        instance = engine.runtime.get(task.instance_id)
        return {
            **task.__dict__,
            "form": task_form(engine, task, instance),
            "variables": as_seen_by(current_account().user, instance).variables,
        }


@blp.route("/<uuid_id:task_id>/claim")
class TaskClaim(MethodView):
    @blp.response(200, TaskSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @requires()
    def post(self, task_id):
        """Take an unassigned task of one of my lanes."""
        task = _task(task_id, _check_actionable)
        return current_engine().tasks.claim(task.id, actor=current_account().username)


@blp.route("/<uuid_id:task_id>/release")
class TaskRelease(MethodView):
    @blp.response(200, TaskSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @requires()
    def post(self, task_id):
        """Give a claimed task back to its lane."""
        task = _task(task_id, _check_visible)
        return current_engine().tasks.release(task.id, actor=current_account().username)


@blp.route("/<uuid_id:task_id>/completion")
class TaskCompletion(MethodView):
    @blp.arguments(CompleteTaskSchema())
    @blp.response(200, TaskSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires()
    def post(self, body, task_id):
        """Complete a task with its form data, validated against the task's form."""
        return complete_task(
            current_engine(),
            task_id,
            body["data"],
            actor=current_account().username,
            allowed=lambda task, _instance: _check_actionable(task),
        )
