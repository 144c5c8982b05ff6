"""Sign-in: sessions for pages (with CSRF), bearer tokens for the API, roles on every view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, redirect, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from engine import Engine, ForbiddenError
from engine.models import User
from workflows.fact.roles import ADMIN

from .errors import problem

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Sign-in: every attempt counts per address; failures count per account and address, so that
# someone failing on an account from one address never locks its owner out elsewhere.
SIGN_IN_PER_ADDRESS = "30 per minute"
SIGN_IN_FAILURES = "5 per minute"


def _account_and_address() -> str:
    body = request.get_json(silent=True) if request.is_json else None
    named = (body or {}).get("username") if isinstance(body, dict) else None
    username = str(named if named is not None else request.form.get("username", ""))
    return f"{username.strip().lower()[:100]}|{get_remote_address()}"


def _failed(response: Any) -> bool:
    return response.status_code in (401, 403)


def sign_in_limits(view: F) -> F:
    """The rate limits of a view that checks a password."""
    view = limiter.limit(SIGN_IN_FAILURES, key_func=_account_and_address, deduct_when=_failed,
                         methods=["POST"])(view)  # fmt: skip
    return limiter.limit(SIGN_IN_PER_ADDRESS, methods=["POST"])(view)  # type: ignore[return-value]


F = TypeVar("F", bound=Callable[..., Any])


class Account(UserMixin):
    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        return self.user.username

    @property
    def username(self) -> str:
        return self.user.username

    def has_any(self, roles: tuple[str, ...]) -> bool:
        return ADMIN in self.user.roles or bool(set(roles) & set(self.user.roles))


def _engine() -> Engine:
    return current_app.extensions["concerto"]


SESSION_KEY = "sid"  # the server-side session the cookie names (engine.sessions)


@login_manager.user_loader
def _load_session_user(username: str) -> Account | None:
    user = _engine().sessions.user_of(session.get(SESSION_KEY))
    return Account(user) if user is not None and user.username == username else None


@login_manager.request_loader
def _load_bearer_user(req: Any) -> Account | None:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    user = _engine().identity.user_for_token(header.removeprefix("Bearer ").strip())
    return Account(user) if user is not None else None


@login_manager.unauthorized_handler
def _unauthorized() -> Any:
    if not request.path.startswith("/api"):
        return redirect(url_for("account.login", next=request.path))
    return problem(401, "connectez-vous ou présentez un jeton (Authorization: Bearer …)")


def init_app(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    login_manager.init_app(app)
    login_manager.login_view = "account.login"
    csrf.init_app(app)
    limiter.init_app(app)

    @app.before_request
    def _csrf_for_cookie_sessions() -> None:
        # A bearer token is not sent by the browser on its own: only writes riding on a
        # signed-in cookie session (and the sign-in form itself) need the CSRF token.
        # A bearer header that names no valid token exempts nothing: the cookie still rides.
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
        cookie_session = "_user_id" in session or request.endpoint == "account.login"
        exempt = request.endpoint in _CSRF_EXEMPT
        if unsafe and cookie_session and not exempt and _load_bearer_user(request) is None:
            csrf.protect()

    app.before_request(_access_before_parsing)  # a forged write is refused as forged first


_CSRF_EXEMPT: set[str] = set()


def csrf_exempt(endpoint: str) -> None:
    """Endpoints that take credentials themselves (the token endpoint) need no CSRF token."""
    _CSRF_EXEMPT.add(endpoint)


def current_account() -> Account:
    if not current_user.is_authenticated:
        raise Unauthenticated()
    return current_user  # type: ignore[return-value]


class Unauthenticated(Exception):
    """No session and no valid bearer token."""


def requires(*roles: str) -> Callable[[F], F]:
    """The view needs a signed-in user; with roles, one of them (admins pass everywhere)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            _check_access(roles)
            return view(*args, **kwargs)

        # Read before the request's body is parsed (see _access_before_parsing); the decorators
        # stacked above this one copy it with functools.wraps.
        wrapper.required_roles = roles  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def _check_access(roles: tuple[str, ...]) -> None:
    account = current_account()
    if roles and not account.has_any(roles):
        raise ForbiddenError("votre rôle ne permet pas cette action")


def _required_roles() -> tuple[str, ...] | None:
    """The roles the view serving this request requires, None when it is open to anyone."""
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    if view_class is not None:  # a MethodView: the method's own decorators say
        method = request.method.lower()
        view = getattr(view_class, method, None) or (
            getattr(view_class, "get", None) if method == "head" else None
        )
    return getattr(view, "required_roles", None)


def _access_before_parsing() -> None:
    # Who may call is settled before the body is read and validated: an anonymous caller gets
    # 401 (not the body's 422) and its body is never parsed.
    roles = _required_roles()
    if roles is not None:
        _check_access(roles)
