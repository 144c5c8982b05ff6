"""Who may open a page: a signed-in person holding one of the roles (admins pass everywhere),
or a French 403 page."""

from __future__ import annotations

from flask import abort
from flask_login import current_user


def only(*roles: str) -> None:
    if not current_user.has_any(roles):
        abort(403)
