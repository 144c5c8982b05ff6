"""Camunda 7 and 8 diagrams imported: what the engine reads is rewritten as its own extensions,
the rest reported; the result deploys."""

from __future__ import annotations

import pytest
from lxml import etree

from engine.bpmn import parse_process
from engine.errors import DeploymentError
from engine.imports import import_bpmn

from .import_samples import (
    CAMUNDA_7,
    CAMUNDA_8,
    NS,
    ROOT,
    SERVICES,
    notes,
    only,
    properties,
    tree,
    vendor_left,
)


def test_imports_camunda7_user_task_becomes_spiff_properties() -> None:
    result = import_bpmn(CAMUNDA_7, "grant.bpmn")
    assert properties(tree(result), "review") == {
        "formKey": "review",
        "assignee": "holder",
        "dueDate": "'2024-05-01T12:00:00+02:00'",
    }
    form = only(result, "camunda:formKey")
    assert (form.element_id, form.element_name, form.outcome) == ("review", "Relire", "mapped")
    assert "« camunda-forms:deployment: »" in form.message and "review.form" in form.message
    assert "JUEL" in only(result, "camunda:assignee").message
    groups = only(result, "camunda:candidateGroups")
    assert groups.outcome == "reported" and "couloir" in groups.message
    assert only(result, "camunda:asyncBefore").outcome == "reported"
    listener = only(result, "camunda:executionListener")
    assert listener.outcome == "reported" and "com.acme.Audit" in listener.message


def test_imports_camunda7_external_task_becomes_service_operator() -> None:
    result = import_bpmn(CAMUNDA_7, "grant.bpmn")
    [operator] = tree(result).xpath(
        "//bpmn:serviceTask[@id='notify']//spiffworkflow:serviceTaskOperator", namespaces=NS
    )
    assert operator.get("id") == "email.send" and operator.get("resultVariable") == "mail"
    parameters = {p.get("id"): p.get("value") for p in operator.iterfind(".//{*}parameter")}
    # A Camunda input without ${} is a constant; with it, an expression.
    assert parameters == {"kind": "'granted'", "to": "holder_email"}
    assert only(result, "camunda:topic").outcome == "mapped"
    results = {n.element_id: n.outcome for n in notes(result, "camunda:resultVariable")}
    assert results == {"notify": "mapped", "rate": "reported"}  # a decision's goes to the data
    mapped = notes(result, "camunda:inputParameter")
    assert [n.outcome for n in mapped] == ["mapped", "mapped"]
    assert "vérifier" in mapped[1].message
    assert only(result, "camunda:outputParameter").outcome == "reported"


def test_imports_camunda7_decision_condition_and_java() -> None:
    result = import_bpmn(CAMUNDA_7, "grant.bpmn")
    root = tree(result)
    called = root.xpath("//bpmn:businessRuleTask//spiffworkflow:calledDecisionId", namespaces=NS)
    assert [c.text for c in called] == ["eligibility"]
    assert only(result, "camunda:decisionRef").outcome == "mapped"
    [condition] = root.xpath("//bpmn:conditionExpression", namespaces=NS)
    assert condition.text == "amount > 1000 and not approved"
    note = only(result, "bpmn:conditionExpression")
    assert (note.element_id, note.element_name, note.outcome) == ("f5", "gros montant", "mapped")
    assert "${amount > 1000 && !approved}" in note.message
    java = only(result, "camunda:class")
    assert (java.element_id, java.outcome) == ("archive", "reported")
    assert "Java" in java.message and "service enregistré" in java.message
    unknown = only(result, "camunda:priorityHint")
    assert unknown.outcome == "reported" and "non lu par le moteur" in unknown.message


def test_imports_camunda7_keeps_nothing_of_camunda_and_the_rest_as_is() -> None:
    result = import_bpmn(CAMUNDA_7, "grant.bpmn")
    assert not vendor_left(result.content)
    assert b'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"' in result.content
    assert result.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = tree(result)
    assert root.xpath("//bpmndi:BPMNShape[@bpmnElement='start']/dc:Bounds/@x", namespaces={
        "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
        "dc": "http://www.omg.org/spec/DD/20100524/DC",
    }) == ["152"]  # fmt: skip
    assert root.get("exporter") == "Camunda Modeler"
    assert {n.outcome for n in result.report} == {"mapped", "reported"}


def test_imports_camunda7_without_java_task_deploys() -> None:
    """Once the Java task is replaced, what the import wrote is what the engine accepts."""
    java = CAMUNDA_7.replace(b'camunda:class="com.acme.Archive"', b'camunda:topic="email.send"')
    java = java.replace(
        b"<bpmn:incoming>f5</bpmn:incoming>",
        b"""<bpmn:extensionElements>
        <camunda:inputOutput><camunda:inputParameter name="kind">big</camunda:inputParameter>
        <camunda:inputParameter name="to">${holder_email}</camunda:inputParameter>
        </camunda:inputOutput></bpmn:extensionElements><bpmn:incoming>f5</bpmn:incoming>""",
    )
    result = import_bpmn(java, "grant.bpmn")
    parsed = parse_process("grant", {"grant.bpmn": result.content, **dmn()}, services=SERVICES)
    assert parsed.name == "Subvention"


def test_imports_camunda7_java_task_is_refused_at_deployment_with_its_element() -> None:
    result = import_bpmn(CAMUNDA_7, "grant.bpmn")
    with pytest.raises(DeploymentError) as refused:
        parse_process("grant", {"grant.bpmn": result.content, **dmn()}, services=SERVICES)
    assert "archive" in refused.value.errors


def dmn() -> dict[str, bytes]:
    return {"eligibility.dmn": (ROOT / "bpmn" / "fact" / "eligibility.dmn").read_bytes()}


# --- Camunda 8 ---------------------------------------------------------------------------------


def test_imports_camunda8_user_task_and_service_task() -> None:
    result = import_bpmn(CAMUNDA_8, "grant.bpmn")
    root = tree(result)
    assert properties(root, "review") == {
        "formKey": "review-form",
        "assignee": "holder",
        "dueDate": "deadline",
    }
    assert only(result, "zeebe:formDefinition/@formId").outcome == "mapped"
    assert "FEEL" in only(result, "zeebe:assignmentDefinition/@assignee").message
    groups = only(result, "zeebe:assignmentDefinition/@candidateGroups")
    assert groups.outcome == "reported" and "couloir" in groups.message
    follow_up = only(result, "zeebe:taskSchedule/@followUpDate")
    assert follow_up.outcome == "reported" and "=reminder" in follow_up.message
    [operator] = root.xpath("//spiffworkflow:serviceTaskOperator", namespaces=NS)
    assert operator.get("id") == "email.send"
    parameters = {p.get("id"): p.get("value") for p in operator.iterfind(".//{*}parameter")}
    assert parameters == {"kind": "'granted'", "to": "holder_email"}  # FEEL `=` taken off
    to = [n for n in notes(result, "zeebe:input") if "« to »" in n.message]
    assert to[0].outcome == "mapped" and "FEEL" in to[0].message and "vérifier" in to[0].message
    assert only(result, "zeebe:taskDefinition/@retries").outcome == "reported"
    assert only(result, "zeebe:output").outcome == "reported"
    # The documentation stays first, the extensions after it (the schema's order).
    review = root.xpath("//bpmn:userTask", namespaces=NS)[0]
    assert [etree.QName(c).localname for c in review][:2] == ["documentation", "extensionElements"]


def test_imports_camunda8_decision_condition_script_and_timer() -> None:
    result = import_bpmn(CAMUNDA_8, "grant.bpmn")
    root = tree(result)
    called = root.xpath("//spiffworkflow:calledDecisionId", namespaces=NS)
    assert [c.text for c in called] == ["eligibility"]
    assert only(result, "zeebe:calledDecision/@resultVariable").outcome == "reported"
    [condition] = root.xpath("//bpmn:conditionExpression", namespaces=NS)
    assert condition.text == 'amount > 1000 and status == "ok"'  # FEEL's `=` compares
    assert only(result, "bpmn:conditionExpression").outcome == "mapped"
    assert root.xpath("//bpmn:scriptTask/bpmn:script/text()", namespaces=NS) == [
        "double = amount * 2"
    ]
    # An ISO 8601 timer is read as it is: left alone.
    assert root.xpath("//bpmn:timeDuration/text()", namespaces=NS) == ["PT1H"]
    assert not notes(result, "bpmn:timeDuration")
    assert not vendor_left(result.content)
    parsed = parse_process("grant", {"grant.bpmn": result.content, **dmn()}, services=SERVICES)
    assert parsed.name == "Subvention"


# --- bpmn.io, refusals, details ------------------------------------------------------------------
