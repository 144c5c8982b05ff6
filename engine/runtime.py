"""RuntimeService: start, inspect, change and cancel process instances."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import exists, func, select, union_all
from sqlalchemy.orm import Session

from .bpmn import completed_elements
from .commands import CommandExecutor
from .errors import ConcurrencyError, ConflictError, InvalidInputError
from .execution import ERROR, RUNNING
from .models import Instance, Notice
from .query import Query
from .scripting import Document
from .steps import Runner, Steps
from .storage.instances import InstanceStore
from .storage.instances import to_instance as to_model
from .storage.records import (
    InstanceRecord,
    SubscriptionRecord,
    SummaryRecord,
    TimerRecord,
    UserTaskRecord,
)
from .storage.stores import VersionStore, close_incidents
from .summaries import SummaryQuery, write_summary

_INSTANCES = InstanceRecord.__table__

# Steps of other callers that may write the same instance first, one after another.
WRITE_ATTEMPTS = 10


class RuntimeService:
    def __init__(self, executor: CommandExecutor, runner: Runner) -> None:
        self._executor = executor
        self._runner = runner

    def start(
        self,
        process_id: str,
        *,
        business_key: str | None = None,
        variables: Mapping[str, Any] | None = None,
        actor: str | None = None,
        version_id: int | None = None,
    ) -> Instance:
        """Start an instance of the latest (or a given) version and run it to its wait states."""
        check_variable_names(variables or {})

        def command(session: Session) -> Instance:
            versions = VersionStore(session)
            version = versions.ref(version_id) if version_id else versions.latest_ref(process_id)
            steps = Steps(session, self._runner)
            execution = steps.start(
                version, business_key=business_key, variables=variables or {}, actor=actor
            )
            steps.save()
            return to_model(steps.instance(execution.instance_id))

        return self._executor.execute(command)

    def get(self, instance_id: str) -> Instance:
        return self._executor.read(
            lambda s: to_model(InstanceStore(s.connection()).get(instance_id))
        )

    def set_variables(
        self,
        instance_id: str,
        variables: Mapping[str, Any],
        *,
        actor: str | None = None,
        documents: Sequence[Document] = (),
    ) -> Instance:
        """Change variables of a running instance; date timers reading them are rescheduled.
        `documents` (a file a person uploaded, say) are stored with it in the same step."""
        check_variable_names(variables)
        return self.update_variables(
            instance_id, lambda _: variables, actor=actor, documents=documents
        )

    def update_variables(
        self,
        instance_id: str,
        change: Callable[[Mapping[str, Any]], Mapping[str, Any]],
        *,
        actor: str | None = None,
        documents: Sequence[Document] = (),
        notices: Sequence[Notice] = (),
    ) -> Instance:
        """Set the variables `change` computes from the instance's variables as they stand in
        the step that writes them (adding to a collection, say): no concurrent change is lost.
        When another step writes first, the step is run again on what that one left.
        `notices` leave through the outbox, as the instance's, if and when the step commits."""

        def command(session: Session) -> Instance:
            steps = Steps(session, self._runner)
            execution = _running(steps, instance_id)
            variables = change(steps.instance(instance_id).variables)
            check_variable_names(variables)
            execution.documents.extend(documents)
            execution.notify(notices)
            execution.set_variables(variables)
            steps.record(execution, "variables_set", actor)
            steps.save()
            return to_model(steps.instance(instance_id))

        for _ in range(WRITE_ATTEMPTS - 1):
            try:
                return self._executor.execute(command)
            except ConcurrencyError:
                continue
        return self._executor.execute(command)

    def add_instance(
        self,
        instance_id: str,
        element_id: str,
        item: Any,
        *,
        actor: str,
        guard: Callable[[Instance], None] | None = None,
    ) -> Instance:
        """Add an instance, for `item`, to the running parallel multi-instance activity
        `element_id` (a reviewer joining those at work, say): the activity completes once this
        one has too. `guard` sees the instance inside the command and raises to refuse."""

        def command(session: Session) -> Instance:
            steps = Steps(session, self._runner)
            execution = _running(steps, instance_id)
            if guard is not None:
                guard(to_model(steps.instance(instance_id)))
            execution.add_instance(element_id, item)
            steps.record(execution, "instance_added", actor, element_id)
            steps.save()
            return to_model(steps.instance(instance_id))

        return self._executor.execute(command)

    def migrate(self, instance_id: str, version_id: int, *, actor: str) -> Instance:
        """Move a running instance to another version of its process, in one transaction
        with an audit row; ConflictError with the reason when it is not safe where the
        instance stands (engine/migration.py)."""

        def command(session: Session) -> Instance:
            steps = Steps(session, self._runner)
            execution = _running(steps, instance_id)
            row = steps.instance(instance_id)
            target = VersionStore(session).ref(version_id)
            if target.process_id != row.process_id:
                raise InvalidInputError(
                    f"la version {version_id} est celle d'un autre processus ({target.process_id})",
                    field="version_id",
                )
            if target.id == row.version_id:
                raise ConflictError(f"l'instance est déjà sur la version {version_id}")
            spec, subprocess_specs = steps.specs(target)
            execution.migrate(spec, subprocess_specs)
            before, row.version_id = row.version_id, target.id
            steps.record(execution, "migrated", actor, f"{before}→{target.id}")
            steps.save()
            return to_model(steps.instance(instance_id))

        return self._executor.execute(command)

    def cancel(self, instance_id: str, *, actor: str | None = None) -> Instance:
        def command(session: Session) -> Instance:
            steps = Steps(session, self._runner)
            execution = steps.load(instance_id)
            if execution.status not in (RUNNING, ERROR):  # an instance in error may be ended
                raise ConflictError(f"instance {instance_id} is {execution.status}")
            execution.cancel()
            steps.record(execution, "cancelled", actor)
            steps.save()
            close_incidents(
                session,
                instance_id,
                resolution=f"instance cancelled by {actor or 'the engine'}",
                at=self._runner.clock.now(),
            )
            return to_model(steps.instance(instance_id))

        return self._executor.execute(command)

    def query(self) -> InstanceQuery:
        return InstanceQuery(self._executor, to_model)

    def waiting(self, process_id: str, *, business_key_prefix: str = "") -> dict[str, int]:
        """How many instances wait at each element (an open user task, or a timer not
        suspended), counted in SQL: a heatmap of thousands of instances reads no instance."""
        rows = _waiting_rows(process_id, business_key_prefix).subquery()
        query = (
            select(rows.c.element_id, func.count(func.distinct(rows.c.instance_id)))
            .group_by(rows.c.element_id)
            .order_by(rows.c.element_id)
        )
        return self._executor.read(lambda s: dict(s.connection().execute(query).all()))

    def waiting_at(
        self,
        process_id: str,
        element_id: str,
        *,
        business_key_prefix: str = "",
        limit: int | None = None,
    ) -> list[str]:
        """The business keys of the instances waiting at this element, in order (the first
        `limit` of them)."""
        rows = _waiting_rows(process_id, business_key_prefix, element_id).subquery()
        query = select(rows.c.business_key).distinct().order_by(rows.c.business_key).limit(limit)
        return self._executor.read(
            lambda s: [key or "" for key in s.connection().execute(query).scalars()]
        )

    def retry_in(self, session: Session, instance_id: str, actor: str) -> None:
        """Run again, inside the caller's command, the instance an uncaught error stopped,
        from the element that threw it (after staff changed what made it throw)."""
        steps = Steps(session, self._runner)
        execution = steps.load(instance_id)
        execution.retry()
        steps.record(execution, "retried", actor)
        steps.save()

    def completed_elements(self, instance_id: str) -> list[str]:
        """The elements the instance has gone through, in order, read from its state: every
        task, event, gateway and sub-process, not only those the history names."""
        return self._executor.read(
            lambda s: completed_elements(Steps(s, self._runner).load(instance_id).workflow)
        )

    def summaries(self, process_id: str) -> SummaryQuery:
        """The summaries of a process's instances (empty if it has no summarizer)."""
        return SummaryQuery(self._executor, process_id)

    def summarize_missing(self, batch: int = 500) -> int:
        """Write the summaries instances lack (those started before their process had a
        summarizer); how many were written."""
        written = 0
        for process_id, summarize in self._runner.summaries.items():
            lacking = (
                select(*(c for c in _INSTANCES.c if c.name != "state"))
                .where(
                    _INSTANCES.c.process_id == process_id,
                    ~exists().where(SummaryRecord.instance_id == _INSTANCES.c.id),
                )
                .limit(batch)
            )

            def command(
                session: Session, lacking: Any = lacking, summarize: Any = summarize
            ) -> int:
                connection = session.connection()
                instances = [to_model(row) for row in connection.execute(lacking)]
                forms: dict[str, list[str]] = {}
                tasks = select(UserTaskRecord.instance_id, UserTaskRecord.form_key).where(
                    UserTaskRecord.instance_id.in_([i.id for i in instances])
                )
                for instance_id, form_key in connection.execute(tasks):
                    if form_key:
                        forms.setdefault(instance_id, []).append(form_key)
                for instance in instances:
                    summary = summarize(instance, tuple(forms.get(instance.id, ())))
                    write_summary(connection, instance, summary, is_new=True)
                return len(instances)

            while done := self._executor.execute(command):
                written += done
        return written


class InstanceQuery(Query[InstanceRecord, Instance]):
    """Fluent filter over instances, read from the instance table only."""

    record = InstanceRecord
    order_by = (InstanceRecord.started_at, InstanceRecord.id)
    unlisted = ("state",)  # the serialized workflow: large, and not part of `Instance`
    label = "instance"

    def process(self, process_id: str) -> InstanceQuery:
        return self.where(InstanceRecord.process_id == process_id)

    def status(self, status: str) -> InstanceQuery:
        return self.where(InstanceRecord.status == status)

    def business_key(self, key: str) -> InstanceQuery:
        return self.where(InstanceRecord.business_key == key)

    def started_by(self, actor: str) -> InstanceQuery:
        return self.where(InstanceRecord.started_by == actor)

    def business_key_prefix(self, prefix: str) -> InstanceQuery:
        return self.where(InstanceRecord.business_key.startswith(prefix, autoescape=True))

    def variables(self, *names: str) -> list[tuple[str | None, dict[str, Any]]]:
        """(business key, {name: value}) of each match, in order, reading only these variables
        from the database (None for one an instance lacks): a page of hundreds of instances
        that shows a few of their variables needs no more."""
        columns = [InstanceRecord.variables[name].label(f"v{n}") for n, name in enumerate(names)]
        query = (
            select(InstanceRecord.business_key, *columns)
            .where(*self._filters)
            .order_by(*self.order_by)
        )

        def read(session: Session) -> list[tuple[str | None, dict[str, Any]]]:
            rows = session.connection().execute(query)
            return [(row[0], dict(zip(names, row[1:], strict=True))) for row in rows]

        return self._executor.read(read)

    def waiting_for_message(self, message_name: str) -> InstanceQuery:
        """Instances with a catch open for this message (read from the subscriptions' index)."""
        waiting = select(SubscriptionRecord.instance_id).where(
            SubscriptionRecord.message_name == message_name
        )
        return self.where(InstanceRecord.id.in_(waiting))


def _running(steps: Steps, instance_id: str):  # type: ignore[no-untyped-def]
    execution = steps.load(instance_id)
    if execution.status != RUNNING:
        raise ConflictError(f"instance {instance_id} is {execution.status}")
    return execution


def _waiting_rows(process_id: str, prefix: str, element_id: str | None = None) -> Any:
    """(instance id, element id, business key) of each open user task and live timer of the
    process's instances whose business key starts with `prefix`."""
    tasks, timers = UserTaskRecord.__table__, TimerRecord.__table__
    task_rows = select(tasks.c.instance_id, tasks.c.element_id, tasks.c.business_key).where(
        tasks.c.process_id == process_id,
        tasks.c.business_key.startswith(prefix, autoescape=True),
    )
    timer_rows = select(timers.c.instance_id, timers.c.element_id, timers.c.business_key).where(
        timers.c.process_id == process_id,
        timers.c.business_key.startswith(prefix, autoescape=True),
        timers.c.suspended.is_(False),
    )
    if element_id is not None:
        task_rows = task_rows.where(tasks.c.element_id == element_id)
        timer_rows = timer_rows.where(timers.c.element_id == element_id)
    return union_all(task_rows, timer_rows)


def check_variable_names(variables: Mapping[str, Any]) -> None:
    """Names become process variables (and names in scripts): identifiers not starting with _;
    refused with the name at fault as the field."""
    for name in variables:
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise InvalidInputError(
                f"nom de variable invalide : {str(name)[:100]!r} (lettres, chiffres et _, "
                "sans _ au début)",
                field=str(name)[:100],
            )
