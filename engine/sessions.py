"""SessionService: the sign-in sessions of the pages, kept server-side so that signing out
(or a new password) ends them, and a cookie replayed afterwards names an ended session."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .clock import Clock
from .commands import CommandExecutor
from .errors import NotFoundError
from .identity import to_model
from .models import User
from .storage.records import UserRecord, UserSessionRecord


class SessionService:
    def __init__(self, executor: CommandExecutor, clock: Clock) -> None:
        self._executor = executor
        self._clock = clock

    def open(self, username: str) -> str:
        """A new session of the user; its id goes in the cookie and is shown only there."""
        session_id = secrets.token_urlsafe(32)

        def command(session: Session) -> str:
            if session.get(UserRecord, username) is None:
                raise NotFoundError(f"user {username!r} not found")
            session.add(UserSessionRecord(id_hash=_digest(session_id), username=username,
                                          created_at=self._clock.now()))  # fmt: skip
            return session_id

        return self._executor.execute(command)

    def user_of(self, session_id: str | None) -> User | None:
        """The active user of an open session; None for an ended or unknown one."""
        if not session_id:
            return None

        def query(session: Session) -> User | None:
            row = session.scalar(
                select(UserRecord)
                .join(UserSessionRecord, UserSessionRecord.username == UserRecord.username)
                .where(
                    UserSessionRecord.id_hash == _digest(session_id),
                    UserSessionRecord.ended_at.is_(None),
                )
            )
            return to_model(row) if row is not None and row.active else None

        return self._executor.read(query)

    def end(self, session_id: str | None) -> None:
        if session_id:
            self._end(UserSessionRecord.id_hash == _digest(session_id))

    def end_all(self, username: str) -> None:
        """Every open session of the user (a new password, an account deactivated)."""
        self._end(UserSessionRecord.username == username)

    def _end(self, which: object) -> None:
        def command(session: Session) -> None:
            session.execute(
                update(UserSessionRecord)
                .where(which, UserSessionRecord.ended_at.is_(None))  # type: ignore[arg-type]
                .values(ended_at=self._clock.now())
            )

        self._executor.execute(command)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()
