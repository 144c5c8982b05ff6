"""A running review's reviewers over the API: staff list, add, replace and withdraw them, and
open a consensus; a refusal names the field at fault and changes nothing; nobody else may."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import PASSWORD, Api
from .test_lifecycle import CRITERIA


@pytest.fixture(scope="module")
def rev3(api: Api) -> str:
    api.engine.identity.create_user("rev3", PASSWORD, roles=["reviewer"], email="rev3@x.fr")
    return "rev3"


def in_review(api: Api, *reviewers: str) -> str:
    dossier = api.draft("ana")
    assert api.deposit(dossier).status_code == 200
    api.complete(api.task(dossier, "eligibility")["id"],
                 {"eligible": True, "eligibility_reason": "Conforme"})  # fmt: skip
    api.complete(api.task(dossier, "assignment")["id"], {"reviewers": list(reviewers)})
    return dossier


def seats(response: Any) -> dict[str, str]:
    return {s["username"]: s["state"] for s in response.json}


def test_staff_change_the_reviewers_of_a_running_review(api: Api, rev3: str) -> None:
    dossier = in_review(api, "rev1")
    path = f"/api/dossiers/{dossier}/reviewers"
    assert seats(api.get(path, "staff")) == {"rev1": "pending"}

    added = api.post(path, "staff", json={"reviewer": "rev2"})
    assert added.status_code == 201 and seats(added) == {"rev1": "pending", "rev2": "pending"}
    replaced = api.call("PUT", f"{path}/rev1", "staff", json={"by": rev3})
    assert replaced.status_code == 200
    assert seats(replaced) == {"rev1": "withdrawn", "rev2": "pending", "rev3": "pending"}
    assert replaced.json[2]["due_at"] is not None
    withdrawn = api.call("DELETE", f"{path}/rev2", "staff")
    assert seats(withdrawn) == {"rev1": "withdrawn", "rev2": "withdrawn", "rev3": "pending"}
    told = [m.recipient for m in api.engine.outbox.list(kind="review_withdrawn")
            if m.payload["business_key"] == dossier]  # fmt: skip
    assert sorted(told) == sorted(api.engine.identity.get(r).email for r in ("rev1", "rev2"))


@pytest.mark.parametrize(
    ("method", "tail", "body", "field"),
    [
        ("POST", "", {"reviewer": "nobody"}, "reviewer"),
        ("POST", "", {"reviewer": "rev1"}, "reviewer"),  # already there
        ("POST", "", {}, "reviewer"),  # missing
        ("PUT", "/rev1", {"by": "nobody"}, "by"),
        ("PUT", "/rev2", {"by": "rev3"}, "reviewer"),  # rev2 has no open review
        ("DELETE", "/nobody", None, "reviewer"),
    ],
)
def test_a_change_refused_names_its_field_and_changes_nothing(
    api: Api, rev3: str, method: str, tail: str, body: Any, field: str
) -> None:
    dossier = in_review(api, "rev1")
    path = f"/api/dossiers/{dossier}/reviewers"
    before = api.get(path, "staff").json
    answer = api.call(method, path + tail, "staff", json=body)
    assert answer.status_code == 422, answer.json
    assert answer.mimetype == "application/problem+json"
    assert field in (answer.json.get("errors") or {}).get("json", answer.json.get("errors", {}))
    assert api.get(path, "staff").json == before


@pytest.mark.parametrize("user", ["ana", "rev1", "president", "cse", None])
def test_only_staff_change_reviewers(api: Api, user: str | None) -> None:
    dossier = in_review(api, "rev1")
    path = f"/api/dossiers/{dossier}/reviewers"
    for method, tail, body in (("GET", "", None), ("POST", "", {"reviewer": "rev2"}),
                               ("DELETE", "/rev1", None)):  # fmt: skip
        answer = api.call(method, path + tail, user, json=body)
        assert answer.status_code == (401 if user is None else 403), (method, answer.json)
    assert seats(api.get(path, "staff")) == {"rev1": "pending"}


def test_staff_open_a_consensus_only_on_a_disagreement(api: Api) -> None:
    dossier = in_review(api, "rev1", "rev2")
    for reviewer, score in (("rev1", 1), ("rev2", 4)):
        task = api.engine.tasks.query().business_key(dossier).assignee(reviewer).one()
        review = {"scores": dict.fromkeys(CRITERIA, score), "comments": {}, "opinion": "Vu."}
        assert api.complete(task.id, {"review": review}, reviewer).status_code == 200
    opened = api.post(f"/api/dossiers/{dossier}/consensus", "staff", json={"due": "2020-04-30"})
    assert opened.status_code == 204
    again = api.post(f"/api/dossiers/{dossier}/consensus", "staff", json={})
    assert again.status_code == 422 and "consensus" in again.json["errors"]
    mine = api.engine.tasks.query().business_key(dossier).assignee("rev1").one()
    assert mine.element_id == "consensus_task"
    assert api.get(f"/api/tasks/{mine.id}", "rev1").json["element_id"] == "consensus_task"
