"""Workers on a real database with the real clock: in-process threads and real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine import Engine, SystemClock
from tests import samples
from tests.conftest import EngineFactory

ROOT = Path(__file__).resolve().parents[3]


def wait_until(condition: Callable[[], bool], *, timeout: float = 60, what: str = "") -> None:
    """Poll until `condition` holds; a liveness bound, not a speed check."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.05)


@pytest.fixture
def live(make_engine: EngineFactory) -> Engine:
    """An engine on the real clock with the ticker process deployed."""
    from workflows import SERVICES

    engine = make_engine(SERVICES, with_clock=SystemClock())
    engine.repository.deploy("ticker", {"t.bpmn": samples.ticker()}, author="test")
    return engine


def start_tickers(engine: Engine, count: int, due: datetime, *, spread: float = 0.0) -> None:
    """`count` ticker instances, the n-th due at `due + n * spread` seconds."""
    for n in range(count):
        moment = due + timedelta(seconds=spread * n)
        engine.runtime.start(
            "ticker", business_key=f"t{n:05d}", variables={"n": n, "due": moment.isoformat()}
        )


def in_a_moment(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def effects_per_instance(engine: Engine) -> Counter[str]:
    """Outbox rows written by the ticker's service, per instance: the side effects."""
    return Counter(m.instance_id or "" for m in engine.outbox.list(kind="tick"))


@pytest.fixture
def spawn(database_url: str, tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start `concerto worker` subprocesses on the test database; all are stopped at the end."""
    procs: list[subprocess.Popen] = []

    def start(*args: str) -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(procs)}.log", "w")  # noqa: SIM115
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "worker", "--database-url", database_url,
             "--poll", "0.2", *args],
            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
        )  # fmt: skip
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
