"""Workflow code run on the engine clock, its failures turned into engine errors."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from .bpmn import clock_scope
from .clock import Clock
from .errors import EngineError, ProcessError


class StepGuard:
    """Runs workflow code on the engine clock and turns its failures into engine errors."""

    def __init__(self, clock: Clock, zone: ZoneInfo) -> None:
        self._scope = clock_scope(clock, zone)

    def __enter__(self) -> None:
        self._scope.__enter__()

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        self._scope.__exit__(exc_type, exc, tb)
        if exc is None or isinstance(exc, EngineError):
            return False
        cause = _root_cause(exc)
        if isinstance(cause, EngineError):
            raise cause from exc
        element = getattr(getattr(getattr(exc, "task", None), "task_spec", None), "bpmn_id", None)
        raise ProcessError(str(exc), element_id=element) from exc


def _root_cause(exc: BaseException) -> BaseException:
    seen = exc
    while True:
        inner = getattr(seen, "exception", None) or seen.__cause__ or seen.__context__
        if inner is None or inner is seen:
            return seen
        if isinstance(inner, EngineError):
            return inner
        seen = inner
