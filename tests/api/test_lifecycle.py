"""The whole FACT lifecycle driven through the API alone (time moves as the worker would)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .conftest import Api

CRITERIA = ["conformity", "relevance", "orientations", "methodology", "transfer", "partnership"]
COMMISSION = datetime(2020, 5, 5, 7, 30, tzinfo=UTC)


def review(score: int) -> dict:
    return {
        "review": {
            "conflict_of_interest": False,
            "scores": dict.fromkeys(CRITERIA, score),
            "comments": dict.fromkeys(CRITERIA, "Avis argumenté."),
            "opinion": "Projet cohérent.",
        }
    }


def test_lifecycle_from_draft_to_countersigned_convention(api: Api) -> None:
    dossier = api.draft("ana")
    assert api.deposit(dossier).status_code == 200

    eligibility = api.task(dossier, "eligibility")
    detail = api.get(f"/api/tasks/{eligibility['id']}", "staff").json
    assert detail["form"]["components"] and detail["variables"]["precheck_eligible"] is True
    missing_reason = api.complete(eligibility["id"], {"eligible": True})
    assert (
        missing_reason.status_code == 422 and "eligibility_reason" in missing_reason.json["errors"]
    )
    assert (
        api.complete(
            eligibility["id"], {"eligible": True, "eligibility_reason": "Conforme"}
        ).status_code
        == 200
    )

    assignment = api.task(dossier, "assignment")
    assert api.complete(assignment["id"], {"reviewers": ["rev1", "rev2"]}).status_code == 200

    for reviewer in ("rev1", "rev2"):
        mine = api.get("/api/tasks?scope=mine", reviewer).json
        task = next(t for t in mine if t["business_key"] == dossier)
        other = "rev2" if reviewer == "rev1" else "rev1"
        assert api.get(f"/api/tasks/{task['id']}", other).status_code == 404
        assert api.complete(task["id"], review(5), other).status_code == 404
        bad = api.complete(task["id"], {"review": {"scores": {"conformity": 9}}}, reviewer)
        assert bad.status_code == 422
        assert api.complete(task["id"], review(5), reviewer).status_code == 200
    assert api.get(f"/api/dossiers/{dossier}", "staff").json["variables"]["score"] == 30
    assert "score" not in api.get(f"/api/dossiers/{dossier}", "ana").json["variables"]

    api.clock.set(COMMISSION + timedelta(seconds=1))
    api.engine.timers.fire_due()
    session = api.get("/api/tasks?scope=available&form_key=commission", "president").json
    assert len(session) == 1
    motivated = "Projet solide ; le volet transfert reste à préciser."
    decisions = [
        {"dossier": dossier, "decision": "partial", "amount": 50_000, "motivation": motivated}
    ]
    unknown = [{**decisions[0], "dossier": "2020-01-9999"}]
    unmotivated = [{**decisions[0], "motivation": "  "}]
    for refused, field in (
        (unknown, "decisions.0.dossier"),
        (unmotivated, "decisions.0.motivation"),
    ):
        answer = api.complete(session[0]["id"], {"decisions": refused}, "president")
        assert answer.status_code == 422 and field in answer.json["errors"], answer.json
    assert api.complete(session[0]["id"], {"decisions": decisions}, "president").status_code == 200
    assert api.complete(session[0]["id"], {"decisions": decisions}, "president").status_code == 409

    notice = api.task(dossier, "decision_notice")
    assert api.complete(notice["id"], {"notified": True}).status_code == 200
    signature = api.task(dossier, "convention_signature", "ana")
    signed = {"holder_signed": True, "signatory_name": "Ana B.", "signatory_role": "Gérante"}
    assert api.complete(signature["id"], signed, "bruno").status_code == 404
    assert api.complete(signature["id"], signed, "ana").status_code == 200
    countersign = api.task(dossier, "convention_countersignature")
    assert (
        api.complete(
            countersign["id"], {"staff_signed": True, "countersignatory_name": "Mission Fact"}
        ).status_code
        == 200
    )

    final = api.get(f"/api/dossiers/{dossier}", "ana").json
    assert final["status"] == "completed"
    assert final["variables"]["outcome"] == "partial"
    assert final["variables"]["amount_granted"] == 50_000
    assert final["variables"]["motivation"] == motivated
    assert "commission" not in final["variables"]  # every dossier's decision: not the holder's
    assert final["variables"]["convention_signed"] is True
