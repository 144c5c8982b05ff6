"""What a diagram names must exist: messages, signals, errors and escalations it refers to (and
their names), the elements its flows join, the decisions, services and forms its tasks use.

SpiffWorkflow accepts a message without a name (every start then fails in the database), a
task naming a form or a service nobody provides (it then takes any data, or fails when reached),
and reports a flow to nowhere as "found two items". These checks run on the XML first and name
each element at fault, with all the problems of a deployment at once.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from inspect import Parameter
from typing import Any

from lxml import etree

from .catalogue import service_parameters
from .constructs import BPMN
from .problems import Problem

SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
_NS = {"bpmn": BPMN, "spiff": SPIFF}
_DEFINED = {  # event definition -> (reference attribute, the element it names, in French)
    "messageEventDefinition": ("messageRef", "message", "du message"),
    "signalEventDefinition": ("signalRef", "signal", "du signal"),
    "errorEventDefinition": ("errorRef", "error", "de l'erreur"),
    "escalationEventDefinition": ("escalationRef", "escalation", "de l'escalade"),
}
_NEEDS_REF = ("messageEventDefinition", "signalEventDefinition")  # errors may catch any


@dataclass(frozen=True)
class Provided:
    """What the deployment and the engine provide for diagrams to name."""

    decisions: Collection[str] = ()
    forms: Collection[str] = ()  # form file names deployed with the diagrams
    # Service name -> the callable, called `service(context, **parameters)`; None: not checked.
    services: Mapping[str, Callable[..., Any]] | None = None


def reference_problems(roots: Mapping[str, etree._Element], provided: Provided) -> list[Problem]:
    """Every dangling or nameless reference of these BPMN documents (by file name)."""
    problems: list[Problem] = []
    for root in roots.values():
        declared = {
            tag: {el.get("id"): el for el in root.iter(f"{{{BPMN}}}{tag}")}
            for _, tag, _ in _DEFINED.values()
        }
        problems.extend(_event_problems(root, declared))
        for process in root.iter(f"{{{BPMN}}}process", f"{{{BPMN}}}subProcess",
                                 f"{{{BPMN}}}transaction"):  # fmt: skip
            problems.extend(_flow_problems(process))
        problems.extend(_task_problems(root, provided))
    return problems


def _event_problems(
    root: etree._Element, declared: Mapping[str, Mapping[str, etree._Element]]
) -> Iterator[Problem]:
    for definition_tag, (attribute, tag, of) in _DEFINED.items():
        for definition in root.iter(f"{{{BPMN}}}{definition_tag}"):
            holder = _holder(definition)
            ref = definition.get(attribute)
            if ref is None:
                if definition_tag in _NEEDS_REF:
                    yield Problem(holder, f"l'événement n'indique pas le nom {of} qu'il attend "
                                          "ou envoie")  # fmt: skip
                continue
            target = declared[tag].get(ref)
            if target is None:
                yield Problem(holder, f"la définition {of} « {ref} » est introuvable")
            elif not (target.get("name") or "").strip():
                yield Problem(holder, f"la définition {of} « {ref} » n'a pas de nom")
    for task in root.iter(f"{{{BPMN}}}sendTask", f"{{{BPMN}}}receiveTask"):
        ref = task.get("messageRef")
        if ref is not None and ref not in declared["message"]:
            yield Problem(
                task.get("id") or "", f"la définition du message « {ref} » est introuvable"
            )


def _flow_problems(process: etree._Element) -> Iterator[Problem]:
    ids = {child.get("id") for child in process}
    for flow in process.findall("bpmn:sequenceFlow", _NS):
        for end in ("sourceRef", "targetRef"):
            ref = flow.get(end)
            if ref not in ids:
                word = "part de" if end == "sourceRef" else "mène à"
                text = f"le flux {word} « {ref} », qui n'existe pas à ce niveau du processus"
                yield Problem(flow.get("id") or "", text)
    for event in process.findall("bpmn:boundaryEvent", _NS):
        if not any(event.find(f"bpmn:{tag}", _NS) is not None for tag in _BOUNDARY_EVENTS):
            text = "un événement de bordure attend un événement (minuterie, message, signal...)"
            yield Problem(event.get("id") or "", text)


_BOUNDARY_EVENTS = (
    "timerEventDefinition", "messageEventDefinition", "signalEventDefinition",
    "errorEventDefinition", "escalationEventDefinition", "cancelEventDefinition",
)  # fmt: skip


def _task_problems(root: etree._Element, provided: Provided) -> Iterator[Problem]:
    for task in root.iter(f"{{{BPMN}}}businessRuleTask"):
        decision = task.findtext(".//spiff:calledDecisionId", namespaces=_NS)
        if decision and decision.strip() not in provided.decisions:
            text = f"la décision « {decision.strip()} » n'est dans aucun fichier DMN déployé"
            yield Problem(task.get("id") or "", text)
    if provided.services is not None:
        for operator in root.iter(f"{{{SPIFF}}}serviceTaskOperator"):
            name = operator.get("id") or ""
            if name not in provided.services:
                known = ", ".join(sorted(provided.services)) or "aucun"
                text = f"le service « {name} » n'existe pas (services connus : {known})"
                yield Problem(_holder(operator), text)
                continue
            given = [p.get("id") or "" for p in operator.iterfind(".//spiff:parameter", _NS)]
            for text in _parameter_problems(name, provided.services[name], given):
                yield Problem(_holder(operator), text)
    if provided.forms:  # a process that ships its forms ships every form its tasks name
        for task in root.iter(f"{{{BPMN}}}userTask", f"{{{BPMN}}}manualTask"):
            for prop in task.iterfind(".//spiff:property[@name='formKey']", _NS):
                key = prop.get("value") or ""
                if not _has_form(key, provided.forms):
                    text = f"le formulaire « {key} » n'est pas déployé ({key}.form)"
                    yield Problem(task.get("id") or "", text)


def _parameter_problems(name: str, service: Callable[..., Any], given: list[str]) -> list[str]:
    """What is wrong with the parameters a service task passes (the service is called with
    its context, then the parameters by name)."""
    try:
        signature = inspect.signature(service)
    except (TypeError, ValueError):  # a callable Python cannot describe: not checked
        return []
    try:
        signature.bind(None, **dict.fromkeys(given))
        return []
    except TypeError:
        pass
    accepted = service_parameters(service) or []
    takes_any = any(p.kind == Parameter.VAR_KEYWORD for p in signature.parameters.values())
    names = {p.name for p in accepted}
    problems = [
        f"le service « {name} » ne prend pas le paramètre « {extra} »"
        for extra in given
        if extra not in names and not takes_any
    ]
    problems += [
        f"le service « {name} » attend le paramètre « {p.name} »"
        for p in accepted
        if p.required and p.name not in given
    ]
    return problems or [f"le service « {name} » ne s'appelle pas avec ces paramètres"]


def _has_form(key: str, forms: Collection[str]) -> bool:
    # `key.form`, or variants `key-<variant>.form` chosen by the data (a track, say).
    return f"{key}.form" in forms or any(
        name.startswith(f"{key}-") and name.endswith(".form") for name in forms
    )


def _holder(element: etree._Element) -> str:
    """The id of the nearest enclosing element that has one (the event, the task)."""
    while element is not None:
        if element.get("id") and etree.QName(element).localname not in _DEFINITION_TAGS:
            return element.get("id") or ""
        element = element.getparent()
    return ""


_DEFINITION_TAGS = (*_DEFINED, "timerEventDefinition", "extensionElements", "serviceTaskOperator")
