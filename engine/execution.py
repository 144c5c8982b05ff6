"""One instance loaded for one step: what SpiffWorkflow does, seen as engine facts.

An Execution runs the workflow to its wait states and reports what the indexes need (open user
tasks, waiting timers, message subscriptions, thrown messages) without knowing about storage.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import (
    MessageEventDefinition as BaseMessageEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import ParallelMultiInstanceTask
from SpiffWorkflow.exceptions import TaskNotFoundException, WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import (
    MessageEventDefinition,
    SignalEventDefinition,
)
from SpiffWorkflow.util.task import TaskState

from .activities import ActivityChange, changed_activities
from .bpmn import SERIALIZER
from .clock import Clock
from .dates import CALENDAR_ZONE, parse_datetime
from .errors import ConflictError, ProcessError
from .events import has_event_subprocesses, interrupt_scopes, thrown_signal, uncaught_error
from .migration import migrate
from .models import FiredTimer, Notice
from .sandbox_pool import SandboxPool
from .scripting import Document, Effect, ScriptEngine, Service, StepIdentity
from .snapshots import MESSAGE, SIGNAL, Snapshot, correlation_key, read_snapshot
from .step_guard import StepGuard
from .timer_watch import TimerWatch, timers_of

RUNNING, COMPLETED, CANCELLED, ERROR = "running", "completed", "cancelled", "error"
# Elements one instance may run in one step. A cycle with no exit would otherwise run until
# SpiffWorkflow's task tree is too deep to search, and the instance would pass for completed.
MAX_ELEMENTS_PER_STEP = 500
PINNED = "_pinned"  # in the workflow's own data: variables set from outside (set_variables)
FAILED = "_failed"  # in the workflow's own data: the uncaught error that stopped the instance
_HIDDEN = (PINNED, FAILED)
_ABSENT = object()


@dataclass(frozen=True)
class ThrownMessage:
    """A message, or a signal (broadcast, `origin` the instance that threw it, if any)."""

    name: str
    payload: Any
    correlation: str
    kind: str = MESSAGE
    origin: str | None = None


@dataclass(frozen=True)
class Failure:
    """An error event no boundary or event sub-process caught: the instance stops there."""

    element_id: str
    task_id: str
    code: str | None

    @property
    def message(self) -> str:
        code = f" (code {self.code!r})" if self.code else ""
        return f"erreur non interceptée à l'élément {self.element_id!r}{code}"


class _Stopped(Exception):
    """Raised from the step hook to stop the instance at an uncaught error."""


class Execution:
    def __init__(
        self,
        identity: StepIdentity,
        workflow: BpmnWorkflow,
        clock: Clock,
        services: Mapping[str, Service],
        time_limit: float,
        zone: ZoneInfo = CALENDAR_ZONE,
        sandbox: SandboxPool | None = None,
    ) -> None:
        self.identity = identity
        self.workflow = workflow
        self.clock = clock
        self.zone = zone
        self.effects: list[Effect] = []
        self.documents: list[Document] = []
        self.shared: dict[str, Any] = {}  # what services share with every branch (ctx.share)
        # The script engine is not part of the serialized state: attach it after every load.
        workflow.script_engine = ScriptEngine(
            clock, services, identity, self.effects, time_limit, self.documents, zone, self.shared,
            sandbox,
        )  # fmt: skip
        self.thrown: list[ThrownMessage] = []
        self.fired: list[FiredTimer] = []
        self.cancelled = False
        self.failure: Failure | None = None  # the uncaught error this step stopped at
        self._ran = 0
        self._watch: TimerWatch | None = None
        self._since = time.time()  # activities changed from then on are not written yet
        self._subprocesses = len(workflow.subprocesses)
        self._event_subprocesses = has_event_subprocesses(workflow)

    @property
    def instance_id(self) -> str:
        return self.identity.instance_id

    # --- commands -----------------------------------------------------------------------

    def start(self, variables: Mapping[str, Any]) -> None:
        self.workflow.task_tree.data.update(variables)
        self.run()

    def run(self) -> None:
        """Bring the instance up to the clock: fire due timers, run until every token waits."""
        if self.status == ERROR:
            return
        with self._guard():
            self._watch = TimerWatch(self.workflow)
            try:
                self.workflow.refresh_timers()
                self.workflow.do_engine_steps(
                    will_complete_task=self._pin, did_complete_task=self._completed
                )
            except _Stopped:
                pass
            self.fired.extend(
                FiredTimer(self.instance_id, element, due) for element, due in self._watch.fired()
            )
            self._watch = None
            self._collect_thrown()
        self._apply_pins()

    def _pin(self, task: Any) -> None:
        """A task about to run sees the pinned variables, even if it copied its data from a
        token that finished before they were set (a loop's next iteration, say)."""
        pinned = self.workflow.data.get(PINNED)
        if pinned:
            task.data.update(deepcopy(pinned))

    def _completed(self, task: Any) -> None:
        self._ran += 1
        if self._ran > MAX_ELEMENTS_PER_STEP:
            element = task.task_spec.bpmn_id or task.task_spec.name
            raise ProcessError(
                f"more than {MAX_ELEMENTS_PER_STEP} elements ran in one step, the last at "
                f"{element!r}: a cycle without an exit?",
                element_id=element,
            )
        if self.shared:  # a service shared values: every live branch has them from now on
            self.workflow.data.setdefault(PINNED, {}).update(deepcopy(self.shared))
            self.shared.clear()
            self._apply_pins()
        self._note_fired(task)
        self._note_events(task)

    def _note_events(self, task: Any) -> None:
        signal = thrown_signal(task)
        if signal is not None:
            expression = getattr(task.task_spec.event_definition, "expression", None)
            payload = self._evaluate(task, expression) if expression else None
            self.thrown.append(ThrownMessage(signal, payload, "{}", SIGNAL, self.instance_id))
        if self.workflow.bpmn_events:
            error = uncaught_error(self.workflow)
            if error is not None:
                definition = error.event_definition
                failure = Failure(task.task_spec.bpmn_id, str(task.id), definition.code)
                self.workflow.data[FAILED] = failure.__dict__
                self.failure = failure
                raise _Stopped
        # An event sub-process starts: triggered by an event (a new sub-process, at once, before
        # the thrower's scope goes on), or by its timer (its start event runs).
        if not self._event_subprocesses:
            return
        started = isinstance(task.task_spec, StartEvent) and task.workflow is not self.workflow
        if started or len(self.workflow.subprocesses) != self._subprocesses:
            self._subprocesses = len(self.workflow.subprocesses)
            interrupt_scopes(self.workflow)

    def retry(self) -> None:
        """Run again from the element whose uncaught error stopped the instance."""
        failure = self.workflow.data.pop(FAILED, None)
        if failure is None:
            raise ConflictError(f"instance {self.instance_id} is not stopped by an error")
        with self._guard():
            self.workflow.reset_from_task_id(UUID(failure["task_id"]))
        self.run()

    def _note_fired(self, task: Any) -> None:
        """A timer that started waiting and fired within this step (the watch knew the others)."""
        timer = _timer_of(task)
        if timer is None or self._watch is None or self._watch.knows(task):
            return
        value = task.internal_data.get("event_value")
        due = parse_datetime(value) if isinstance(value, str) else self.clock.now()
        self.fired.append(FiredTimer(self.instance_id, task.task_spec.bpmn_id, due))

    def complete_user_task(self, task_id: str, data: Mapping[str, Any]) -> str:
        """Complete one open user task and run on; returns the completed element id."""
        self.run()  # a deadline due before this moment cancels the task first
        task = self._find_task(task_id)
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise ConflictError(f"task {task_id} is no longer open")
        with self._guard():
            task.set_data(**dict(data))
            task.run()
        self.run()
        return task.task_spec.bpmn_id or task.task_spec.name

    def deliver(
        self,
        name: str,
        payload: Any,
        variables: Mapping[str, Any] | None = None,
        kind: str = MESSAGE,
    ) -> None:
        """Deliver a message or signal this instance waits for (matched by the caller)."""
        self.run()
        if variables:
            self.set_variables(variables)
        if kind == SIGNAL:
            event = BpmnEvent(SignalEventDefinition(name), payload)
        else:
            # Correlation was decided by the subscription index; SpiffWorkflow's own check
            # would compare against keys it accumulates per instance: cleared before delivery.
            for workflow in (self.workflow, *self.workflow.subprocesses.values()):
                workflow.correlations = {}
            event = BpmnEvent(MessageEventDefinition(name), payload, {})
        with self._guard():
            try:
                self.workflow.send_event(event)
            except WorkflowException as exc:
                raise ConflictError(f"instance is not waiting for {kind} {name!r}") from exc
        self.run()

    def add_instance(self, element_id: str, item: Any) -> None:
        """Give a running parallel multi-instance activity one more instance, for `item`.

        The item joins the activity's input collection, as the activity and each of its
        running instances hold it, so the collection names every instance, old and new.
        """
        self.run()
        activity = next(
            (
                task
                for task in self.workflow.get_tasks(state=TaskState.STARTED)
                if task.task_spec.bpmn_id == element_id
                and isinstance(task.task_spec, ParallelMultiInstanceTask)
            ),
            None,
        )
        if activity is None:
            raise ConflictError(f"no parallel multi-instance activity {element_id!r} is running")
        spec = activity.task_spec
        name = spec.data_input.bpmn_id if spec.data_input is not None else None
        collection = activity.data.get(name) if name else None
        if not isinstance(collection, list):
            raise ConflictError(f"activity {element_id!r} does not run over a list")
        collection.append(deepcopy(item))
        for instance in spec._instances(activity):
            if not instance.has_state(TaskState.FINISHED_MASK) and name in instance.data:
                instance.data[name] = deepcopy(collection)
        with self._guard():
            spec.create_child(activity, item, len(collection) - 1)
        self.run()

    def migrate(self, spec: Any, subprocess_specs: dict[str, Any]) -> None:
        """Move to another version's spec when safe (engine/migration.py), then run on."""
        with self._guard():
            migrate(self.workflow, spec, subprocess_specs)
        self.run()

    def notify(self, notices: Sequence[Notice]) -> None:
        """Notices that leave through the outbox, as the instance's, when the step commits."""
        self.effects.extend(Effect(n.topic, n.payload, n.kind, n.recipient) for n in notices)

    def set_variables(self, variables: Mapping[str, Any]) -> None:
        """Set instance variables from outside; date timers follow the variables they read.

        SpiffWorkflow keeps a copy of the data in every token, and a token created later (a new
        loop iteration, say) copies an older one. So variables set this way are pinned: after
        every run they are set again on every live token.
        """
        self.workflow.data.setdefault(PINNED, {}).update(deepcopy(dict(variables)))
        self._apply_pins()
        self.run()

    def _apply_pins(self) -> None:
        pinned = self.workflow.data.get(PINNED)
        if not pinned:
            return
        for task in self.workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK):
            if all(task.data.get(k, _ABSENT) == v for k, v in pinned.items()):
                continue
            # A copy each: SpiffWorkflow merges a parent's data into a task's values in place,
            # which would write old values into the pins through a shared dict.
            task.data.update(deepcopy(pinned))
            timer = _timer_of(task)
            if isinstance(timer, TimeDateEventDefinition) and task.state == TaskState.WAITING:
                # SpiffWorkflow fixes a date timer's value when it starts waiting: set it anew.
                task.internal_data["event_value"] = self._evaluate(task, timer.expression)

    def cancel(self) -> None:
        self.workflow.cancel()
        self.cancelled = True

    # --- what the indexes need ---------------------------------------------------------------

    @property
    def status(self) -> str:
        if self.cancelled:
            return CANCELLED
        if FAILED in self.workflow.data:
            return ERROR
        return COMPLETED if self.workflow.is_completed() else RUNNING

    def snapshot(self) -> Snapshot:
        """What the indexes need, read in one pass over the live tokens."""
        if self.status != RUNNING:
            data = {k: v for k, v in self.workflow.data.items() if k not in _HIDDEN}
            if self.workflow.last_task is not None:
                data.update(self.workflow.last_task.data)
            return Snapshot(SERIALIZER.to_json_safe(data), [], [], [])
        return read_snapshot(self.workflow, self._evaluate)

    def timer_still_due(self, task_id: str, due_at: datetime) -> bool:
        """Whether this timer still waits for the same due time (it should have fired)."""
        task = self._find_task(task_id)
        if task is None or task.state != TaskState.WAITING:
            return False
        return any(due == due_at for _, due in timers_of(task))

    def take_fired(self) -> list[FiredTimer]:
        fired, self.fired = self.fired, []
        return fired

    def take_activities(self) -> list[ActivityChange]:
        """The activity instances that changed since the last call (or the load)."""
        since, self._since = self._since, time.time()
        return changed_activities(self.workflow, since, _HIDDEN, SERIALIZER.to_json_safe)

    def take_thrown(self) -> list[ThrownMessage]:
        thrown, self.thrown = self.thrown, []
        return thrown

    # --- internals -------------------------------------------------------------------------

    def _collect_thrown(self) -> None:
        for event in self.workflow.get_events():
            definition = event.event_definition
            if not isinstance(definition, BaseMessageEventDefinition):
                continue  # signals are noted as they are thrown; escalations go no further
            flat: dict[str, Any] = {}
            for values in (event.correlations or {}).values():
                flat.update(values)
            self.thrown.append(ThrownMessage(definition.name, event.payload, correlation_key(flat)))

    def _find_task(self, task_id: str) -> Any:
        try:
            return self.workflow.get_task_from_id(UUID(task_id))
        except (ValueError, TaskNotFoundException):
            return None

    def _evaluate(self, task: Any, expression: str | None) -> Any:
        if not expression:
            return None
        with self._guard():
            return self.workflow.script_engine.environment.evaluate(expression, task.data)

    def _guard(self) -> StepGuard:
        return StepGuard(self.clock, self.zone)


def _timer_of(task: Any) -> TimerEventDefinition | None:
    event = getattr(task.task_spec, "event_definition", None)
    return event if isinstance(event, TimerEventDefinition) else None
