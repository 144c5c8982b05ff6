"""Pages: session sign-in (CSRF-protected, rate-limited) and a home page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from handlers.mailsink import read_sink
from workflows import PROJECT_ROOT
from workflows.fact.roles import MANAGERS

from .auth import Account, limiter
from .engine_access import current_engine

bp = Blueprint("pages", __name__)


@bp.get("/")
@login_required
def home() -> Any:
    return render_template("home.html")


@bp.get("/courriels")
@login_required
def mails() -> Any:
    """Staff: the mails the local SMTP sink received."""
    _staff_only()
    return render_template("mails.html", mails=read_sink(_maildir()))


@bp.get("/courriels/<key>")
@login_required
def mail(key: str) -> Any:
    _staff_only()
    found = next((m for m in read_sink(_maildir()) if m.key == key), None)
    if found is None:
        abort(404)
    return render_template("mail.html", mail=found)


def _staff_only() -> None:
    if not current_user.has_any(MANAGERS):
        abort(403)


def _maildir() -> Path:
    return Path(current_app.config.get("MAILDIR") or PROJECT_ROOT / "instance" / "mails")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login() -> Any:
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(url_for("pages.home"))
        return render_template("login.html")
    username = request.form.get("username", "").strip()
    user = current_engine().identity.authenticate(username, request.form.get("password", ""))
    if user is None:
        error = "Identifiant ou mot de passe incorrect."
        return render_template("login.html", error=error, username=username), 401
    login_user(Account(user))
    return redirect(url_for("pages.home"))


@bp.post("/logout")
def logout() -> Any:
    logout_user()
    return redirect(url_for("pages.login"))
