"""Applicants' accounts: sign-up with an e-mail confirmation link, password reset by a one-time
link, and the organisation an account holds (name, SIRET checked with its Luhn key, headcount).

Links are signed (itsdangerous) with the application's secret and expire; the account becomes
active when its address is confirmed. The mails leave through the outbox (topic `account`) in
the same transaction as what they announce.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from marshmallow import ValidationError, fields, validate, validates, validates_schema
from stdnum.exceptions import ValidationError as NumberError
from stdnum.fr import siret as siret_number

from engine import ConflictError, Engine, InvalidInputError, NotFoundError, Notice
from engine.models import User

from ..mailing import Mail, compose, environment
from ..schemas import EMAIL_INVALID, FrenchSchema, invalid
from ..signing import read, sign
from ..templates import TEMPLATES
from .config import HOLDER_TYPES
from .roles import APPLICANT

CONFIRMATION_DAYS = 3
RESET_HOURS = 2
TOPIC = "account"
_SIRET_TEXT = re.compile(r"^[0-9 ]+\Z")


class OrganisationSchema(FrenchSchema):
    name = fields.String(
        required=True, validate=validate.Length(min=2, max=300, error="de 2 à 300 caractères")
    )
    siret = fields.String(required=True)
    holder_type = fields.String(
        required=True,
        validate=validate.OneOf(list(HOLDER_TYPES), error="type de structure inconnu"),
    )
    headcount = fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(min=0, max=1_000_000, error="effectif de 0 à 1 000 000"),
    )

    @validates("siret")
    def _siret(self, value: str, **_: Any) -> None:
        if not _SIRET_TEXT.match(value or ""):
            raise ValidationError("SIRET : 14 chiffres")
        try:
            siret_number.validate(value)
        except NumberError as exc:
            raise ValidationError(
                "SIRET invalide : 14 chiffres dont le dernier est une clé de contrôle ; "
                "vérifiez-le sur votre extrait Kbis ou l'avis de situation Insee"
            ) from exc


class PersonSchema(FrenchSchema):
    """Who a person is: their name and the address that is their login."""

    display_name = fields.String(
        required=True, validate=validate.Length(min=2, max=200, error="de 2 à 200 caractères")
    )
    email = fields.Email(
        required=True,
        validate=validate.Length(max=254, error="254 caractères au plus"),
        error_messages={"invalid": EMAIL_INVALID},
    )


class SignUpSchema(OrganisationSchema, PersonSchema):
    password = fields.String(
        required=True,
        validate=validate.Length(min=10, max=200, error="de 10 à 200 caractères"),
    )
    password_again = fields.String(required=True)

    @validates_schema
    def _same_password(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("password") != data.get("password_again"):
            raise ValidationError("les deux mots de passe diffèrent", "password_again")


@dataclass(frozen=True)
class Links:
    """How the application's secret signs links, and the page each link opens."""

    secret: str
    confirm: Callable[[str], str]  # token -> absolute URL of the confirmation page
    reset: Callable[[str], str]  # token -> absolute URL of the new-password page


def sign_up(engine: Engine, form: Mapping[str, Any], links: Links) -> User:
    """An inactive applicant account holding its organisation, and its confirmation mail."""
    try:
        data = SignUpSchema().load(dict(form))
    except ValidationError as exc:
        raise invalid(exc) from exc
    email = data["email"].strip()
    username = email.lower()
    if engine.identity.find_by_email(email) is not None:
        raise InvalidInputError(
            "un compte existe déjà pour cette adresse : connectez-vous ou demandez un nouveau "
            "mot de passe",
            field="email",
        )
    token = sign(links.secret, "confirm", username)
    notice = account_notice(
        "account_confirmation",
        email,
        {"name": data["display_name"], "link": links.confirm(token), "days": CONFIRMATION_DAYS},
    )
    try:
        return engine.identity.create_user(
            username,
            data["password"],
            roles=[APPLICANT],
            email=email,
            display_name=data["display_name"],
            active=False,
            profile={"organisation": _organisation(data)},
            notice=notice,
        )
    except InvalidInputError as exc:
        if exc.field == "username":  # an address the sign-in cannot take as it is
            raise InvalidInputError(
                "cette adresse électronique ne peut pas servir d'identifiant", field="email"
            ) from exc
        raise
    except ConflictError as exc:
        raise InvalidInputError("un compte existe déjà pour cette adresse", field="email") from exc


def confirm(engine: Engine, token: str, secret: str) -> User:
    """Activate the account a confirmation link was made for."""
    username = read(secret, "confirm", token, timedelta(days=CONFIRMATION_DAYS))
    try:
        return engine.identity.activate(username)
    except NotFoundError as exc:
        raise InvalidInputError("ce lien ne correspond à aucun compte", field="token") from exc


def resend_confirmation(engine: Engine, email: str, links: Links) -> None:
    """Send the confirmation link again to an account not confirmed yet (else nothing)."""
    user = engine.identity.find_by_email(email)
    if user is None or user.active:
        return
    token = sign(links.secret, "confirm", user.username)
    data = {"name": user.display_name, "link": links.confirm(token), "days": CONFIRMATION_DAYS}
    engine.outbox.enqueue(account_notice("account_confirmation", user.email, data))


def request_reset(engine: Engine, email: str, links: Links) -> None:
    """Mail a one-time link to choose a new password. Nothing tells whether the account
    exists: the answer to the person is the same either way."""
    user = engine.identity.find_by_email(email)
    if user is None:
        return
    token = sign(links.secret, "reset", [user.username, engine.identity.stamp(user.username)])
    data = {"name": user.display_name, "link": links.reset(token), "hours": RESET_HOURS}
    engine.outbox.enqueue(account_notice("password_reset", user.email, data))


def reset_password(
    engine: Engine, token: str, password: str, password_again: str, secret: str
) -> User:
    """Set the new password of a reset link (once: the link dies with the old password)."""
    username, stamp = read(secret, "reset", token, timedelta(hours=RESET_HOURS))
    if password != password_again:
        raise InvalidInputError("les deux mots de passe diffèrent", field="password_again")
    try:
        user = engine.identity.set_password(username, password, stamp=stamp)
    except ConflictError as exc:  # the password changed since: the link has served
        raise InvalidInputError(str(exc), field="token") from exc
    engine.sessions.end_all(username)  # a new password signs out everyone with the old one
    if not user.active:  # following a link from the mailbox confirms the address too
        user = engine.identity.activate(username)
    return user


def update_organisation(engine: Engine, username: str, form: Mapping[str, Any]) -> User:
    try:
        data = OrganisationSchema().load(dict(form))
    except ValidationError as exc:
        raise invalid(exc) from exc
    profile = {**engine.identity.get(username).profile, "organisation": _organisation(data)}
    return engine.identity.update_profile(username, profile)


def _organisation(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": data["name"].strip(),
        "siret": siret_number.compact(data["siret"]),
        "holder_type": data["holder_type"],
        "headcount": data["headcount"],
    }


def account_notice(kind: str, to: str, data: dict[str, Any]) -> Notice:
    """A mail about a person's account (it belongs to no instance)."""
    return Notice(TOPIC, kind, to, {"kind": kind, "to": to, "data": data})


_ENV = environment(TEMPLATES / "accounts")
KINDS = frozenset(
    {"account_confirmation", "password_reset", "reviewer_invitation", "account_invitation"}
)


def render_account_mail(payload: Mapping[str, Any]) -> Mail:
    """The mail of an `account` outbox row."""
    kind, to = payload.get("kind"), str(payload.get("to") or "")
    if kind not in KINDS or not to:
        raise InvalidInputError(f"unknown account mail {kind!r}", field="kind")
    subject, text, html = compose(_ENV, kind, to, payload.get("data") or {}, prefix="")
    return Mail(to=to, subject=subject, html=html, text=text, attachments=())
