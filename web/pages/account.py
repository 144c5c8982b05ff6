"""Signing in and out (sessions with CSRF, rate-limited), and where a person lands after."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from workflows.fact.roles import APPLICANT

from ..auth import Account, limiter
from ..engine_access import current_engine

bp = Blueprint("account", __name__)


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login() -> Any:
    target = _safe(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(target or landing(current_user))
        return render_template("account/login.html", next=target)
    username = request.form.get("username", "").strip()
    user = current_engine().identity.authenticate(username, request.form.get("password", ""))
    if user is None:
        error = "Identifiant ou mot de passe incorrect."
        context = {"error": error, "username": username, "next": target}
        return render_template("account/login.html", **context), 401
    account = Account(user)
    login_user(account)
    return redirect(target or landing(account))


@bp.post("/deconnexion")
def logout() -> Any:
    logout_user()
    return redirect(url_for("account.login"))


def landing(account: Account) -> str:
    """Where a signed-in person starts: applicants on the calls, the others on their space."""
    if set(account.user.roles) == {APPLICANT}:
        return url_for("public.calls")
    return url_for("staff.space")


def _safe(target: str | None) -> str | None:
    """A local path to go back to after signing in (never another site)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
