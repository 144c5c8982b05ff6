"""Timers on the calendar: durations counted in Paris time, one instant per step, and an audit
row for every timer that fires (also when several fire in one step)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine import Engine, FrozenClock
from engine.scripting import ServiceContext
from tests import samples
from tests.conftest import EngineFactory

PARIS = ZoneInfo("Europe/Paris")


def test_duration_timer_counts_a_calendar_month_in_paris(
    engine: Engine, clock: FrozenClock
) -> None:
    engine.repository.deploy("month_later", {"m.bpmn": samples.month_later()}, author="t")
    for start, due in [
        (datetime(2020, 1, 31, 10, tzinfo=PARIS), datetime(2020, 2, 29, 10, tzinfo=PARIS)),
        (datetime(2020, 3, 31, 9, 30, tzinfo=PARIS), datetime(2020, 4, 30, 9, 30, tzinfo=PARIS)),
        (datetime(2021, 10, 15, 18, tzinfo=PARIS), datetime(2021, 11, 15, 18, tzinfo=PARIS)),
    ]:
        clock.set(start)
        instance = engine.runtime.start("month_later")
        (timer,) = engine.timers.pending(instance.id)
        assert timer.element_id == "wait"
        assert timer.due_at == due.astimezone(UTC)
        clock.set(due - timedelta(microseconds=1))
        assert engine.timers.fire_due() == []
        clock.set(due)
        assert [f.element_id for f in engine.timers.fire_due()] == ["wait"]
        assert engine.tasks.query().instance(instance.id).one().element_id == "follow_up"


def test_every_timer_fired_in_one_step_has_its_audit_row(
    engine: Engine, clock: FrozenClock
) -> None:
    engine.repository.deploy("twins", {"t.bpmn": samples.twin_timers()}, author="t")
    due_a = clock.now() + timedelta(hours=1)
    due_b = clock.now() + timedelta(hours=2)
    instance = engine.runtime.start(
        "twins", variables={"due_a": due_a.isoformat(), "due_b": due_b.isoformat()}
    )
    clock.set(due_b + timedelta(minutes=5))  # a worker back after an outage: both are due
    fired = engine.timers.fire_due()
    assert sorted((f.instance_id, f.element_id, f.due_at) for f in fired) == [
        (instance.id, "timer_a", due_a),
        (instance.id, "timer_b", due_b),
    ]
    history = engine.history.for_instance(instance.id)
    assert sorted(h.element_id for h in history if h.action == "timer_fired") == [
        "timer_a",
        "timer_b",
    ]
    assert {h.at for h in history if h.action == "timer_fired"} == {clock.now()}
    assert engine.timers.fire_due() == []


def test_a_timer_due_when_a_task_is_completed_is_audited_too(
    engine: Engine, clock: FrozenClock
) -> None:
    engine.repository.deploy("twins", {"t.bpmn": samples.twin_timers()}, author="t")
    soon = (clock.now() + timedelta(minutes=1)).isoformat()
    later = (clock.now() + timedelta(days=1)).isoformat()
    instance = engine.runtime.start("twins", variables={"due_a": soon, "due_b": later})
    clock.advance(timedelta(minutes=2))  # no worker ran: the completing step fires timer_a
    task = engine.tasks.query().instance(instance.id).one()
    engine.tasks.complete(task.id, {}, actor="rita")
    actions = [(h.action, h.element_id) for h in engine.history.for_instance(instance.id)]
    assert ("timer_fired", "timer_a") in actions and ("task_completed", "stay") in actions
    assert ("timer_fired", "timer_b") not in actions


class TickingClock:
    """A clock that moves on by one millisecond every time it is read."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def now(self) -> datetime:
        self.moment += timedelta(milliseconds=1)
        return self.moment


def test_a_step_sees_one_instant_from_start_to_end(make_engine: EngineFactory) -> None:
    seen: list[datetime] = []

    def probe(context: ServiceContext, **_: Any) -> str:
        seen.append(context.now)
        return "ok"

    clock = TickingClock(datetime(2020, 4, 14, 21, 59, 59, tzinfo=UTC))
    engine = make_engine({"probe": probe}, with_clock=clock)
    engine.repository.deploy("instants", {"i.bpmn": samples.instants()}, author="t")
    instance = engine.runtime.start("instants")
    variables = engine.runtime.get(instance.id).variables
    assert variables["before"] == variables["after"] == seen[0].isoformat()
    started = engine.history.for_instance(instance.id)[0].at
    assert started == seen[0]
    assert engine.clock.now() > seen[0]  # outside a command, time goes on


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/New_York"])
def test_the_calendar_zone_is_a_setting(make_engine: EngineFactory, zone: str) -> None:
    from engine import EngineConfig

    base = make_engine()
    config = EngineConfig(
        database_url=base.config.database_url, clock=base.config.clock, timezone=zone
    )
    engine = Engine(config)
    try:
        engine.repository.deploy("month_later", {"m.bpmn": samples.month_later()}, author="t")
        start = datetime(2021, 10, 15, 18, tzinfo=ZoneInfo(zone))
        base.config.clock.set(start)  # type: ignore[attr-defined]
        instance = engine.runtime.start("month_later")
        (timer,) = engine.timers.pending(instance.id)
        assert timer.due_at.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == datetime(
            2021, 11, 15, 18
        )
    finally:
        engine.close()
