"""Links that act without a session (confirm an account, reset a password, the CSE's answer):
signed with the service's secret key, which the web app and the worker share."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from engine import InvalidInputError

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def secret_key(settings: Mapping[str, Any], instance_dir: Path = INSTANCE_DIR) -> str:
    """`SECRET_KEY` from the settings, or a key made once and kept in the instance folder (so
    that a web app and a worker started without one still sign alike)."""
    if settings.get("SECRET_KEY"):
        return str(settings["SECRET_KEY"])
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def sign(secret: str, purpose: str, value: Any) -> str:
    """A URL-safe token carrying `value`, good for `purpose` only."""
    return _serializer(secret, purpose).dumps(value)


def read(secret: str, purpose: str, token: str, max_age: timedelta) -> Any:
    """The value a token carries; InvalidInputError (in French) if forged or too old."""
    try:
        return _serializer(secret, purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as exc:
        raise InvalidInputError("ce lien a expiré : demandez-en un nouveau", field="token") from exc
    except BadSignature as exc:
        raise InvalidInputError("ce lien n'est pas valide", field="token") from exc


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"concerto-{purpose}")
