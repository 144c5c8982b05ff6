"""Workers fire every due timer once: across processes, kills, restarts and extensions."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from engine import Engine
from engine.worker import Worker, WorkerSettings

from .conftest import ROOT, effects_per_instance, in_a_moment, start_tickers, wait_until

FAST = WorkerSettings(poll_interval=0.2, heartbeat_interval=0.5)


def _on_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def _all_fired_once(engine: Engine, count: int) -> None:
    wait_until(
        lambda: engine.runtime.query().status("completed").count() == count,
        timeout=120,
        what=f"{count} completed instances",
    )
    effects = effects_per_instance(engine)
    assert len(effects) == count
    assert set(effects.values()) == {1}  # each timer's side effect exactly once


def test_worker_processes_fire_each_timer_exactly_once(live: Engine, spawn, database_url) -> None:
    timers, workers = (1000, 3) if _on_postgres(database_url) else (200, 1)
    due = in_a_moment(max(5.0, timers * 0.02))  # after every instance is created
    start_tickers(live, timers, due)
    procs = [spawn() for _ in range(workers)]
    wait_until(lambda: len(live.management.status().workers) == workers, what="workers up")
    status = subprocess.run(
        [sys.executable, "-m", "web.cli", "status", "--json", "--database-url", database_url],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    assert len(json.loads(status.stdout)["workers"]) == workers
    _all_fired_once(live, timers)
    assert all(proc.poll() is None for proc in procs)  # nobody crashed


def test_worker_killed_mid_batch_its_timers_are_fired_once_by_others(
    live: Engine, spawn, database_url
) -> None:
    timers, helpers = (400, 2) if _on_postgres(database_url) else (400, 1)
    start_tickers(live, timers, in_a_moment(max(4.0, timers * 0.02)))
    victim = spawn("--batch", str(timers), "--lease", "3")
    wait_until(lambda: sum(effects_per_instance(live).values()) >= 10, what="first firings")
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert sum(effects_per_instance(live).values()) < timers  # it died with work in hand
    for _ in range(helpers):
        spawn("--lease", "3")
    _all_fired_once(live, timers)


def test_worker_catches_up_after_downtime_once_each_in_due_order(live: Engine, spawn) -> None:
    first = in_a_moment(2.0)
    start_tickers(live, 30, first, spread=0.05)
    _sleep_until(first + timedelta(seconds=2.0))  # every timer came due with no worker running
    spawn()
    _all_fired_once(live, 30)
    order = [m.payload["data"]["n"] for m in live.outbox.list(kind="tick")]
    assert order == sorted(order)


def test_worker_honours_a_deadline_moved_while_it_runs(live: Engine) -> None:
    old_due = in_a_moment(1.0)
    instance = live.runtime.start("ticker", variables={"due": old_due.isoformat()})
    with Worker(live, FAST):
        new_due = in_a_moment(2.5)
        live.runtime.set_variables(instance.id, {"due": new_due.isoformat()}, actor="staff")
        _sleep_until(old_due + timedelta(seconds=0.6))
        assert live.runtime.get(instance.id).status == "running"
        wait_until(lambda: live.runtime.get(instance.id).status == "completed", what="fired")
    fired = [h for h in live.history.for_instance(instance.id) if h.action == "timer_fired"]
    assert len(fired) == 1 and fired[0].at > new_due


def test_worker_sigterm_finishes_releases_leases_and_exits(live: Engine, spawn) -> None:
    timers = 150
    start_tickers(live, timers, in_a_moment(3.0))
    worker = spawn("--batch", str(timers), "--lease", "600")
    wait_until(lambda: sum(effects_per_instance(live).values()) >= 5, what="first firings")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0
    assert live.management.status().workers == ()
    # Its claims were handed back: another worker takes the rest long before the lease ends.
    with Worker(live, FAST):
        _all_fired_once(live, timers)


def _sleep_until(moment: datetime) -> None:
    time.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))
