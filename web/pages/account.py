"""Accounts in the browser: sign-in and out (rate-limited, CSRF), sign-up with the e-mail
confirmation link, a forgotten password, and the organisation an applicant's account holds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from engine import InvalidInputError
from workflows.fact import accounts, invitations
from workflows.fact.config import HOLDER_TYPES
from workflows.fact.roles import APPLICANT

from ..auth import SESSION_KEY, Account, limiter, sign_in_limits
from ..engine_access import current_engine

bp = Blueprint("account", __name__)

LABELS = {  # the fields of the account forms, as the error summary names them
    "display_name": "Nom et prénom",
    "email": "Adresse électronique",
    "password": "Mot de passe",
    "password_again": "Confirmation du mot de passe",
    "name": "Nom de la structure",
    "siret": "SIRET",
    "holder_type": "Type de structure",
    "headcount": "Effectif salarié",
    "token": "Lien",
}
SIGN_UP_FIELDS = ("display_name", "email", "name", "siret", "holder_type", "headcount")


@bp.route("/connexion", methods=["GET", "POST"])
@sign_in_limits
def login() -> Any:
    target = _safe(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(target or landing(current_user))
        return render_template("account/login.html", next=target)
    username = request.form.get("username", "").strip().lower()
    password = request.form.get("password", "")
    user = current_engine().identity.authenticate(username, password, inactive=True)
    context: dict[str, Any] = {"username": username, "next": target}
    if user is None:
        context["error"] = "Identifiant ou mot de passe incorrect."
        return render_template("account/login.html", **context), 401
    if not user.active:
        context["unconfirmed"] = user.email
        return render_template("account/login.html", **context), 403
    account = Account(user)
    session.clear()  # a new session, never one chosen before sign-in
    session[SESSION_KEY] = current_engine().sessions.open(user.username)
    login_user(account)
    return redirect(target or landing(account))


@bp.post("/deconnexion")
def logout() -> Any:
    current_engine().sessions.end(session.get(SESSION_KEY))  # a replayed cookie is refused
    logout_user()
    session.clear()
    return redirect(url_for("account.login"))


@bp.route("/inscription", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def sign_up() -> Any:
    form = {name: request.form.get(name, "") for name in SIGN_UP_FIELDS}
    if request.method == "GET":
        return render_template("account/signup.html", form=form, errors={}, **_choices())
    try:
        user = accounts.sign_up(current_engine(), request.form, _links())
    except InvalidInputError as exc:
        errors = exc.errors or {exc.field or "email": [str(exc)]}
        return render_template("account/signup.html", form=form, errors=errors, **_choices()), 422
    return render_template("account/check_mail.html", email=user.email)


@bp.get("/inscription/confirmer/<token>")
def confirm(token: str) -> Any:
    try:
        user = accounts.confirm(current_engine(), token, current_app.secret_key or "")
    except InvalidInputError as exc:
        return render_template("account/link_refused.html", reason=str(exc)), 400
    flash(f"Votre adresse {user.email} est confirmée : vous pouvez vous connecter.", "success")
    return redirect(url_for("account.login"))


@bp.post("/inscription/renvoyer")
@limiter.limit("3 per minute")
def resend() -> Any:
    email = request.form.get("email", "").strip()
    accounts.resend_confirmation(current_engine(), email, _links())
    return render_template("account/check_mail.html", email=email)


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def forgotten() -> Any:
    if request.method == "GET":
        return render_template("account/forgotten.html")
    email = request.form.get("email", "").strip()
    accounts.request_reset(current_engine(), email, _links())
    return render_template("account/forgotten_sent.html", email=email)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def new_password(token: str) -> Any:
    done = "Votre nouveau mot de passe est enregistré : connectez-vous avec lui."
    return _password_page(token, "account/new_password.html", accounts.reset_password, done)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def invitation(token: str) -> Any:
    """An outside expert opens their reviewer's account by choosing a password."""
    done = "Votre compte d'évaluateur est ouvert : connectez-vous avec votre adresse."
    return _password_page(token, "account/invitation.html", invitations.accept_invitation, done)


def _password_page(token: str, template: str, choose: Callable[..., Any], done: str) -> Any:
    """A page that sets a password through a signed link (a reset, an invitation)."""
    if request.method == "GET":
        return render_template(template, token=token, errors={})
    try:
        choose(
            current_engine(),
            token,
            request.form.get("password", ""),
            request.form.get("password_again", ""),
            current_app.secret_key or "",
        )
    except InvalidInputError as exc:
        if exc.field == "token":
            return render_template("account/link_refused.html", reason=str(exc)), 400
        errors = exc.errors or {exc.field or "password": [str(exc)]}
        return render_template(template, token=token, errors=errors), 422
    flash(done, "success")
    return redirect(url_for("account.login"))


@bp.route("/mon-compte", methods=["GET", "POST"])
@login_required
def profile() -> Any:
    user = current_user.user
    organisation = user.profile.get("organisation", {})
    if request.method == "GET":
        return render_template("account/profile.html", form=organisation, errors={}, **_choices())
    try:
        accounts.update_organisation(current_engine(), user.username, request.form)
    except InvalidInputError as exc:
        errors = exc.errors or {exc.field or "name": [str(exc)]}
        form = {name: request.form.get(name, "") for name in LABELS}
        return render_template("account/profile.html", form=form, errors=errors, **_choices()), 422
    flash("Les informations de votre structure sont enregistrées.", "success")
    return redirect(url_for("account.profile"))


def landing(account: Account) -> str:
    """Where a signed-in person starts: applicants on the calls, the others on their space."""
    if set(account.user.roles) == {APPLICANT}:
        return url_for("public.calls")
    return url_for("staff.space")


def _choices() -> dict[str, Any]:
    return {"holder_types": HOLDER_TYPES, "labels": LABELS}


def _links() -> accounts.Links:
    return accounts.Links(
        secret=current_app.secret_key or "",
        confirm=lambda token: url_for("account.confirm", token=token, _external=True),
        reset=lambda token: url_for("account.new_password", token=token, _external=True),
    )


def _safe(target: str | None) -> str | None:
    """A local path to go back to after signing in (never another site)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
