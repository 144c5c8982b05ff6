"""Outside experts invited to review: staff name them, Concerto mails them a signed link, and
the expert chooses a password through it, which opens their reviewer's account. The link
serves once (the account is then open) and expires after INVITATION_DAYS."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from marshmallow import ValidationError

from engine import ConflictError, Engine, InvalidInputError, NotFoundError
from engine.models import User

from ..schemas import invalid
from ..signing import read, sign
from .accounts import PersonSchema, account_notice
from .roles import REVIEWER

INVITATION_DAYS = 14
PURPOSE = "invite"


def invite_reviewer(
    engine: Engine,
    form: Mapping[str, Any],
    *,
    secret: str,
    link: Callable[[str], str],
    invited_by: str,
    call_title: str = "",
) -> User:
    """A reviewer's account, closed until the expert opens it, and the mail that invites them."""
    return invite(engine, form, roles=[REVIEWER], kind="reviewer_invitation", secret=secret,
                  link=link, invited_by=invited_by, mail={"call_title": call_title})  # fmt: skip


def invite(
    engine: Engine,
    form: Mapping[str, Any],
    *,
    roles: list[str],
    kind: str,
    secret: str,
    link: Callable[[str], str],
    invited_by: str,
    mail: Mapping[str, Any] | None = None,
) -> User:
    """An account with these roles, closed until its owner opens it through the mail `kind`
    (its address becomes its login)."""
    try:
        data = PersonSchema().load(dict(form))
    except ValidationError as exc:
        raise invalid(exc) from exc
    email, name = data["email"].strip(), data["display_name"].strip()
    username = email.lower()
    if engine.identity.find_by_email(email) is not None:
        raise InvalidInputError("un compte existe déjà pour cette adresse", field="email")
    token = sign(secret, PURPOSE, username)
    told = {"name": name, "link": link(token), "days": INVITATION_DAYS, **(mail or {})}
    try:
        return engine.identity.create_user(
            username,
            secrets.token_urlsafe(32),  # never told: the person chooses theirs through the link
            roles=roles,
            email=email,
            display_name=name,
            active=False,
            profile={"invited_by": invited_by},
            notice=account_notice(kind, email, told),
            actor=invited_by,
        )
    except (ConflictError, InvalidInputError) as exc:
        raise InvalidInputError(
            "cette adresse ne peut pas servir d'identifiant", field="email"
        ) from exc


def accept_invitation(
    engine: Engine, token: str, password: str, password_again: str, secret: str
) -> User:
    """The expert's password, chosen through the invitation: their account opens."""
    username = read(secret, PURPOSE, token, timedelta(days=INVITATION_DAYS))
    try:
        user = engine.identity.get(username)
    except NotFoundError as exc:
        raise InvalidInputError("ce lien ne correspond à aucun compte", field="token") from exc
    if user.active:
        raise InvalidInputError("cette invitation a déjà servi : connectez-vous", field="token")
    if password != password_again:
        raise InvalidInputError("les deux mots de passe diffèrent", field="password_again")
    if not 10 <= len(password) <= 200:
        raise InvalidInputError("de 10 à 200 caractères", field="password")
    engine.identity.set_password(username, password)
    return engine.identity.activate(username)
