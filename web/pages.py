"""Pages: session sign-in (CSRF-protected, rate-limited) and a home page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from .auth import Account, limiter
from .engine_access import current_engine

bp = Blueprint("pages", __name__)


@bp.get("/")
@login_required
def home() -> Any:
    return render_template("home.html")


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
