"""Bad values never get stored nor become a 500: dates out of plausible years, amounts the
documents could not print, SIRET keys, unbounded texts, missing CSE declarations and calls
without their own configuration are 422 naming each field in French; a reference already taken
is a 409 naming it. After each refusal the database holds what it held, on SQLite and
PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.bounds import OUT_OF_YEARS
from workflows.fact.bots import deposit_form

from .conftest import Api, call_config

DATES = ("publication_at", "deposit_deadline", "commission_at")
YEARS = "date hors des années 2000 à 2100"


def _refused(response: Any, errors: dict[str, list[str]] | set[str], status: int = 422) -> None:
    assert response.status_code == status, response.json
    assert response.headers["Content-Type"] == "application/problem+json"
    if isinstance(errors, set):
        assert set(response.json["errors"]) == errors, response.json
    else:
        assert response.json["errors"] == errors, response.json
    said = [messages[0] for messages in response.json["errors"].values()]
    assert any(m in response.json["detail"] for m in said), response.json  # French, precise


@pytest.fixture(scope="module")
def draft(stored_api: Api) -> str:
    return stored_api.draft("ana")


def test_call_dates_outside_the_plausible_years_are_refused_by_field(stored_api: Api) -> None:
    api = stored_api
    before = api.stored()
    for value in OUT_OF_YEARS:
        for field in DATES:
            config = call_config("ANNEES", **{field: value})
            _refused(api.post("/api/calls", "staff", json={"config": config}), {field: [YEARS]})
        _refused(
            api.post("/api/calls/2020-01/deadline", "staff", json={"deposit_deadline": value}),
            {"deposit_deadline": [YEARS]},
        )
        _refused(
            api.post("/api/calls/2020-01/commission", "staff", json={"commission_at": value}),
            {"commission_at": [YEARS]},
        )
        moved = {"deposit_deadline": "2020-06-05T23:59:59", "commission_at": value}
        _refused(api.post("/api/calls/2020-01/deadline", "staff", json=moved),
                 {"commission_at": [YEARS]})  # fmt: skip
    assert api.stored() == before
    assert api.get("/api/calls/ANNEES", "staff").status_code == 404


def test_a_call_is_not_opened_from_the_seeds_dates_over_the_api(stored_api: Api) -> None:
    api = stored_api
    before = api.stored()
    own = {"reference", "title", "publication_at", "deposit_deadline", "commission_at", "envelope"}
    for body in (None, {}, {"config": {}}):
        response = api.post("/api/calls", "staff", json=body)
        _refused(response, {key: ["champ obligatoire"] for key in own})
    _refused(
        api.post("/api/calls", "staff", json={"config": {"reference": "SEUL"}}), own - {"reference"}
    )
    for left_out in sorted(own - {"reference"}):
        config = {k: v for k, v in call_config("SEUL").items() if k != left_out}
        response = api.post("/api/calls", "staff", json={"config": config})
        _refused(response, {left_out: ["champ obligatoire"]})
    _refused(
        api.post("/api/calls", "staff", json={"config": call_config("SEUL", title=None)}),
        {"title": ["valeur obligatoire"]},
    )
    assert api.stored() == before
    assert api.get("/api/calls/SEUL", "staff").status_code == 404


@pytest.mark.parametrize(
    "envelope", [1e15, 10**9 + 1, 10**12, 0, -1, "1e9", 1.5, True, None, [1], {"€": 1}]
)
def test_call_envelope_outside_1_to_a_billion_euros_is_refused(
    stored_api: Api, envelope: Any
) -> None:
    api = stored_api
    before = api.stored()
    config = call_config("ENVELOPPE", envelope=envelope)
    _refused(api.post("/api/calls", "staff", json={"config": config}), {"envelope"})
    change = {"config": {"envelope": envelope}}
    _refused(api.call("PATCH", "/api/calls/2020-01", "staff", json=change), {"envelope"})
    assert api.stored() == before
    assert api.get("/api/calls/2020-01", "staff").json["variables"]["envelope"] == 800_000


def test_a_reference_already_taken_is_a_409_naming_it_in_french(stored_api: Api) -> None:
    api = stored_api
    before = api.stored()
    taken = api.post("/api/calls", "staff", json={"config": call_config("2020-01")})
    _refused(taken, {"reference": ["un appel à projets de référence 2020-01 existe déjà"]}, 409)
    assert "concurr" not in taken.json["detail"]
    assert api.stored() == before
    created = api.post("/api/calls", "staff", json={"config": call_config("DOUBLE.1")})
    assert created.status_code == 201, created.json
    after = api.stored()
    again = api.post("/api/calls", "staff", json={"config": call_config("DOUBLE.1", title="B")})
    _refused(again, {"reference": ["un appel à projets de référence DOUBLE.1 existe déjà"]}, 409)
    assert api.stored() == after
    listed = api.get("/api/calls?page_size=100", "staff").json
    assert [c["business_key"] for c in listed].count("DOUBLE.1") == 1
    assert (
        api.get("/api/calls/DOUBLE.1", "staff").json["variables"]["title"]
        == call_config("x")["title"]
    )


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"amount_requested": 1e15}, {"amount_requested"}),  # 1e308 is no JSON we read
        ({"amount_requested": 10**9 + 1}, {"amount_requested"}),
        ({"amount_requested": 0}, {"amount_requested"}),
        ({"budget_total": 10**12}, {"budget_total"}),
        ({"budget_total": -60_000}, {"budget_total"}),
        ({"headcount": 10**9}, {"headcount"}),
        ({"siret": "73282932000075"}, {"siret"}),  # a wrong key
        ({"siret": "12345678900018"}, {"siret"}),
        ({"siret": "73282932000074\n"}, {"siret"}),  # a trailing newline
        ({"siret": "732 829 320 00074"}, {"siret"}),
        ({"cse_informed_on": "0001-01-01"}, {"cse_informed_on"}),
        ({"cse_informed_on": "9999-12-31"}, {"cse_informed_on"}),
        ({"cse_informed_on": "2020-02-30"}, {"cse_informed_on"}),
        ({"cse_informed": "oui"}, {"cse_informed"}),
        ({"cse_associated": None}, {"cse_associated"}),
        ({"objectives": "x" * 4001}, {"objectives"}),
        ({"methodology": "x" * 4001}, {"methodology"}),
        ({"partners": "x" * 2001}, {"partners"}),
        ({"cse_informed_how": "x" * 501}, {"cse_informed_how"}),
        ({"cse_secretary_email": "cse@example.org\n"}, {"cse_secretary_email"}),
        ({"cse_secretary_email": "c" * 250 + "@x.fr"}, {"cse_secretary_email"}),
        ({"siret": "73282932000075", "title": "", "amount_requested": 10**10},
         {"siret", "title", "amount_requested"}),
    ],
)  # fmt: skip
def test_a_deposit_with_a_bad_value_is_refused_naming_it(
    stored_api: Api, draft: str, overrides: dict[str, Any], fields: set[str]
) -> None:
    before = stored_api.stored()
    response = stored_api.deposit(draft, **overrides)
    _refused(response, fields)
    assert response.json["detail"].startswith("formulaire invalide : ")
    assert stored_api.stored() == before


def test_a_deposit_without_the_cse_declaration_is_refused_naming_it(
    stored_api: Api, draft: str
) -> None:
    before = stored_api.stored()
    data = {k: v for k, v in deposit_form(1).items() if not k.startswith("cse_")}
    response = stored_api.post(f"/api/dossiers/{draft}/deposit", "ana", json={"data": data})
    _refused(response, {"cse_informed": ["obligatoire"], "cse_associated": ["obligatoire"]})
    assert stored_api.stored() == before


def test_a_deposit_at_the_bounds_prints_its_receipt_without_incident(stored_api: Api) -> None:
    api = stored_api
    dossier = api.draft("bruno")
    response = api.deposit(
        dossier, user="bruno", cse_informed=False, cse_associated=False,
        cse_informed_on=None, cse_informed_how="", siret="35600000000048",
        amount_requested=10**9, budget_total=10**9, title="T" * 200,
    )  # fmt: skip
    assert response.status_code == 200, response.json
    names = [d["name"] for d in api.get(f"/api/dossiers/{dossier}/documents", "bruno").json]
    assert f"receipt-{dossier}.pdf" in names
    instance = response.json["id"]
    incidents = api.get("/api/incidents?status=open", "staff").json
    assert not [i for i in incidents if i["instance_id"] == instance], incidents


def test_a_review_due_day_outside_the_plausible_years_is_refused(stored_api: Api) -> None:
    api = stored_api
    dossier = api.draft("ana")
    assert api.deposit(dossier).status_code == 200
    api.complete(api.task(dossier, "eligibility")["id"],
                 {"eligible": True, "eligibility_reason": "Conforme"})  # fmt: skip
    task = api.task(dossier, "assignment")["id"]
    before = api.stored()
    for day in ("0001-01-01", "9999-12-31", "2101-01-01", "1999-12-31", "2020-13-01"):
        response = api.complete(task, {"reviewers": ["rev1"], "review_due": day})
        _refused(response, {"review_due"})
    assert api.stored() == before
    done = api.complete(task, {"reviewers": ["rev1"], "review_due": "2020-04-30"})
    assert done.status_code == 200, done.json


def test_a_consensus_due_day_outside_the_plausible_years_is_refused(
    stored_api: Api, draft: str
) -> None:
    before = stored_api.stored()
    path = f"/api/dossiers/{draft}/consensus"
    for day in ("0001-01-01", "9999-12-31", "2101-01-01", "1999-12-31"):
        _refused(stored_api.post(path, "staff", json={"due": day}), {"due": [YEARS]})
    _refused(stored_api.post(path, "staff", json={"due": "31/12/2020"}),
             {"due": ["date attendue au format AAAA-MM-JJ"]})  # fmt: skip
    assert stored_api.stored() == before
