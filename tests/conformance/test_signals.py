"""Signals: broadcast to every waiting catch of every instance, start processes, thrown by one
instance to the others in the same transaction."""

from __future__ import annotations

import pytest

from engine import Engine
from engine.errors import InvalidInputError
from tests.conformance import diagrams as d
from tests.conformance.conftest import Run
from tests.conformance.traces import open_tasks, trace


def waiter(process_id: str = "p", signal: str = "go") -> str:
    return d.process(
        process_id,
        [d.start(), d.catch("wait", d.signal(signal)), d.user("after"), d.end()],
        "start wait after end",
    )


def test_a_signal_reaches_every_instance_waiting_for_it(engine: Engine, run: Run) -> None:
    first, second = run(waiter()), engine.runtime.start("p")
    engine.repository.deploy("other", {"o.bpmn": waiter("other", "stop")}, author="t")
    elsewhere = engine.runtime.start("other")

    reached = engine.signals.throw("go", {"reason": "ouverture"}, actor="staff")

    assert sorted(reached) == sorted([first.id, second.id])
    for instance in (first, second):
        assert trace(engine, instance) == ["start", "wait"]
        assert open_tasks(engine, instance) == ["after"]
        assert engine.runtime.get(instance.id).variables["reason"] == "ouverture"
    assert open_tasks(engine, elsewhere) == []  # waits for another signal
    assert engine.signals.throw("go") == []  # nobody waits any more: not an error


def test_a_signal_start_event_starts_an_instance_each_time(engine: Engine) -> None:
    starter = d.process("s", [d.start("begin", d.signal("go")), d.user("work"), d.end()],
                        "begin work end")  # fmt: skip
    engine.repository.deploy("s", {"s.bpmn": starter}, author="t")
    first = engine.signals.throw("go", {"n": 1})
    second = engine.signals.throw("go", {"n": 2})
    assert len(first) == len(second) == 1 and first != second
    started = engine.runtime.get(second[0])
    assert (started.process_id, started.variables["n"]) == ("s", 2)
    assert open_tasks(engine, started) == ["work"]


def test_a_signal_thrown_by_one_instance_reaches_the_others_in_the_same_step(
    engine: Engine, run: Run
) -> None:
    listener = run(waiter())
    thrower = d.process(
        "thrower",
        [d.start(), d.user("decide"), d.throw("announce", d.signal("go")), d.user("next"),
         d.end("done", d.signal("go"))],
        "start decide announce next done",
    )  # fmt: skip
    engine.repository.deploy("thrower", {"t.bpmn": thrower}, author="t")
    source = engine.runtime.start("thrower")
    [decide] = engine.tasks.query().instance(source.id).list()

    engine.tasks.complete(decide.id, {}, actor="staff")  # one command: throw and receipt

    assert open_tasks(engine, listener) == ["after"]
    assert trace(engine, source) == ["start", "decide", "announce"]
    second = engine.runtime.start("p")
    [after_next] = engine.tasks.query().instance(source.id).list()
    engine.tasks.complete(after_next.id, {}, actor="staff")  # the end event throws it too
    assert engine.runtime.get(source.id).status == "completed"
    assert open_tasks(engine, second) == ["after"]


def test_a_signal_thrown_and_caught_inside_one_instance_is_caught_once(
    engine: Engine, run: Run
) -> None:
    both = d.process(
        "p",
        [d.start(), d.gateway("parallel", "split"), d.catch("wait", d.signal("go")),
         d.throw("announce", d.signal("go")), d.gateway("parallel", "join"), d.user("after"),
         d.end()],
        "start split wait join after end; split announce join",
    )  # fmt: skip
    instance = run(both)
    assert open_tasks(engine, instance) == ["after"]
    assert trace(engine, instance)[-2:] == ["wait", "join"]


def test_a_signal_starts_a_non_interrupting_event_subprocess(engine: Engine, run: Run) -> None:
    side = d.subprocess(
        "on_signal",
        [d.start("heard", d.signal("ping"), interrupting=False), d.script("note", "pinged = True"),
         d.end("noted")],
        "heard note noted",
        triggered=True,
    )  # fmt: skip
    instance = run(d.process("p", [d.start(), d.user("work"), d.end(), side], "start work end"))
    assert engine.signals.throw("ping") == [instance.id]
    assert {"heard", "note", "noted"} <= set(trace(engine, instance))
    assert open_tasks(engine, instance) == ["work"]  # the main flow goes on


def test_signal_variables_are_checked(engine: Engine, run: Run) -> None:
    instance = run(waiter())
    with pytest.raises(InvalidInputError) as refused:
        engine.signals.throw("go", {"_hidden": 1})
    assert refused.value.field == "_hidden"
    assert trace(engine, instance) == ["start"]  # nothing delivered: it still waits


def test_an_event_subprocess_runs_only_in_the_instance_it_was_triggered_in(
    engine: Engine, run: Run
) -> None:
    side = d.subprocess(
        "on_signal",
        [d.start("heard", d.signal("ping"), interrupting=False), d.user("review"),
         d.end("reviewed")],
        "heard review reviewed",
        triggered=True,
    )  # fmt: skip
    signalled = run(d.process("p", [d.start(), d.user("work"), d.end(), side], "start work end"))
    engine.signals.throw("ping")
    later = engine.runtime.start("p")

    def complete(instance, element: str) -> None:  # type: ignore[no-untyped-def]
        [task] = engine.tasks.query().instance(instance.id).element(element).list()
        engine.tasks.complete(task.id, {}, actor="staff")

    complete(later, "work")
    assert engine.runtime.get(later.id).status == "completed"  # nothing started in it
    complete(signalled, "work")
    assert engine.runtime.get(signalled.id).status == "running"  # its review goes on
    complete(signalled, "review")
    assert engine.runtime.get(signalled.id).status == "completed"
