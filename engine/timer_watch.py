"""Which timers of an instance wait, for when, and which fired in a step.

SpiffWorkflow fires timers in several ways: a catch event completes, an event-based gateway
completes through the catch behind it, a cycle stays waiting with its next occurrence moved on.
Only the first passes through the step's hook, so fired timers are found by comparing the
waiting timers before and after the step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.util.task import TaskState

from .dates import parse_datetime


@dataclass(frozen=True)
class WaitingTimer:
    task_id: str
    element_id: str
    due_at: datetime


def timers_of(task: Any) -> Iterator[tuple[str, datetime]]:
    """(element id, due time) of each timer this waiting task waits for: its own, or those of
    the catch events behind an event-based gateway (named by those events' ids)."""
    event = getattr(task.task_spec, "event_definition", None)
    if isinstance(event, MultipleEventDefinition):
        for branch in event.event_definitions:
            if isinstance(branch, TimerEventDefinition):
                due = _due(branch, task)
                if due is not None:
                    yield branch_element(task, branch), due
    elif isinstance(event, TimerEventDefinition):
        due = _due(event, task)
        if due is not None:
            yield task.task_spec.bpmn_id, due


def _due(event: TimerEventDefinition, task: Any) -> datetime | None:
    value = task.internal_data.get("event_value")
    if isinstance(value, dict):  # a cycle: its next occurrence
        value = value.get("next") if value.get("cycles") != 0 else None
    return parse_datetime(value) if isinstance(value, str) else None


def branch_element(task: Any, branch: Any) -> str:
    """The id of the catch event behind an event-based gateway that waits for `branch`."""
    # The gateway holds the definitions of the events behind it, in the order of its outputs.
    definitions = task.task_spec.event_definition.event_definitions
    return task.task_spec.outputs[definitions.index(branch)].bpmn_id


class TimerWatch:
    """The timers waiting when a step begins; `fired()` tells which of them fired."""

    def __init__(self, workflow: BpmnWorkflow) -> None:
        self._before: dict[Any, tuple[Any, list[tuple[str, datetime]]]] = {}
        for task in workflow.event_manager.tasks.values():
            waits = list(timers_of(task))
            if waits:
                self._before[task.id] = (task, waits)

    def knows(self, task: Any) -> bool:
        return task.id in self._before

    def fired(self) -> list[tuple[str, datetime]]:
        """(element id, due time) of each timer that fired since the watch began."""
        fired = []
        for task, waits in self._before.values():
            if task.state == TaskState.COMPLETED:
                if isinstance(task.task_spec.event_definition, MultipleEventDefinition):
                    taken = {child.task_spec.bpmn_id for child in task.children
                             if child.state == TaskState.COMPLETED}  # fmt: skip
                    fired.extend(wait for wait in waits if wait[0] in taken)
                else:
                    fired.extend(waits)
            elif task.state == TaskState.WAITING and isinstance(
                task.task_spec.event_definition, CycleTimerEventDefinition
            ):
                now = dict(timers_of(task))
                fired.extend(wait for wait in waits if now.get(wait[0]) != wait[1])
        return fired
