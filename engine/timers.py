"""TimerService: fire due timers, each in its own command so one failure undoes no other."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from .clock import Clock
from .commands import CommandExecutor
from .errors import EngineError
from .execution import RUNNING
from .models import FiredTimer
from .steps import Runner, Steps
from .storage.records import TimerRecord
from .storage.stores import TimerStore

log = logging.getLogger(__name__)


class TimerService:
    def __init__(self, executor: CommandExecutor, runner: Runner, clock: Clock) -> None:
        self._executor = executor
        self._runner = runner
        self._clock = clock

    def next_due(self) -> datetime | None:
        """When the earliest waiting timer is due, or None."""
        return self._executor.execute(lambda s: TimerStore(s).next_due())

    def fire_due(self, *, limit: int = 500) -> list[FiredTimer]:
        """Advance every instance with a timer due by now (engine clock), in due order."""
        now = self._clock.now()
        due = self._executor.execute(
            lambda s: [(t.id, t.instance_id) for t in TimerStore(s).due(now, limit)]
        )
        fired: list[FiredTimer] = []
        for timer_id, instance_id in due:
            try:
                result = self._executor.execute(lambda s, t=timer_id: self._fire(s, t))
            except EngineError as exc:
                log.warning("timer %s of instance %s failed: %s", timer_id, instance_id, exc)
                fired.append(FiredTimer(instance_id, "", now, error=str(exc)))
                continue
            if result is not None:
                fired.append(result)
        return fired

    def _fire(self, session: Session, timer_id: int) -> FiredTimer | None:
        timer = session.get(TimerRecord, timer_id)
        if timer is None:  # fired meanwhile, with another timer of the same instance
            return None
        fired = FiredTimer(timer.instance_id, timer.element_id, timer.due_at)
        steps = Steps(session, self._runner)
        execution = steps.load(timer.instance_id)
        if execution.status != RUNNING:
            return None
        execution.run()
        steps.record(execution, "timer_fired", None, timer.element_id)
        steps.save()
        return fired
