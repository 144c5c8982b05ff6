"""engine.imports: diagrams from Camunda Modeler (Camunda 7 and 8) and bpmn.io rewritten with the
SpiffWorkflow extensions the engine reads, and a French report of what was mapped or left out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from engine.bpmn import parse_process
from engine.errors import DeploymentError
from engine.imports import ImportNote, ImportResult, import_bpmn

ROOT = Path(__file__).resolve().parents[3]
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"


def diagram(process: str, *, vendor: str = "", process_id: str = "grant") -> bytes:
    """A definitions document as the modeler writes it, with a little diagram interchange."""
    declared = {
        "camunda": f'xmlns:camunda="{CAMUNDA_NS}" ',
        "zeebe": f'xmlns:zeebe="{ZEEBE_NS}" ',
        "": "",
    }[vendor]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" \
xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" {declared}\
id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" \
exporterVersion="5.20.0">
  <bpmn:process id="{process_id}" name="Subvention" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
{process}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="{process_id}">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="152" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
""".encode()


# start -> review (user task) -> notify (service) -> rate (decision) -> gateway -> archive | done
CAMUNDA_7 = diagram(
    """
    <bpmn:userTask id="review" name="Relire"
        camunda:formKey="camunda-forms:deployment:forms/review.form"
        camunda:assignee="${holder}" camunda:candidateGroups="staff"
        camunda:dueDate="2024-05-01T12:00:00+02:00" camunda:asyncBefore="true">
      <bpmn:extensionElements>
        <camunda:executionListener class="com.acme.Audit" event="start" />
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="notify" />
    <bpmn:serviceTask id="notify" name="Prévenir" camunda:type="external"
        camunda:topic="email.send" camunda:resultVariable="mail">
      <bpmn:extensionElements>
        <camunda:inputOutput>
          <camunda:inputParameter name="kind">granted</camunda:inputParameter>
          <camunda:inputParameter name="to">${holder_email}</camunda:inputParameter>
          <camunda:outputParameter name="sent">${ok}</camunda:outputParameter>
        </camunda:inputOutput>
      </bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="notify" targetRef="rate" />
    <bpmn:businessRuleTask id="rate" name="Noter" camunda:decisionRef="eligibility"
        camunda:resultVariable="rating">
      <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f4" sourceRef="rate" targetRef="gw" />
    <bpmn:exclusiveGateway id="gw" default="f6">
      <bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing>
      <bpmn:outgoing>f6</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f5" name="gros montant" sourceRef="gw" targetRef="archive">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${amount &gt; 1000 &amp;&amp; \
!approved}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f6" sourceRef="gw" targetRef="done" />
    <bpmn:serviceTask id="archive" name="Archiver" camunda:class="com.acme.Archive"
        camunda:priorityHint="5">
      <bpmn:incoming>f5</bpmn:incoming><bpmn:outgoing>f7</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f7" sourceRef="archive" targetRef="done" />
    <bpmn:endEvent id="done"><bpmn:incoming>f6</bpmn:incoming><bpmn:incoming>f7</bpmn:incoming>
    </bpmn:endEvent>""",
    vendor="camunda",
)

# start -> review (user task) -> notify (service) -> rate (decision) -> gateway -> calc | wait
CAMUNDA_8 = diagram(
    """
    <bpmn:userTask id="review" name="Relire">
      <bpmn:documentation>À relire avant la commission</bpmn:documentation>
      <bpmn:extensionElements>
        <zeebe:formDefinition formId="review-form" />
        <zeebe:assignmentDefinition assignee="=holder" candidateGroups="staff, admin" />
        <zeebe:taskSchedule dueDate="=deadline" followUpDate="=reminder" />
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="notify" />
    <bpmn:serviceTask id="notify" name="Prévenir">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="email.send" retries="5" />
        <zeebe:ioMapping>
          <zeebe:input source="granted" target="kind" />
          <zeebe:input source="=holder_email" target="to" />
          <zeebe:output source="=sent" target="mail_sent" />
        </zeebe:ioMapping>
      </bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="notify" targetRef="rate" />
    <bpmn:businessRuleTask id="rate" name="Noter">
      <bpmn:extensionElements>
        <zeebe:calledDecision decisionId="eligibility" resultVariable="rating" />
      </bpmn:extensionElements>
      <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f4" sourceRef="rate" targetRef="gw" />
    <bpmn:exclusiveGateway id="gw" default="f6">
      <bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing>
      <bpmn:outgoing>f6</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f5" sourceRef="gw" targetRef="calc">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=amount &gt; 1000 and \
status = "ok"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f6" sourceRef="gw" targetRef="wait" />
    <bpmn:scriptTask id="calc" name="Calcul">
      <bpmn:extensionElements>
        <zeebe:script expression="=amount * 2" resultVariable="double" />
      </bpmn:extensionElements>
      <bpmn:incoming>f5</bpmn:incoming><bpmn:outgoing>f7</bpmn:outgoing>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f7" sourceRef="calc" targetRef="done" />
    <bpmn:intermediateCatchEvent id="wait" name="Attendre">
      <bpmn:incoming>f6</bpmn:incoming><bpmn:outgoing>f8</bpmn:outgoing>
      <bpmn:timerEventDefinition id="TimerEventDefinition_1">
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f8" sourceRef="wait" targetRef="done" />
    <bpmn:endEvent id="done"><bpmn:incoming>f7</bpmn:incoming><bpmn:incoming>f8</bpmn:incoming>
    </bpmn:endEvent>""",
    vendor="zeebe",
)

# What bpmn.io writes when nothing vendor-specific is set: a user task, a Python condition.
BPMN_IO = diagram(
    """
    <bpmn:userTask id="review" name="Relire">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="gw" />
    <bpmn:exclusiveGateway id="gw" default="f4">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:outgoing>f4</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="done">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">amount &gt; 1000\
</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="done" />
    <!-- a comment the modeler wrote -->
    <bpmn:endEvent id="done"><bpmn:incoming>f3</bpmn:incoming><bpmn:incoming>f4</bpmn:incoming>
    </bpmn:endEvent>"""
)


def send_email(ctx: Any, kind: str, to: str, extra: dict[str, Any] | None = None) -> dict:
    return {}


SERVICES = {"email.send": send_email}


def tree(result: ImportResult) -> etree._Element:
    return etree.fromstring(result.content)


def properties(root: etree._Element, task: str) -> dict[str, str]:
    found = root.xpath(f"//bpmn:*[@id='{task}']//spiffworkflow:property", namespaces=NS)
    return {p.get("name"): p.get("value") for p in found}


def notes(result: ImportResult, attribute: str) -> list[ImportNote]:
    return [note for note in result.report if note.attribute == attribute]


def only(result: ImportResult, attribute: str) -> ImportNote:
    [note] = notes(result, attribute)
    return note


def vendor_left(content: bytes) -> bool:
    return b"camunda.org/schema/1.0/bpmn" in content or b"camunda.org/schema/zeebe" in content


# --- Camunda 7 ---------------------------------------------------------------------------------


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
