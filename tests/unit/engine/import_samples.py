"""Diagrams drawn in Camunda Modeler 7 and 8 and in bpmn.io, and the helpers reading what the
import made of them (tests/unit/engine/test_imports*.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from engine.imports import ImportNote, ImportResult

ROOT = Path(__file__).resolve().parents[3]
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"


def diagram(
    process: str, *, vendor: str = "", process_id: str = "grant", name: str = "Subvention",
    attributes: str = "",
) -> bytes:  # fmt: skip
    """A definitions document as the modeler writes it, with a little diagram interchange
    (`attributes`: more of the process element's, written as the modeler does)."""
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
  <bpmn:process id="{process_id}" name="{name}" isExecutable="true"{attributes}>
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
