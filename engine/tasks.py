"""TaskService: the user-task inbox (an index query), claims and completion."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, or_
from sqlalchemy.orm import Session

from .commands import CommandExecutor
from .errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from .models import Instance, Notice, UserTask
from .query import Query
from .runtime import check_variable_names
from .runtime import to_model as instance_model
from .steps import Runner, Steps
from .storage.records import UserTaskRecord
from .storage.stores import HistoryStore, TaskStore


class TaskService:
    def __init__(self, executor: CommandExecutor, runner: Runner) -> None:
        self._executor = executor
        self._runner = runner

    def get(self, task_id: str) -> UserTask:
        return self._executor.read(lambda s: to_model(TaskStore(s).get(task_id)))

    def claim(self, task_id: str, *, actor: str) -> UserTask:
        def command(session: Session) -> UserTask:
            task = to_model(TaskStore(session).get(task_id))
            owner = task.claimed_by or task.assignee
            if owner not in (None, actor):
                raise ConflictError(f"task {task_id} is already assigned to {owner}")
            TaskStore(session).set_claim(task.id, actor)
            return replace(task, claimed_by=actor)

        return self._executor.execute(command)

    def release(self, task_id: str, *, actor: str) -> UserTask:
        def command(session: Session) -> UserTask:
            task = to_model(TaskStore(session).get(task_id))
            if task.claimed_by != actor:
                raise ConflictError(f"task {task_id} is not claimed by {actor}")
            TaskStore(session).set_claim(task.id, None)
            return replace(task, claimed_by=None)

        return self._executor.execute(command)

    def complete(
        self,
        task_id: str,
        data: Mapping[str, Any],
        *,
        actor: str,
        guard: Callable[[UserTask, Instance], None] | None = None,
        in_place: bool = False,
        variables: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None,
        notices: Sequence[Notice] = (),
    ) -> UserTask:
        """Complete an open task with its form data and run the instance to its next waits.

        `guard` sees the open task and its instance inside the command, before anything runs,
        and raises to refuse (who may act, what the data must hold): checked and done at once.
        `in_place`: the actor completes a task given to someone else (staff withdrawing it;
        who may do so is the caller's check). `variables` computes instance variables to set
        in the same step from the instance's, and `notices` leave with it through the outbox.
        """
        if not isinstance(data, Mapping):
            raise InvalidInputError("task data must be an object", field="data")
        check_variable_names(data)

        def command(session: Session) -> UserTask:
            steps = Steps(session, self._runner)
            try:
                values, execution = steps.load_task(task_id)
            except NotFoundError:
                if HistoryStore(session).task_completed(str(task_id)):
                    raise ConflictError(f"task {task_id} is already completed") from None
                raise
            task = to_model(values)
            if guard is not None:
                guard(task, instance_model(steps.instance(task.instance_id)))
            owner = task.claimed_by or task.assignee
            if owner not in (None, actor) and not in_place:
                raise ForbiddenError(f"task {task_id} is assigned to someone else")
            if variables is not None:
                execution.set_variables(variables(steps.instance(task.instance_id).variables))
            execution.notify(notices)
            element_id = execution.complete_user_task(task_id, data)
            steps.record(execution, "task_completed", actor, element_id, task_id=task.id)
            steps.save()
            return task

        return self._executor.execute(command)

    def query(self) -> TaskQuery:
        return TaskQuery(self._executor, to_model)


class TaskQuery(Query[UserTaskRecord, UserTask]):
    """Fluent filter over open user tasks; never deserializes an instance."""

    record = UserTaskRecord
    order_by = (UserTaskRecord.created_at, UserTaskRecord.id)
    label = "open task"

    def instance(self, instance_id: str) -> TaskQuery:
        return self.where(UserTaskRecord.instance_id == instance_id)

    def process(self, process_id: str) -> TaskQuery:
        return self.where(UserTaskRecord.process_id == process_id)

    def element(self, element_id: str) -> TaskQuery:
        return self.where(UserTaskRecord.element_id == element_id)

    def form_key(self, form_key: str) -> TaskQuery:
        return self.where(UserTaskRecord.form_key == form_key)

    def business_key(self, key: str) -> TaskQuery:
        return self.where(UserTaskRecord.business_key == key)

    def business_key_prefix(self, prefix: str) -> TaskQuery:
        return self.where(UserTaskRecord.business_key.startswith(prefix, autoescape=True))

    def due_before(self, moment: datetime) -> TaskQuery:
        return self.where(UserTaskRecord.due_at < moment)

    def lanes(self, lanes: Iterable[str]) -> TaskQuery:
        return self.where(UserTaskRecord.lane.in_(list(lanes)))

    def assignee(self, user: str) -> TaskQuery:
        return self.where(or_(UserTaskRecord.assignee == user, UserTaskRecord.claimed_by == user))

    def available_to(self, user: str, lanes: Iterable[str]) -> TaskQuery:
        """Tasks assigned to or claimed by `user`, or unassigned in one of `lanes`."""
        task = UserTaskRecord
        unassigned = (task.assignee.is_(None), task.claimed_by.is_(None))
        return self.any_of(
            task.assignee == user,
            and_(task.claimed_by == user, or_(task.assignee.is_(None), task.assignee != user)),
            *(and_(task.lane == lane, *unassigned) for lane in dict.fromkeys(lanes)),
        )


def to_model(row: Row[Any] | Mapping[str, Any]) -> UserTask:
    """The columns of the task index are exactly the fields of `UserTask`."""
    return UserTask(**(row._mapping if isinstance(row, Row) else row))
