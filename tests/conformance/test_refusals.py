"""Constructs the engine does not run are refused at deployment, naming the element and why."""

from __future__ import annotations

import pytest

from engine import Engine
from engine.errors import DeploymentError
from tests.conformance import diagrams as d

COMPENSATION = (
    '<bpmn:boundaryEvent id="undo_hook" attachedToRef="work">'
    "<bpmn:compensateEventDefinition/></bpmn:boundaryEvent>"
)
NESTED_EVENT_SUB = d.subprocess(
    "outer",
    [d.start("o0"), d.end("o1"),
     d.subprocess("inner_handler", [d.start("h0", d.signal("x")), d.end("h1")], "h0 h1",
                  triggered=True)],
    "o0 o1",
)  # fmt: skip


@pytest.mark.parametrize(
    ("elements", "paths", "element", "words"),
    [
        ([d.start(), '<bpmn:complexGateway id="mix"/>', d.end()], "start mix end", "mix",
         "passerelle complexe"),
        ([d.start(), d.task("work"), COMPENSATION, d.end()], "start work end", "undo_hook",
         "compensation"),
        ([d.start(), '<bpmn:scriptTask id="undo" isForCompensation="true"/>', d.end()],
         "start undo end", "undo", "compensation"),
        ([d.start(), d.throw("jump", "<bpmn:linkEventDefinition name='l'/>"), d.end()],
         "start jump end", "jump", "lien"),
        ([d.start(), d.catch("when", "<bpmn:conditionalEventDefinition><bpmn:condition>x"
                                     "</bpmn:condition></bpmn:conditionalEventDefinition>"),
          d.end()], "start when end", "when", "conditionnels"),
        ([d.start(), d.catch("tick", d.timer("timeCycle", "R3/PT1H")), d.end()],
         "start tick end", "tick", "cycle"),
        ([d.start("at_eight", d.timer("timeDate", "2020-02-01T08:00:00Z")), d.end()],
         "at_eight end", "at_eight", "minuterie"),
        ([d.start("on_error", d.error("E1")), d.end()], "on_error end", "on_error",
         "sous-processus événementiel"),
        ([d.start(), NESTED_EVENT_SUB, d.end()], "start outer end", "h0", "premier niveau"),
        ([d.start(), d.gateway("eventBased", "g"), d.catch("t1", d.timer("timeDuration", "PT1H")),
          d.catch("t2", d.timer("timeDuration", "PT2H")), d.end("e1"), d.end("e2")],
         "start g t1 e1; g t2 e2", "g", "une minuterie"),
        ([d.start(), '<bpmn:adHocSubProcess id="free"/>', d.end()], "start free end", "free",
         "ad hoc"),
    ],
)  # fmt: skip
def test_an_unsupported_construct_is_refused_with_its_element(
    engine: Engine, elements: list[str], paths: str, element: str, words: str
) -> None:
    with pytest.raises(DeploymentError) as refused:
        engine.repository.deploy("p", {"p.bpmn": d.process("p", elements, paths)}, author="t")
    assert refused.value.field == element
    assert element in str(refused.value) and words in str(refused.value)
    assert engine.repository.list("p") == []  # nothing stored
