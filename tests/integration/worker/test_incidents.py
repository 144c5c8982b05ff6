"""Failing timers and deliveries are retried with backoff, become incidents, and come back."""

from __future__ import annotations

import pytest

from engine import ConflictError, NotFoundError, OutboxMessage, RetryPolicy, SystemClock
from engine.worker import Worker, WorkerSettings
from tests import samples
from tests.conftest import EngineFactory
from workflows import SERVICES

from .conftest import in_a_moment, wait_until

FAST = WorkerSettings(poll_interval=0.1, heartbeat_interval=0.5)
QUICK_RETRIES = RetryPolicy(attempts=3, base_delay=0.1, max_delay=0.2)


class Switch:
    """A dependency that fails while broken, counting calls."""

    def __init__(self) -> None:
        self.broken = True
        self.calls = 0

    def service(self, ctx, **params):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.broken:
            raise RuntimeError("boom: the registry is down")
        return {"ok": True}

    def dispatcher(self, message: OutboxMessage) -> None:
        self.calls += 1
        if self.broken:
            raise ConnectionError("smtp unreachable")


def test_incident_failing_timer_retries_then_incident_then_manual_retry(
    make_engine: EngineFactory,
) -> None:
    switch = Switch()
    engine = make_engine(
        {"flaky.call": switch.service}, with_clock=SystemClock(), retries=QUICK_RETRIES
    )
    engine.repository.deploy("ticker", {"t.bpmn": samples.ticker(service="flaky.call")}, author="t")
    instance = engine.runtime.start("ticker", variables={"due": in_a_moment(0.3).isoformat()})
    with Worker(engine, FAST):
        wait_until(lambda: engine.management.status().incidents_open == 1, what="incident")
        assert switch.calls == 3  # every attempt, then no more
        [incident] = engine.management.incidents()
        assert (incident.kind, incident.instance_id, incident.attempts) == ("timer", instance.id, 3)
        assert "boom" in incident.error and incident.element_id == "wait"
        status = engine.management.status()
        assert status.timers_suspended == 1 and status.timers_pending == 0
        assert engine.runtime.get(instance.id).status == "running"  # nothing half-written
        switch.broken = False
        engine.management.retry_incident(incident.id, actor="staff")
        wait_until(lambda: engine.runtime.get(instance.id).status == "completed", what="done")
    assert engine.management.incidents() == []
    assert engine.management.incidents(status="resolved")[0].resolution == "retried by staff"
    with pytest.raises(ConflictError):
        engine.management.retry_incident(incident.id, actor="staff")
    with pytest.raises(NotFoundError):
        engine.management.resolve_incident(9999, note="?", actor="staff")


def test_incident_failing_delivery_stays_queued_then_is_sent_once(
    make_engine: EngineFactory,
) -> None:
    switch = Switch()
    engine = make_engine(
        SERVICES,
        with_clock=SystemClock(),
        retries=QUICK_RETRIES,
        dispatchers={"email": switch.dispatcher},
    )
    engine.repository.deploy("ticker", {"t.bpmn": samples.ticker()}, author="t")
    engine.runtime.start("ticker", variables={"due": in_a_moment(0.2).isoformat()})
    with Worker(engine, FAST):
        wait_until(lambda: engine.management.status().incidents_open == 1, what="incident")
        [message] = engine.outbox.list(kind="tick")
        assert (message.status, message.attempts) == ("dead", 3)
        [incident] = engine.management.incidents()
        assert incident.kind == "outbox" and "smtp unreachable" in incident.error
        switch.broken = False
        engine.management.retry_incident(incident.id, actor="staff")
        wait_until(lambda: engine.outbox.list(kind="tick")[0].status == "sent", what="sent")
    assert switch.calls == 4


def test_incident_resolved_by_hand_abandons_the_message(make_engine: EngineFactory) -> None:
    switch = Switch()
    engine = make_engine(
        SERVICES, with_clock=SystemClock(), retries=QUICK_RETRIES,
        dispatchers={"email": switch.dispatcher},
    )  # fmt: skip
    engine.repository.deploy("ticker", {"t.bpmn": samples.ticker()}, author="t")
    engine.runtime.start("ticker", variables={"due": in_a_moment(0.2).isoformat()})
    with Worker(engine, FAST):
        wait_until(lambda: engine.management.status().incidents_open == 1, what="incident")
        [incident] = engine.management.incidents()
        engine.management.resolve_incident(incident.id, note="sent by post", actor="staff")
    assert engine.outbox.list(kind="tick")[0].status == "abandoned"
    assert engine.management.status().outbox_backlog == 0
    assert switch.calls == 3
