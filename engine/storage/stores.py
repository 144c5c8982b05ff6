"""Data access: the only code that writes the engine's tables, one store per concern."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, select, update
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from ..models import Notice
from .records import (
    HistoryRecord,
    IncidentRecord,
    OutboxRecord,
    ProcessVersionRecord,
    SubscriptionRecord,
    TimerRecord,
    UserTaskRecord,
)


@dataclass(frozen=True)
class VersionRef:
    """What a step needs of a version: its id and the key of its parsed spec."""

    id: int
    process_id: str
    checksum: str


_VERSIONS = ProcessVersionRecord.__table__
_REF = select(_VERSIONS.c.id, _VERSIONS.c.process_id, _VERSIONS.c.checksum)
_REF_BY_ID = _REF.where(_VERSIONS.c.id == bindparam("version_id"))
# The current version: the one deployed last (drafts start nothing).
_LATEST_REF = (
    _REF.where(
        _VERSIONS.c.process_id == bindparam("process_id"), _VERSIONS.c.deployment.is_not(None)
    )
    .order_by(_VERSIONS.c.deployment.desc())
    .limit(1)
)
_SPEC = select(_VERSIONS.c.spec).where(_VERSIONS.c.id == bindparam("version_id"))


class VersionStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def ref(self, version_id: int) -> VersionRef:
        row = self._session.connection().execute(_REF_BY_ID, {"version_id": version_id}).first()
        if row is None:
            raise NotFoundError(f"process version {version_id} not found")
        return VersionRef(*row)

    def latest_ref(self, process_id: str) -> VersionRef:
        row = self._session.connection().execute(_LATEST_REF, {"process_id": process_id}).first()
        if row is None:
            raise NotFoundError(f"process {process_id!r} has no deployed version")
        return VersionRef(*row)

    def spec(self, version_id: int) -> dict[str, Any]:
        """The parsed spec as stored (large: read only when the spec cache misses)."""
        return self._session.connection().execute(_SPEC, {"version_id": version_id}).scalar_one()

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

    def find_latest(self, process_id: str, *, drafts: bool = False) -> ProcessVersionRecord | None:
        """The current version (the one deployed last), or with `drafts` the last saved."""
        query = select(ProcessVersionRecord).where(ProcessVersionRecord.process_id == process_id)
        if drafts:
            query = query.order_by(ProcessVersionRecord.version.desc())
        else:
            query = query.where(ProcessVersionRecord.deployment.is_not(None)).order_by(
                ProcessVersionRecord.deployment.desc()
            )
        return self._session.scalars(query.limit(1)).first()

    def next_deployment(self, process_id: str) -> int:
        current = self._session.scalar(
            select(func.max(ProcessVersionRecord.deployment)).where(
                ProcessVersionRecord.process_id == process_id
            )
        )
        return (current or 0) + 1

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

    def with_message_start(self, message_name: str) -> list[VersionRef]:
        """The latest version of every process whose start event waits for this message."""
        return self._starting_on(lambda record: record.message_starts, message_name)

    def with_signal_start(self, signal_name: str) -> list[VersionRef]:
        """The latest version of every process whose start event waits for this signal."""
        return self._starting_on(lambda record: record.signal_starts, signal_name)

    def _starting_on(
        self, starts: Callable[[ProcessVersionRecord], dict[str, Any] | None], name: str
    ) -> list[VersionRef]:
        latest = []
        for process_id in self._session.scalars(select(ProcessVersionRecord.process_id).distinct()):
            record = self.latest(process_id)
            if name in (starts(record) or {}):
                latest.append(VersionRef(record.id, record.process_id, record.checksum))
        return latest


_TASKS = UserTaskRecord.__table__
_TASK = select(_TASKS).where(_TASKS.c.id == bindparam("task_id"))
_CLAIM = (
    update(_TASKS).where(_TASKS.c.id == bindparam("task_id")).values(claimed_by=bindparam("by"))
)


class TaskStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, task_id: str) -> Row[Any]:
        row = self._session.connection().execute(_TASK, {"task_id": str(task_id)}).first()
        if row is None:
            raise NotFoundError(f"task {task_id} not found or no longer open")
        return row

    def set_claim(self, task_id: str, by: str | None) -> None:
        self._session.connection().execute(_CLAIM, {"task_id": str(task_id), "by": by})


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

    def matching(self, message_name: str, correlation: str, kind: str = "message") -> list[str]:
        """Instances waiting for this message with these keys (or with no keys at all), or
        for this signal."""
        rows = self._session.scalars(
            select(SubscriptionRecord.instance_id)
            .where(
                SubscriptionRecord.kind == kind,
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


def add_notice(session: Session, notice: Notice, at: datetime) -> None:
    """Queue a message that belongs to no instance; it leaves with the command's commit."""
    session.add(
        OutboxRecord(
            instance_id=None,
            topic=notice.topic,
            kind=notice.kind,
            recipient=notice.recipient,
            payload=dict(notice.payload),
            status="pending",
            attempts=0,
            created_at=at,
            next_attempt_at=at,
        )
    )


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


def close_incidents(session: Session, instance_id: str, *, resolution: str, at: datetime) -> None:
    """Resolve the open incidents of an instance that no longer runs (cancelled)."""
    session.execute(
        update(IncidentRecord)
        .where(IncidentRecord.instance_id == instance_id, IncidentRecord.status == "open")
        .values(status="resolved", resolved_at=at, resolution=resolution)
    )
