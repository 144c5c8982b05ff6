"""The FACT diagrams draw what they run: every element has its shape, inside its subprocess,
and every flow starts on its source and ends on its target (bpmn-js shows them as staff edit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from workflows import PROJECT_ROOT

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
DIAGRAMS = sorted((PROJECT_ROOT / "bpmn" / "fact").glob("*.bpmn"))
NODE_TAGS = [
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "task",
    "userTask",
    "serviceTask",
    "scriptTask",
    "businessRuleTask",
    "sendTask",
    "receiveTask",
    "manualTask",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "subProcess",
    "callActivity",
]
Box = tuple[float, float, float, float]


def _read(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def _bounds(root: etree._Element) -> dict[str, Box]:
    found = {}
    for shape in root.iterfind(".//bpmndi:BPMNShape", NS):
        b = shape.find("dc:Bounds", NS)
        x, y, w, h = (float(b.get(k)) for k in ("x", "y", "width", "height"))
        found[shape.get("bpmnElement")] = (x, y, x + w, y + h)
    return found


def _nodes(parent: etree._Element) -> list[etree._Element]:
    return [el for tag in NODE_TAGS for el in parent.findall(f"bpmn:{tag}", NS)]


def _near(point: tuple[float, float], box: Box, slack: float = 2) -> bool:
    x, y = point
    left, top, right, bottom = box
    inside = left - slack <= x <= right + slack and top - slack <= y <= bottom + slack
    on_edge = min(abs(x - left), abs(x - right), abs(y - top), abs(y - bottom)) <= slack
    return (inside and on_edge) or (inside and (right - left) <= 50)  # events: any point inside


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_element_has_a_shape_inside_its_subprocess(path: Path) -> None:
    root = _read(path)
    bounds = _bounds(root)
    problems = []

    def walk(parent: etree._Element, box: Box | None) -> None:
        for node in _nodes(parent):
            node_id = node.get("id")
            if node_id not in bounds:
                problems.append(f"{node_id}: no shape")
                continue
            left, top, right, bottom = bounds[node_id]
            attached = node.tag == f"{{{NS['bpmn']}}}boundaryEvent"  # drawn on the border
            inside = box is None or (
                box[0] <= left and right <= box[2] and box[1] <= top and bottom <= box[3]
            )
            if not (attached or inside):
                problems.append(f"{node_id}: drawn outside its subprocess")
            if node.tag == f"{{{NS['bpmn']}}}subProcess":
                walk(node, bounds[node_id])

    for process in root.iterfind("bpmn:process", NS):
        walk(process, None)
    assert problems == []


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_flow_is_drawn_from_its_source_to_its_target(path: Path) -> None:
    root = _read(path)
    bounds = _bounds(root)
    edges = {
        e.get("bpmnElement"): [
            (float(w.get("x")), float(w.get("y"))) for w in e.iterfind("di:waypoint", NS)
        ]
        for e in root.iterfind(".//bpmndi:BPMNEdge", NS)
    }
    problems = []
    for flow in root.iterfind(".//bpmn:sequenceFlow", NS):
        points = edges.get(flow.get("id"))
        if not points:
            problems.append(f"{flow.get('id')}: no edge")
            continue
        if not _near(points[0], bounds[flow.get("sourceRef")]):
            problems.append(f"{flow.get('id')}: does not leave {flow.get('sourceRef')}")
        if not _near(points[-1], bounds[flow.get("targetRef")]):
            problems.append(f"{flow.get('id')}: does not reach {flow.get('targetRef')}")
    assert problems == []


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_each_node_is_in_one_lane_at_most(path: Path) -> None:
    root = _read(path)
    refs = [ref.text for ref in root.iterfind(".//bpmn:flowNodeRef", NS)]
    assert len(refs) == len(set(refs))
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert set(refs) <= ids
