"""Data access: the only code that writes the engine's tables, one store per concern."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from .records import (
    HistoryRecord,
    IncidentRecord,
    InstanceRecord,
    OutboxRecord,
    ProcessVersionRecord,
    SubscriptionRecord,
    TimerRecord,
    UserTaskRecord,
)


class VersionStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, version_id: int) -> ProcessVersionRecord:
        record = self._session.get(ProcessVersionRecord, version_id)
        if record is None:
            raise NotFoundError(f"process version {version_id} not found")
        return record

    def latest(self, process_id: str) -> ProcessVersionRecord:
        record = self.find_latest(process_id)
        if record is None:
            raise NotFoundError(f"process {process_id!r} has no deployed version")
        return record

    def find_latest(self, process_id: str) -> ProcessVersionRecord | None:
        return self._session.scalars(
            select(ProcessVersionRecord)
            .where(ProcessVersionRecord.process_id == process_id)
            .order_by(ProcessVersionRecord.version.desc())
            .limit(1)
        ).first()

    def next_number(self, process_id: str) -> int:
        current = self._session.scalar(
            select(func.max(ProcessVersionRecord.version)).where(
                ProcessVersionRecord.process_id == process_id
            )
        )
        return (current or 0) + 1

    def add(self, record: ProcessVersionRecord) -> ProcessVersionRecord:
        self._session.add(record)
        self._session.flush()
        return record

    def list(self, process_id: str | None = None) -> Sequence[ProcessVersionRecord]:
        query = select(ProcessVersionRecord).order_by(
            ProcessVersionRecord.process_id, ProcessVersionRecord.version
        )
        if process_id is not None:
            query = query.where(ProcessVersionRecord.process_id == process_id)
        return self._session.scalars(query).all()

    def with_message_start(self, message_name: str) -> list[ProcessVersionRecord]:
        """The latest version of every process whose start event waits for this message."""
        latest = []
        for process_id in self._session.scalars(select(ProcessVersionRecord.process_id).distinct()):
            record = self.latest(process_id)
            if message_name in (record.message_starts or {}):
                latest.append(record)
        return latest


class InstanceStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, instance_id: str) -> InstanceRecord:
        record = self._session.get(InstanceRecord, instance_id)
        if record is None:
            raise NotFoundError(f"instance {instance_id} not found")
        return record

    def add(self, record: InstanceRecord) -> None:
        self._session.add(record)

    def sync_indexes(
        self,
        record: InstanceRecord,
        *,
        tasks: Iterable[UserTaskRecord],
        timers: Iterable[TimerRecord],
        subscriptions: Iterable[SubscriptionRecord],
        is_new: bool,
    ) -> list[UserTaskRecord]:
        """Make the task, timer and subscription rows match the instance, keeping stable rows.
        Returns the user tasks that just opened."""
        opened = _sync(
            self._session, UserTaskRecord, record.id, tasks, _task_key, is_new, _update_task
        )
        _sync(self._session, TimerRecord, record.id, timers, _timer_key, is_new, _update_timer)
        _sync(self._session, SubscriptionRecord, record.id, subscriptions, _sub_key, is_new, None)
        return opened


def _task_key(row: UserTaskRecord) -> Any:
    return row.id


def _timer_key(row: TimerRecord) -> Any:
    return row.task_id


def _sub_key(row: SubscriptionRecord) -> Any:
    return (row.task_id, row.message_name, row.correlation)


def _update_task(existing: UserTaskRecord, fresh: UserTaskRecord) -> None:
    # Claims live only in the index, so an existing row keeps its claim; a due time stays
    # once its escalation timer has fired (the task is then overdue, not undated).
    existing.assignee = fresh.assignee
    existing.due_at = fresh.due_at or existing.due_at


def _update_timer(existing: TimerRecord, fresh: TimerRecord) -> None:
    if existing.due_at != fresh.due_at:
        existing.due_at = fresh.due_at


def _sync(session, model, instance_id, fresh_rows, key, is_new, update) -> list[Any]:
    fresh = {key(row): row for row in fresh_rows}
    if is_new:
        session.add_all(fresh.values())
        return list(fresh.values())
    existing = {
        key(row): row
        for row in session.scalars(select(model).where(model.instance_id == instance_id))
    }
    for k, row in existing.items():
        if k not in fresh:
            session.delete(row)
        elif update is not None:
            update(row, fresh[k])
    added = [row for k, row in fresh.items() if k not in existing]
    session.add_all(added)
    return added


class TaskStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, task_id: str) -> UserTaskRecord:
        record = self._session.get(UserTaskRecord, str(task_id))
        if record is None:
            raise NotFoundError(f"task {task_id} not found or no longer open")
        return record


class TimerStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def due(self, now: datetime, limit: int) -> Sequence[TimerRecord]:
        return self._session.scalars(
            select(TimerRecord)
            .where(TimerRecord.due_at < now)
            .order_by(TimerRecord.due_at, TimerRecord.id)
            .limit(limit)
        ).all()

    def next_due(self) -> datetime | None:
        return self._session.scalar(select(func.min(TimerRecord.due_at)))


class SubscriptionStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def matching(self, message_name: str, correlation: str) -> list[str]:
        """Instances waiting for this message with these keys (or with no keys at all)."""
        rows = self._session.scalars(
            select(SubscriptionRecord.instance_id)
            .where(
                SubscriptionRecord.message_name == message_name,
                SubscriptionRecord.correlation.in_([correlation, "{}"]),
            )
            .distinct()
            .order_by(SubscriptionRecord.instance_id)
        )
        return list(rows)


class OutboxStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, record: OutboxRecord) -> None:
        self._session.add(record)


class HistoryStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, record: HistoryRecord) -> None:
        self._session.add(record)

    def task_completed(self, task_id: str) -> bool:
        query = select(HistoryRecord.id).where(
            HistoryRecord.task_id == task_id, HistoryRecord.action == "task_completed"
        )
        return self._session.scalar(query.limit(1)) is not None

    def for_instance(self, instance_id: str) -> Sequence[HistoryRecord]:
        return self._session.scalars(
            select(HistoryRecord)
            .where(HistoryRecord.instance_id == instance_id)
            .order_by(HistoryRecord.id)
        ).all()


def open_incident(
    session: Session,
    *,
    kind: str,
    instance_id: str | None,
    element_id: str | None,
    error: str,
    attempts: int,
    at: datetime,
    timer_id: int | None = None,
    outbox_id: int | None = None,
) -> None:
    """Record that a timer or a delivery failed every attempt and now waits for staff."""
    session.add(
        IncidentRecord(
            kind=kind,
            status="open",
            instance_id=instance_id,
            element_id=element_id,
            timer_id=timer_id,
            outbox_id=outbox_id,
            error=error,
            attempts=attempts,
            created_at=at,
        )
    )
