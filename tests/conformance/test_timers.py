"""Timers behind event-based gateways, and cycles: each occurrence fires at its time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import Engine, FrozenClock
from engine.errors import NotFoundError
from tests.conformance import diagrams as d
from tests.conformance.conftest import Run
from tests.conformance.traces import open_tasks, trace
from tests.conftest import T0

HOUR = timedelta(hours=1)


def race(timer_text: str = "PT1H") -> str:
    """An event-based gateway: a timer, a message and a signal, each to its own user task."""
    return d.process(
        "p",
        [d.start(), d.gateway("eventBased", "first"),
         d.catch("late", d.timer("timeDuration", timer_text)),
         d.catch("answered", d.message("answer")), d.catch("stopped", d.signal("stop")),
         d.user("remind"), d.user("read"), d.user("halt"), d.end("e1"), d.end("e2"), d.end("e3")],
        "start first late remind e1; first answered read e2; first stopped halt e3",
    )  # fmt: skip


def test_the_timer_branch_of_an_event_gateway_fires(
    engine: Engine, run: Run, clock: FrozenClock
) -> None:
    instance = run(race())
    [timer] = engine.timers.pending(instance.id)
    assert (timer.element_id, timer.due_at) == ("late", T0 + HOUR)
    clock.set(T0 + HOUR)
    assert [(f.element_id, f.due_at) for f in engine.timers.fire_due()] == [("late", T0 + HOUR)]
    assert trace(engine, instance) == ["start", "first", "late"]
    assert open_tasks(engine, instance) == ["remind"]
    with pytest.raises(NotFoundError):  # the other branches closed with the gateway
        engine.messages.correlate("answer")
    assert engine.signals.throw("stop") == []
    assert engine.runtime.query().waiting_for_message("answer").count() == 0


@pytest.mark.parametrize(
    ("deliver", "taken", "task"),
    [
        (lambda engine: engine.messages.correlate("answer"), "answered", "read"),
        (lambda engine: engine.signals.throw("stop"), "stopped", "halt"),
    ],
)
def test_a_message_or_signal_branch_wins_and_the_timer_is_dropped(
    engine: Engine, run: Run, clock: FrozenClock, deliver, taken: str, task: str
) -> None:
    instance = run(race())
    deliver(engine)
    assert trace(engine, instance) == ["start", "first", taken]
    assert open_tasks(engine, instance) == [task]
    assert engine.timers.pending(instance.id) == []
    clock.set(T0 + 2 * HOUR)
    assert engine.timers.fire_due() == []


def cycled(cycle: str) -> str:
    """A user task with a non-interrupting cycle on it: each occurrence runs `remind`."""
    return d.process(
        "p",
        [d.start(), d.user("work"), d.boundary("every", "work", d.timer("timeCycle", cycle),
                                               interrupting=False),
         d.script("remind", "reminded = True"), d.end(), d.end("reminded_end")],
        "start work end; every remind reminded_end",
    )  # fmt: skip


def test_a_bounded_cycle_fires_each_occurrence_on_time(
    engine: Engine, run: Run, clock: FrozenClock
) -> None:
    instance = run(cycled("R3/PT10M"))
    fired = []
    for minutes in (10, 20, 30, 40):
        due = T0 + timedelta(minutes=minutes)
        clock.set(due - timedelta(microseconds=1))
        assert engine.timers.fire_due() == []  # not a moment early
        clock.set(due)
        fired += [(f.element_id, f.due_at) for f in engine.timers.fire_due()]
    assert fired == [("every", T0 + timedelta(minutes=m)) for m in (10, 20, 30)]
    assert engine.timers.pending(instance.id) == []
    assert open_tasks(engine, instance) == ["work"]
    history = [h.action for h in engine.history.for_instance(instance.id)]
    assert history.count("timer_fired") == 3


def test_an_unbounded_cycle_keeps_firing(engine: Engine, run: Run, clock: FrozenClock) -> None:
    instance = run(cycled("R/PT1H"))
    for hours in range(1, 6):
        clock.set(T0 + hours * HOUR)
        assert [f.due_at for f in engine.timers.fire_due()] == [T0 + hours * HOUR]
    [timer] = engine.timers.pending(instance.id)
    assert timer.due_at == T0 + 6 * HOUR


def test_a_cycle_rearmed_by_a_worker_is_free_at_its_next_occurrence(
    engine: Engine, run: Run, clock: FrozenClock
) -> None:
    run(cycled("R3/PT10S"))
    clock.set(T0 + timedelta(seconds=10))
    [claimed] = engine.timers.claim("w1", lease=timedelta(minutes=5))
    assert engine.timers.fire(claimed, worker_id="w1")
    clock.set(T0 + timedelta(seconds=20))
    # The lease of the first occurrence does not hold the next one for five minutes.
    assert engine.timers.claim("w2", lease=timedelta(minutes=5)) == [claimed]


def test_a_cycle_with_a_start_date_fires_from_that_date(
    engine: Engine, run: Run, clock: FrozenClock
) -> None:
    instance = run(cycled("R2/2020-02-01T10:00:00Z/PT1H"))
    [timer] = engine.timers.pending(instance.id)
    assert timer.due_at == T0 + 2 * HOUR  # T0 is 08:00 UTC


def timed_handler(*, interrupting: bool) -> str:
    """The main flow waits at 'work'; an event sub-process starts an hour after the instance."""
    handler = d.subprocess(
        "on_time",
        [d.start("hour_gone", d.timer("timeDuration", "PT1H"), interrupting=interrupting),
         d.user("chase"), d.end("chased")],
        "hour_gone chase chased", triggered=True,
    )  # fmt: skip
    return d.process("p", [d.start(), d.user("work"), d.end(), handler], "start work end")


@pytest.mark.parametrize(("interrupting", "tasks"), [(True, ["chase"]), (False, ["chase", "work"])])
def test_a_timer_event_subprocess_starts_on_time(
    engine: Engine, run: Run, clock: FrozenClock, interrupting: bool, tasks: list[str]
) -> None:
    instance = run(timed_handler(interrupting=interrupting))
    [timer] = engine.timers.pending(instance.id)
    assert (timer.element_id, timer.due_at) == ("hour_gone", T0 + HOUR)
    assert open_tasks(engine, instance) == ["work"]
    clock.set(T0 + HOUR)
    assert [f.element_id for f in engine.timers.fire_due()] == ["hour_gone"]
    assert open_tasks(engine, instance) == tasks  # interrupting: the main flow has ended


def test_a_cycle_starts_a_non_interrupting_event_subprocess_each_time(
    engine: Engine, run: Run, clock: FrozenClock
) -> None:
    handler = d.subprocess(
        "every_hour",
        [d.start("tick", d.timer("timeCycle", "R2/PT1H"), interrupting=False), d.user("chase"),
         d.end("chased")],
        "tick chase chased", triggered=True,
    )  # fmt: skip
    instance = run(d.process("p", [d.start(), d.user("work"), d.end(), handler], "start work end"))
    for hours in (1, 2, 3):
        clock.set(T0 + hours * HOUR)
        engine.timers.fire_due()
    assert open_tasks(engine, instance) == ["chase", "chase", "work"]  # twice, then no more
    assert engine.timers.pending(instance.id) == []
