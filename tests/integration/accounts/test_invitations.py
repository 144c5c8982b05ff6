"""Outside experts invited by staff: a closed reviewer's account and a signed link by mail; the
expert opens the account by choosing a password, once, before the link expires."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from engine import Engine, InvalidInputError
from workflows.fact.accounts import render_account_mail
from workflows.fact.invitations import INVITATION_DAYS, accept_invitation, invite_reviewer

SECRET = "secret-de-test"
PASSWORD = "un-mot-de-passe-solide"


def invite(engine: Engine, **form: str):  # type: ignore[no-untyped-def]
    fields = {"display_name": "Nadia Experte", "email": "Nadia@Expertise.fr", **form}
    return invite_reviewer(engine, fields, secret=SECRET, invited_by="mission.fact",
                           link=lambda t: f"https://concerto.example/invitation/{t}",
                           call_title="Transformation Numérique Concertée")  # fmt: skip


def token(engine: Engine) -> str:
    (mail,) = engine.outbox.list(topic="account", kind="reviewer_invitation")
    return mail.payload["data"]["link"].rsplit("/", 1)[1]


def test_an_invited_expert_opens_a_reviewer_account_once(engine: Engine) -> None:
    user = invite(engine)
    assert (user.username, user.roles, user.active) == ("nadia@expertise.fr", ("reviewer",), False)
    assert user.profile == {"invited_by": "mission.fact"}
    (mail,) = engine.outbox.list(topic="account", kind="reviewer_invitation")
    rendered = render_account_mail(mail.payload)
    assert rendered.to == "Nadia@Expertise.fr" and "Invitation à évaluer" in rendered.subject
    text = " ".join(rendered.text.split())
    assert "« Transformation Numérique Concertée »" in text and f"{INVITATION_DAYS} jours" in text

    with pytest.raises(InvalidInputError) as differ:
        accept_invitation(engine, token(engine), PASSWORD, PASSWORD + "x", SECRET)
    assert differ.value.field == "password_again"
    with pytest.raises(InvalidInputError) as short:
        accept_invitation(engine, token(engine), "court", "court", SECRET)
    assert short.value.field == "password"
    assert engine.identity.authenticate(user.username, PASSWORD, inactive=True) is None

    opened = accept_invitation(engine, token(engine), PASSWORD, PASSWORD, SECRET)
    assert opened.active and engine.identity.authenticate(user.username, PASSWORD) is not None
    with pytest.raises(InvalidInputError, match="déjà servi") as again:
        accept_invitation(engine, token(engine), "autre-mot-de-passe", "autre-mot-de-passe", SECRET)
    assert again.value.field == "token"
    assert engine.identity.authenticate(user.username, PASSWORD) is not None  # unchanged


class LongAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - (INVITATION_DAYS + 1) * 24 * 3600


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"email": "pas-une-adresse"}, "email"),
        ({"display_name": "N"}, "display_name"),
        ({"email": ""}, "email"),
    ],
)
def test_an_invitation_names_someone_reachable(engine: Engine, form: dict, field: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        invite(engine, **form)
    assert field in refused.value.errors
    assert engine.outbox.list(topic="account", kind="reviewer_invitation") == []


def test_an_invitation_is_refused_for_a_known_address_and_its_link_expires(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    invite(engine)
    with pytest.raises(InvalidInputError, match="existe déjà") as twice:
        invite(engine, email="nadia@EXPERTISE.fr")
    assert twice.value.field == "email"
    forged = URLSafeTimedSerializer("autre secret", salt="concerto-invite").dumps("x@y.fr")
    with pytest.raises(InvalidInputError, match="n'est pas valide") as refused:
        accept_invitation(engine, forged, PASSWORD, PASSWORD, SECRET)
    assert refused.value.field == "token"
    monkeypatch.setattr("itsdangerous.timed.TimestampSigner.get_timestamp", LongAgo.get_timestamp)
    stale = token_of_new_invitation(engine)
    monkeypatch.undo()
    with pytest.raises(InvalidInputError, match="a expiré") as expired:
        accept_invitation(engine, stale, PASSWORD, PASSWORD, SECRET)
    assert expired.value.field == "token"


def token_of_new_invitation(engine: Engine) -> str:
    invite(engine, email="autre@expertise.fr", display_name="Autre Experte")
    mails = engine.outbox.list(topic="account", kind="reviewer_invitation")
    (mail,) = [m for m in mails if m.payload["to"] == "autre@expertise.fr"]
    return mail.payload["data"]["link"].rsplit("/", 1)[1]
