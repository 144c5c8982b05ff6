"""The commission's session over the API: who may read and decide, the draft replaced and
refused with the field at fault, closing by staff only."""

from __future__ import annotations

from datetime import timedelta

from .conftest import Api
from .test_lifecycle import COMMISSION, review


def test_the_session_is_read_drafted_and_closed_by_whom_it_concerns(api: Api) -> None:
    dossier = api.draft("ana")
    assert api.deposit(dossier).status_code == 200
    eligibility = api.task(dossier, "eligibility")
    api.complete(eligibility["id"], {"eligible": True, "eligibility_reason": "Conforme"})
    unknown = api.complete(api.task(dossier, "assignment")["id"], {"reviewers": ["rev1", "revv2"]})
    assert unknown.status_code == 422
    assert "« revv2 » n'est pas un évaluateur connu" in unknown.json["errors"]["reviewers"]
    api.complete(api.task(dossier, "assignment")["id"], {"reviewers": ["rev1"]})
    task = api.get("/api/tasks?scope=mine", "rev1").json[0]
    assert api.complete(task["id"], review(4), "rev1").status_code == 200

    for outsider in ("ana", "rev1", "cse"):
        assert api.get("/api/calls/2020-01/session", outsider).status_code == 403
    closed = api.get("/api/calls/2020-01/session", "president").json
    assert closed["open"] is False and [d["id"] for d in closed["dossiers"]] == [dossier]
    motivated = {"dossier": dossier, "decision": "partial", "amount": 30_000, "motivation": "Bon."}
    not_sitting = api.call("PUT", "/api/calls/2020-01/session/draft", "president",
                           json={"decisions": [motivated]})  # fmt: skip
    assert not_sitting.status_code == 422

    api.clock.set(COMMISSION + timedelta(seconds=1))
    api.engine.timers.fire_due()
    session = api.get("/api/calls/2020-01/session", "president").json
    assert session["open"] is True and session["draft"] == []
    assert session["dossiers"][0]["mean"] == 24 and session["dossiers"][0]["requested"] == 60_000

    bad = api.call("PUT", "/api/calls/2020-01/session/draft", "president",
                   json={"decisions": [{**motivated, "motivation": ""}]})  # fmt: skip
    assert bad.status_code == 422 and "motivation" in bad.json["errors"]["decisions"]["0"]
    too_much = api.call("PUT", "/api/calls/2020-01/session/draft", "president",
                        json={"decisions": [{**motivated, "amount": 60_000}]})  # fmt: skip
    assert too_much.status_code == 422 and "decisions.0.amount" in too_much.json["errors"]
    saved = api.call("PUT", "/api/calls/2020-01/session/draft", "president",
                     json={"decisions": [motivated]})  # fmt: skip
    assert saved.status_code == 200 and saved.json["draft"][0]["amount"] == 30_000
    assert api.call("PUT", "/api/calls/2020-01/session/draft", "rev1",
                    json={"decisions": [motivated]}).status_code == 403  # fmt: skip

    assert api.post("/api/calls/2020-01/session/closing", "president",
                    json={"decisions": [motivated]}).status_code == 403  # fmt: skip
    closing = api.post(
        "/api/calls/2020-01/session/closing", "staff", json={"decisions": [motivated]}
    )
    assert closing.status_code == 200 and closing.json["open"] is False
    decided = api.get(f"/api/dossiers/{dossier}", "ana").json["variables"]
    assert (decided["outcome"], decided["amount_granted"]) == ("partial", 30_000)
    assert decided["motivation"] == "Bon."
    again = api.post("/api/calls/2020-01/session/closing", "staff", json={"decisions": [motivated]})
    assert again.status_code == 409
    assert "decisions" not in api.get("/api/calls/2020-01", "ana").json["variables"]
    assert "decisions" in api.get("/api/calls/2020-01", "staff").json["variables"]
