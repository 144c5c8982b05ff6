"""BPMN constructs the engine does not run, refused at deployment with the element and why.

SpiffWorkflow parses some of them into something else (a compensation or link event becomes a
plain event, a timer start event makes the instance wait), so they are caught here, on the XML,
before it does. The README's construct table lists what runs and what is refused.
"""

from __future__ import annotations

from lxml import etree

from .problems import Problem

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_NS = {"bpmn": BPMN}

# element (or event definition) -> why it is refused
_REFUSED = {
    "complexGateway": "la passerelle complexe n'est pas prise en charge (utilisez une passerelle "
    "inclusive ou parallèle)",
    "adHocSubProcess": "le sous-processus ad hoc n'est pas pris en charge",
    "compensateEventDefinition": "la compensation n'est pas prise en charge (modélisez "
    "l'annulation par un chemin explicite)",
    "linkEventDefinition": "les événements de lien ne sont pas pris en charge (reliez les "
    "éléments par un flux de séquence)",
    "conditionalEventDefinition": "les événements conditionnels ne sont pas pris en charge "
    "(utilisez une passerelle, un message ou une minuterie)",
}
_CODE_EVENTS = ("errorEventDefinition", "escalationEventDefinition")


def construct_problems(root: etree._Element) -> list[Problem]:
    """Each construct of this document the engine would not run as the standard says."""
    problems = []
    for element in root.iter(f"{{{BPMN}}}*"):
        name = etree.QName(element).localname
        reason = _REFUSED.get(name) or _reason(element, name)
        if reason is not None:
            holder = element if element.get("id") else element.getparent()
            problems.append(Problem(holder.get("id") or name, f"refusé : {reason}"))
    return problems


def _reason(element: etree._Element, name: str) -> str | None:
    if element.get("isForCompensation") == "true":
        return _REFUSED["compensateEventDefinition"]
    if name == "startEvent":
        return _start_reason(element)
    if name == "intermediateCatchEvent" and _has(element, "timerEventDefinition/bpmn:timeCycle"):
        return (
            "un cycle de minuterie ne s'emploie que sur un événement de bordure ou au début d'un "
            "sous-processus événementiel (utilisez une durée ou une date)"
        )
    if name == "eventBasedGateway":
        return _gateway_reason(element)
    return None


def _start_reason(element: etree._Element) -> str | None:
    parent = element.getparent()
    in_event_subprocess = parent.get("triggeredByEvent") == "true"
    if any(_has(element, code) for code in _CODE_EVENTS) and not in_event_subprocess:
        return "un début sur erreur ou escalade n'a de sens que dans un sous-processus événementiel"
    if in_event_subprocess and etree.QName(parent.getparent()).localname != "process":
        return (
            "un sous-processus événementiel n'est pris en charge qu'au premier niveau d'un "
            "processus"
        )
    if _has(element, "timerEventDefinition") and not in_event_subprocess:
        return (
            "le démarrage par minuterie n'est pris en charge qu'au début d'un sous-processus "
            "événementiel (démarrez l'instance, puis faites-la attendre sur une minuterie)"
        )
    return None


def _gateway_reason(element: etree._Element) -> str | None:
    process = element.getparent()
    targets = process.xpath(
        "bpmn:sequenceFlow[@sourceRef=$id]/@targetRef", namespaces=_NS, id=element.get("id")
    )
    timers = 0
    for target in targets:
        found = process.xpath("bpmn:*[@id=$id]", namespaces=_NS, id=target)
        if found and _has(found[0], "timerEventDefinition"):
            timers += 1
    if timers > 1:
        return "une passerelle basée sur les événements n'attend qu'une minuterie à la fois"
    return None


def _has(element: etree._Element, path: str) -> bool:
    return bool(element.xpath(f"bpmn:{path}", namespaces=_NS))
