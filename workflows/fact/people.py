"""The people of the service as the Mission Fact manages them: accounts and their roles,
invited by mail, closed and reopened; each change is kept with who made it (the engine's
account audit). Only an administrator grants or takes away the administrator's role, and
nobody closes their own account or takes their own roles away."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from engine import Engine, ForbiddenError, InvalidInputError
from engine.models import User

from .invitations import invite
from .roles import ADMIN, APPLICANT, COMMISSION, OBSERVER, REVIEWER, ROLES, STAFF

ROLE_LABELS = {
    ADMIN: "Administrateur",
    STAFF: "Mission Fact",
    REVIEWER: "Évaluateur",
    COMMISSION: "Commission",
    OBSERVER: "Observateur (représentant du personnel)",
    APPLICANT: "Porteur de projet",
}


def invite_person(
    engine: Engine,
    form: Mapping[str, Any],
    roles: Iterable[str],
    *,
    by: User,
    secret: str,
    link: Callable[[str], str],
) -> User:
    chosen = _checked_roles(roles, by)
    label = ", ".join(ROLE_LABELS[r].lower() for r in chosen)
    return invite(engine, form, roles=chosen, kind="account_invitation", secret=secret,
                  link=link, invited_by=by.username, mail={"roles": label})  # fmt: skip


def change_roles(engine: Engine, username: str, roles: Iterable[str], *, by: User) -> User:
    chosen = _checked_roles(roles, by)
    current = engine.identity.get(username)
    if ADMIN in current.roles and ADMIN not in by.roles:
        raise ForbiddenError("seul un administrateur change les rôles d'un administrateur")
    if username == by.username and not set(current.roles) <= set(chosen):
        raise InvalidInputError("vous ne retirez pas vos propres rôles", field="roles")
    return engine.identity.set_roles(username, chosen, actor=by.username)


def set_open(engine: Engine, username: str, open_: bool, *, by: User) -> User:
    if username == by.username:
        raise InvalidInputError("vous ne fermez pas votre propre compte", field="active")
    if ADMIN in engine.identity.get(username).roles and ADMIN not in by.roles:
        raise ForbiddenError("seul un administrateur ferme le compte d'un administrateur")
    return engine.identity.set_active(username, open_, actor=by.username)


def _checked_roles(roles: Iterable[str], by: User) -> list[str]:
    chosen = sorted(set(roles))
    if not chosen:
        raise InvalidInputError("choisissez au moins un rôle", field="roles")
    unknown = [r for r in chosen if r not in ROLES]
    if unknown:
        raise InvalidInputError(f"rôle inconnu : {unknown[0][:50]}", field="roles")
    if ADMIN in chosen and ADMIN not in by.roles:
        raise ForbiddenError("seul un administrateur donne le rôle d'administrateur")
    return chosen
