"""The CSE's own confirmation as a step of the dossier diagram: asked for after the deposit when
the applicant names the CSE secretary, reminded after 7 days, answered through a signed link,
and no longer awaited once the commission's decision is applied."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import InvalidInputError, NotFoundError
from workflows.fact import cse
from workflows.fact.mails import render_mail

from .conftest import FactCall, text

SECRET = "secret-de-test"
SECRETARY = "secretaire.cse@menuiserie.example"


def plain(words: str) -> str:
    return words.replace("\xa0", " ").replace("\u202f", " ")


def _request(fact: FactCall, dossier: str, email: str = SECRETARY) -> cse.CseRequest:
    return cse.open_request(fact.engine, SECRET, cse.link_token(SECRET, dossier, email))


def test_the_cse_secretary_is_asked_reminded_once_and_answers(fact: FactCall) -> None:
    dossier = fact.draft()
    fact.deposit(dossier, cse_secretary_email=SECRETARY)
    [asked] = fact.mails("cse_request", to=SECRETARY)
    mail = render_mail(asked.payload, base_url="https://concerto.test", secret=SECRET)
    assert mail.to == SECRETARY and "le CSE a-t-il été informé ?" in mail.subject
    link = f"https://concerto.test/cse/{cse.link_token(SECRET, dossier, SECRETARY)}"
    assert link in mail.text and f'href="{link}"' in mail.html
    task = fact.engine.tasks.query().business_key(dossier).form_key("cse_confirmation").one()
    assert task.lane == "CSE (secrétaire)" and task.assignee is None  # in nobody's task list
    status = cse.cse_status(fact.variables(dossier), with_answer=True)
    assert status.state == "awaited" and SECRETARY in status.headline

    requested = fact.engine.clock.now()
    fact.at(requested + timedelta(days=7) - timedelta(seconds=1))
    assert fact.mails("cse_reminder") == []
    fact.at(requested + timedelta(days=7, seconds=1))
    [reminder] = fact.mails("cse_reminder", to=SECRETARY)
    assert "n'avons pas encore reçu votre réponse" in text(reminder)
    fact.at(requested + timedelta(days=30))
    assert len(fact.mails("cse_reminder")) == 1  # one reminder

    answered = cse.answer(
        fact.engine,
        _request(fact, dossier),
        {"cse_confirmation": {"secretary_name": "Nadia Bensalem", "informed": True,
                              "informed_on": "2020-03-02", "association": "Comité de pilotage",
                              "comment": ""}},
    )  # fmt: skip
    assert answered.variables["cse_confirmation"]["association"] == "Comité de pilotage"
    assert answered.variables["cse_answered_at"]
    shown = cse.cse_status(answered.variables, with_answer=True)
    assert plain(shown.headline) == "CSE informé le 2 mars 2020"
    assert "Associé de la manière suivante : Comité de pilotage" in shown.details
    hidden = cse.cse_status(answered.variables, with_answer=False)
    assert hidden.state == "answered" and "Comité" not in " ".join(
        [hidden.headline, *hidden.details]
    )
    again = _request(fact, dossier)
    assert again.task is None and again.answer["secretary_name"] == "Nadia Bensalem"
    with pytest.raises(NotFoundError):
        cse.answer(fact.engine, again, {"cse_confirmation": {"informed": False}})
    history = [h.element_id for h in fact.engine.history.for_instance(answered.id)]
    assert "cse_confirmation_task" in history


def test_an_informed_answer_needs_its_date_and_association_and_nothing_is_kept_otherwise(
    fact: FactCall,
) -> None:
    dossier = fact.draft()
    fact.deposit(dossier, cse_secretary_email=SECRETARY)
    request = _request(fact, dossier)
    for answer, field in (
        ({"secretary_name": "N", "informed": True, "association": "Oui"}, "informed_on"),
        ({"secretary_name": "N", "informed": True, "informed_on": "2020-03-02"}, "association"),
        ({"secretary_name": "N", "informed": True, "informed_on": "2031-01-01",
          "association": "Oui"}, "informed_on"),  # a date still to come
        ({"informed": False}, "secretary_name"),
        ({"secretary_name": "N"}, "informed"),
    ):  # fmt: skip
        with pytest.raises(InvalidInputError) as refused:
            cse.answer(fact.engine, request, {"cse_confirmation": answer})
        assert f"cse_confirmation.{field}" in refused.value.errors, (answer, refused.value.errors)
    assert "cse_confirmation" not in fact.variables(dossier)
    cse.answer(fact.engine, request, {"cse_confirmation": {
        "secretary_name": "N", "informed": False, "informed_on": "2020-03-02",
        "association": "sans objet", "comment": "Réunion prévue le 20 mai."}})  # fmt: skip
    said = fact.variables(dossier)["cse_confirmation"]
    assert said["informed"] is False and said["informed_on"] is None and said["association"] == ""
    status = cse.cse_status(fact.variables(dossier), with_answer=True)
    assert status.headline == "Le CSE déclare ne pas avoir été informé du projet"
    assert "Commentaire : Réunion prévue le 20 mai." in status.details


def test_links_open_their_own_dossier_only_while_it_names_that_address(fact: FactCall) -> None:
    first, second, silent = fact.draft(), fact.draft(), fact.draft()
    fact.deposit(first, cse_secretary_email=SECRETARY)
    fact.deposit(second, cse_secretary_email="autre.cse@example.org")
    fact.deposit(silent)  # no secretary named: nothing asked, nothing awaited
    assert fact.engine.tasks.query().business_key(silent).form_key("cse_confirmation").list() == []
    assert fact.mails("cse_request") and all(
        m.payload["data"]["dossier_id"] != silent for m in fact.mails("cse_request")
    )
    assert cse.cse_status(fact.variables(silent), with_answer=True).state == "none"
    token = cse.link_token(SECRET, first, SECRETARY)
    assert cse.open_request(fact.engine, SECRET, token).dossier.business_key == first
    for forged in (
        cse.link_token(SECRET, second, SECRETARY),  # the other dossier names someone else
        cse.link_token("another-secret", first, SECRETARY),
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        cse.link_token(SECRET, "2020-01-9999", SECRETARY),
        "not-a-token",
    ):
        with pytest.raises(NotFoundError):
            cse.open_request(fact.engine, SECRET, forged)


def test_the_answer_is_no_longer_awaited_once_the_decision_is_applied(fact: FactCall) -> None:
    dossier = fact.draft()
    fact.to_commission(dossier, cse_secretary_email=SECRETARY)
    assert _request(fact, dossier).task is not None
    fact.commission({dossier: {"decision": "accepted", "amount": 20_000}})
    late = _request(fact, dossier)
    assert late.task is None and late.answer is None
