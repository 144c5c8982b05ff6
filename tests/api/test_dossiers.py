"""Applicants reach only their own dossiers; drafts, deposit with validation, withdrawal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workflows.fact.bots import deposit_form

from .conftest import PIECES, Api, call_config


def test_dossiers_applicant_creates_reads_and_lists_only_their_own(api: Api) -> None:
    mine, theirs = api.draft("ana"), api.draft("bruno")
    response = api.get(f"/api/dossiers/{mine}", "ana")
    assert response.status_code == 200
    assert response.json["variables"]["holder_user"] == "ana"
    assert [h["action"] for h in response.json["history"]] == ["started"] + ["variables_set"] * 4
    listed = {d["business_key"] for d in api.get("/api/dossiers?page_size=100", "ana").json}
    assert mine in listed and theirs not in listed


def test_dossiers_another_applicants_dossier_is_refused_without_leaking(api: Api) -> None:
    theirs = api.draft("bruno")
    for method, path, body in (
        ("GET", f"/api/dossiers/{theirs}", None),
        ("POST", f"/api/dossiers/{theirs}/deposit", {"data": {"title": "x"}}),
        ("POST", f"/api/dossiers/{theirs}/withdrawal", {"reason": "je retire"}),
        ("PUT", f"/api/dossiers/{theirs}/draft", {"data": {"title": "x"}}),
    ):
        response = api.call(method, path, "ana", json=body)
        assert response.status_code == 404, (method, path, response.json)
        assert "bruno" not in response.text and "variables" not in response.json
    assert api.get(f"/api/dossiers/{theirs}", "bruno").json["variables"].get("draft") is None


def test_dossiers_readers_see_all_but_only_applicants_create(api: Api) -> None:
    dossier = api.draft("ana")
    for reader in ("staff", "cse", "president"):
        assert api.get(f"/api/dossiers/{dossier}", reader).status_code == 200
    assert (
        api.post("/api/calls/2020-01/dossiers", "cse", json={"track": "entreprise"}).status_code
        == 403
    )
    assert api.post("/api/calls/2020-01/dossiers", json={"track": "entreprise"}).status_code == 401
    assert api.get("/api/dossiers/nope", "staff").status_code == 404


def test_dossiers_bad_input_names_the_field_and_stores_nothing(api: Api) -> None:
    unknown_track = api.post("/api/calls/2020-01/dossiers", "ana", json={"track": "autre"})
    assert unknown_track.status_code == 422 and "track" in unknown_track.json["errors"]
    no_track = api.post("/api/calls/2020-01/dossiers", "ana", json={})
    assert no_track.status_code == 422 and "track" in no_track.json["errors"]
    dossier = api.draft("ana")
    invalid = api.deposit(dossier, siret="123", headcount=-4, title="")
    assert invalid.status_code == 422
    assert {"siret", "headcount", "title"} <= set(invalid.json["errors"])
    after = api.get(f"/api/dossiers/{dossier}", "ana").json
    assert "deposited_at" not in after["variables"]
    assert [h["action"] for h in after["history"]] == ["started"] + [
        "variables_set"
    ] * 4  # the pieces


@pytest.mark.parametrize(
    ("postal_code", "message"),
    [("98000", "aucune région"), ("7501", "pattern"), ("", "required"), (None, "required")],
)
def test_a_deposit_needs_the_postal_code_of_a_french_region(
    api: Api, postal_code: str | None, message: str
) -> None:
    dossier = api.draft("ana")
    refused = api.deposit(dossier, postal_code=postal_code)
    assert refused.status_code == 422 and "postal_code" in refused.json["errors"]
    if message == "aucune région":
        assert message in refused.json["errors"]["postal_code"][0]
    assert "deposited_at" not in api.get(f"/api/dossiers/{dossier}", "ana").json["variables"]
    assert api.deposit(dossier, postal_code="97400").status_code == 200


def test_dossiers_draft_saved_then_deposited_with_a_receipt(api: Api) -> None:
    dossier = api.draft("ana")
    saved = api.call("PUT", f"/api/dossiers/{dossier}/draft", "ana", json={"data": {"title": "T"}})
    assert saved.status_code == 200 and saved.json["variables"]["draft"] == {"title": "T"}
    incomplete = api.post(f"/api/dossiers/{dossier}/deposit", "ana", json={})  # the saved draft
    assert incomplete.status_code == 422 and "holder_name" in incomplete.json["errors"]
    full = {**deposit_form(1), "title": "Titre du brouillon"}
    api.call("PUT", f"/api/dossiers/{dossier}/draft", "ana", json={"data": full})
    deposited = api.post(f"/api/dossiers/{dossier}/deposit", "ana", json={})
    assert deposited.json["variables"]["title"] == "Titre du brouillon"
    assert deposited.status_code == 200, deposited.json
    variables = deposited.json["variables"]
    assert variables["deposited_at"].startswith("2020-02-20") and variables["dossier_id"] == dossier
    again = api.deposit(dossier)
    assert again.status_code == 409 and "déjà déposé" in again.json["detail"]
    documents = api.get(f"/api/dossiers/{dossier}/documents", "ana").json
    pieces = sorted(f"piece-{key}" for key in PIECES)
    assert sorted(d["name"] for d in documents) == [*pieces, f"receipt-{dossier}.pdf"]
    pdf = api.get(f"/api/dossiers/{dossier}/documents/receipt-{dossier}.pdf", "ana")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert (
        api.get(f"/api/dossiers/{dossier}/documents/receipt-{dossier}.pdf", "bruno").status_code
        == 404
    )
    assert api.get(f"/api/dossiers/{dossier}/documents/other.pdf", "ana").status_code == 404


def test_dossiers_withdrawal(api: Api) -> None:
    dossier = api.draft("bruno")
    short = api.post(f"/api/dossiers/{dossier}/withdrawal", "bruno", json={"reason": ""})
    assert short.status_code == 422 and "reason" in short.json["errors"]
    done = api.post(f"/api/dossiers/{dossier}/withdrawal", "bruno", json={"reason": "reporté"})
    assert done.status_code == 200 and done.json["variables"]["outcome"] == "withdrawn"


def test_dossiers_deposit_in_the_last_microsecond_is_on_time_and_not_after(
    clock_back: Api,
) -> None:
    api = clock_back
    config = call_config(
        "LAST",
        publication_at=api.clock.now().isoformat(),
        deposit_deadline="2020-03-01T23:59:59",  # Paris time
        commission_at="2020-03-20T09:30:00",
    )
    assert api.post("/api/calls", "staff", json={"config": config}).status_code == 201
    api.engine.timers.fire_due()  # published
    closing = datetime(2020, 3, 1, 23, 0, tzinfo=UTC)  # 2 March 00:00:00, Paris winter time
    on_time, late = api.draft("ana", call="LAST"), api.draft("ana", call="LAST")
    api.clock.set(closing - timedelta(microseconds=1))
    deposited = api.deposit(on_time)
    assert deposited.status_code == 200, deposited.json
    assert deposited.json["variables"]["deposited_at"] == "2020-03-01T22:59:59.999999+00:00"
    api.clock.set(closing)
    refused = api.deposit(late)
    assert refused.status_code == 409
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert " ".join(refused.json["detail"].split()) == (
        "la date limite de dépôt est passée (1er mars 2020 à 23 h 59 min 59 s, heure de Paris) "
        ": le dossier n'a pas été déposé"
    )
    assert "deposited_at" not in api.get(f"/api/dossiers/{late}", "ana").json["variables"]
    api.engine.timers.fire_due()  # the worker closes the draft: the answer stays the same
    again = api.deposit(late)
    assert again.status_code == 409 and again.json["detail"] == refused.json["detail"]
