"""TimerService: claim due timers under a lease and fire each in its own command.

The timer table is the only truth. Several workers may claim at once: a claim is a conditional
update (with SKIP LOCKED on PostgreSQL), and the instance's version column makes sure that even
a worker whose lease ran out cannot commit a step twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from .clock import Clock
from .commands import CommandExecutor
from .errors import ConflictError, EngineError, ProcessError
from .execution import RUNNING
from .models import FiredTimer, PendingTimer
from .retries import RetryPolicy
from .steps import Runner, Steps
from .storage.records import TimerRecord
from .storage.stores import open_incident

log = logging.getLogger(__name__)

LOCAL_WORKER = "local"


class TimerService:
    def __init__(
        self, executor: CommandExecutor, runner: Runner, clock: Clock, retries: RetryPolicy
    ) -> None:
        self._executor = executor
        self._runner = runner
        self._clock = clock
        self._retries = retries

    def next_due(self) -> datetime | None:
        """When the earliest active timer is due (or may be retried), or None."""
        moment = func.coalesce(TimerRecord.retry_at, TimerRecord.due_at)
        query = select(func.min(moment)).where(TimerRecord.suspended.is_(False))
        return self._executor.read(lambda s: s.scalar(query))

    def pending(
        self,
        instance_id: str | None = None,
        *,
        overdue_at: datetime | None = None,
        limit: int | None = None,
    ) -> list[PendingTimer]:
        """Waiting timers (of one instance, or all), earliest first; with `overdue_at`, only
        the live ones due before it (a worker should have fired them); the first `limit`."""
        query = (
            select(
                TimerRecord.instance_id,
                TimerRecord.element_id,
                TimerRecord.due_at,
                TimerRecord.attempts,
                TimerRecord.suspended,
            )
            .order_by(TimerRecord.due_at, TimerRecord.id)
            .limit(limit)
        )
        if instance_id is not None:
            query = query.where(TimerRecord.instance_id == instance_id)
        if overdue_at is not None:
            query = query.where(TimerRecord.suspended.is_(False), TimerRecord.due_at < overdue_at)
        return self._executor.read(
            lambda s: [PendingTimer(**row._mapping) for row in s.execute(query)]
        )

    def claim(self, worker_id: str, *, limit: int = 100, lease: timedelta) -> list[int]:
        """Take up to `limit` due timers for `lease`, earliest first; returns their ids."""
        now = self._clock.now()
        due = (
            select(TimerRecord.id)
            .where(
                TimerRecord.due_at <= now,  # a timer fires at its due time
                TimerRecord.suspended.is_(False),
                or_(TimerRecord.retry_at.is_(None), TimerRecord.retry_at <= now),
                or_(TimerRecord.locked_until.is_(None), TimerRecord.locked_until < now),
            )
            .order_by(TimerRecord.due_at, TimerRecord.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )

        def command(session: Session) -> list[int]:
            ids = list(session.scalars(due))
            if ids:
                session.execute(
                    update(TimerRecord)
                    .where(TimerRecord.id.in_(ids))
                    .values(locked_by=worker_id, locked_until=now + lease)
                )
            return ids

        return self._executor.execute(command)

    def fire(self, timer_id: int, *, worker_id: str = LOCAL_WORKER) -> list[FiredTimer]:
        """Run the step of one claimed timer: the timers it fired (this one, and every other
        timer of its instance due by then, each with its own audit row). Empty if the timer was
        gone or taken over meanwhile; a failure is recorded on the timer (retry with backoff,
        then an incident) and returned as one entry with its error."""
        try:
            return self._executor.execute(lambda s: self._fire(s, timer_id, worker_id))
        except ConflictError:
            # Another step on this instance committed first; the timer, if still there, is
            # handed back at once rather than at the end of the lease.
            self._executor.execute(lambda s: self._unlock(s, timer_id, worker_id))
            return []
        except EngineError as exc:
            error = str(exc)
            log.warning("timer %s failed: %s", timer_id, error)
            self._executor.execute(lambda s: self._record_failure(s, timer_id, error))
            return [FiredTimer("", "", self._clock.now(), error=error)]

    def release(self, worker_id: str) -> int:
        """Give back every lease a worker holds (on shutdown)."""
        statement = (
            update(TimerRecord)
            .where(TimerRecord.locked_by == worker_id)
            .values(locked_by=None, locked_until=None)
        )
        return self._executor.execute(lambda s: s.execute(statement).rowcount)

    def fire_due(self, *, limit: int = 500) -> list[FiredTimer]:
        """Claim and fire every due timer in this process (tests, simulation, one-shot runs)."""
        fired = []
        for timer_id in self.claim(LOCAL_WORKER, limit=limit, lease=timedelta(minutes=5)):
            fired.extend(self.fire(timer_id))
        return fired

    def _fire(self, session: Session, timer_id: int, worker_id: str) -> list[FiredTimer]:
        timer = session.get(TimerRecord, timer_id)
        if timer is None or timer.locked_by != worker_id:
            return []
        element_id, due_at, task_id = timer.element_id, timer.due_at, timer.task_id
        steps = Steps(session, self._runner)
        execution = steps.load(timer.instance_id)
        if execution.status != RUNNING:
            session.delete(timer)
            return []
        execution.run()
        if execution.timer_still_due(task_id, due_at):
            # The workflow did not take the timer: never spin on it, treat it as a failure.
            raise ProcessError(f"timer {element_id} is due but did not fire")
        steps.save()
        return steps.fired

    def _unlock(self, session: Session, timer_id: int, worker_id: str) -> None:
        timer = session.get(TimerRecord, timer_id)
        if timer is not None and timer.locked_by == worker_id:
            timer.locked_by = timer.locked_until = None

    def _record_failure(self, session: Session, timer_id: int, error: str) -> None:
        timer = session.get(TimerRecord, timer_id)
        if timer is None:
            return
        now = self._clock.now()
        timer.attempts += 1
        timer.last_error = error
        timer.locked_by = timer.locked_until = None
        if self._retries.exhausted(timer.attempts):
            timer.suspended = True
            open_incident(
                session,
                kind="timer",
                instance_id=timer.instance_id,
                element_id=timer.element_id,
                error=error,
                attempts=timer.attempts,
                at=now,
                timer_id=timer.id,
            )
        else:
            timer.retry_at = now + self._retries.delay(timer.attempts)
