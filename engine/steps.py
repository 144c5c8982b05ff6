"""A step: load instances, act on them, route the messages they throw, save everything.

`Steps` is opened inside one command (one transaction). Every instance it touches is loaded once,
and `save()` writes state, task/timer/subscription indexes, outbox and history together.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from .activities import data_changes
from .bpmn import SERIALIZER
from .clock import Clock
from .dates import CALENDAR_ZONE
from .errors import ProcessError
from .execution import CANCELLED, COMPLETED, RUNNING, Execution, ThrownMessage
from .models import FiredTimer
from .sandbox_pool import SandboxPool
from .scripting import Effect, Service, StepIdentity
from .snapshots import MESSAGE, SIGNAL
from .storage.activities import ActivityStore
from .storage.buffer import MessageBuffer
from .storage.indexes import IndexStore
from .storage.instances import InstanceRow, InstanceStore, to_instance
from .storage.records import DocumentRecord, HistoryRecord, OutboxRecord
from .storage.stores import SubscriptionStore, VersionRef, VersionStore, open_incident
from .summaries import Summarizer, write_summary

MAX_DELIVERIES_PER_STEP = 100_000  # a message ping-pong between instances must end somewhere
_INSERT_OUTBOX = insert(OutboxRecord)
_INSERT_HISTORY = insert(HistoryRecord)


@dataclass(frozen=True)
class Runner:
    """What every step needs to run workflows: the clock, host services, script limits, and
    the zone whose calendar durations are counted in."""

    clock: Clock
    services: Mapping[str, Service]
    script_time_limit: float = 1.0
    zone: ZoneInfo = CALENDAR_ZONE
    sandbox: SandboxPool | None = None  # scripts run in its processes (in process if None)
    # An instance's stored state (its data in every live token): FACT dossiers keep under 1 MB.
    max_state_chars: int = 16 * 2**20
    summaries: Mapping[str, Summarizer] = field(default_factory=dict)  # by process id
    # How long a message thrown by an instance, that no catch waited for, is kept for one.
    message_ttl: timedelta = timedelta(hours=1)


@dataclass
class _Loaded:
    record: InstanceRow
    execution: Execution
    is_new: bool
    before: dict[str, Any]
    actions: list[tuple[str, str | None, str | None, str | None]] = field(default_factory=list)


class Steps:
    def __init__(self, session: Session, runner: Runner) -> None:
        self.session = session
        self._runner = runner
        self._loaded: dict[str, _Loaded] = {}
        self.fired: list[FiredTimer] = []  # every timer this step fired, in every instance
        self._unbuffered: list[tuple[ThrownMessage, str]] = []
        self._connection = session.connection()
        self._instances = InstanceStore(self._connection)
        self._versions = VersionStore(session)

    def specs(self, version: VersionRef) -> tuple[Any, dict[str, Any]]:
        """The spec and sub-process specs of a version."""
        return SERIALIZER.specs(
            version.process_id, version.checksum, lambda: self._versions.spec(version.id)
        )

    # --- loading ----------------------------------------------------------------------------

    def load(self, instance_id: str) -> Execution:
        loaded = self._loaded.get(instance_id)
        if loaded is None:
            loaded = self._adopt(*self._instances.get_for_step(instance_id))
        return loaded.execution

    def load_task(self, task_id: str) -> tuple[dict[str, Any], Execution]:
        """An open task's row and its instance, read together (NotFoundError if not open)."""
        task, row, version = self._instances.get_for_task(task_id)
        loaded = self._loaded.get(row.id) or self._adopt(row, version)
        return task, loaded.execution

    def _adopt(self, row: InstanceRow, version: VersionRef) -> _Loaded:
        workflow = SERIALIZER.loads(row.state, self.specs(version))
        execution = self._execution(row, workflow)
        loaded = self._loaded[row.id] = _Loaded(row, execution, False, dict(row.variables))
        return loaded

    def instance(self, instance_id: str) -> InstanceRow:
        """The row of an instance this step loaded or started (as saved so far)."""
        return self._loaded[instance_id].record

    def start(
        self,
        version: VersionRef,
        *,
        business_key: str | None,
        variables: Mapping[str, Any],
        actor: str | None,
        run: bool = True,
    ) -> Execution:
        now = self._runner.clock.now()
        row = InstanceRow(
            id=str(uuid4()),
            process_id=version.process_id,
            version_id=version.id,
            business_key=business_key,
            status=RUNNING,
            state="",
            variables={},
            started_at=now,
            updated_at=now,
            ended_at=None,
            started_by=actor,
        )
        spec, subprocess_specs = self.specs(version)
        execution = self._execution(row, BpmnWorkflow(spec, subprocess_specs))
        self._loaded[row.id] = _Loaded(row, execution, True, {})
        self.record(execution, "started", actor)
        if run:
            execution.start(variables)
        else:
            execution.workflow.task_tree.data.update(variables)
        return execution

    def record(
        self,
        execution: Execution,
        action: str,
        actor: str | None,
        element_id: str | None = None,
        *,
        task_id: str | None = None,
    ) -> None:
        """Note an action for the audit log; its row is written by save()."""
        self._loaded[execution.instance_id].actions.append((action, actor, element_id, task_id))

    # --- saving -----------------------------------------------------------------------------

    def save(self) -> None:
        """Write every touched instance, delivering the messages they throw, until all is quiet."""
        pending: deque[tuple[ThrownMessage, str | None]] = deque()
        deliveries = 0
        while True:
            for loaded in list(self._loaded.values()):
                pending.extend((message, None) for message in loaded.execution.take_thrown())
                self._write(loaded)
            pending.extend(self._unbuffered)  # kept messages, for catches that just opened
            self._unbuffered.clear()
            if not pending:
                return
            message, receiver = pending.popleft()
            receivers = [receiver] if receiver else self.targets(message)
            if not receivers and message.kind == MESSAGE and self._runner.message_ttl:
                self.keep(message, self._runner.message_ttl)
            for instance_id in receivers:
                deliveries += 1
                if deliveries > MAX_DELIVERIES_PER_STEP:
                    raise ProcessError("too many messages delivered in one step (message loop?)")
                target = self.load(instance_id)
                target.deliver(message.name, message.payload, kind=message.kind)
                self.record(target, f"{message.kind}_received", None, message.name)

    def keep(self, message: ThrownMessage, ttl: timedelta) -> None:
        """Keep a message nobody waits for: the first matching catch to open within `ttl`
        receives it (messages sent too early are not lost)."""
        now = self._runner.clock.now()
        payload = SERIALIZER.to_json_safe(message.payload)
        MessageBuffer(self._connection).keep(
            message.name, message.correlation, payload, now=now, until=now + ttl
        )

    def targets(self, message: ThrownMessage) -> list[str]:
        """Instances subscribed to the message, or new ones if a process starts on it. A
        signal reaches every instance waiting for it (but the one that threw it, whose own
        catches took it already) and starts every process that starts on it."""
        subscriptions = SubscriptionStore(self.session)
        targets = subscriptions.matching(message.name, message.correlation, message.kind)
        versions = VersionStore(self.session)
        if message.kind == SIGNAL:
            targets = [target for target in targets if target != message.origin]
            starting = versions.with_signal_start(message.name)
        elif targets:
            return targets
        else:
            starting = versions.with_message_start(message.name)
        started = []
        for version in starting:
            execution = self.start(version, business_key=None, variables={}, actor=None, run=False)
            started.append(execution.instance_id)
        return targets + started if message.kind == SIGNAL else started

    def _write(self, loaded: _Loaded) -> None:
        execution, record, is_new = loaded.execution, loaded.record, loaded.is_new
        now = self._runner.clock.now()
        record.state = SERIALIZER.dumps(execution.workflow)
        if len(record.state) > self._runner.max_state_chars:
            raise ProcessError(
                f"the instance's data would take {len(record.state)} characters, more than the "
                f"{self._runner.max_state_chars} allowed"
            )
        snapshot = execution.snapshot()
        variables = snapshot.variables
        record.variables = variables
        record.status = execution.status
        record.updated_at = now
        if record.status in (COMPLETED, CANCELLED) and record.ended_at is None:
            record.ended_at = now
        if execution.failure is not None:  # an uncaught error: staff see it and may retry
            failure, execution.failure = execution.failure, None
            loaded.actions.append(("error", None, failure.element_id, failure.task_id))
            open_incident(
                self.session,
                kind="error",
                instance_id=record.id,
                element_id=failure.element_id,
                error=failure.message,
                attempts=1,
                at=now,
            )
        # The instance row first (its version check, and the rows below refer to it).
        if loaded.is_new:
            self._instances.add(record)
        else:
            self._instances.update(record)
        connection = self._connection
        summarize = self._runner.summaries.get(record.process_id)
        if summarize is not None:
            forms = tuple(task.form_key for task in snapshot.user_tasks if task.form_key)
            instance = to_instance(record)
            write_summary(connection, instance, summarize(instance, forms), is_new=loaded.is_new)
        opened, caught = IndexStore(connection).sync(
            record.id,
            tasks=[
                {
                    "id": task.id,
                    "process_id": record.process_id,
                    "business_key": record.business_key,
                    "element_id": task.element_id,
                    "name": task.name,
                    "lane": task.lane,
                    "form_key": task.form_key,
                    "assignee": task.assignee,
                    "claimed_by": None,
                    "created_at": now,
                    "due_at": task.due_at,
                }
                for task in snapshot.user_tasks
            ],
            timers=[
                {
                    "task_id": timer.task_id,
                    "element_id": timer.element_id,
                    "due_at": timer.due_at,
                    "process_id": record.process_id,
                    "business_key": record.business_key,
                }
                for timer in snapshot.timers
            ],
            subscriptions=[
                {
                    "task_id": sub.task_id,
                    "element_id": sub.element_id,
                    "message_name": sub.name,
                    "correlation": sub.correlation,
                    "kind": sub.kind,
                }
                for sub in snapshot.messages
            ],
            is_new=loaded.is_new,
        )
        loaded.is_new = False
        self._take_kept(record.id, caught, now)
        actor = next((action[1] for action in loaded.actions if action[1]), None)
        ActivityStore(connection).write(
            record.id, execution.take_activities(), at=now, actor=actor, is_new=is_new
        )
        for task in opened:
            if task["assignee"]:  # a task given to someone: they are told (topic "task")
                execution.effects.append(_assigned(task, variables))
        if execution.effects:
            connection.execute(
                _INSERT_OUTBOX,
                [
                    {
                        "instance_id": record.id,
                        "topic": effect.topic,
                        "kind": effect.kind,
                        "recipient": effect.recipient,
                        "payload": SERIALIZER.to_json_safe(effect.payload),
                        "status": "pending",
                        "attempts": 0,
                        "created_at": now,
                        "next_attempt_at": now,
                    }
                    for effect in execution.effects
                ],
            )
            execution.effects.clear()
        for document in execution.documents:
            connection.execute(
                delete(DocumentRecord).where(
                    DocumentRecord.instance_id == record.id, DocumentRecord.name == document.name
                )
            )
            connection.execute(
                insert(DocumentRecord).values(
                    instance_id=record.id,
                    name=document.name,
                    mimetype=document.mimetype,
                    content=document.content,
                    created_at=now,
                )
            )
        execution.documents.clear()
        for timer in execution.take_fired():
            self.fired.append(timer)
            loaded.actions.append(("timer_fired", None, timer.element_id, None))
        changes = data_changes(loaded.before, variables)
        loaded.before = variables
        if loaded.actions:
            rows = [
                {
                    "instance_id": record.id,
                    "at": now,
                    "actor": actor,
                    "action": action,
                    "task_id": task_id,
                    "element_id": element_id,
                    "element_name": None,
                    "changes": changes if n == 0 else {},  # the step's changes, noted once
                }
                for n, (action, actor, element_id, task_id) in enumerate(loaded.actions)
            ]
            connection.execute(_INSERT_HISTORY, rows)
            loaded.actions.clear()

    def _take_kept(self, instance_id: str, caught: list[Any], now: datetime) -> None:
        buffer = MessageBuffer(self._connection)
        for catch in caught:
            if catch["kind"] != MESSAGE:
                continue
            found, payload = buffer.take(catch["message_name"], catch["correlation"], now=now)
            if found:
                payload = SERIALIZER.from_json_safe(payload)
                message = ThrownMessage(catch["message_name"], payload, catch["correlation"])
                self._unbuffered.append((message, instance_id))

    def _execution(self, record: InstanceRow, workflow: BpmnWorkflow) -> Execution:
        identity = StepIdentity(record.id, record.process_id, record.business_key)
        return Execution(
            identity,
            workflow,
            self._runner.clock,
            self._runner.services,
            self._runner.script_time_limit,
            self._runner.zone,
            self._runner.sandbox,
        )


def _assigned(task: Mapping[str, Any], variables: dict[str, Any]) -> Effect:
    due_at = task["due_at"]
    return Effect(
        topic="task",
        kind="task_assigned",
        recipient=task["assignee"],
        payload={
            "task": {
                **{name: task[name] for name in ("id", "name", "element_id", "form_key", "lane")},
                "due_at": due_at.isoformat() if due_at else None,
            },
            "business_key": task["business_key"],
            "process_id": task["process_id"],
            "variables": variables,
        },
    )
