"""SpiffWorkflow configuration: safe XML intake, parsing, state serialization, clock hook.

Everything that touches SpiffWorkflow's internals lives here, so an upgrade has one place to look.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from .bpmn_parser import new_parser
from .clock import Clock
from .constructs import construct_problems
from .dates import CALENDAR_ZONE, duration_of, shift
from .errors import DeploymentError
from .problems import from_library, refuse
from .references import Provided, reference_problems
from .script_checks import script_problems
from .timer_literals import quote_literals

MAX_FILE_BYTES = 2 * 1024 * 1024

_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def read_xml(content: bytes, filename: str) -> etree._Element:
    """Parse uploaded XML refusing DTDs and entities (XXE, billion laughs) and oversized files."""
    if len(content) > MAX_FILE_BYTES:
        raise DeploymentError(
            f"{filename}: file too large ({len(content)} bytes, limit {MAX_FILE_BYTES})",
            field=filename,
        )
    # A DOCTYPE is never needed in BPMN or DMN; refusing it outright closes every entity trick.
    if b"<!doctype" in content.lower():
        raise DeploymentError(f"{filename}: DOCTYPE declarations are not allowed", field=filename)
    try:
        root = etree.fromstring(content, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise DeploymentError(f"{filename}: malformed XML: {exc}", field=filename) from exc
    if root.getroottree().docinfo.doctype:
        raise DeploymentError(f"{filename}: DOCTYPE declarations are not allowed", field=filename)
    return root


@dataclass(frozen=True)
class ParsedProcess:
    process_id: str
    name: str | None
    spec: dict[str, Any]  # serialized spec + subprocess specs, stored once per version
    message_starts: dict[str, str]  # message name -> start event id
    signal_starts: dict[str, str]  # signal name -> start event id
    checksum: str


def checksum(files: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


def parse_process(
    process_id: str,
    files: Mapping[str, bytes],
    *,
    services: Mapping[str, Callable[..., Any]] | None = None,
) -> ParsedProcess:
    """Parse and XSD-validate BPMN and DMN files and extract one process's executable spec.
    Every problem found is reported at once, by element (DeploymentError.errors); with
    `services` (name -> callable), the services that service tasks name, and the parameters
    they pass, are checked too."""
    roots = {name: read_xml(content, name) for name, content in sorted(files.items())
             if name.endswith((".bpmn", ".dmn"))}  # fmt: skip
    bpmn = {name: root for name, root in roots.items() if name.endswith(".bpmn")}
    decisions = {
        element.get("id")
        for name, root in roots.items()
        if name.endswith(".dmn")
        for element in root.iter("{*}decision")
    }
    forms = [name for name in files if name.endswith(".form")]
    provided = Provided(decisions=decisions, forms=forms, services=services)
    problems = [problem for root in bpmn.values() for problem in construct_problems(root)]
    refuse([*problems, *reference_problems(bpmn, provided)], roots)
    parser = new_parser()
    try:
        for filename, root in roots.items():
            if filename.endswith(".bpmn"):
                parser.add_bpmn_xml(root, filename=filename)
            else:
                parser.add_dmn_xml(root, filename=filename)
        if process_id not in parser.get_process_ids():
            raise DeploymentError(
                f"aucun processus exécutable {process_id!r} dans les fichiers "
                f"(trouvés : {', '.join(sorted(parser.get_process_ids())) or 'aucun'})",
                field="process_id",
            )
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
        quote_literals([spec, *subprocess_specs.values()])
        # Build one workflow so every expression-free structural problem surfaces now.
        BpmnWorkflow(spec, subprocess_specs)
    except (SpiffWorkflowException, NotImplementedError, TypeError, KeyError) as exc:
        refuse([from_library(exc)], roots)
        raise  # refuse() always raises for one problem
    refuse(script_problems([spec, *subprocess_specs.values()]), roots)
    return ParsedProcess(
        process_id=process_id,
        name=spec.description,
        spec=SERIALIZER.specs_to_dict(spec, subprocess_specs),
        message_starts=_starts(spec, MessageEventDefinition),
        signal_starts=_starts(spec, SignalEventDefinition),
        checksum=checksum(files),
    )


def _starts(spec: Any, kind: type) -> dict[str, str]:
    """Event name -> id of the process's start events that wait for an event of this kind."""
    return {
        task_spec.event_definition.name: task_spec.bpmn_id
        for task_spec in spec.task_specs.values()
        if isinstance(task_spec, StartEvent)
        and isinstance(getattr(task_spec, "event_definition", None), kind)
    }


class _StateConverter(BpmnWorkflowConverter):
    """Serializes a workflow without its spec; the spec is stored once per version."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class StateSerializer:
    """JSON state of instances (no spec) and of specs, with restored specs cached per version."""

    def __init__(self) -> None:
        config = dict(SPIFF_CONFIG)
        config[BpmnWorkflow] = _StateConverter
        self._serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
        self._registry = self._serializer.registry
        self._converter = _StateConverter(BpmnWorkflow, self._registry)
        self._specs: dict[tuple[str, str], tuple[Any, Any]] = {}

    def specs_to_dict(self, spec: Any, subprocess_specs: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "spec": self._registry.convert(spec),
            "subprocess_specs": self._converter.mapping_to_dict(subprocess_specs),
        }

    def specs(
        self, process_id: str, checksum: str, stored: Callable[[], dict[str, Any]]
    ) -> tuple[Any, Any]:
        """Restored spec objects for a version, cached by content: the same files (whatever the
        database or version number) always make the same spec. `stored` is read on a miss."""
        key = (process_id, checksum)
        cached = self._specs.get(key)
        if cached is None:
            text = json.dumps(stored())  # restoring changes the dict it reads: keep the text
            spec, subs = self._restore(text)
            if spec.start.trigger_specs:
                # SpiffWorkflow connects an event sub-process to the process's start when an
                # event first triggers it: shared, the spec would start it in every instance
                # begun afterwards. Such a process gets a spec of its own in each step.
                self._specs[key] = ("private", text)
                return spec, subs
            cached = self._specs[key] = (spec, subs)
        if cached[0] == "private":
            return self._restore(cached[1])
        return cached

    def _restore(self, text: str) -> tuple[Any, Any]:
        dct = json.loads(text)
        return (
            self._registry.restore(dct["spec"]),
            self._converter.mapping_from_dict(dct["subprocess_specs"]),
        )

    def dumps(self, workflow: BpmnWorkflow) -> str:
        return json.dumps(self._converter.to_dict(workflow), separators=(",", ":"))

    def loads(self, state: str, specs: tuple[Any, Any]) -> BpmnWorkflow:
        dct = json.loads(state)
        workflow = self._converter.from_dict(dct, spec=specs[0], subprocess_specs=specs[1])
        _reconnect_triggered(workflow)
        return workflow

    @property
    def registry(self) -> Any:
        """The converters (SpiffWorkflow's spec comparison reads specs through them)."""
        return self._registry

    def to_json_safe(self, data: Any) -> Any:
        """Task data as plain JSON values (datetimes and UUIDs in the serializer's typed form)."""
        return self._registry.convert(data)

    def from_json_safe(self, data: Any) -> Any:
        """Task data back from `to_json_safe`."""
        return self._registry.restore(data)


def _reconnect_triggered(workflow: BpmnWorkflow) -> None:
    """Connect the event sub-processes this instance has triggered to its own spec, as
    SpiffWorkflow did when the event came (the connection is not part of the stored state)."""
    start = workflow.spec.start
    if not start.trigger_specs:
        return
    for task in workflow.tasks.values():
        spec = task.task_spec
        if spec.name in start.trigger_specs and start not in spec.inputs:
            start.connect(spec)
            spec.connect(workflow.spec.end)


SERIALIZER = StateSerializer()


# SpiffWorkflow compares timers with `datetime.now(timezone.utc)` read from its timer module and
# has no clock hook. Its module-level `datetime` is replaced once with a subclass whose now()
# reads the clock of the step in progress (a context variable), else the real time.
# Its duration timers add months as the day count of the start month to the UTC instant; they
# are counted on the wall clock of the step's zone instead (engine.dates), like every duration.
_current_scope: contextvars.ContextVar[tuple[Clock, ZoneInfo] | None] = contextvars.ContextVar(
    "concerto_clock", default=None
)


# SpiffWorkflow fires a timer when `due < now`; a timer of this engine fires at its due time
# (`due <= now`, as the timer index claims them), so the timer module reads the clock one
# microsecond ahead: a deadline closing at 00:00:00.000 is closed at that very instant.
_AT_DUE_TIME = timedelta(microseconds=1)


class _ClockDatetime(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        scope = _current_scope.get()
        moment = (scope[0].now() if scope is not None else datetime.now(UTC)) + _AT_DUE_TIME
        return moment.astimezone(tz) if tz is not None else moment


def _zone() -> ZoneInfo:
    scope = _current_scope.get()
    return scope[1] if scope is not None else CALENDAR_ZONE


def _timedelta_from_start(parsed: dict[str, Any], start: datetime | None = None) -> timedelta:
    if start is None:  # counted from the clock read ahead: the timer is due at now + duration
        ahead = _ClockDatetime.now(UTC)
        return shift(ahead - _AT_DUE_TIME, duration_of(**parsed), _zone()) - ahead
    return shift(start, duration_of(**parsed), _zone()) - start


def _timedelta_from_end(parsed: dict[str, Any], end: datetime) -> timedelta:
    return end - shift(end, -duration_of(**parsed), _zone())


def _recurring_interval(expression: str) -> tuple[int, datetime, timedelta]:
    """(cycles, first occurrence, period) of an ISO 8601 repeating interval (`R3/PT10S`,
    `R/P1D`, `R2/<start>/PT1H`, `R/PT1H/<end>`; no count repeats forever), counted from the
    step's clock itself: SpiffWorkflow's own reads it one microsecond ahead at each occurrence,
    and a cycle would drift by as much every time."""
    parts = expression.upper().replace("--", "/").strip().removeprefix("R").split("/")
    cycles = int(parts[0]) if parts[0] else -1
    first = spiff_timer.TimerEventDefinition.parse_time_or_duration(parts[1])
    last = (
        spiff_timer.TimerEventDefinition.parse_time_or_duration(parts[2])
        if len(parts) > 2
        else None
    )
    if isinstance(first, datetime) and last is not None:
        return cycles, first, _timedelta_from_start(last, first)
    if isinstance(last, datetime):
        period = _timedelta_from_end(first, last)
        return cycles, last - period, period
    if last is None and not isinstance(first, datetime):
        now = _ClockDatetime.now(UTC) - _AT_DUE_TIME
        period = _timedelta_from_start(first, now)
        return cycles, now + period, period
    raise ValueError(f"invalid repeating interval {expression!r}")


spiff_timer.datetime = _ClockDatetime
spiff_timer.TimerEventDefinition.parse_iso_recurring_interval = staticmethod(_recurring_interval)
spiff_timer.TimerEventDefinition.get_timedelta_from_start = staticmethod(_timedelta_from_start)
spiff_timer.TimerEventDefinition.get_timedelta_from_end = staticmethod(_timedelta_from_end)


@contextlib.contextmanager
def clock_scope(clock: Clock, zone: ZoneInfo = CALENDAR_ZONE) -> Iterator[None]:
    token = _current_scope.set((clock, zone))
    try:
        yield
    finally:
        _current_scope.reset(token)


def completed_elements(workflow: BpmnWorkflow) -> list[str]:
    """The BPMN elements an instance has completed (tasks, events, gateways, sub-processes),
    each once, in the order they first completed. Every task of the tree and of the
    sub-processes is looked at: `get_tasks(state=COMPLETED)` misses those under unfinished
    parents."""
    trees = [workflow, *workflow.subprocesses.values()]
    done = [
        task
        for tree in trees
        for task in tree.tasks.values()
        if task.state == TaskState.COMPLETED and task.task_spec.bpmn_id
    ]
    done.sort(key=lambda task: task.last_state_change)
    return list(dict.fromkeys(task.task_spec.bpmn_id for task in done))
