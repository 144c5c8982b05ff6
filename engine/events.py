"""BPMN events as the standard has them, where SpiffWorkflow stops short.

- A signal is broadcast: SpiffWorkflow hands a signal to another instance only when none of
  its own catches took it, so every signal thrown is noted when its event runs.
- An error no boundary or event sub-process catches stops the instance (SpiffWorkflow would
  carry on as if the error end event were a plain one).
- An interrupting event sub-process ends the rest of its process when it starts (SpiffWorkflow
  runs it beside the main flow).
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    ErrorEventDefinition,
    SignalEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import ThrowingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.util.task import TaskState

# Written into a start event's description at parse time (engine/bpmn_parser.py): SpiffWorkflow
# keeps no other trace of `isInterrupting="false"`, and the description is serialized.
NON_INTERRUPTING = "Non-Interrupting"
_INTERRUPTED = "_interrupted"  # on an event sub-process's task: its scope was ended already


def thrown_signal(task: Any) -> str | None:
    """The signal a throw event or end event that just ran has thrown, if any."""
    spec = task.task_spec
    definition = getattr(spec, "event_definition", None)
    if isinstance(spec, ThrowingEvent) and isinstance(definition, SignalEventDefinition):
        return definition.name
    return None


def uncaught_error(workflow: BpmnWorkflow) -> Any:
    """The error event nothing caught, left among the events the instance could not handle."""
    for event in workflow.bpmn_events:
        if isinstance(event.event_definition, ErrorEventDefinition):
            return event
    return None


def interrupt_scopes(workflow: BpmnWorkflow) -> None:
    """End the main flow of the process whose interrupting event sub-process has started
    (event sub-processes run at a process's first level only: constructs.py refuses others)."""
    for subprocess in list(workflow.subprocesses.values()):
        holder = workflow.tasks.get(subprocess.parent_task_id)
        if holder is None or not _is_event_subprocess(workflow, holder):
            continue
        if holder.internal_data.get(_INTERRUPTED) or not _started_interrupting(subprocess):
            continue
        holder.internal_data[_INTERRUPTED] = True
        keep = {holder.id, *(task.id for task in _ancestors(holder))}
        # The scope's own tasks (get_tasks would reach into the event sub-process too).
        for task in list(holder.workflow.tasks.values()):
            if task.id not in keep and not task.has_state(TaskState.FINISHED_MASK):
                task.cancel()


def has_event_subprocesses(workflow: BpmnWorkflow) -> bool:
    """Whether the process has event sub-processes at all (most have none: nothing to watch)."""
    start = workflow.spec.start
    return bool(start.trigger_specs) or any(
        _timer_started(workflow, getattr(output, "spec", None)) for output in start.outputs
    )


def _is_event_subprocess(workflow: BpmnWorkflow, holder: Any) -> bool:
    # Those started by an event are the process's triggers; those started by a timer run from
    # the process's start (the task spec is a plain sub-process one either way).
    name = getattr(holder.task_spec, "spec", None)
    return name in workflow.spec.start.trigger_specs or _timer_started(workflow, name)


def _timer_started(workflow: BpmnWorkflow, name: str | None) -> bool:
    spec = workflow.subprocess_specs.get(name) if name else None
    return spec is not None and any(
        isinstance(start.event_definition, TimerEventDefinition) for start in spec.bpmn_start_events
    )


def _started_interrupting(subprocess: Any) -> bool:
    """Whether the event sub-process's start event has caught its event and interrupts."""
    for task in subprocess.get_tasks(state=TaskState.READY | TaskState.COMPLETED):
        spec = task.task_spec
        if isinstance(spec, StartEvent):
            return NON_INTERRUPTING not in (spec.description or "")
    return False


def _ancestors(task: Any) -> list[Any]:
    found = []
    while task.parent is not None:
        task = task.parent
        found.append(task)
    return found
