"""Staff resources: calls, instances, processes, incidents, outbox, task inbox and claims."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from tests import samples
from tests.conformance import diagrams as d

from .conftest import Api, call_config


def test_calls_list_read_and_roles(api: Api) -> None:
    listed = api.get("/api/calls", "cse")
    assert listed.status_code == 200 and [c["business_key"] for c in listed.json] == ["2020-01"]
    assert "X-Pagination" in listed.headers
    call = api.get("/api/calls/2020-01", "ana").json
    assert call["variables"]["envelope"] == 800_000
    assert api.get("/api/calls/1999-99", "staff").status_code == 404
    assert api.post("/api/calls", "ana", json={"config": {}}).status_code == 403


def test_calls_create_validates_dates_by_field(api: Api) -> None:
    typo = api.post(
        "/api/calls", "staff",
        json={"config": call_config("2020-02", commission_at="2019-05-05T09:30:00")},
    )  # fmt: skip
    assert typo.status_code == 422 and "commission_at" in typo.json["errors"]
    created = api.post("/api/calls", "staff", json={"config": call_config("2020-02")})
    assert created.status_code == 201 and created.json["business_key"] == "2020-02"
    duplicate = api.post("/api/calls", "staff", json={"config": call_config("2020-02")})
    assert duplicate.status_code == 409


def test_calls_deadline_extension(api: Api) -> None:
    earlier = api.post(
        "/api/calls/2020-01/deadline", "staff", json={"deposit_deadline": "2020-04-01T23:59:59"}
    )
    assert earlier.status_code == 422 and "deposit_deadline" in earlier.json["errors"]
    bad = api.post("/api/calls/2020-01/deadline", "staff", json={"deposit_deadline": "demain"})
    assert bad.status_code == 422 and "deposit_deadline" in bad.json["errors"]
    assert api.post(
        "/api/calls/2020-01/deadline", "ana", json={"deposit_deadline": "2020-06-05T23:59:59"}
    ).status_code == 403  # fmt: skip


def test_instances_list_read_cancel(api: Api) -> None:
    dossier = api.draft("bruno")
    listed = api.get(f"/api/instances?business_key={dossier}", "cse")
    assert listed.status_code == 200 and len(listed.json) == 1
    instance_id = listed.json[0]["id"]
    assert api.get("/api/instances", "ana").status_code == 403
    assert api.get("/api/instances?status=bogus", "staff").status_code == 422
    detail = api.get(f"/api/instances/{instance_id}", "staff").json
    assert detail["history"][0]["action"] == "started"
    assert api.post(f"/api/instances/{instance_id}/cancellation", "cse").status_code == 403
    cancelled = api.post(f"/api/instances/{instance_id}/cancellation", "staff")
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert api.post(f"/api/instances/{instance_id}/cancellation", "staff").status_code == 409


def test_processes_list_validate_deploy_and_download(api: Api) -> None:
    versions = api.get("/api/processes", "staff").json
    assert {v["process_id"] for v in versions} == {"fact_call", "fact_dossier"}
    dossier_version = next(v for v in versions if v["process_id"] == "fact_dossier")
    assert "deposit-entreprise.form" in dossier_version["files"]
    xml = samples.approval().encode()
    check = api.post(
        "/api/processes/approval/validation", "staff",
        data={"files": (io.BytesIO(xml), "approval.bpmn")},
    )  # fmt: skip
    assert check.status_code == 200 and check.json["valid"] is True
    xxe = api.post(
        "/api/processes/approval/versions", "staff",
        data={"files": (io.BytesIO(samples.XXE.encode()), "approval.bpmn")},
    )  # fmt: skip
    assert xxe.status_code == 422 and "approval.bpmn" in xxe.json["errors"]
    nothing = api.post("/api/processes/approval/versions", "staff", data={})
    assert nothing.status_code == 422 and "files" in nothing.json["errors"]
    deployed = api.post(
        "/api/processes/approval/versions", "staff",
        data={"files": (io.BytesIO(xml), "approval.bpmn"), "comment": "essai"},
    )  # fmt: skip
    assert deployed.status_code == 201 and deployed.json["version"] == 1
    assert deployed.json["comment"] == "essai" and deployed.json["author"] == "staff"
    content = api.get(f"/api/processes/versions/{deployed.json['id']}/files/approval.bpmn", "staff")
    assert content.status_code == 200 and content.data == xml  # the file itself, byte for byte
    assert content.headers["Content-Type"].startswith("application/xml")
    assert "approval.bpmn" in content.headers["Content-Disposition"]
    # What was downloaded deploys as the same version.
    again = api.post(
        "/api/processes/approval/versions", "staff",
        data={"files": (io.BytesIO(content.data), "approval.bpmn")},
    )  # fmt: skip
    assert again.json["id"] == deployed.json["id"]
    assert api.get("/api/processes", "rev1").status_code == 403


def test_incidents_and_outbox_for_staff(api: Api) -> None:
    assert api.get("/api/incidents", "staff").json == []
    assert api.post("/api/incidents/999/retry", "staff").status_code == 404
    assert api.post("/api/incidents/999/resolution", "staff", json={}).status_code == 422
    api.draft("ana")
    mails = api.get("/api/outbox?kind=draft_created&page_size=100", "staff")
    assert mails.status_code == 200 and "ana@x.fr" in {m["recipient"] for m in mails.json}
    assert {m["kind"] for m in mails.json} == {"draft_created"}
    assert api.get("/api/outbox", "ana").status_code == 403


def test_tasks_inbox_scopes_claim_and_release(api: Api) -> None:
    dossier = api.draft("ana")
    assert api.deposit(dossier).status_code == 200
    task = api.task(dossier, "eligibility")
    assert api.get("/api/tasks?scope=all", "staff").status_code == 200
    assert api.get("/api/tasks?scope=all", "rev1").status_code == 403
    assert api.get("/api/tasks?scope=nope", "staff").status_code == 422
    assert all(t["lane"] != "Mission Fact" for t in api.get("/api/tasks", "rev1").json)
    claimed = api.post(f"/api/tasks/{task['id']}/claim", "staff")
    assert claimed.status_code == 200 and claimed.json["claimed_by"] == "staff"
    assert api.post(f"/api/tasks/{task['id']}/claim", "admin").status_code == 409
    assert api.post(f"/api/tasks/{task['id']}/release", "admin").status_code == 409
    assert api.post(f"/api/tasks/{task['id']}/release", "staff").json["claimed_by"] is None
    assert api.post(f"/api/tasks/{task['id']}/claim", "cse").status_code == 404
    assert api.get("/api/tasks/not-a-task", "staff").status_code == 404


def test_instances_start_over_the_api(api: Api) -> None:
    deployed = api.post(
        "/api/processes/approval/versions", "staff",
        data={"files": (io.BytesIO(samples.approval().encode()), "approval.bpmn")},
    )  # fmt: skip
    assert deployed.status_code == 201
    body = {"process_id": "approval", "variables": {"x": 2, "deadline": "2030-01-01T00:00:00Z"}}
    started = api.post("/api/instances", "staff", json=body)
    assert started.status_code == 201 and started.json["variables"]["y"] == 4
    assert api.post("/api/instances", "ana", json=body).status_code == 403
    missing = api.post("/api/instances", "staff", json={"process_id": "nope"})
    assert missing.status_code == 404
    bad = api.post(
        "/api/instances", "staff", json={"process_id": "approval", "variables": {"__x": 1}}
    )
    assert bad.status_code == 422 and "__x" in bad.json["errors"]


def test_calls_configuration_change(api: Api) -> None:
    changed = api.call(
        "PATCH",
        "/api/calls/2020-01",
        "staff",
        json={"config": {"title": "TNC", "envelope": 900000}},
    )
    assert changed.status_code == 200, changed.json
    assert (changed.json["variables"]["title"], changed.json["variables"]["envelope"]) == (
        "TNC",
        900_000,
    )
    dates = api.call(
        "PATCH", "/api/calls/2020-01", "staff", json={"config": {"deposit_deadline": "2020-05-01"}}
    )
    assert dates.status_code == 422 and "deposit_deadline" in dates.json["errors"]
    negative = api.call("PATCH", "/api/calls/2020-01", "staff", json={"config": {"envelope": -1}})
    assert negative.status_code == 422 and "envelope" in negative.json["errors"]
    assert api.get("/api/calls/2020-01", "staff").json["variables"]["envelope"] == 900_000
    refused = api.call("PATCH", "/api/calls/2020-01", "ana", json={"config": {"title": "x"}})
    assert refused.status_code == 403
    api.call("PATCH", "/api/calls/2020-01", "staff", json={"config": {"envelope": 800000}})


def test_calls_refuse_a_date_without_time_and_dates_already_past_in_french(
    clock_back: Api,
) -> None:
    api = clock_back
    date_only = api.post(
        "/api/calls", "staff",
        json={"config": call_config("2020-03", deposit_deadline="2020-04-14")},
    )  # fmt: skip
    assert date_only.status_code == 422
    assert date_only.json["errors"]["deposit_deadline"] == [
        "une heure est attendue avec la date : par exemple 2020-04-14T23:59:59 (heure de Paris)"
    ]
    year_one = api.post(
        "/api/calls", "staff",
        json={"config": call_config("2020-03", publication_at="0001-01-01T00:00:00")},
    )  # fmt: skip
    assert year_one.status_code == 422
    assert "date hors des années" in year_one.json["errors"]["publication_at"][0]
    api.clock.set(datetime(2020, 6, 1, tzinfo=UTC))  # every seed date is past now
    past = api.post("/api/calls", "staff", json={"config": call_config("2020-04")})
    assert past.status_code == 422 and "déjà passée" in past.json["errors"]["deposit_deadline"][0]
    assert api.get("/api/calls/2020-04", "staff").status_code == 404  # nothing opened
    confirmed = api.post(
        "/api/calls", "staff",
        json={"config": call_config("2020-04", confirm_past_dates=True)},
    )  # fmt: skip
    assert confirmed.status_code == 201
    api.engine.runtime.cancel(confirmed.json["id"], actor="staff")  # the module's app goes on


def test_calls_commission_moved_over_the_api(api: Api) -> None:
    config = call_config("MOVE", publication_at=api.clock.now().isoformat())
    assert api.post("/api/calls", "staff", json={"config": config}).status_code == 201
    api.engine.timers.fire_due()  # published
    dossier = api.draft("ana", call="MOVE")
    assert api.deposit(dossier).status_code == 200
    moved = api.post(
        "/api/calls/MOVE/commission", "staff", json={"commission_at": "2020-05-12T14:00:00"}
    )
    assert moved.status_code == 200 and len(moved.json["informed_instances"]) == 2
    call = api.get("/api/calls/MOVE", "staff").json
    assert call["variables"]["commission_at"] == "2020-05-12T12:00:00+00:00"  # 14:00 Paris
    before = api.post(
        "/api/calls/MOVE/commission", "staff", json={"commission_at": "2020-04-01T09:00:00"}
    )
    assert before.status_code == 422 and "commission_at" in before.json["errors"]
    assert api.post(
        "/api/calls/MOVE/commission", "ana", json={"commission_at": "2020-05-20T09:00:00"}
    ).status_code == 403  # fmt: skip


def test_signals_are_thrown_by_staff_only(api: Api) -> None:
    waiting = d.process(
        "signalled", [d.start(), d.catch("wait", d.signal("reopen")), d.user("after"), d.end()],
        "start wait after end",
    )  # fmt: skip
    deployed = api.post(
        "/api/processes/signalled/versions", "staff",
        data={"files": (io.BytesIO(waiting.encode()), "signalled.bpmn")},
    )  # fmt: skip
    assert deployed.status_code == 201
    started = api.post("/api/instances", "staff", json={"process_id": "signalled"}).json
    body = {"name": "reopen", "variables": {"why": "report"}}
    assert api.post("/api/signals", "ana", json=body).status_code == 403
    thrown = api.post("/api/signals", "staff", json=body)
    assert thrown.status_code == 200 and thrown.json == {
        "name": "reopen", "instances": [started["id"]],
    }  # fmt: skip
    instance = api.get(f"/api/instances/{started['id']}", "staff").json
    assert instance["variables"]["why"] == "report"
    activities = api.get(f"/api/instances/{started['id']}/activities", "staff")
    assert [(a["element_id"], a["state"]) for a in activities.json] == [
        ("start", "completed"), ("wait", "completed"), ("after", "active"),
    ]  # fmt: skip
    assert api.get(f"/api/instances/{started['id']}/activities", "ana").status_code == 403
    assert api.post("/api/signals", "staff", json=body).json["instances"] == []
    missing = api.post("/api/signals", "staff", json={"variables": {}})
    assert missing.status_code == 422 and "name" in missing.json["errors"]
    bad = api.post("/api/signals", "staff", json={"name": "reopen", "variables": {"_x": 1}})
    assert bad.status_code == 422 and "_x" in bad.json["errors"]


def test_an_uncaught_error_is_an_incident_staff_retry_or_cancel(api: Api) -> None:
    failing = d.process("failing", [d.start(), d.end("boom", d.error("E1"))], "start boom")
    api.post(
        "/api/processes/failing/versions", "staff",
        data={"files": (io.BytesIO(failing.encode()), "failing.bpmn")},
    )  # fmt: skip
    started = api.post("/api/instances", "staff", json={"process_id": "failing"}).json
    assert started["status"] == "error"
    assert api.get("/api/instances?status=error", "staff").json[-1]["id"] == started["id"]
    [incident] = [i for i in api.get("/api/incidents", "staff").json
                  if i["instance_id"] == started["id"]]  # fmt: skip
    assert (incident["kind"], incident["element_id"]) == ("error", "boom")
    retried = api.post(f"/api/incidents/{incident['id']}/retry", "staff")
    assert retried.status_code == 200 and retried.json["status"] == "resolved"
    again = [i for i in api.get("/api/incidents", "staff").json
             if i["instance_id"] == started["id"]]  # fmt: skip
    assert len(again) == 1 and again[0]["id"] != incident["id"]  # it threw again
    cancelled = api.post(f"/api/instances/{started['id']}/cancellation", "staff")
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    closed = {i["id"]: i for i in api.get("/api/incidents?status=resolved", "staff").json}
    assert closed[again[0]["id"]]["resolution"] == "instance cancelled by staff"


def test_validation_names_each_element_at_fault(api: Api) -> None:
    broken = d.process(
        "broken", [d.start(), d.catch("wait", "<bpmn:signalEventDefinition/>"), d.end()],
        "start wait end; wait nowhere",
    )  # fmt: skip
    checked = api.post(
        "/api/processes/broken/validation", "staff",
        data={"files": (io.BytesIO(broken.encode()), "broken.bpmn")},
    )  # fmt: skip
    assert checked.status_code == 422
    assert set(checked.json["errors"]) == {"wait", "wait_nowhere"}
    assert "signal" in checked.json["errors"]["wait"][0]


def test_a_draft_of_the_dossier_process_is_tried_beside_the_current_one(api: Api) -> None:
    current = next(v for v in api.get("/api/processes", "staff").json
                   if v["process_id"] == "fact_dossier" and v["state"] == "deployed")  # fmt: skip
    files = {
        name: api.get(f"/api/processes/versions/{current['id']}/files/{name}", "staff").data
        for name in current["files"]
    }
    # The draft sends the draft mail instead of the receipt: the calls differ by those mails.
    dossier = files["fact_dossier.bpmn"].decode()
    kind = '<spiffworkflow:parameter id="kind" type="str" value="\'receipt\'" />'
    assert dossier.count(kind) == 1
    files["fact_dossier.bpmn"] = dossier.replace(
        kind, kind.replace("receipt", "draft_created")
    ).encode()
    draft = api.post(
        "/api/processes/fact_dossier/drafts", "staff",
        data={"files": [(io.BytesIO(content), name) for name, content in files.items()]},
    )  # fmt: skip
    assert draft.status_code == 201, draft.json
    path = f"/api/processes/versions/{draft.json['id']}/what-if"
    assert api.post(path, "staff", json={"applications": 99}).status_code == 422
    compared = api.post(path, "staff", json={"applications": 3, "seed": 2})
    assert compared.status_code == 200, compared.json
    body = compared.json
    assert (body["version_id"], body["current_version_id"]) == (draft.json["id"], current["id"])
    now, tried = body["current"], body["tried"]
    assert now["outcomes"] == tried["outcomes"] and sum(now["outcomes"].values()) == 3
    assert now["mails"]["receipt"] > 0 and "receipt" not in tried["mails"]
    assert (
        tried["mails"]["draft_created"] == now["mails"]["draft_created"] + now["mails"]["receipt"]
    )
