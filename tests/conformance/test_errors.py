"""Errors and escalations: caught by boundaries and event sub-processes; an uncaught error
stops the instance with an incident staff can see and retry, never a silent "completed"."""

from __future__ import annotations

from engine import Engine
from tests.conformance import diagrams as d
from tests.conformance.conftest import Run
from tests.conformance.traces import open_tasks, trace


def failing_sub(code: str = "E1") -> str:
    return d.subprocess(
        "sub", [d.start("s0"), d.script("s1", "tried = True"), d.end("s2", d.error(code))],
        "s0 s1 s2",
    )  # fmt: skip


def test_an_uncaught_error_stops_the_instance_with_an_incident(engine: Engine, run: Run) -> None:
    process = d.process(
        "p",
        [d.start(), d.gateway("parallel", "split"), failing_sub(), d.script("after", "x = 1"),
         d.user("side"), d.end(), d.end("side_end")],
        "start split sub after end; split side side_end",
    )  # fmt: skip
    instance = run(process)
    stopped = engine.runtime.get(instance.id)
    assert stopped.status == "error" and stopped.ended_at is None
    assert "after" not in trace(engine, instance)  # nothing ran past the error
    assert open_tasks(engine, instance) == []
    [incident] = engine.management.incidents()
    assert (incident.kind, incident.instance_id, incident.element_id) == (
        "error",
        instance.id,
        "s2",
    )
    assert "E1" in incident.error
    assert [h.action for h in engine.history.for_instance(instance.id)][-1] == "error"


def test_retrying_an_error_incident_runs_the_element_again(engine: Engine, run: Run) -> None:
    # The error end event is reached only while `fail` is set: staff fix the data, then retry.
    process = d.process(
        "p",
        [d.start(), d.gateway("exclusive", "check", default="ok"), d.end("boom", d.error("E1")),
         d.user("ok"), d.end()],
        "start check boom; check ok end",
        {"check>boom": "fail"},
    )  # fmt: skip
    instance = run(process, fail=True)
    [incident] = engine.management.incidents()
    engine.management.retry_incident(incident.id, actor="staff")
    # Same data: the element throws again, and a new incident opens.
    assert engine.runtime.get(instance.id).status == "error"
    [again] = engine.management.incidents()
    assert again.id != incident.id
    assert engine.management.incidents(status="resolved")[0].resolution == "retried by staff"
    # Staff may also end it.
    assert engine.runtime.cancel(instance.id, actor="staff").status == "cancelled"


def test_an_error_boundary_on_a_subprocess_catches_its_error(engine: Engine, run: Run) -> None:
    process = d.process(
        "p",
        [d.start(), failing_sub(), d.boundary("caught", "sub", d.error("E1")),
         d.script("recover", "recovered = True"), d.end(), d.end("normal")],
        "start sub normal; caught recover end",
    )  # fmt: skip
    instance = run(process)
    assert engine.runtime.get(instance.id).status == "completed"
    assert trace(engine, instance)[-3:] == ["caught", "recover", "end"]
    assert "normal" not in trace(engine, instance)
    assert engine.management.incidents() == []


def test_an_error_boundary_with_another_code_lets_the_error_through(
    engine: Engine, run: Run
) -> None:
    process = d.process(
        "p",
        [d.start(), failing_sub("E1"), d.boundary("caught", "sub", d.error("E2")), d.end("x"),
         d.end()],
        "start sub end; caught x",
    )  # fmt: skip
    assert engine.runtime.get(run(process).id).status == "error"


def test_an_error_boundary_on_a_call_activity_catches_the_callee_error(
    engine: Engine, run: Run
) -> None:
    callee = d.other_process("callee", [d.start("cs"), d.end("ce", d.error("E9"))], "cs ce")
    process = d.process(
        "p",
        [d.start(), d.call("invoke", "callee"), d.boundary("caught", "invoke", d.error("E9")),
         d.user("handle"), d.end(), d.end("normal")],
        "start invoke normal; caught handle end",
        others=[callee],
    )  # fmt: skip
    instance = run(process)
    assert open_tasks(engine, instance) == ["handle"]
    assert trace(engine, instance) == ["start", "cs", "ce", "invoke", "caught"]


def test_an_error_event_subprocess_interrupts_the_process(engine: Engine, run: Run) -> None:
    handler = d.subprocess(
        "on_error", [d.start("err", d.error("E1")), d.script("handle", "handled = True"),
                     d.end("handled_end")],
        "err handle handled_end", triggered=True,
    )  # fmt: skip
    process = d.process(
        "p",
        [d.start(), d.gateway("parallel", "split"), failing_sub(), d.script("after", "x = 1"),
         d.user("side"), d.end(), d.end("side_end"), handler],
        "start split sub after end; split side side_end",
    )  # fmt: skip
    instance = run(process)
    done = engine.runtime.get(instance.id)
    assert done.status == "completed" and done.variables["handled"] is True
    steps = trace(engine, instance)
    assert steps[-4:] == ["err", "handle", "handled_end", "on_error"]
    assert "after" not in steps and open_tasks(engine, instance) == []  # the rest was ended


def test_an_escalation_is_caught_by_a_non_interrupting_boundary(engine: Engine, run: Run) -> None:
    sub = d.subprocess(
        "sub", [d.start("s0"), d.throw("raise_it", d.escalation("X1")), d.user("go_on"),
                d.end("s2")],
        "s0 raise_it go_on s2",
    )  # fmt: skip
    process = d.process(
        "p",
        [d.start(), sub, d.boundary("esc", "sub", d.escalation("X1"), interrupting=False),
         d.user("told"), d.end(), d.end("told_end")],
        "start sub end; esc told told_end",
    )  # fmt: skip
    instance = run(process)
    assert open_tasks(engine, instance) == ["go_on", "told"]  # both go on


def test_an_uncaught_escalation_does_not_stop_the_instance(engine: Engine, run: Run) -> None:
    process = d.process(
        "p", [d.start(), d.throw("raise_it", d.escalation("X1")), d.user("go_on"), d.end()],
        "start raise_it go_on end",
    )  # fmt: skip
    instance = run(process)
    assert engine.runtime.get(instance.id).status == "running"
    assert open_tasks(engine, instance) == ["go_on"]


def test_an_escalation_event_subprocess_runs_beside_the_flow(engine: Engine, run: Run) -> None:
    handler = d.subprocess(
        "on_escalation",
        [d.start("esc", d.escalation("X1"), interrupting=False), d.user("review"),
         d.end("reviewed")],
        "esc review reviewed", triggered=True,
    )  # fmt: skip
    process = d.process(
        "p",
        [d.start(), d.throw("raise_it", d.escalation("X1")), d.user("go_on"), d.end(), handler],
        "start raise_it go_on end",
    )  # fmt: skip
    instance = run(process)
    assert open_tasks(engine, instance) == ["go_on", "review"]
