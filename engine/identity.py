"""IdentityService: users, their roles, passwords (argon2) and API bearer tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .clock import Clock
from .commands import CommandExecutor
from .errors import ConflictError, InvalidInputError, NotFoundError
from .models import AccountChange, ApiToken, Notice, User
from .storage.records import AccountChangeRecord, ApiTokenRecord, UserRecord
from .storage.stores import add_notice

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{1,99}\Z")
MIN_PASSWORD = 10
TOKEN_CACHE_SECONDS = 30.0
TOKEN_LIFETIME = timedelta(days=90)  # a token for a script or a tool, renewed by signing in

_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps the timing of a failed sign-in
# independent of whether the account exists.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class IdentityService:
    def __init__(self, executor: CommandExecutor, clock: Clock) -> None:
        self._executor = executor
        self._clock = clock
        self._tokens: dict[str, tuple[float, User | None, datetime | None]] = {}

    def create_user(
        self,
        username: str,
        password: str,
        *,
        roles: Iterable[str],
        email: str,
        display_name: str | None = None,
        active: bool = True,
        profile: Mapping[str, Any] | None = None,
        notice: Notice | None = None,
        actor: str | None = None,
    ) -> User:
        """A new account; an inactive one cannot sign in until `activate`. `notice` (its
        confirmation mail, say) is queued in the same transaction."""
        if not USERNAME.match(username or ""):
            raise InvalidInputError(
                "identifiant : minuscules, chiffres et . _ @ - (2 à 100 caractères)",
                field="username",
            )
        if len(password or "") < MIN_PASSWORD:
            raise InvalidInputError(
                f"mot de passe : au moins {MIN_PASSWORD} caractères", field="password"
            )
        if "@" not in (email or ""):
            raise InvalidInputError("adresse électronique invalide", field="email")
        record = UserRecord(
            username=username,
            password_hash=_hasher.hash(password),
            email=email,
            display_name=display_name or username,
            roles={"roles": sorted(set(roles))},
            active=active,
            created_at=self._clock.now(),
            profile=dict(profile) if profile else None,
        )

        def command(session: Session) -> User:
            if session.get(UserRecord, username) is not None:
                raise ConflictError(f"l'identifiant {username!r} existe déjà")
            session.add(record)
            if actor is not None:  # made by someone for someone else: in the audit
                session.flush()
                _audit(session, username, self._clock.now(), actor, {"created": record.roles})
            if notice is not None:
                add_notice(session, notice, self._clock.now())
            return to_model(record)

        return self._executor.execute(command)

    def get(self, username: str) -> User:
        def command(session: Session) -> User:
            record = session.get(UserRecord, username)
            if record is None:
                raise NotFoundError(f"user {username!r} not found")
            return to_model(record)

        return self._executor.read(command)

    def find_by_email(self, email: str) -> User | None:
        """The account with this address (compared without case), if any."""
        query = select(UserRecord).where(func.lower(UserRecord.email) == (email or "").lower())
        return self._executor.read(lambda s: next((to_model(r) for r in s.scalars(query)), None))

    def activate(self, username: str) -> User:
        """Let an account sign in (its address is confirmed)."""
        return self._change(username, lambda record: setattr(record, "active", True))

    def update_profile(self, username: str, profile: Mapping[str, Any]) -> User:
        return self._change(username, lambda record: setattr(record, "profile", dict(profile)))

    def set_password(self, username: str, password: str, *, stamp: str | None = None) -> User:
        """A new password; with `stamp`, only if the password is still the one that stamp was
        taken from (a reset link works once)."""
        if len(password or "") < MIN_PASSWORD:
            raise InvalidInputError(
                f"mot de passe : au moins {MIN_PASSWORD} caractères", field="password"
            )
        hashed = _hasher.hash(password)

        def change(record: UserRecord) -> None:
            if stamp is not None and _stamp(record.password_hash) != stamp:
                raise ConflictError("ce lien a déjà servi : demandez-en un nouveau")
            record.password_hash = hashed

        return self._change(username, change)

    def stamp(self, username: str) -> str:
        """A short fingerprint of the current password, to sign one-time links with."""
        record = self._executor.read(lambda s: s.get(UserRecord, username))
        if record is None:
            raise NotFoundError(f"user {username!r} not found")
        return _stamp(record.password_hash)

    def _change(self, username: str, change: Callable[[UserRecord], None]) -> User:
        def command(session: Session) -> User:
            record = session.get(UserRecord, username)
            if record is None:
                raise NotFoundError(f"user {username!r} not found")
            change(record)
            return to_model(record)

        return self._executor.execute(command)

    def set_roles(self, username: str, roles: Iterable[str], *, actor: str) -> User:
        """New roles for an account, kept in its audit with who changed them."""
        wanted = sorted(set(roles))

        def change(record: UserRecord) -> dict[str, Any] | None:
            before = sorted(record.roles.get("roles", []))
            record.roles = {"roles": wanted}
            return {"roles": [before, wanted]} if before != wanted else None

        return self._audited(username, change, actor)

    def set_active(self, username: str, active: bool, *, actor: str) -> User:
        """Open or close an account (a closed one signs in no more: sessions and tokens stop
        answering for it), kept in its audit."""

        def change(record: UserRecord) -> dict[str, Any] | None:
            before, record.active = record.active, active
            return {"active": [before, active]} if before != active else None

        user = self._audited(username, change, actor)
        self._tokens.clear()  # cached token answers would outlive the change
        return user

    def account_changes(self, username: str | None = None) -> list[AccountChange]:
        """The audit of accounts (of one, or all), newest first."""
        query = select(AccountChangeRecord).order_by(AccountChangeRecord.id.desc())
        if username is not None:
            query = query.where(AccountChangeRecord.username == username)
        return self._executor.read(
            lambda s: [AccountChange(r.username, r.at, r.actor, r.change) for r in s.scalars(query)]
        )

    def _audited(
        self, username: str, change: Callable[[UserRecord], dict[str, Any] | None], actor: str
    ) -> User:
        def command(session: Session) -> User:
            record = session.get(UserRecord, username)
            if record is None:
                raise NotFoundError(f"user {username!r} not found")
            changed = change(record)
            if changed is not None:
                _audit(session, username, self._clock.now(), actor, changed)
            return to_model(record)

        return self._executor.execute(command)

    def list(self) -> list[User]:
        query = select(UserRecord).order_by(UserRecord.username)
        return self._executor.read(lambda s: [to_model(r) for r in s.scalars(query)])

    def authenticate(self, username: str, password: str, *, inactive: bool = False) -> User | None:
        """The user if the password matches an active account (or any, with `inactive`)."""
        record = self._executor.read(lambda s: s.get(UserRecord, username))
        stored = record.password_hash if record is not None else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if record is None or not (record.active or inactive):
            return None
        return to_model(record)

    def issue_token(
        self, username: str, *, label: str = "api", lifetime: timedelta = TOKEN_LIFETIME
    ) -> str:
        """A new bearer token for the user, valid for `lifetime`; only its hash is kept, so it
        is shown once."""
        token = secrets.token_urlsafe(32)

        def command(session: Session) -> str:
            if session.get(UserRecord, username) is None:
                raise NotFoundError(f"user {username!r} not found")
            now = self._clock.now()
            session.add(
                ApiTokenRecord(
                    token_hash=_digest(token),
                    username=username,
                    label=label,
                    created_at=now,
                    expires_at=now + lifetime,
                )
            )
            return token

        return self._executor.execute(command)

    def user_for_token(self, token: str) -> User | None:
        """The active user a valid bearer token belongs to. Answers are kept for
        TOKEN_CACHE_SECONDS in this process (a token revoked by another process stops working
        within that delay; here at once), never past the token's expiry."""
        digest = _digest(token)
        now = time.monotonic()
        cached = self._tokens.get(digest)
        if cached is not None and cached[0] > now:
            user, expires_at = cached[1], cached[2]
            if expires_at is None or expires_at > self._clock.now():
                return user
        user, expires_at = self._lookup_token(digest)
        if len(self._tokens) > 10_000:
            self._tokens.clear()
        self._tokens[digest] = (now + TOKEN_CACHE_SECONDS, user, expires_at)
        return user

    def _lookup_token(self, digest: str) -> tuple[User | None, datetime | None]:
        def command(session: Session) -> tuple[User | None, datetime | None]:
            row = session.scalar(
                select(ApiTokenRecord).where(
                    ApiTokenRecord.token_hash == digest, ApiTokenRecord.revoked_at.is_(None)
                )
            )
            if row is None or (row.expires_at is not None and row.expires_at <= self._clock.now()):
                return None, None
            user = session.get(UserRecord, row.username)
            return (to_model(user) if user is not None and user.active else None), row.expires_at

        return self._executor.read(command)

    def tokens(self, username: str | None = None) -> list[ApiToken]:
        """The tokens of a user (of everyone without `username`), newest first."""
        query = select(ApiTokenRecord).order_by(ApiTokenRecord.id.desc())
        if username is not None:
            query = query.where(ApiTokenRecord.username == username)
        return self._executor.read(lambda s: [_token_model(r) for r in s.scalars(query)])

    def revoke_token(self, token: str) -> None:
        """Revoke a token given itself (its owner signing out of the API)."""
        self._revoke(ApiTokenRecord.token_hash == _digest(token), None)

    def revoke_token_id(self, token_id: int, *, owner: str | None = None) -> ApiToken:
        """Revoke a token by its id; with `owner`, only one of theirs (NotFoundError else)."""
        return self._revoke(ApiTokenRecord.id == token_id, owner)

    def _revoke(self, which: Any, owner: str | None) -> ApiToken:
        def command(session: Session) -> ApiToken:
            row = session.scalar(select(ApiTokenRecord).where(which))
            if row is None or (owner is not None and row.username != owner):
                raise NotFoundError("token not found")
            if row.revoked_at is None:
                row.revoked_at = self._clock.now()
            self._tokens.pop(row.token_hash, None)
            return _token_model(row)

        return self._executor.execute(command)


def _token_model(row: ApiTokenRecord) -> ApiToken:
    return ApiToken(row.id, row.username, row.label, row.created_at, row.expires_at,
                    row.revoked_at)  # fmt: skip


def _stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def to_model(record: UserRecord) -> User:
    return User(
        username=record.username,
        email=record.email,
        display_name=record.display_name,
        roles=tuple((record.roles or {}).get("roles", [])),
        active=record.active,
        profile=dict(record.profile or {}),
    )


def _audit(
    session: Session, username: str, at: datetime, actor: str, change: dict[str, Any]
) -> None:
    session.add(AccountChangeRecord(username=username, at=at, actor=actor, change=change))
