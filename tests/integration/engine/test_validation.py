"""Validation names every element at fault, in French, with all the problems at once: what a
diagram refers to must exist (messages, signals, decisions, services, forms, flow ends)."""

from __future__ import annotations

import re

import pytest

from engine import Engine
from engine.errors import DeploymentError
from tests.conformance import diagrams as d
from tests.conftest import EngineFactory

NAMELESS = '<bpmn:message id="m1"/>'


def with_declarations(declarations: str, elements: list[str], paths: str) -> str:
    document = d.process("p", elements, paths)
    return document.replace("<bpmn:process ", f"{declarations}\n<bpmn:process ", 1)


def refused(engine: Engine, files: dict[str, str]) -> DeploymentError:
    with pytest.raises(DeploymentError) as caught:
        engine.repository.validate("p", files)
    with pytest.raises(DeploymentError):
        engine.repository.deploy("p", files, author="t")
    assert engine.repository.list() == []  # nothing stored
    text = str(caught.value) + str(caught.value.errors)
    assert not re.search(r"0x[0-9a-f]{6,}|b'<|%r|Traceback", text)  # no Python object text
    return caught.value


def brt(decision: str) -> str:
    return (
        '<bpmn:businessRuleTask id="decide" name="Décider"><bpmn:extensionElements>'
        f"<spiffworkflow:calledDecisionId>{decision}</spiffworkflow:calledDecisionId>"
        "</bpmn:extensionElements></bpmn:businessRuleTask>"
    )


def service_task(service: str) -> str:
    return (
        '<bpmn:serviceTask id="notify" name="Prévenir"><bpmn:extensionElements>'
        f'<spiffworkflow:serviceTaskOperator id="{service}"><spiffworkflow:parameters/>'
        "</spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>"
    )


def user_with_form(key: str) -> str:
    props = f'<spiffworkflow:property name="formKey" value="{key}"/>'
    return d.user("fill", f"<bpmn:extensionElements><spiffworkflow:properties>{props}"
                          "</spiffworkflow:properties></bpmn:extensionElements>")  # fmt: skip


DMN = (
    '<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="https://www.omg.org/spec/DMN/'
    '20191111/MODEL/" id="d" name="d" namespace="http://concerto.test"><decision id="grade" '
    'name="Note"><decisionTable id="t"><input id="i" label="x"><inputExpression id="ie" '
    'typeRef="number"><text>x</text></inputExpression></input><output id="o" name="g" '
    'typeRef="string"/><rule id="r"><inputEntry id="e"><text>&gt; 0</text></inputEntry>'
    '<outputEntry id="oe"><text>"ok"</text></outputEntry></rule></decisionTable></decision>'
    "</definitions>"
)
FORM = '{"type": "default", "components": []}'


@pytest.mark.parametrize(
    ("files", "element", "words"),
    [
        ({"p.bpmn": with_declarations(NAMELESS, [d.start(), d.catch(
            "wait", '<bpmn:messageEventDefinition messageRef="m1"/>'), d.end()],
            "start wait end")}, "wait", "n'a pas de nom"),
        ({"p.bpmn": d.process("p", [d.start(), d.catch(
            "wait", '<bpmn:messageEventDefinition messageRef="ghost"/>'), d.end()],
            "start wait end").replace('<bpmn:message id="ghost" name="ghost"/>', "")},
         "wait", "« ghost » est introuvable"),
        ({"p.bpmn": d.process("p", [d.start(), d.catch("wait", "<bpmn:signalEventDefinition/>"),
                                    d.end()], "start wait end")}, "wait", "du signal"),
        ({"p.bpmn": d.process("p", [d.start(), d.user("work"), d.boundary("late", "work", ""),
                                    d.end(), d.end("e2")], "start work end; late e2")},
         "late", "bordure"),
        ({"p.bpmn": d.process("p", [d.start(), d.end()], "start nowhere end")}, "start_nowhere",
         "« nowhere »"),
        ({"p.bpmn": d.process("p", [d.start(), brt("unknown"), d.end()], "start decide end"),
          "g.dmn": DMN}, "decide", "« unknown » n'est dans aucun fichier DMN"),
        ({"p.bpmn": d.process("p", [d.start(), service_task("sms.send"), d.end()],
                              "start notify end")}, "notify", "« sms.send » n'existe pas"),
        ({"p.bpmn": d.process("p", [d.start(), user_with_form("survey"), d.end()],
                              "start fill end"), "other.form": FORM}, "fill", "survey.form"),
        ({"p.bpmn": d.process("p", [d.start(), d.script("s", "x = ("), d.end()], "start s end")},
         "s", "script invalide"),
        ({"p.bpmn": d.process("p", [d.script("a", "x = 1"), d.end()], "a end")}, "p",
         "pas d'événement de début"),
    ],
)  # fmt: skip
def test_a_problem_names_its_element(
    make_engine: EngineFactory, files: dict[str, str], element: str, words: str
) -> None:
    engine = make_engine(services={"email.send": lambda *a: None})
    problem = refused(engine, files)
    assert problem.field == element and element in problem.errors
    assert words in " ".join(problem.errors[element]) and words in str(problem)


def test_every_problem_is_reported_at_once_with_the_element_names(engine: Engine) -> None:
    def process(wait_event: str, paths: str) -> str:
        named = '<bpmn:scriptTask id="first" name="Calculer"><bpmn:script>x = =</bpmn:script>'
        return d.process(
            "p", [d.start(), named + "</bpmn:scriptTask>", d.catch("wait", wait_event), d.end()],
            paths,
        )  # fmt: skip

    problem = refused(engine, {"p.bpmn": process("<bpmn:signalEventDefinition/>",
                                                 "start first wait end; wait lost")})  # fmt: skip
    assert set(problem.errors) == {"wait", "wait_lost"}  # scripts come after the structure
    assert "(et 1 autre(s) problème(s))" in str(problem)
    again = refused(engine, {"p.bpmn": process(d.signal("go"), "start first wait end")})
    assert list(again.errors) == ["first"]
    assert again.errors["first"][0].startswith("élément first « Calculer » : script invalide")


def test_forms_and_decisions_deployed_with_the_diagram_are_found(
    make_engine: EngineFactory,
) -> None:
    engine = make_engine(services={"email.send": lambda *a: None})
    process = d.process(
        "p", [d.start(), user_with_form("deposit"), brt("grade"), service_task("email.send"),
              d.end()],
        "start fill decide notify end",
    )  # fmt: skip
    files = {"p.bpmn": process, "g.dmn": DMN, "deposit-entreprise.form": FORM}  # a variant
    assert engine.repository.validate("p", files).process_id == "p"
    assert engine.repository.deploy("p", files, author="t").version == 1


def test_a_file_of_another_schema_is_told_in_short(engine: Engine) -> None:
    broken = (
        d.process("p", [d.start(), d.end()], "start end")
        .replace("<bpmn:endEvent", "<bpmn:endEventX")
        .replace("</bpmn:endEvent>", "</bpmn:endEventX>")
    )
    problem = refused(engine, {"p.bpmn": broken})
    assert "non conforme au schéma BPMN : Element 'bpmn:endEventX'" in str(problem)
    assert "ligne" in str(problem) and "http://" not in str(problem)


def test_the_parameters_a_service_task_passes_are_checked(make_engine: EngineFactory) -> None:
    def render(ctx, template: str, version: int = 1) -> dict:  # type: ignore[no-untyped-def]
        return {}

    engine = make_engine(services={"document.render": render})

    def calling(*names: str) -> dict[str, str]:
        params = "".join(f'<spiffworkflow:parameter id="{n}" type="str" value="1"/>' for n in names)
        task = service_task("document.render").replace(
            "<spiffworkflow:parameters/>", f"<spiffworkflow:parameters>{params}"
            "</spiffworkflow:parameters>",
        )  # fmt: skip
        return {"p.bpmn": d.process("p", [d.start(), task, d.end()], "start notify end")}

    problem = refused(engine, calling("kind", "to"))
    words = " ".join(problem.errors["notify"])
    assert "ne prend pas le paramètre « kind »" in words and "« to »" in words
    assert "attend le paramètre « template »" in words
    assert engine.repository.validate("p", calling("template")).process_id == "p"
    assert engine.repository.validate("p", calling("template", "version")).process_id == "p"
