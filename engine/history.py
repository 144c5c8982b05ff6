"""HistoryService: the append-only audit of every step, and the outbox as written."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .commands import CommandExecutor
from .models import HistoryEntry, OutboxMessage
from .storage.records import OutboxRecord
from .storage.stores import HistoryStore


class HistoryService:
    def __init__(self, executor: CommandExecutor) -> None:
        self._executor = executor

    def for_instance(self, instance_id: str) -> list[HistoryEntry]:
        def command(session: Session) -> list[HistoryEntry]:
            return [
                HistoryEntry(
                    id=r.id,
                    instance_id=r.instance_id,
                    at=r.at,
                    actor=r.actor,
                    action=r.action,
                    element_id=r.element_id,
                    changes=dict(r.changes or {}),
                )
                for r in HistoryStore(session).for_instance(instance_id)
            ]

        return self._executor.execute(command)

    def outbox(self, *, kind: str | None = None, topic: str | None = None) -> list[OutboxMessage]:
        query = select(OutboxRecord).order_by(OutboxRecord.id)
        if kind is not None:
            query = query.where(OutboxRecord.kind == kind)
        if topic is not None:
            query = query.where(OutboxRecord.topic == topic)
        return self._executor.execute(
            lambda s: [
                OutboxMessage(
                    id=r.id,
                    instance_id=r.instance_id,
                    topic=r.topic,
                    kind=r.kind,
                    recipient=r.recipient,
                    payload=dict(r.payload or {}),
                    status=r.status,
                    attempts=r.attempts,
                    created_at=r.created_at,
                )
                for r in s.scalars(query)
            ]
        )
