"""What each activity instance did in a step, read from SpiffWorkflow's task tree.

Every task of a BPMN element that a step moved (started, waited, completed, cancelled) is one
activity instance: a script task inside a sub-process that a boundary event interrupts later
keeps its row, and so does each token that waited at a parallel join. The step writes them to
the activity table (storage/activities.py): what the diagram of an instance highlights and what
an auditor reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.util.task import TaskState

ACTIVE, WAITING, COMPLETED, CANCELLED, FAILED = (
    "active", "waiting", "completed", "cancelled", "failed",
)  # fmt: skip
_STATES = {
    TaskState.READY: ACTIVE,
    TaskState.STARTED: ACTIVE,
    TaskState.WAITING: WAITING,
    TaskState.COMPLETED: COMPLETED,
    TaskState.CANCELLED: CANCELLED,
    TaskState.ERROR: FAILED,
}
ENDED = (COMPLETED, CANCELLED, FAILED)


@dataclass(frozen=True)
class ActivityChange:
    task_id: str
    element_id: str
    element_type: str
    element_name: str | None
    state: str
    manual: bool
    changes: dict[str, Any]  # what a completed activity set or removed in the data


def changed_activities(
    workflow: BpmnWorkflow, since: float, hidden: tuple[str, ...], to_json: Callable[[Any], Any]
) -> list[ActivityChange]:
    """The activity instances whose state changed at or after `since` (a time.time() value,
    as SpiffWorkflow stamps state changes), in the order they changed."""
    moved = [
        task
        for tree in (workflow, *workflow.subprocesses.values())
        for task in tree.tasks.values()
        if task.last_state_change >= since and task.task_spec.bpmn_id and task.state in _STATES
    ]
    moved.sort(key=lambda task: task.last_state_change)
    found = []
    for task in moved:
        spec, state = task.task_spec, _STATES[task.state]
        if isinstance(spec, BoundaryEvent) and state != COMPLETED:
            continue  # a boundary event only listens while its activity runs, until it fires
        if state == CANCELLED and isinstance(spec, UnstructuredJoin) and _merged(task):
            state = COMPLETED  # a token that waited at a join, merged when the last came
        gateway = type(spec).__name__.endswith("Gateway")  # routes tokens, changes no data
        changes = _changes(task, hidden, to_json) if state == COMPLETED and not gateway else {}
        found.append(
            ActivityChange(
                task_id=str(task.id),
                element_id=spec.bpmn_id,
                element_type=type(spec).__name__,
                element_name=spec.bpmn_name,
                state=state,
                manual=bool(spec.manual),
                changes=changes,
            )
        )
    return found


def _merged(task: Any) -> bool:
    """Whether another token of this join went on (SpiffWorkflow cancels those it merged)."""
    return any(
        other.state == TaskState.COMPLETED and other.task_spec is task.task_spec
        for other in task.workflow.tasks.values()
    )


def _changes(task: Any, hidden: tuple[str, ...], to_json: Callable[[Any], Any]) -> dict[str, Any]:
    """What the task's data holds that its parent's (the data it started from) did not."""
    found = data_changes(task.parent.data if task.parent is not None else {}, task.data, hidden)
    if found:
        found["set"] = to_json(found["set"])
    return found


def data_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], hidden: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The variables set (new or changed) and removed from `before` to `after`, if any."""
    changed = {
        name: value
        for name, value in after.items()
        if name not in hidden and before.get(name, _MISSING) != value
    }
    removed = sorted(name for name in before if name not in after and name not in hidden)
    return {"set": changed, "removed": removed} if changed or removed else {}


_MISSING = object()
