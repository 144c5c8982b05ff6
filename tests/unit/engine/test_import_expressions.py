"""Import of other diagrams and details: bpmn.io files unchanged, form keys, unknown vendor
elements, JUEL and FEEL expressions, what is not BPMN."""

from __future__ import annotations

import pytest

from engine.errors import DeploymentError
from engine.imports import ImportResult, import_bpmn

from .import_samples import (
    BPMN_IO,
    NS,
    ROOT,
    diagram,
    only,
    properties,
    tree,
    vendor_left,
)


def test_imports_bpmn_io_diagram_comes_back_byte_for_byte() -> None:
    result = import_bpmn(BPMN_IO, "grant.bpmn")
    assert result.content == BPMN_IO
    assert result.report == []


def test_imports_a_spiff_diagram_comes_back_unchanged() -> None:
    content = (ROOT / "bpmn" / "fact" / "fact_call.bpmn").read_bytes()
    assert import_bpmn(content, "fact_call.bpmn") == ImportResult(content, [])


@pytest.mark.parametrize(
    ("key", "expected", "stripped"),
    [
        ("deposit", "deposit", None),
        ("camunda-forms:bpmn:userTaskForm_1", "userTaskForm_1", "« camunda-forms:bpmn: »"),
        ("embedded:app:forms/deposit.html", "deposit", "« embedded:app: »"),
        ("camunda-forms:deployment:review.form", "review", "extension"),
    ],
)
def test_imports_form_keys_lose_camunda_prefixes(key: str, expected: str, stripped: str) -> None:
    task = f"""<bpmn:userTask id="review" camunda:formKey="{key}">
      <bpmn:incoming>f1</bpmn:incoming></bpmn:userTask>"""
    result = import_bpmn(diagram(task, vendor="camunda"))
    assert properties(tree(result), "review") == {"formKey": expected}
    message = only(result, "camunda:formKey").message
    assert (stripped in message) if stripped else ("retiré" not in message)


def test_imports_unknown_vendor_elements_are_reported_and_removed() -> None:
    task = """<bpmn:userTask id="review" name="Relire" camunda:priority="80">
      <bpmn:extensionElements>
        <camunda:properties><camunda:property name="color" value="red" /></camunda:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming></bpmn:userTask>"""
    result = import_bpmn(diagram(task, vendor="camunda"))
    assert [(n.attribute, n.outcome) for n in result.report] == [
        ("camunda:priority", "reported"),
        ("camunda:properties", "reported"),
    ]
    assert all("non lu par le moteur" in n.message for n in result.report)
    assert b"extensionElements" not in result.content  # emptied, so gone
    assert not vendor_left(result.content)


def test_imports_juel_template_and_dynamic_decision_are_reported() -> None:
    task = """<bpmn:businessRuleTask id="review" camunda:decisionRef="${which}">
      <bpmn:incoming>f1</bpmn:incoming></bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="review">
      <bpmn:conditionExpression>Bonjour ${name}</bpmn:conditionExpression></bpmn:sequenceFlow>"""
    result = import_bpmn(diagram(task, vendor="camunda"))
    assert only(result, "camunda:decisionRef").outcome == "reported"
    assert only(result, "bpmn:conditionExpression").outcome == "reported"
    root = tree(result)
    assert not root.xpath("//spiffworkflow:calledDecisionId", namespaces=NS)
    assert root.xpath("//bpmn:conditionExpression/text()", namespaces=NS) == ["Bonjour ${name}"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"not xml at all", "pas un fichier XML"),
        (b"", "pas un fichier XML"),
        (b'{"components": []}', "pas un fichier XML"),
        (b"<html><body/></html>", "pas un diagramme BPMN"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;'
            b"</bpmn:definitions>",
            "DOCTYPE",
        ),
    ],
)
def test_imports_refuse_what_is_not_bpmn(content: bytes, words: str) -> None:
    with pytest.raises(DeploymentError) as refused:
        import_bpmn(content, "upload.bpmn")
    message = str(refused.value)
    assert message.startswith("upload.bpmn : ") and words in message
    assert refused.value.field == "upload.bpmn" and "upload.bpmn" in refused.value.errors
    assert " at 0x" not in message and "Error" not in message


@pytest.mark.parametrize(
    ("text", "python"),
    [
        ("${approved}", "approved"),
        ("#{!approved || amount lt 10}", "not approved or amount < 10"),
        ("${status == 'a && b' and empty notes}", "status == 'a && b' and not notes"),
        ("${x eq null}", "x == None"),
        ('=status = "ok" and count >= 2', 'status == "ok" and count >= 2'),
        ("=flag = true", "flag == True"),
    ],
)
def test_imports_conditions_are_translated_to_python(text: str, python: str) -> None:
    flow = f"""<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="review">
      <bpmn:conditionExpression>{text.replace("&", "&amp;")}</bpmn:conditionExpression>
      </bpmn:sequenceFlow>"""
    result = import_bpmn(diagram(flow))
    assert tree(result).xpath("//bpmn:conditionExpression/text()", namespaces=NS) == [python]
    assert only(result, "bpmn:conditionExpression").outcome == "mapped"


def test_imports_untranslatable_expression_is_left_and_reported() -> None:
    flow = """<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="review">
      <bpmn:conditionExpression>=for x in items return x</bpmn:conditionExpression>
      </bpmn:sequenceFlow>"""
    result = import_bpmn(diagram(flow))
    assert result.content == diagram(flow)  # nothing else to change: as it was
    note = only(result, "bpmn:conditionExpression")
    assert note.outcome == "reported" and "FEEL" in note.message
