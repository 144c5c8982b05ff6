"""What the indexes need from a running instance, read in one pass over its live tokens: open
user tasks, waiting timers, open message and signal catches, and the data they hold."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    SignalEventDefinition as BaseSignalEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.message import (
    MessageEventDefinition as BaseMessageEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.util.task import TaskState

from .bpmn import SERIALIZER
from .dates import parse_datetime
from .timer_watch import WaitingTimer, branch_element, timers_of

MESSAGE, SIGNAL = "message", "signal"
Evaluate = Callable[[Any, str | None], Any]  # (task, expression) -> its value in the task


def correlation_key(values: Mapping[str, Any]) -> str:
    """Canonical text of correlation values, so SQL can match them by equality."""
    return json.dumps(dict(values), sort_keys=True, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class OpenUserTask:
    id: str
    element_id: str
    name: str | None
    lane: str | None
    form_key: str | None
    assignee: str | None
    due_at: datetime | None


@dataclass(frozen=True)
class WaitingMessage:
    task_id: str
    element_id: str
    name: str
    correlation: str
    kind: str = MESSAGE


@dataclass(frozen=True)
class Snapshot:
    variables: dict[str, Any]
    user_tasks: list[OpenUserTask]
    timers: list[WaitingTimer]
    messages: list[WaitingMessage]


def read_snapshot(workflow: BpmnWorkflow, evaluate: Evaluate) -> Snapshot:
    """The waits of a running instance; expressions (assignees, due dates, correlation keys)
    are evaluated with `evaluate`."""
    live = sorted(
        workflow.get_tasks(state=TaskState.READY | TaskState.WAITING),
        key=lambda t: t.last_state_change,
    )
    data = {}
    timers, messages, ready = [], [], []
    for task in live:
        data.update(task.data)
        if task.state == TaskState.READY:
            if task.task_spec.manual:
                ready.append(task)
            continue
        event = getattr(task.task_spec, "event_definition", None)
        branches = (
            event.event_definitions if isinstance(event, MultipleEventDefinition) else [event]
        )
        timers.extend(WaitingTimer(str(task.id), *wait) for wait in timers_of(task))
        for branch in branches:  # an event-based gateway waits for several
            element = task.task_spec.bpmn_id if branch is event else branch_element(task, branch)
            if isinstance(branch, BaseMessageEventDefinition):
                messages.append(_waiting_message(task, branch, element, evaluate))
            elif isinstance(branch, BaseSignalEventDefinition):
                messages.append(WaitingMessage(str(task.id), element, branch.name, "{}", SIGNAL))
    messages.extend(_event_subprocess_triggers(workflow))
    user_tasks = [_open_user_task(task, timers, evaluate, workflow) for task in ready]
    return Snapshot(SERIALIZER.to_json_safe(data), user_tasks, timers, messages)


def _open_user_task(
    task: Any, timers: list[WaitingTimer], evaluate: Evaluate, workflow: BpmnWorkflow
) -> OpenUserTask:
    spec = task.task_spec
    props = getattr(spec, "extensions", {}).get("properties", {})
    assignee = evaluate(task, props.get("assignee"))
    due = evaluate(task, props.get("dueDate"))
    return OpenUserTask(
        id=str(task.id),
        element_id=spec.bpmn_id or spec.name,
        name=spec.bpmn_name,
        lane=spec.lane,
        form_key=props.get("formKey"),
        assignee=str(assignee) if assignee else None,
        due_at=parse_datetime(due) if due else _due_of(task, timers, workflow),
    )


def _waiting_message(task: Any, event: Any, element_id: str, evaluate: Evaluate) -> WaitingMessage:
    values = {
        prop.name: evaluate(task, prop.retrieval_expression)
        for prop in getattr(event, "process_correlations", [])
    }
    return WaitingMessage(str(task.id), element_id, event.name, correlation_key(values))


def _due_of(task: Any, timers: list[WaitingTimer], workflow: BpmnWorkflow) -> datetime | None:
    """A user task is due by the earliest boundary timer on it or on an enclosing subprocess
    (a boundary timer's siblings, under SpiffWorkflow's boundary split, are the activity)."""
    holders = {task.id}
    scope = task.workflow
    while getattr(scope, "parent_task_id", None) is not None:
        holder = workflow.get_task_from_id(scope.parent_task_id)
        holders.add(holder.id)
        scope = holder.workflow
    dues = []
    for timer in timers:
        boundary = workflow.get_task_from_id(UUID(timer.task_id))
        if not hasattr(boundary.task_spec, "cancel_activity") or boundary.parent is None:
            continue
        if any(sibling.id in holders for sibling in boundary.parent.children):
            dues.append(timer.due_at)
    return min(dues, default=None)


def _event_subprocess_triggers(workflow: BpmnWorkflow) -> list[WaitingMessage]:
    """The signals and messages an event sub-process of the process starts on: the instance
    waits for them from its start (SpiffWorkflow keeps no waiting task for them)."""
    waits = []
    for name in workflow.spec.start.trigger_specs:
        for start in workflow.subprocess_specs[name].bpmn_start_events:
            event = start.event_definition
            if isinstance(event, BaseSignalEventDefinition):
                waits.append(
                    WaitingMessage(f"trigger:{name}", start.bpmn_id, event.name, "{}", SIGNAL)
                )
            elif isinstance(event, BaseMessageEventDefinition):
                waits.append(WaitingMessage(f"trigger:{name}", start.bpmn_id, event.name, "{}"))
    return waits
