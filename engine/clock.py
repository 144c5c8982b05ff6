"""One clock for the whole engine: real in production, virtual in tests and simulation."""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to; thread-safe so a worker thread can read it."""

    def __init__(self, start: datetime) -> None:
        self._now = _aware(start)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = _aware(moment)

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now = self._now + delta
            return self._now


class EngineClock:
    """The configured clock as the engine reads it: within one command, time stands still.

    A command (one transaction) sees one instant, so a deadline checked at its start is the
    deadline its timers, scripts and receipt see: a deposit is on time or late as a whole.
    """

    def __init__(self, source: Clock) -> None:
        self.source = source

    def now(self) -> datetime:
        standing = _standing.get()
        if standing is not None and standing[0] is self:
            return standing[1]
        return self.source.now()

    @contextlib.contextmanager
    def standing_still(self) -> Iterator[datetime]:
        """Hold the current instant for the code inside (nested uses keep the outer one)."""
        standing = _standing.get()
        if standing is not None and standing[0] is self:
            yield standing[1]
            return
        moment = self.source.now()
        token = _standing.set((self, moment))
        try:
            yield moment
        finally:
            _standing.reset(token)


_standing: contextvars.ContextVar[tuple[EngineClock, datetime] | None] = contextvars.ContextVar(
    "concerto_instant", default=None
)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("clock times must be timezone-aware")
    return moment.astimezone(UTC)
