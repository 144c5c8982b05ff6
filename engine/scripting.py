"""The script engine attached to every loaded workflow: sandboxed scripts and host services."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from .clock import Clock
from .dates import CALENDAR_ZONE, script_functions
from .errors import EngineError
from .sandbox import Sandbox
from .sandbox_pool import IsolatedSandbox, SandboxPool


@dataclass
class Effect:
    """Something a service asked for that must leave through the outbox when the step commits."""

    topic: str
    payload: dict[str, Any]
    kind: str | None = None
    recipient: str | None = None


@dataclass(frozen=True)
class Document:
    """A document a service produced; stored with the instance when the step commits."""

    name: str
    content: bytes
    mimetype: str


@dataclass
class ServiceContext:
    """What a host service sees of the step that calls it."""

    instance_id: str
    process_id: str
    business_key: str | None
    element_id: str
    data: Mapping[str, Any]
    now: datetime
    effects: list[Effect] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    zone: ZoneInfo = CALENDAR_ZONE  # where the calendar is read (J-7, one month)
    shared: dict[str, Any] = field(default_factory=dict)

    def emit(
        self,
        topic: str,
        payload: dict[str, Any],
        *,
        kind: str | None = None,
        recipient: str | None = None,
    ) -> None:
        """Queue a side effect; it is written to the outbox in the step's transaction."""
        self.effects.append(Effect(topic, payload, kind, recipient))

    def store_document(self, name: str, content: bytes, mimetype: str) -> None:
        """Keep a document with the instance (a new one of the same name replaces it)."""
        self.documents.append(Document(name, content, mimetype))

    def share(self, variables: Mapping[str, Any]) -> None:
        """Make values every branch's, from this task on: SpiffWorkflow gives each parallel
        branch its own copy of the data, and a branch that ends without a join would take
        its values with it. They are pinned, as variables set from outside are."""
        self.shared.update(variables)


Service = Callable[..., Any]


@dataclass(frozen=True)
class StepIdentity:
    instance_id: str
    process_id: str
    business_key: str | None


class ScriptEngine(PythonScriptEngine):
    """Runs every expression and script in the sandbox; service calls reach registered hosts.

    One is built per loaded instance, because service calls need to know which step they serve.
    """

    def __init__(
        self,
        clock: Clock,
        services: Mapping[str, Service],
        identity: StepIdentity,
        effects: list[Effect],
        time_limit: float,
        documents: list[Document] | None = None,
        zone: ZoneInfo = CALENDAR_ZONE,
        shared: dict[str, Any] | None = None,
        sandbox: SandboxPool | None = None,
    ) -> None:
        self._clock = clock
        self._services = services
        self._identity = identity
        self._effects = effects
        self._documents = documents if documents is not None else []
        self._shared = shared if shared is not None else {}
        self._element_id = ""
        self._zone = zone
        environment = (
            IsolatedSandbox(sandbox, now=clock.now, zone=zone, services=self._call,
                            time_limit=time_limit)
            if sandbox is not None
            else Sandbox(script_functions(clock.now, zone), services=self._call,
                         time_limit=time_limit)
        )  # fmt: skip
        super().__init__(environment=environment)

    def call_service(self, task: Any, **kwargs: Any) -> str:
        # The stock method refers to an undefined name on error and hides the real failure.
        self._element_id = task.task_spec.bpmn_id or task.task_spec.name
        try:
            return self.environment.call_service(task.data, **kwargs)
        except EngineError:
            raise
        except Exception as exc:
            raise WorkflowTaskException(
                f"service {kwargs.get('operation_name')!r} failed: {exc}", task=task, exception=exc
            ) from exc

    def _call(self, name: str, params: dict[str, Any], data: dict[str, Any]) -> Any:
        service = self._services.get(name)
        if service is None:
            known = ", ".join(sorted(self._services)) or "none"
            raise LookupError(f"no service named {name!r} (registered: {known})")
        context = ServiceContext(
            instance_id=self._identity.instance_id,
            process_id=self._identity.process_id,
            business_key=self._identity.business_key,
            element_id=self._element_id,
            data=data,
            now=self._clock.now(),
            effects=self._effects,
            documents=self._documents,
            zone=self._zone,
            shared=self._shared,
        )
        return service(context, **params)
