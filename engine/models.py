"""Frozen values the engine's services return: never ORM records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ProcessVersion:
    id: int
    process_id: str
    version: int
    name: str | None
    checksum: str
    author: str
    comment: str
    deployed_at: datetime | None  # None for a draft
    files: tuple[str, ...]
    state: str = "deployed"  # or "draft": saved, started by nobody until deployed
    saved_at: datetime | None = None


@dataclass(frozen=True)
class Instance:
    id: str
    process_id: str
    version_id: int
    business_key: str | None
    status: str
    variables: dict[str, Any]
    started_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    revision: int


@dataclass(frozen=True)
class UserTask:
    id: str
    instance_id: str
    process_id: str
    business_key: str | None
    element_id: str
    name: str | None
    lane: str | None
    form_key: str | None
    assignee: str | None
    claimed_by: str | None
    created_at: datetime
    due_at: datetime | None


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    instance_id: str
    at: datetime
    actor: str | None
    action: str
    element_id: str | None
    changes: dict[str, Any]


@dataclass(frozen=True)
class Activity:
    """An activity instance: one run of a BPMN element (a task, event, gateway, sub-process)."""

    instance_id: str
    task_id: str
    element_id: str
    element_type: str
    element_name: str | None
    state: str  # active, waiting, completed, cancelled or failed
    started_at: datetime
    ended_at: datetime | None
    actor: str | None
    changes: dict[str, Any]


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    instance_id: str | None
    topic: str
    kind: str | None
    recipient: str | None
    payload: dict[str, Any]
    status: str
    attempts: int
    created_at: datetime


@dataclass(frozen=True)
class PendingTimer:
    """A timer waiting in an instance, as its row in the timer index says."""

    instance_id: str
    element_id: str
    due_at: datetime
    attempts: int
    suspended: bool


@dataclass(frozen=True)
class FiredTimer:
    instance_id: str
    element_id: str
    due_at: datetime
    error: str | None = None


@dataclass(frozen=True)
class Incident:
    id: int
    kind: str
    status: str
    instance_id: str | None
    element_id: str | None
    error: str
    attempts: int
    created_at: datetime
    resolved_at: datetime | None
    resolution: str | None


@dataclass(frozen=True)
class WorkerInfo:
    id: str
    host: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime
    timers_fired: int
    messages_sent: int


@dataclass(frozen=True)
class EngineStatus:
    workers: tuple[WorkerInfo, ...]
    timers_pending: int
    timers_overdue: int
    timers_suspended: int
    next_timer: datetime | None
    outbox_backlog: int
    incidents_open: int


@dataclass(frozen=True)
class AccountChange:
    """One change of an account: `change` maps what changed to [before, after]."""

    username: str
    at: datetime
    actor: str | None
    change: dict[str, Any]


@dataclass(frozen=True)
class User:
    username: str
    email: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    profile: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ApiToken:
    """A bearer token as its owner and admins see it (never the token itself)."""

    id: int
    username: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class Notice:
    """A message for the outbox that belongs to no instance (an account's confirmation mail)."""

    topic: str
    kind: str
    recipient: str
    payload: dict[str, Any]
