"""What an instance did: one history row per activity instance, with its times, its actor and
the data it changed."""

from __future__ import annotations

from datetime import timedelta

from engine import Engine, FrozenClock
from tests.conformance import diagrams as d
from tests.conformance.conftest import Run
from tests.conftest import T0


def rows(engine: Engine, instance_id: str) -> list[tuple[str, str]]:
    return [(a.element_id, a.state) for a in engine.history.activities(instance_id)]


def test_each_token_at_a_parallel_join_has_its_row(
    engine: Engine, run: Run, clock: FrozenClock
) -> None:
    process = d.process(
        "p",
        [d.start(), d.gateway("parallel", "split"), d.user("review"), d.script("score", "s = 3"),
         d.gateway("parallel", "join"), d.end()],
        "start split review join end; split score join",
    )  # fmt: skip
    instance = run(process)
    assert ("join", "waiting") in rows(engine, instance.id)  # one token waits for the other
    [review] = engine.tasks.query().instance(instance.id).list()
    clock.advance(timedelta(hours=2))
    engine.tasks.complete(review.id, {"opinion": "favorable"}, actor="ana")

    activities = engine.history.activities(instance.id)
    assert sorted(rows(engine, instance.id)) == sorted([
        ("start", "completed"), ("split", "completed"), ("review", "completed"),
        ("score", "completed"), ("join", "completed"), ("join", "completed"),
        ("end", "completed"),
    ])  # fmt: skip
    done = {a.element_id: a for a in activities}
    assert (done["review"].started_at, done["review"].ended_at) == (T0, T0 + timedelta(hours=2))
    assert done["review"].actor == "ana" and done["score"].actor is None
    assert done["review"].changes == {"set": {"opinion": "favorable"}, "removed": []}
    assert done["score"].changes == {"set": {"s": 3}, "removed": []}


def test_work_inside_an_interrupted_subprocess_keeps_its_rows(
    engine: Engine, run: Run, clock: FrozenClock
) -> None:
    sub = d.subprocess(
        "instruct", [d.start("s0"), d.script("prepare", "prepared = True"), d.user("check"),
                     d.end("s1")],
        "s0 prepare check s1",
    )  # fmt: skip
    process = d.process(
        "p",
        [d.start(), sub, d.boundary("too_late", "instruct", d.timer("timeDuration", "PT1H")),
         d.end(), d.end("expired")],
        "start instruct end; too_late expired",
    )  # fmt: skip
    instance = run(process)
    clock.set(T0 + timedelta(hours=1))
    engine.timers.fire_due()
    assert rows(engine, instance.id) == [
        ("start", "completed"), ("instruct", "cancelled"), ("s0", "completed"),
        ("prepare", "completed"), ("check", "cancelled"), ("too_late", "completed"),
        ("expired", "completed"),
    ]  # fmt: skip
    prepare = next(a for a in engine.history.activities(instance.id) if a.element_id == "prepare")
    assert prepare.changes["set"] == {"prepared": True}


def test_each_multi_instance_item_is_an_activity_instance(engine: Engine, run: Run) -> None:
    loop = d.multi_instance(
        body='<bpmn:loopDataInputRef>items</bpmn:loopDataInputRef><bpmn:inputDataItem id="item"/>'
    )
    process = d.process("p", [d.start(), d.user("each", loop), d.end()], "start each end")
    instance = run(process, items=["a", "b", "c"])
    each = [a for a in engine.history.activities(instance.id) if a.element_id == "each"]
    assert [a.state for a in each] == ["active"] * 4  # the activity, and one per item
    assert len({a.task_id for a in each}) == len(each)


def test_a_cancelled_instance_closes_its_open_activities(engine: Engine, run: Run) -> None:
    instance = run(d.process("p", [d.start(), d.user("work"), d.end()], "start work end"))
    engine.runtime.cancel(instance.id, actor="staff")
    assert rows(engine, instance.id) == [("start", "completed"), ("work", "cancelled")]
