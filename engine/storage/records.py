"""ORM records: the engine's tables. Only engine/storage knows them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and gives them back aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class ProcessVersionRecord(Base):
    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int]
    name: Mapped[str | None] = mapped_column(String(300))
    checksum: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[datetime | None]
    deployed_at: Mapped[datetime | None]  # None: a draft, started by nobody until deployed
    # The order of deployments of the process: the highest is current (whatever the clock).
    deployment: Mapped[int | None]
    # Large, and read only on a cache miss or a download: loaded on first access.
    files: Mapped[dict[str, Any]] = mapped_column(deferred=True)  # file name -> text
    spec: Mapped[dict[str, Any]] = mapped_column(deferred=True)  # spec + subprocess specs
    message_starts: Mapped[dict[str, Any]]  # message name -> start event id
    signal_starts: Mapped[dict[str, Any] | None]  # signal name -> start event id


class InstanceRecord(Base):
    __tablename__ = "instance"
    __table_args__ = (
        Index("ix_instance_process_status", "process_id", "status"),
        # Who started which instances of a process (an applicant's dossiers), newest first.
        Index("ix_instance_process_started_by", "process_id", "started_by", "started_at"),
        # A business key names one instance of a process (a call, a dossier); NULLs are free.
        UniqueConstraint("process_id", "business_key"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200))
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    business_key: Mapped[str | None] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(Text)  # SpiffWorkflow JSON without the spec
    variables: Mapped[dict[str, Any]]
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    started_by: Mapped[str | None] = mapped_column(String(200))
    # Optimistic concurrency: every step's UPDATE names the revision it read
    # (storage/instances.py); only the engine's prebuilt statements write this table.
    revision: Mapped[int] = mapped_column(Integer, nullable=False)


class SummaryRecord(Base):
    """An instance's summary (engine/summaries.py): the fields lists and figures read, in a row
    narrow enough that thousands are read in milliseconds."""

    __tablename__ = "instance_summary"
    __table_args__ = (Index("ix_instance_summary_process_key", "process_id", "business_key"),)

    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instance.id", ondelete="CASCADE"), primary_key=True
    )
    process_id: Mapped[str] = mapped_column(String(200))
    business_key: Mapped[str | None] = mapped_column(String(200))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    search: Mapped[str] = mapped_column(Text, default="")


class UserTaskRecord(Base):
    """One row per open user task, kept in step with the instance: the inbox reads only this."""

    __tablename__ = "user_task"
    __table_args__ = (
        # The inbox of a lane: its unassigned tasks, oldest first, read from the index alone.
        Index(
            "ix_user_task_unassigned",
            "lane",
            "created_at",
            "id",
            postgresql_where=text("assignee IS NULL AND claimed_by IS NULL"),
            sqlite_where=text("assignee IS NULL AND claimed_by IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instance.id", ondelete="CASCADE"), index=True
    )
    process_id: Mapped[str] = mapped_column(String(200))
    business_key: Mapped[str | None] = mapped_column(String(200), index=True)
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(300))
    lane: Mapped[str | None] = mapped_column(String(200), index=True)
    form_key: Mapped[str | None] = mapped_column(String(200))
    assignee: Mapped[str | None] = mapped_column(String(200), index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]


class TimerRecord(Base):
    __tablename__ = "timer"
    __table_args__ = (UniqueConstraint("instance_id", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instance.id", ondelete="CASCADE"))
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(index=True)
    # Its instance's, as the task index keeps them: where instances wait is counted from
    # these rows alone (RuntimeService.waiting).
    process_id: Mapped[str | None] = mapped_column(String(200))
    business_key: Mapped[str | None] = mapped_column(String(200))
    # A worker's claim: the timer is its own until the lease ends (then anyone may take it).
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None]
    # Failed firings: retried with backoff, suspended when attempts run out (an incident).
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    retry_at: Mapped[datetime | None]
    suspended: Mapped[bool] = mapped_column(default=False, server_default=false())
    last_error: Mapped[str | None] = mapped_column(Text)


class SubscriptionRecord(Base):
    """A waiting message or signal catch, matched without loading instances."""

    __tablename__ = "message_subscription"
    __table_args__ = (
        # One per message a task waits for: an event-based gateway waits for several.
        UniqueConstraint("instance_id", "task_id", "message_name"),
        Index("ix_message_subscription_lookup", "message_name", "correlation"),
    )
    # "message" or "signal" (a signal reaches every instance waiting for it, with no keys).
    kind: Mapped[str] = mapped_column(String(10), default="message", server_default="message")

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instance.id", ondelete="CASCADE"))
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(200))
    message_name: Mapped[str] = mapped_column(String(200))
    correlation: Mapped[str] = mapped_column(String(500))  # canonical JSON of the keys


class BufferedMessageRecord(Base):
    """A message no instance waited for, kept until a matching catch opens or it expires."""

    __tablename__ = "message_buffer"
    __table_args__ = (Index("ix_message_buffer_lookup", "message_name", "correlation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_name: Mapped[str] = mapped_column(String(200))
    correlation: Mapped[str] = mapped_column(String(500))  # canonical JSON of the keys
    payload: Mapped[dict[str, Any]]  # {"value": the payload}
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class OutboxRecord(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    topic: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str | None] = mapped_column(String(100), index=True)
    recipient: Mapped[str | None] = mapped_column(String(300))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class HistoryRecord(Base):
    """Append-only audit: one row per step (who, what, when, which data changed)."""

    __tablename__ = "history"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(String(36), index=True)
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    element_id: Mapped[str | None] = mapped_column(String(200))
    element_name: Mapped[str | None] = mapped_column(String(300))
    changes: Mapped[dict[str, Any]]


class ActivityRecord(Base):
    """One row per activity instance (engine/activities.py): when it started and ended, how,
    by whom, and the data it changed."""

    __tablename__ = "activity"
    __table_args__ = (UniqueConstraint("instance_id", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(String(36), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(200))
    element_type: Mapped[str] = mapped_column(String(50))
    element_name: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    actor: Mapped[str | None] = mapped_column(String(200))
    changes: Mapped[dict[str, Any]]


class IncidentRecord(Base):
    """A timer or outbox delivery that failed every attempt, waiting for staff."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "timer" or "outbox"
    status: Mapped[str] = mapped_column(String(20), index=True)  # "open" or "resolved"
    instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    element_id: Mapped[str | None] = mapped_column(String(200))
    timer_id: Mapped[int | None]
    outbox_id: Mapped[int | None]
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int]
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(Text)


class WorkerRecord(Base):
    """A worker process and its heartbeat, for `concerto status`."""

    __tablename__ = "worker"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int]
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]
    stopped_at: Mapped[datetime | None]
    timers_fired: Mapped[int] = mapped_column(default=0)
    messages_sent: Mapped[int] = mapped_column(default=0)


class UserRecord(Base):
    """A person who signs in: staff, reviewer, commission member, applicant or observer."""

    __tablename__ = "app_user"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(300))
    display_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[dict[str, Any]]  # {"roles": [...]}: JSON holds a list portably this way
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime]
    # What the application keeps of a person beyond their account (an applicant's organisation).
    profile: Mapped[dict[str, Any] | None]


class AccountChangeRecord(Base):
    """Who changed an account, when, and what (created, roles, active): the people's audit."""

    __tablename__ = "account_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(
        ForeignKey("app_user.username", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(100))
    change: Mapped[dict[str, Any]]  # {"roles": [before, after]}, {"active": [...]}, {"created": …}


class ApiTokenRecord(Base):
    """A bearer token for the API; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    username: Mapped[str] = mapped_column(ForeignKey("app_user.username", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]


class UserSessionRecord(Base):
    """A sign-in session of the pages; its cookie names it, and signing out ends it here, so
    that a replayed cookie is refused. Only the SHA-256 of its id is stored."""

    __tablename__ = "user_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(
        ForeignKey("app_user.username", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class DocumentRecord(Base):
    """A document a process produced (a receipt, a convention), kept with its instance."""

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("instance_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instance.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime]
