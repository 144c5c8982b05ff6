"""Concerted change over the API: draft, proposal, comments on elements, decision, deployment
of accepted versions only, migration of running instances."""

from __future__ import annotations

import io

from tests.conformance import diagrams as d

from .conftest import Api


def _upload(api: Api, process_id: str, script: str, *, draft: bool):  # type: ignore[no-untyped-def]
    process = d.process(process_id, [d.start(), d.user("work"), d.script("after", script),
                                     d.end()], "start work after end")  # fmt: skip
    kind = "drafts" if draft else "versions"
    return api.post(
        f"/api/processes/{process_id}/{kind}", "staff",
        data={"files": (io.BytesIO(process.encode()), f"{process_id}.bpmn"), "comment": script},
    )  # fmt: skip


def _in_service(api: Api, process_id: str) -> tuple[dict, dict]:
    """A process with one running instance, and a draft of its next version."""
    current = _upload(api, process_id, "x = 1", draft=False)
    assert current.status_code == 201, current.json
    started = api.post("/api/instances", "staff", json={"process_id": process_id})
    assert started.status_code == 201
    draft = _upload(api, process_id, "x = 2", draft=True)
    assert draft.status_code == 201 and draft.json["state"] == "draft"
    return started.json, draft.json


def test_a_process_in_service_takes_only_an_accepted_version(api: Api) -> None:
    started, draft = _in_service(api, "concerted")
    direct = _upload(api, "concerted", "x = 3", draft=False)
    assert direct.status_code == 409 and "brouillon" in direct.json["detail"]
    deploy = f"/api/processes/versions/{draft['id']}/deployment"
    refused = api.post(deploy, "staff")
    assert refused.status_code == 409 and "acceptée" in refused.json["detail"]

    proposals = f"/api/processes/versions/{draft['id']}/proposals"
    assert api.post(proposals, "cse", json={}).status_code == 403
    assert api.post(proposals, "staff", json={"invitees": ["nobody"]}).status_code == 422
    proposed = api.post(proposals, "staff", json={"note": "x passe à 2", "invitees": ["rev1"]})
    assert proposed.status_code == 201, proposed.json
    proposal = proposed.json
    assert proposal["state"] == "open" and proposal["invitees"] == ["rev1"]
    assert proposal["base_version_id"] == started["version_id"]
    assert api.post(proposals, "staff", json={}).status_code == 409  # one open at a time
    invited = api.get("/api/outbox?kind=proposal_invitation", "staff").json
    assert {(m["kind"], m["recipient"]) for m in invited} >= {
        ("proposal_invitation", "rev1@x.fr"), ("proposal_invitation", "cse@x.fr"),
    }  # fmt: skip

    comments = f"/api/proposals/{proposal['id']}/comments"
    by_observer = api.post(comments, "cse", json={"element_id": "after", "text": "Pourquoi 2 ?"})
    assert by_observer.status_code == 201
    by_invitee = api.post(comments, "rev1", json={"element_id": "work", "text": "D'accord."})
    assert by_invitee.status_code == 201
    assert api.post(comments, "rev2", json={"element_id": "work", "text": "x"}).status_code == 403
    unknown = api.post(comments, "cse", json={"element_id": "nowhere", "text": "?"})
    assert unknown.status_code == 422 and "element_id" in unknown.json["errors"]
    assert api.post(comments, "cse", json={"element_id": "after", "text": ""}).status_code == 422
    assert api.get(f"/api/proposals/{proposal['id']}", "rev2").status_code == 403
    read = api.get(f"/api/proposals/{proposal['id']}", "rev1").json
    assert [(c["author"], c["element_id"], c["element_name"]) for c in read["comments"]] == [
        ("cse", "after", "after"), ("rev1", "work", "work"),
    ]  # fmt: skip

    decision = f"/api/proposals/{proposal['id']}/decision"
    assert (
        api.post(decision, "staff", json={"decision": "accept", "reason": "ok"}).status_code == 403
    )
    assert api.post(decision, "admin", json={"decision": "maybe", "reason": "?"}).status_code == 422
    assert api.post(deploy, "staff").status_code == 409  # still open
    accepted = api.post(decision, "admin", json={"decision": "accept", "reason": "Lu et compris."})
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["state"] == "accepted" and accepted.json["decided_by"] == "admin"
    late = api.post(comments, "cse", json={"element_id": "after", "text": "Trop tard ?"})
    assert late.status_code == 409

    deployed = api.post(deploy, "staff")
    assert deployed.status_code == 200 and deployed.json["state"] == "deployed"
    # The exchange stays with the version.
    kept = api.get(proposals, "cse").json
    assert len(kept) == 1 and len(kept[0]["comments"]) == 2
    assert kept[0]["decision_reason"] == "Lu et compris."
    new = api.post("/api/instances", "staff", json={"process_id": "concerted"}).json
    assert new["version_id"] == draft["id"] != started["version_id"]


def test_a_version_sent_back_is_not_deployed_and_may_be_proposed_again(api: Api) -> None:
    _, draft = _in_service(api, "sent_back")
    proposals = f"/api/processes/versions/{draft['id']}/proposals"
    first = api.post(proposals, "staff", json={}).json
    sent_back = api.post(
        f"/api/proposals/{first['id']}/decision", "admin",
        json={"decision": "send_back", "reason": "Expliquez le changement."},
    )  # fmt: skip
    assert sent_back.status_code == 200 and sent_back.json["state"] == "sent_back"
    again = api.post(f"/api/proposals/{first['id']}/decision", "admin",
                     json={"decision": "accept", "reason": "ok"})  # fmt: skip
    assert again.status_code == 409
    assert api.post(f"/api/processes/versions/{draft['id']}/deployment", "staff").status_code == 409
    second = api.post(proposals, "staff", json={"note": "expliqué"})
    assert second.status_code == 201 and second.json["id"] != first["id"]
    assert [p["state"] for p in api.get(proposals, "staff").json] == ["sent_back", "open"]


def test_the_approver_does_not_approve_a_proposal_of_their_own(api: Api) -> None:
    _, draft = _in_service(api, "own_proposal")
    proposal = api.post(f"/api/processes/versions/{draft['id']}/proposals", "admin", json={}).json
    own = api.post(f"/api/proposals/{proposal['id']}/decision", "admin",
                   json={"decision": "accept", "reason": "moi"})  # fmt: skip
    assert own.status_code == 403
    deployed = next(v for v in api.get("/api/processes", "staff").json
                    if v["process_id"] == "own_proposal" and v["state"] == "deployed")  # fmt: skip
    not_a_draft = api.post(f"/api/processes/versions/{deployed['id']}/proposals", "staff", json={})
    assert not_a_draft.status_code == 422
    assert api.post("/api/processes/versions/999999/proposals", "staff", json={}).status_code == 404


def test_an_instance_is_migrated_to_an_accepted_version(api: Api) -> None:
    started, draft = _in_service(api, "moving")
    proposal = api.post(f"/api/processes/versions/{draft['id']}/proposals", "staff", json={}).json
    api.post(f"/api/proposals/{proposal['id']}/decision", "admin",
             json={"decision": "accept", "reason": "ok"})  # fmt: skip
    assert api.post(f"/api/processes/versions/{draft['id']}/deployment", "staff").status_code == 200
    diff = api.get(f"/api/processes/versions/{started['version_id']}/diff/{draft['id']}", "staff")
    assert diff.status_code == 200
    assert [(c["element_id"], c["change"]) for c in diff.json["elements"]] == [("after", "changed")]
    assert api.get(f"/api/processes/versions/{draft['id']}/diff/999999", "staff").status_code == 404
    path = f"/api/instances/{started['id']}/migration"
    assert api.post(path, "ana", json={"version_id": draft["id"]}).status_code == 403
    moved = api.post(path, "staff", json={"version_id": draft["id"]})
    assert moved.status_code == 200 and moved.json["version_id"] == draft["id"]
    assert api.post(path, "staff", json={"version_id": draft["id"]}).status_code == 409
    assert api.post(path, "staff", json={}).status_code == 422
