"""OutboxService: hand outbox rows to the dispatcher of their topic, at least once, with retries.

Rows are written by steps in their transaction; a worker claims a batch under a lease, calls
the dispatcher outside any transaction, then marks each row sent or failed. A row is never
claimed by two workers at once, so a healthy system sends each message once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from .clock import Clock
from .commands import CommandExecutor
from .models import Notice, OutboxMessage
from .retries import RetryPolicy
from .storage.records import OutboxRecord
from .storage.stores import add_notice, open_incident

log = logging.getLogger(__name__)

Dispatcher = Callable[[OutboxMessage], None]

PENDING, SENT, DEAD, ABANDONED = "pending", "sent", "dead", "abandoned"


class OutboxService:
    def __init__(
        self,
        executor: CommandExecutor,
        clock: Clock,
        retries: RetryPolicy,
        dispatchers: Mapping[str, Dispatcher],
    ) -> None:
        self._executor = executor
        self._clock = clock
        self._retries = retries
        self._dispatchers = dict(dispatchers)

    def register(self, topic: str, dispatcher: Dispatcher) -> None:
        """Set what delivers a topic (for dispatchers that need the engine themselves)."""
        self._dispatchers[topic] = dispatcher

    def enqueue(self, notice: Notice) -> None:
        """Queue a message that belongs to no instance (a password reset mail, say)."""
        self._executor.execute(lambda s: add_notice(s, notice, self._clock.now()))

    def list(
        self, *, kind: str | None = None, topic: str | None = None, status: str | None = None
    ) -> list[OutboxMessage]:
        query = select(OutboxRecord).order_by(OutboxRecord.id)
        for column, value in (
            (OutboxRecord.kind, kind),
            (OutboxRecord.topic, topic),
            (OutboxRecord.status, status),
        ):
            if value is not None:
                query = query.where(column == value)
        return self._executor.read(lambda s: [to_model(r) for r in s.scalars(query)])

    def next_attempt(self) -> datetime | None:
        query = select(OutboxRecord.next_attempt_at).where(OutboxRecord.status == PENDING)
        return self._executor.read(
            lambda s: s.scalar(query.order_by(OutboxRecord.next_attempt_at).limit(1))
        )

    def claim(self, worker_id: str, *, limit: int = 50, lease: timedelta) -> list[OutboxMessage]:
        now = self._clock.now()
        ready = (
            select(OutboxRecord)
            .where(
                OutboxRecord.status == PENDING,
                or_(OutboxRecord.next_attempt_at.is_(None), OutboxRecord.next_attempt_at <= now),
                or_(OutboxRecord.locked_until.is_(None), OutboxRecord.locked_until < now),
            )
            .order_by(OutboxRecord.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )

        def command(session: Session) -> list[OutboxMessage]:
            rows = list(session.scalars(ready))
            for row in rows:
                row.locked_by, row.locked_until = worker_id, now + lease
            return [to_model(r) for r in rows]

        return self._executor.execute(command)

    def dispatch(
        self, worker_id: str, *, limit: int = 50, lease: timedelta = timedelta(minutes=2)
    ) -> tuple[int, int]:
        """Claim ready rows and deliver them; returns (sent, failed)."""
        sent = failed = 0
        for message in self.claim(worker_id, limit=limit, lease=lease):
            dispatcher = self._dispatchers.get(message.topic)
            try:
                if dispatcher is None:
                    raise LookupError(f"no dispatcher for topic {message.topic!r}")
                dispatcher(message)
            except Exception as exc:  # any delivery failure is retried, then an incident
                log.warning("outbox %s (%s) failed: %s", message.id, message.topic, exc)
                self._executor.execute(lambda s, m=message, e=exc: self._failed(s, m, e))
                failed += 1
                continue
            self._executor.execute(lambda s, m=message: self._sent(s, m, worker_id))
            sent += 1
        return sent, failed

    def release(self, worker_id: str) -> int:
        statement = (
            update(OutboxRecord)
            .where(OutboxRecord.locked_by == worker_id, OutboxRecord.status == PENDING)
            .values(locked_by=None, locked_until=None)
        )
        return self._executor.execute(lambda s: s.execute(statement).rowcount)

    def _sent(self, session: Session, message: OutboxMessage, worker_id: str) -> None:
        row = session.get(OutboxRecord, message.id)
        if row is not None:
            row.status, row.sent_at = SENT, self._clock.now()
            row.attempts += 1
            row.locked_by = row.locked_until = None

    def _failed(self, session: Session, message: OutboxMessage, error: Exception) -> None:
        row = session.get(OutboxRecord, message.id)
        if row is None:
            return
        now = self._clock.now()
        row.attempts += 1
        row.last_error = f"{type(error).__name__}: {error}"
        row.locked_by = row.locked_until = None
        if self._retries.exhausted(row.attempts):
            row.status = DEAD
            open_incident(
                session,
                kind="outbox",
                instance_id=row.instance_id,
                element_id=row.kind,
                error=row.last_error,
                attempts=row.attempts,
                at=now,
                outbox_id=row.id,
            )
        else:
            row.next_attempt_at = now + self._retries.delay(row.attempts)


def to_model(record: OutboxRecord) -> OutboxMessage:
    return OutboxMessage(
        id=record.id,
        instance_id=record.instance_id,
        topic=record.topic,
        kind=record.kind,
        recipient=record.recipient,
        payload=dict(record.payload or {}),
        status=record.status,
        attempts=record.attempts,
        created_at=record.created_at,
    )
