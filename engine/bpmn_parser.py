"""The BPMN parser: SpiffWorkflow's, reading the event definitions it leaves out.

SpiffWorkflow reads no signal on an end event and no error or escalation on a start event: such
events would run as plain ones (an error event sub-process started at once, a signal end event
thrown nowhere). These parsers read them, so that they run as the standard says.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.event_parsers import (
    CANCEL_EVENT_XPATH,
    CONDITIONAL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TERMINATION_EVENT_XPATH,
    TIMER_EVENT_XPATH,
)
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.specs.defaults import EndEvent, StartEvent
from SpiffWorkflow.spiff.parser.event_parsers import SpiffEndEventParser, SpiffStartEventParser
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from .events import NON_INTERRUPTING


class _StartEventParser(SpiffStartEventParser):
    def create_task(self) -> Any:
        definition = self.get_event_definition(
            [MESSAGE_EVENT_XPATH, SIGNAL_EVENT_XPATH, TIMER_EVENT_XPATH, CONDITIONAL_EVENT_XPATH,
             ERROR_EVENT_XPATH, ESCALATION_EVENT_XPATH]
        )  # fmt: skip
        task = self._create_task(definition)
        if self.node.get("isInterrupting") == "false":
            task.description = f"{NON_INTERRUPTING} {task.description or ''}".strip()
        self.spec.start.connect(task)
        return task


class _EndEventParser(SpiffEndEventParser):
    def create_task(self) -> Any:
        definition = self.get_event_definition(
            [MESSAGE_EVENT_XPATH, SIGNAL_EVENT_XPATH, CANCEL_EVENT_XPATH, ERROR_EVENT_XPATH,
             ESCALATION_EVENT_XPATH, TERMINATION_EVENT_XPATH]
        )  # fmt: skip
        task = self._create_task(definition)
        task.connect(self.spec.end)
        return task


class BpmnParser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("startEvent"): (_StartEventParser, StartEvent),
        full_tag("endEvent"): (_EndEventParser, EndEvent),
    }


def new_parser() -> BpmnParser:
    """A parser that XSD-validates BPMN and DMN files."""
    return BpmnParser(validator=VALIDATOR)
