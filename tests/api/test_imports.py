"""POST /api/processes/<id>/imports: a Camunda Modeler file saved as a draft, with its report."""

from __future__ import annotations

import io

from tests.unit.engine.import_samples import diagram

from .conftest import Api

# start -> review (user task) -> notify (external task) -> gateway (JUEL condition) -> end
CAMUNDA_7 = diagram(
    """
    <bpmn:userTask id="review" name="Relire" camunda:formKey="embedded:app:forms/review.html"
        camunda:assignee="${holder}" camunda:candidateGroups="staff" camunda:priority="80">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="notify" />
    <bpmn:serviceTask id="notify" name="Prévenir" camunda:type="external"
        camunda:topic="email.send" __JAVA__>
      <bpmn:extensionElements>
        <camunda:inputOutput>
          <camunda:inputParameter name="kind">granted</camunda:inputParameter>
          <camunda:inputParameter name="to">${holder_email}</camunda:inputParameter>
        </camunda:inputOutput>
      </bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="notify" targetRef="gw" />
    <bpmn:exclusiveGateway id="gw" default="f5">
      <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:outgoing>f5</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f4" name="gros montant" sourceRef="gw" targetRef="done">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${amount &gt; 1000}\
</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f5" sourceRef="gw" targetRef="done" />
    <bpmn:endEvent id="done"><bpmn:incoming>f4</bpmn:incoming><bpmn:incoming>f5</bpmn:incoming>
    </bpmn:endEvent>""",
    vendor="camunda", process_id="camunda_grant", name="Subvention importée",
    attributes=' camunda:historyTimeToLive="180"',
).decode()  # fmt: skip


def upload(api: Api, content: bytes, name: str = "camunda_grant.bpmn", user: str = "staff"):  # type: ignore[no-untyped-def]
    return api.post(
        "/api/processes/camunda_grant/imports", user,
        data={"files": (io.BytesIO(content), name), "comment": "depuis Camunda"},
    )  # fmt: skip


def test_imports_camunda7_file_is_saved_as_a_draft_with_its_report(api: Api) -> None:
    imported = upload(api, CAMUNDA_7.replace("__JAVA__", "").encode())
    assert imported.status_code == 201, imported.json
    version = imported.json["version"]
    assert version["process_id"] == "camunda_grant" and version["state"] == "draft"
    assert version["files"] == ["camunda_grant.bpmn"] and version["comment"] == "depuis Camunda"
    assert version["name"] == "Subvention importée" and version["author"] == "staff"
    report = {(n["element_id"], n["attribute"]): n for n in imported.json["report"]}
    assert report["review", "camunda:formKey"]["outcome"] == "mapped"
    assert report["review", "camunda:formKey"]["element_name"] == "Relire"
    assert "« review »" in report["review", "camunda:formKey"]["message"]
    assert report["review", "camunda:candidateGroups"]["outcome"] == "reported"
    assert report["review", "camunda:priority"]["outcome"] == "reported"
    assert report["notify", "camunda:topic"]["outcome"] == "mapped"
    assert report["f4", "bpmn:conditionExpression"]["outcome"] == "mapped"
    assert report["camunda_grant", "camunda:historyTimeToLive"]["outcome"] == "reported"
    assert set(n["outcome"] for n in imported.json["report"]) == {"mapped", "reported"}
    # The stored file is the converted one: SpiffWorkflow extensions, nothing of Camunda.
    stored = api.get(
        f"/api/processes/versions/{version['id']}/files/camunda_grant.bpmn", "staff"
    ).data.decode()
    assert '<spiffworkflow:serviceTaskOperator id="email.send">' in stored
    assert '<spiffworkflow:property name="formKey" value="review"/>' in stored
    assert "amount &gt; 1000</bpmn:conditionExpression>" in stored
    assert "camunda.org/schema/1.0/bpmn" not in stored and "BPMNShape" in stored
    # A draft: listed, started by nobody until deployed.
    listed = [v for v in api.get("/api/processes", "staff").json if v["id"] == version["id"]]
    assert [v["state"] for v in listed] == ["draft"]
    body = {"process_id": "camunda_grant", "variables": {}}
    assert api.post("/api/instances", "staff", json=body).status_code == 404
    assert upload(api, CAMUNDA_7.encode(), user="rev1").status_code == 403


def test_imports_refuse_a_file_that_is_not_xml_naming_it(api: Api) -> None:
    refused = upload(api, b"%PDF-1.4 not a diagram", name="scan.bpmn")
    assert refused.status_code == 422
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert "scan.bpmn" in refused.json["errors"] and "scan.bpmn" in refused.json["detail"]
    assert "XML" in refused.json["detail"]


def test_imports_refused_draft_still_tells_the_report(api: Api) -> None:
    """A Java delegate is not mapped: the draft does not validate, and the 422 lists both the
    element at fault and what the import did."""
    java = CAMUNDA_7.replace('camunda:type="external"\n        camunda:topic="email.send" ', "")
    java = java.replace("__JAVA__", 'camunda:class="com.acme.Notify"')
    refused = upload(api, java.encode())
    assert refused.status_code == 422, refused.json
    assert "notify" in refused.json["errors"]
    notes = {(n["element_id"], n["attribute"]): n for n in refused.json["errors"]["report"]}
    assert notes["notify", "camunda:class"]["outcome"] == "reported"
    assert "Java" in notes["notify", "camunda:class"]["message"]
    assert notes["review", "camunda:formKey"]["outcome"] == "mapped"
