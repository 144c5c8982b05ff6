"""The worker: fires due timers and delivers the outbox, as many processes as the load needs.

The timer table stays the only truth. APScheduler (with its own in-memory job store, never
shared) only decides when to look: a poll every second notices timers other processes added,
and a one-shot job wakes the worker exactly when the next known timer falls due.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from .engine import Engine

log = logging.getLogger(__name__)

WAKE_MARGIN = timedelta(milliseconds=5)  # timers fire strictly after their due time


@dataclass(frozen=True)
class WorkerSettings:
    poll_interval: float = 1.0  # seconds between looks for work added elsewhere
    batch: int = 100  # timers claimed at once
    lease: timedelta = timedelta(seconds=60)  # claims expire after this if the worker dies
    heartbeat_interval: float = 5.0
    outbox_batch: int = 50


class Worker:
    def __init__(
        self, engine: Engine, settings: WorkerSettings | None = None, worker_id: str | None = None
    ) -> None:
        self.engine = engine
        self.settings = settings or WorkerSettings()
        self.id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._stopping = threading.Event()
        self._busy = threading.Lock()
        self._fired = self._sent = 0
        self._scheduler = BackgroundScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone="UTC",
        )

    # --- lifecycle ------------------------------------------------------------------------

    def run_forever(self, *, handle_signals: bool = True) -> None:
        """Work until stop() or SIGTERM/SIGINT; the step in hand is finished, leases released."""
        if handle_signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.stop())
        self.start()
        self._stopping.wait()
        self.shutdown()

    def start(self) -> None:
        self.engine.management.register_worker(self.id, host=socket.gethostname(), pid=os.getpid())
        settings = self.settings
        self._scheduler.add_job(self.tick, "interval", seconds=settings.poll_interval, id="poll")
        self._scheduler.add_job(
            self._beat, "interval", seconds=settings.heartbeat_interval, id="heartbeat"
        )
        self._scheduler.start()
        self._scheduler.add_job(self.tick, id="first-look")  # catch up at once after downtime
        log.info("worker %s started", self.id)

    def stop(self) -> None:
        self._stopping.set()

    def shutdown(self) -> None:
        self._stopping.set()
        self._scheduler.shutdown(wait=True)  # waits for the tick in progress
        with self._busy:
            released = self.engine.timers.release(self.id) + self.engine.outbox.release(self.id)
            self._beat()
            self.engine.management.stop_worker(self.id)
        log.info("worker %s stopped (%d leases released)", self.id, released)

    # --- work -----------------------------------------------------------------------------

    def tick(self) -> None:
        """Fire every due timer, deliver ready outbox rows, then plan the next wake-up."""
        if not self._busy.acquire(blocking=False):
            return  # a tick is already running; it will plan the next one
        try:
            self._fire_due()
            self._dispatch()
            self._plan_wake_up()
        except Exception:  # the worker must survive a database hiccup; the next poll retries
            log.exception("worker %s tick failed", self.id)
        finally:
            self._busy.release()

    def _fire_due(self) -> None:
        settings = self.settings
        while not self._stopping.is_set():
            claimed = self.engine.timers.claim(self.id, limit=settings.batch, lease=settings.lease)
            for timer_id in claimed:
                if self._stopping.is_set():
                    return  # leases are released on shutdown
                self._fired += len(self.engine.timers.fire(timer_id, worker_id=self.id))
            if len(claimed) < settings.batch:
                return

    def _dispatch(self) -> None:
        while not self._stopping.is_set():
            sent, failed = self.engine.outbox.dispatch(
                self.id, limit=self.settings.outbox_batch, lease=self.settings.lease
            )
            self._sent += sent
            if sent + failed < self.settings.outbox_batch:
                return

    def _plan_wake_up(self) -> None:
        moments = [self.engine.timers.next_due(), self.engine.outbox.next_attempt()]
        upcoming = [m for m in moments if m is not None]
        if not upcoming or self._stopping.is_set():
            return
        run_date = max(min(upcoming), self.engine.clock.now()) + WAKE_MARGIN
        self._scheduler.add_job(
            self.tick, "date", run_date=run_date, id="wake-up", replace_existing=True
        )

    def _beat(self) -> None:
        fired, sent = self._fired, self._sent
        self._fired = self._sent = 0
        try:
            self.engine.management.heartbeat(self.id, fired=fired, sent=sent)
        except Exception:
            log.exception("worker %s heartbeat failed", self.id)

    def __enter__(self) -> Worker:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.shutdown()
