"""The evaluation is confidential: the holder and the observers get no reviewer's name, score
or comment from any endpoint; a reviewer reads their own review only; staff and the commission
read them all."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from pypdf import PdfReader

from .conftest import Api
from .test_lifecycle import COMMISSION, CRITERIA

COMMENTS = {"rev1": "Remarque-de-rev1", "rev2": "Remarque-de-rev2"}
SECRETS = ("rev1", "rev2", *COMMENTS.values(), "Avis-de-", "scores", '"score"', "reviews")


def review(reviewer: str, score: int) -> dict[str, Any]:
    return {
        "review": {
            "conflict_of_interest": False,
            "scores": dict.fromkeys(CRITERIA, score),
            "comments": dict.fromkeys(CRITERIA, COMMENTS[reviewer]),
            "opinion": f"Avis-de-{reviewer}",
        }
    }


@pytest.fixture(scope="module")
def decided(api: Api) -> str:
    """Once for the module (the commission sits once): a dossier reviewed by rev1 and rev2,
    decided by the commission, its convention to sign."""
    dossier = api.draft("ana")
    assert api.deposit(dossier).status_code == 200
    eligibility = api.task(dossier, "eligibility")
    api.complete(eligibility["id"], {"eligible": True, "eligibility_reason": "Conforme"})
    api.complete(api.task(dossier, "assignment")["id"], {"reviewers": ["rev1", "rev2"]})
    for reviewer, score in (("rev1", 4), ("rev2", 3)):
        task = next(t for t in api.get("/api/tasks?scope=mine", reviewer).json)
        assert api.complete(task["id"], review(reviewer, score), reviewer).status_code == 200
    api.clock.set(COMMISSION + timedelta(seconds=1))
    api.engine.timers.fire_due()
    session = api.get("/api/tasks?scope=available&form_key=commission", "president").json[0]
    decisions = [
        {"dossier": dossier, "decision": "accepted", "amount": None, "motivation": "Solide."}
    ]
    assert api.complete(session["id"], {"decisions": decisions}, "president").status_code == 200
    api.complete(api.task(dossier, "decision_notice")["id"], {"notified": True})
    return dossier


def everything(api: Api, user: str, dossier: str) -> str:
    """All that `user` can read of the dossier through the API, as one text."""
    read = [
        api.get("/api/dossiers", user),
        api.get(f"/api/dossiers/{dossier}", user),
        api.get(f"/api/dossiers/{dossier}/documents", user),
        api.get(f"/api/instances?business_key={dossier}", user),
        api.get("/api/instances?process_id=fact_dossier", user),
        api.get("/api/tasks?scope=mine", user),
        api.get("/api/tasks?scope=available", user),
    ]
    dossier_json = read[1].json or {}
    if read[3].status_code == 200:
        for instance in read[3].json:
            read.append(api.get(f"/api/instances/{instance['id']}", user))
    for task in (read[5].json or []) + (read[6].json or []):
        read.append(api.get(f"/api/tasks/{task['id']}", user))
    for document in read[2].json if read[2].status_code == 200 else []:
        read.append(api.get(f"/api/dossiers/{dossier}/documents/{document['name']}", user))
    texts = [json.dumps(r.json, ensure_ascii=False) if r.is_json else r.get_data(True)
             for r in read if r.status_code == 200 and not r.mimetype.endswith("pdf")]  # fmt: skip
    assert dossier_json or user == "cse"
    return "\n".join(texts)


@pytest.mark.parametrize("reader", ["ana", "cse"])
def test_the_holder_and_the_observer_read_nothing_of_the_evaluation(
    api: Api, decided: str, reader: str
) -> None:
    seen = everything(api, reader, decided)
    assert decided in seen  # they do read the dossier
    for secret in SECRETS:
        assert secret not in seen, (reader, secret)


def test_the_documents_name_no_reviewer(api: Api, decided: str) -> None:
    listed = [d["name"] for d in api.get(f"/api/dossiers/{decided}/documents", "ana").json]
    names = [n for n in listed if n.startswith(("receipt", "decision", "convention"))]
    assert len(names) == 3, listed  # the pieces sent are the holder's own files
    for name in names:
        pdf = api.get(f"/api/dossiers/{decided}/documents/{name}", "ana")
        if pdf.mimetype == "application/pdf":
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
            assert not any(secret in text for secret in COMMENTS.values()), name
            assert "rev1" not in text and "rev2" not in text, name


def test_a_reviewer_reads_their_own_review_and_nobody_else_s(api: Api, decided: str) -> None:
    seen = api.get(f"/api/dossiers/{decided}", "rev1").json
    variables = seen["variables"]
    assert variables["reviewers"] == ["rev1"]
    assert variables["reviews"][0]["comments"]["relevance"] == COMMENTS["rev1"]
    text = json.dumps(seen, ensure_ascii=False)
    assert "rev2" not in text and COMMENTS["rev2"] not in text and '"score"' not in text


@pytest.mark.parametrize("reader", ["staff", "president"])
def test_staff_and_the_commission_read_every_review(api: Api, decided: str, reader: str) -> None:
    variables = api.get(f"/api/dossiers/{decided}", reader).json["variables"]
    assert variables["reviewers"] == ["rev1", "rev2"] and variables["score"] == 21
    assert [r["comments"]["relevance"] for r in variables["reviews"]] == list(COMMENTS.values())


def test_the_observer_reads_figures_of_a_dossier_and_nothing_of_who_applied(
    api: Api, decided: str
) -> None:
    staff_view = api.get(f"/api/dossiers/{decided}", "staff").json["variables"]
    personal = [str(staff_view[k]) for k in ("holder_name", "holder_email", "siret", "title")]
    seen = everything(api, "cse", decided)
    for value in personal:
        assert value and value not in seen, value
    observed = api.get(f"/api/dossiers/{decided}", "cse").json
    assert observed["variables"]["amount_requested"] == staff_view["amount_requested"]
    assert observed["variables"]["outcome"] == "accepted"
    assert all(entry["actor"] is None for entry in observed["history"])  # nobody's name
    documents = api.get(f"/api/dossiers/{decided}/documents", "cse")
    assert documents.status_code == 403 and "observateurs" in documents.json["detail"]
    assert api.get(f"/api/dossiers/{decided}/documents/receipt.pdf", "cse").status_code == 403
