"""A small notation for conformance diagrams: elements as XML snippets, sequence flows as paths.

`process("p", [start(), script("a", "x = 1"), end()], "start a end")` is a whole BPMN document.
Signals, messages, errors and escalations named by the elements are declared at the top level.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import pairwise
from xml.sax.saxutils import escape

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'id="defs" targetNamespace="http://concerto.test">\n'
)
_DECLARED = {
    "signalRef": '<bpmn:signal id="{0}" name="{0}"/>',
    "messageRef": '<bpmn:message id="{0}" name="{0}"/>',
    "errorRef": '<bpmn:error id="{0}" name="{0}" errorCode="{0}"/>',
    "escalationRef": '<bpmn:escalation id="{0}" name="{0}" escalationCode="{0}"/>',
}


def flows(paths: str | Iterable[str], conditions: Mapping[str, str] | None = None) -> str:
    """Sequence flows along paths ("a b c" is a→b and b→c; paths are separated by ";").
    `conditions` maps "a>b" to the condition of that flow."""
    if isinstance(paths, str):
        paths = paths.split(";")
    conditions = conditions or {}
    xml = []
    for path in paths:
        ids = path.split()
        for source, target in pairwise(ids):
            key = f"{source}>{target}"
            condition = conditions.get(key)
            body = (
                f"<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>"
                if condition
                else ""
            )
            xml.append(
                f'<bpmn:sequenceFlow id="{source}_{target}" sourceRef="{source}" '
                f'targetRef="{target}">{body}</bpmn:sequenceFlow>'
            )
    return "\n".join(xml)


def process(
    process_id: str,
    elements: Iterable[str],
    paths: str | Iterable[str],
    conditions: Mapping[str, str] | None = None,
    *,
    others: Iterable[str] = (),
) -> str:
    """One executable process (plus `others`, whole <bpmn:process> elements) as a document."""
    body = "\n".join(elements) + "\n" + flows(paths, conditions)
    main = f'<bpmn:process id="{process_id}" isExecutable="true">\n{body}\n</bpmn:process>'
    return document([main, *others])


def document(processes: Iterable[str]) -> str:
    processes = list(processes)
    text = "\n".join(processes)
    declared = []
    for attribute, template in _DECLARED.items():
        for name in sorted(set(re.findall(rf'{attribute}="([^"]+)"', text))):
            declared.append(template.format(name))
    return HEAD + "\n".join(declared) + "\n" + text + "\n</bpmn:definitions>"


def other_process(process_id: str, elements: Iterable[str], paths: str) -> str:
    body = "\n".join(elements) + "\n" + flows(paths)
    return f'<bpmn:process id="{process_id}" isExecutable="true">\n{body}\n</bpmn:process>'


# --- elements --------------------------------------------------------------------------------


def start(id: str = "start", event: str = "", *, interrupting: bool = True) -> str:
    flag = "" if interrupting else ' isInterrupting="false"'
    return f'<bpmn:startEvent id="{id}"{flag}>{event}</bpmn:startEvent>'


def end(id: str = "end", event: str = "") -> str:
    return f'<bpmn:endEvent id="{id}">{event}</bpmn:endEvent>'


def script(id: str, code: str) -> str:
    return f'<bpmn:scriptTask id="{id}"><bpmn:script>{escape(code)}</bpmn:script></bpmn:scriptTask>'


def task(id: str) -> str:
    """A task that does nothing (a none task)."""
    return f'<bpmn:task id="{id}"/>'


def user(id: str, inner: str = "") -> str:
    return f'<bpmn:userTask id="{id}">{inner}</bpmn:userTask>'


def catch(id: str, event: str) -> str:
    return f'<bpmn:intermediateCatchEvent id="{id}">{event}</bpmn:intermediateCatchEvent>'


def throw(id: str, event: str) -> str:
    return f'<bpmn:intermediateThrowEvent id="{id}">{event}</bpmn:intermediateThrowEvent>'


def boundary(id: str, attached_to: str, event: str, *, interrupting: bool = True) -> str:
    flag = "" if interrupting else ' cancelActivity="false"'
    return (
        f'<bpmn:boundaryEvent id="{id}" attachedToRef="{attached_to}"{flag}>{event}'
        "</bpmn:boundaryEvent>"
    )


def gateway(kind: str, id: str, default: str | None = None) -> str:
    """kind: exclusive, parallel, inclusive or eventBased; `default` names a target element."""
    flag = f' default="{id}_{default}"' if default else ""
    return f'<bpmn:{kind}Gateway id="{id}"{flag}/>'


def subprocess(
    id: str,
    elements: Iterable[str],
    paths: str | Iterable[str],
    *,
    triggered: bool = False,
    tag: str = "subProcess",
    inner: str = "",
) -> str:
    """An embedded sub-process; `triggered` makes it an event sub-process."""
    flag = ' triggeredByEvent="true"' if triggered else ""
    body = inner + "\n".join(elements) + "\n" + flows(paths)
    return f'<bpmn:{tag} id="{id}"{flag}>\n{body}\n</bpmn:{tag}>'


def call(id: str, called: str, inner: str = "") -> str:
    return f'<bpmn:callActivity id="{id}" calledElement="{called}">{inner}</bpmn:callActivity>'


# --- event definitions ------------------------------------------------------------------------


def signal(name: str) -> str:
    return f'<bpmn:signalEventDefinition signalRef="{name}"/>'


def message(name: str) -> str:
    return f'<bpmn:messageEventDefinition messageRef="{name}"/>'


def error(code: str | None = None) -> str:
    ref = f' errorRef="{code}"' if code else ""
    return f"<bpmn:errorEventDefinition{ref}/>"


def escalation(code: str | None = None) -> str:
    ref = f' escalationRef="{code}"' if code else ""
    return f"<bpmn:escalationEventDefinition{ref}/>"


def timer(kind: str, text: str) -> str:
    definition = f"<bpmn:{kind}>{escape(text)}</bpmn:{kind}>"
    return f"<bpmn:timerEventDefinition>{definition}</bpmn:timerEventDefinition>"


def terminate() -> str:
    return "<bpmn:terminateEventDefinition/>"


def multi_instance(*, sequential: bool = False, body: str = "") -> str:
    flag = "true" if sequential else "false"
    return (
        f'<bpmn:multiInstanceLoopCharacteristics isSequential="{flag}">{body}'
        "</bpmn:multiInstanceLoopCharacteristics>"
    )
