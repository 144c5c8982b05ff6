"""Timer definitions as modelers write them: `P1M`, `R3/PT10S`, `2020-04-14T23:59:59+02:00`.

SpiffWorkflow evaluates a timer's text as an expression, so a plain ISO 8601 literal, as Camunda
Modeler and bpmn.io write it, fails as an unknown name. At deployment, a timer whose whole text
is an ISO 8601 date-time, duration or repeating interval is read as that literal (quoted for
the library); any other text stays an expression over the instance's data (`deadline`,
`"P" + str(days) + "D"`). A variable named like a duration is read through an expression:
`(P1D)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

_DATE_TIME = r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DURATION = (
    r"P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?"
    r"(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:[.,]\d+)?S)?)?"
)
_CYCLE = rf"R\d*/(?:{_DURATION}|{_DATE_TIME}/{_DURATION}|{_DURATION}/{_DATE_TIME})"
LITERAL = re.compile(rf"(?:{_DATE_TIME}|{_DURATION}|{_CYCLE})")


def is_literal(text: str) -> bool:
    """Whether a timer's whole text is an ISO 8601 date-time, duration or cycle."""
    return LITERAL.fullmatch(text.strip()) is not None


def quote_literals(specs: Iterable[Any]) -> None:
    """Make every literal timer of these process specs an expression giving that literal."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            event = getattr(task_spec, "event_definition", None)
            # An event-based gateway's definition holds those of the events behind it.
            for timer in getattr(event, "event_definitions", [event]):
                if isinstance(timer, TimerEventDefinition) and is_literal(timer.expression or ""):
                    timer.expression = repr(timer.expression.strip())
