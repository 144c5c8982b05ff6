"""People, for the Mission Fact: accounts with their roles, invitations by mail, accounts
closed and reopened, and who changed what (workflows.fact.people)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from engine import ForbiddenError, InvalidInputError, NotFoundError
from workflows.fact.people import ROLE_LABELS, change_roles, invite_person, set_open
from workflows.fact.roles import MANAGERS

from ..engine_access import current_engine
from .guards import only

bp = Blueprint("people", __name__, url_prefix="/personnes")

AUDIT_SHOWN = 30


@bp.get("")
@login_required
def overview() -> Any:
    return _overview()


@bp.post("/invitation")
@login_required
def invitation() -> Any:
    only(*MANAGERS)
    try:
        invited = invite_person(
            current_engine(), request.form, request.form.getlist("roles"), by=current_user.user,
            secret=current_app.secret_key or "",
            link=lambda token: url_for("account.invitation", token=token, _external=True),
        )  # fmt: skip
    except (InvalidInputError, ForbiddenError) as exc:
        errors = getattr(exc, "errors", None) or {
            getattr(exc, "field", None) or "roles": [str(exc)]
        }
        return _overview(invite_errors=errors, invite_form=request.form), 422
    flash(f"Invitation envoyée à {invited.email} : le compte s'ouvre quand son titulaire "
          "choisit son mot de passe.", "success")  # fmt: skip
    return redirect(url_for("people.overview"))


@bp.get("/<username>")
@login_required
def person(username: str) -> Any:
    return _person(username)


@bp.post("/<username>/roles")
@login_required
def roles(username: str) -> Any:
    only(*MANAGERS)
    try:
        change_roles(current_engine(), username, request.form.getlist("roles"),
                     by=current_user.user)  # fmt: skip
    except NotFoundError:
        abort(404)
    except (InvalidInputError, ForbiddenError) as exc:
        return _person(username, errors={"roles": [str(exc)]}), 422
    flash("Rôles enregistrés.", "success")
    return redirect(url_for("people.person", username=username))


@bp.post("/<username>/etat")
@login_required
def state(username: str) -> Any:
    only(*MANAGERS)
    opened = request.form.get("open") == "1"
    try:
        set_open(current_engine(), username, opened, by=current_user.user)
    except NotFoundError:
        abort(404)
    except (InvalidInputError, ForbiddenError) as exc:
        return _person(username, errors={"active": [str(exc)]}), 422
    flash("Compte rouvert." if opened else "Compte fermé : il ne se connecte plus.", "success")
    return redirect(url_for("people.person", username=username))


def _overview(**extra: Any) -> str:
    only(*MANAGERS)
    engine = current_engine()
    return render_template(
        "people/overview.html",
        people=engine.identity.list(),
        changes=engine.identity.account_changes()[:AUDIT_SHOWN],
        labels=ROLE_LABELS,
        invite_errors=extra.get("invite_errors", {}),
        invite_form=extra.get("invite_form") or {},
        invite_roles=request.form.getlist("roles") if request.method == "POST" else [],
    )


def _person(username: str, errors: dict[str, list[str]] | None = None) -> str:
    only(*MANAGERS)
    engine = current_engine()
    try:
        found = engine.identity.get(username)
    except NotFoundError:
        abort(404)
    return render_template(
        "people/person.html",
        person=found,
        changes=engine.identity.account_changes(username),
        labels=ROLE_LABELS,
        errors=errors or {},
        itself=username == current_user.username,
    )
