"""Applicants' accounts: sign-up checked field by field (SIRET with its Luhn key), confirmed by
a signed link that expires, passwords reset by a link that works once; mails in French."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from engine import Engine, InvalidInputError, OutboxMessage
from workflows.fact import accounts
from workflows.fact.accounts import render_account_mail

SECRET = "secret-de-test"
LINKS = accounts.Links(
    secret=SECRET,
    confirm=lambda token: f"https://concerto.example/inscription/confirmer/{token}",
    reset=lambda token: f"https://concerto.example/mot-de-passe/{token}",
)
FORM = {
    "display_name": "Camille Martin",
    "email": "Camille.Martin@Exemple.fr",
    "password": "un mot de passe solide",
    "password_again": "un mot de passe solide",
    "name": "Atelier du Rhône",
    "siret": "732 829 320 00074",
    "holder_type": "company",
    "headcount": "42",
}


def mails(engine: Engine, kind: str) -> list[OutboxMessage]:
    return engine.outbox.list(topic="account", kind=kind)


def token_of(message: OutboxMessage) -> str:
    return message.payload["data"]["link"].rsplit("/", 1)[1]


def test_sign_up_makes_an_inactive_account_holding_its_organisation(engine: Engine) -> None:
    user = accounts.sign_up(engine, FORM, LINKS)
    assert (user.username, user.email, user.roles, user.active) == (
        "camille.martin@exemple.fr",
        "Camille.Martin@Exemple.fr",
        ("applicant",),
        False,
    )
    assert user.profile["organisation"] == {
        "name": "Atelier du Rhône",
        "siret": "73282932000074",
        "holder_type": "company",
        "headcount": 42,
    }
    assert engine.identity.authenticate(user.username, FORM["password"]) is None  # not yet
    (mail,) = mails(engine, "account_confirmation")
    rendered = render_account_mail(mail.payload)
    assert rendered.to == "Camille.Martin@Exemple.fr"
    assert rendered.subject == "Confirmez votre adresse pour activer votre compte"
    assert mail.payload["data"]["link"] in rendered.text and "3 jours" in rendered.text
    confirmed = accounts.confirm(engine, token_of(mail), SECRET)
    assert confirmed.active
    assert engine.identity.authenticate(user.username, FORM["password"]) is not None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"siret": "73282932000075"}, "siret", "clé de contrôle"),
        ({"siret": "7328293200007"}, "siret", "clé de contrôle"),
        ({"siret": "73282932000074\n"}, "siret", "14 chiffres"),
        ({"siret": "7328-2932-0000-74"}, "siret", "14 chiffres"),
        ({"password_again": "un autre"}, "password_again", "diffèrent"),
        ({"password": "court", "password_again": "court"}, "password", "de 10 à 200"),
        ({"email": "pas-une-adresse"}, "email", "adresse électronique invalide"),
        ({"email": "o'brien@exemple.fr"}, "email", "ne peut pas servir d'identifiant"),
        ({"headcount": "beaucoup"}, "headcount", "nombre entier attendu"),
        ({"headcount": "-3"}, "headcount", "effectif de 0"),
        ({"holder_type": "state"}, "holder_type", "type de structure inconnu"),
        ({"name": ""}, "name", "de 2 à 300 caractères"),
    ],
)
def test_sign_up_refuses_each_field_in_french_and_stores_nothing(
    engine: Engine, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        accounts.sign_up(engine, {**FORM, **changes}, LINKS)
    errors = refused.value.errors
    assert field in errors and message in errors[field][0], errors
    assert engine.identity.list() == [] and mails(engine, "account_confirmation") == []


def test_one_account_per_address_whatever_its_case(engine: Engine) -> None:
    accounts.sign_up(engine, FORM, LINKS)
    with pytest.raises(InvalidInputError) as twice:
        accounts.sign_up(engine, {**FORM, "email": "camille.martin@exemple.FR"}, LINKS)
    assert twice.value.field == "email" and "existe déjà" in str(twice.value)


class FourDaysAgo(TimestampSigner):
    """Signs as if it were four days ago."""

    def get_timestamp(self) -> int:
        return int(time.time()) - 4 * 24 * 3600


def test_confirmation_links_expire_and_cannot_be_forged(engine: Engine) -> None:
    accounts.sign_up(engine, FORM, LINKS)
    token = token_of(mails(engine, "account_confirmation")[0])
    forged = URLSafeTimedSerializer("autre secret", salt="concerto-confirm").dumps("x@y.fr")
    for bad in (forged, token[:-3] + "abc"):
        with pytest.raises(InvalidInputError, match="n'est pas valide"):
            accounts.confirm(engine, bad, SECRET)
    stale = URLSafeTimedSerializer(SECRET, salt="concerto-confirm", signer=FourDaysAgo)
    with pytest.raises(InvalidInputError, match="expiré"):
        accounts.confirm(engine, stale.dumps("camille.martin@exemple.fr"), SECRET)
    assert not engine.identity.get("camille.martin@exemple.fr").active
    assert accounts.confirm(engine, token, SECRET).active


def test_a_reset_link_works_once_and_says_nothing_of_unknown_addresses(engine: Engine) -> None:
    accounts.sign_up(engine, FORM, LINKS)
    accounts.request_reset(engine, "personne@exemple.fr", LINKS)
    assert mails(engine, "password_reset") == []  # and the page answers the same
    accounts.request_reset(engine, "CAMILLE.martin@exemple.fr", LINKS)
    (mail,) = mails(engine, "password_reset")
    rendered = render_account_mail(mail.payload)
    assert rendered.subject == "Choisissez un nouveau mot de passe"
    assert "ne sert qu'une fois" in " ".join(rendered.text.split())
    token = token_of(mail)
    with pytest.raises(InvalidInputError, match="diffèrent"):
        accounts.reset_password(engine, token, "nouveau mot de passe", "autre chose", SECRET)
    user = accounts.reset_password(
        engine, token, "nouveau mot de passe", "nouveau mot de passe", SECRET
    )
    assert user.active  # the link came from the mailbox: the address is confirmed too
    assert engine.identity.authenticate(user.username, "nouveau mot de passe") is not None
    with pytest.raises(InvalidInputError, match="déjà servi"):
        accounts.reset_password(engine, token, "encore un autre", "encore un autre", SECRET)


def test_resend_goes_to_unconfirmed_accounts_only(engine: Engine) -> None:
    accounts.sign_up(engine, FORM, LINKS)
    accounts.resend_confirmation(engine, FORM["email"], LINKS)
    assert len(mails(engine, "account_confirmation")) == 2
    accounts.confirm(engine, token_of(mails(engine, "account_confirmation")[1]), SECRET)
    accounts.resend_confirmation(engine, FORM["email"], LINKS)
    accounts.resend_confirmation(engine, "inconnu@exemple.fr", LINKS)
    assert len(mails(engine, "account_confirmation")) == 2


def test_organisation_is_updated_with_the_same_checks(engine: Engine) -> None:
    user = accounts.sign_up(engine, FORM, LINKS)
    organisation = {k: FORM[k] for k in ("name", "siret", "holder_type", "headcount")}
    with pytest.raises(InvalidInputError) as refused:
        accounts.update_organisation(engine, user.username, {**organisation, "siret": "123"})
    assert "siret" in refused.value.errors
    updated = accounts.update_organisation(
        engine, user.username, {**organisation, "headcount": 350, "holder_type": "association"}
    )
    assert updated.profile["organisation"]["headcount"] == 350
    assert re.fullmatch(r"\d{14}", updated.profile["organisation"]["siret"])
