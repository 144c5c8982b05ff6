"""ManagementService: schema, incidents and their retries, workers' heartbeats, engine status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.orm import Session

from .clock import Clock
from .commands import CommandExecutor
from .errors import ConflictError, NotFoundError
from .models import EngineStatus, Incident, WorkerInfo
from .storage.records import Base, IncidentRecord, OutboxRecord, TimerRecord, WorkerRecord

MIGRATIONS = Path(__file__).parent / "migrations"
LIVE_AFTER = timedelta(seconds=15)  # a worker silent longer than this is not counted as live


class ManagementService:
    def __init__(
        self,
        sql_engine: SqlEngine,
        executor: CommandExecutor,
        clock: Clock,
        *,
        after_upgrade: Callable[[], object] = lambda: None,
        retry_instance: Callable[[Session, str, str], object] = lambda s, i, a: None,
    ) -> None:
        self._sql = sql_engine
        self._executor = executor
        self._clock = clock
        self._after_upgrade = after_upgrade
        self._retry_instance = retry_instance

    # --- schema ---------------------------------------------------------------------------

    def create_schema(self) -> None:
        """Create or upgrade the tables to the latest migration, then fill what a migration
        cannot (the summaries of the instances already there)."""
        with self._sql.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")
        self._after_upgrade()

    def drop_schema(self) -> None:
        with self._sql.begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))

    # --- incidents ------------------------------------------------------------------------

    def incidents(self, *, status: str | None = "open") -> list[Incident]:
        query = select(IncidentRecord).order_by(IncidentRecord.id)
        if status is not None:
            query = query.where(IncidentRecord.status == status)
        return self._executor.read(lambda s: [_incident(r) for r in s.scalars(query)])

    def retry_incident(self, incident_id: int, *, actor: str) -> Incident:
        """Close the incident and try its timer or message again now, with fresh attempts;
        an instance an uncaught error stopped runs again from the element that threw it (in
        this same transaction: if it throws again, a new incident opens)."""

        def run(session: Session) -> Incident:
            incident = _open_incident(session, incident_id)
            now = self._clock.now()
            if incident.timer_id is not None:
                timer = session.get(TimerRecord, incident.timer_id)
                if timer is not None:
                    timer.attempts, timer.suspended, timer.retry_at = 0, False, None
            if incident.outbox_id is not None:
                row = session.get(OutboxRecord, incident.outbox_id)
                if row is not None:
                    row.status, row.attempts, row.next_attempt_at = "pending", 0, now
            incident.status, incident.resolved_at = "resolved", now
            incident.resolution = f"retried by {actor}"
            if incident.kind == "error" and incident.instance_id is not None:
                self._retry_instance(session, incident.instance_id, actor)
            return _incident(incident)

        return self._executor.execute(run)

    def resolve_incident(self, incident_id: int, *, note: str, actor: str) -> Incident:
        """Close the incident without retrying (handled by hand): a message is abandoned, a
        timer stays suspended until its instance is changed or cancelled."""

        def run(session: Session) -> Incident:
            incident = _open_incident(session, incident_id)
            if incident.outbox_id is not None:
                row = session.get(OutboxRecord, incident.outbox_id)
                if row is not None:
                    row.status = "abandoned"
            incident.status, incident.resolved_at = "resolved", self._clock.now()
            incident.resolution = f"{note} ({actor})"
            return _incident(incident)

        return self._executor.execute(run)

    # --- workers and status ---------------------------------------------------------------

    def register_worker(self, worker_id: str, *, host: str, pid: int) -> None:
        now = self._clock.now()

        def run(session: Session) -> None:
            session.add(
                WorkerRecord(
                    id=worker_id,
                    host=host,
                    pid=pid,
                    started_at=now,
                    heartbeat_at=now,
                    timers_fired=0,
                    messages_sent=0,
                )
            )

        self._executor.execute(run)

    def heartbeat(self, worker_id: str, *, fired: int = 0, sent: int = 0) -> None:
        def run(session: Session) -> None:
            worker = session.get(WorkerRecord, worker_id)
            if worker is not None:
                worker.heartbeat_at = self._clock.now()
                worker.timers_fired += fired
                worker.messages_sent += sent

        self._executor.execute(run)

    def stop_worker(self, worker_id: str) -> None:
        def run(session: Session) -> None:
            worker = session.get(WorkerRecord, worker_id)
            if worker is not None:
                worker.stopped_at = self._clock.now()

        self._executor.execute(run)

    def status(self) -> EngineStatus:
        now = self._clock.now()

        def run(session: Session) -> EngineStatus:
            workers = session.scalars(
                select(WorkerRecord)
                .where(WorkerRecord.stopped_at.is_(None))
                .where(WorkerRecord.heartbeat_at > now - LIVE_AFTER)
                .order_by(WorkerRecord.started_at)
            )
            active = TimerRecord.suspended.is_(False)
            return EngineStatus(
                workers=tuple(_worker(w) for w in workers),
                timers_pending=_count(session, TimerRecord, active),
                timers_overdue=_count(session, TimerRecord, active, TimerRecord.due_at < now),
                timers_suspended=_count(session, TimerRecord, TimerRecord.suspended.is_(True)),
                next_timer=session.scalar(select(func.min(TimerRecord.due_at)).where(active)),
                outbox_backlog=_count(session, OutboxRecord, OutboxRecord.status == "pending"),
                incidents_open=_count(session, IncidentRecord, IncidentRecord.status == "open"),
            )

        return self._executor.read(run)


def _count(session: Session, model, *conditions) -> int:  # type: ignore[no-untyped-def]
    return int(session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)


def _open_incident(session: Session, incident_id: int) -> IncidentRecord:
    incident = session.get(IncidentRecord, incident_id)
    if incident is None:
        raise NotFoundError(f"incident {incident_id} not found")
    if incident.status != "open":
        raise ConflictError(f"incident {incident_id} is already {incident.status}")
    return incident


def _incident(record: IncidentRecord) -> Incident:
    return Incident(
        id=record.id,
        kind=record.kind,
        status=record.status,
        instance_id=record.instance_id,
        element_id=record.element_id,
        error=record.error,
        attempts=record.attempts,
        created_at=record.created_at,
        resolved_at=record.resolved_at,
        resolution=record.resolution,
    )


def _worker(record: WorkerRecord) -> WorkerInfo:
    return WorkerInfo(
        id=record.id,
        host=record.host,
        pid=record.pid,
        started_at=record.started_at,
        heartbeat_at=record.heartbeat_at,
        timers_fired=record.timers_fired,
        messages_sent=record.messages_sent,
    )


def _alembic_config(connection) -> Config:  # type: ignore[no-untyped-def]
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def make_revision(database_url: str, message: str) -> None:
    """Autogenerate a migration against an up-to-date database (developer tool)."""
    from .commands import make_sql_engine

    sql = make_sql_engine(database_url)
    with sql.begin() as connection:
        command.revision(_alembic_config(connection), message=message, autogenerate=True)
