"""Changing who works on a running parallel multi-instance activity: one more instance, and a
task completed in its assignee's place."""

from __future__ import annotations

import pytest

from engine import ConflictError, Engine, ForbiddenError, Notice
from tests import samples


@pytest.fixture
def panel(engine: Engine) -> str:
    engine.repository.deploy("panel", {"panel.bpmn": samples.panel()}, author="t")
    return engine.runtime.start(
        "panel", business_key="p1", variables={"members": ["ana", "bob"]}
    ).id


def _task(engine: Engine, instance_id: str, who: str) -> str:
    return engine.tasks.query().instance(instance_id).assignee(who).one().id


def test_an_added_instance_opens_a_task_and_the_activity_waits_for_it(
    engine: Engine, panel: str
) -> None:
    engine.tasks.complete(_task(engine, panel, "ana"), {"ballot": "oui"}, actor="ana")
    engine.runtime.add_instance(panel, "vote", "cy", actor="staff")

    assert sorted(t.assignee for t in engine.tasks.query().instance(panel).list()) == ["bob", "cy"]
    assert engine.runtime.get(panel).variables["members"] == ["ana", "bob", "cy"]
    engine.tasks.complete(_task(engine, panel, "bob"), {"ballot": "non"}, actor="bob")
    assert engine.runtime.get(panel).status == "running"  # cy has not voted yet
    engine.tasks.complete(_task(engine, panel, "cy"), {"ballot": "blanc"}, actor="cy")

    done = engine.runtime.get(panel)
    assert done.status == "completed"
    assert sorted(done.variables["votes"]) == ["blanc", "non", "oui"]
    actions = [(h.action, h.actor) for h in engine.history.for_instance(panel)]
    assert ("instance_added", "staff") in actions


def test_the_one_added_is_told_like_anyone_given_a_task(engine: Engine, panel: str) -> None:
    engine.runtime.add_instance(panel, "vote", "cy", actor="staff")
    told = [m.recipient for m in engine.outbox.list() if m.kind == "task_assigned"]
    assert sorted(told) == ["ana", "bob", "cy"]


def test_adding_needs_a_running_parallel_activity_and_changes_nothing_otherwise(
    engine: Engine, panel: str
) -> None:
    with pytest.raises(ConflictError):
        engine.runtime.add_instance(panel, "nowhere", "cy", actor="staff")

    def refuse(instance):  # type: ignore[no-untyped-def]
        raise ForbiddenError("non")

    with pytest.raises(ForbiddenError):
        engine.runtime.add_instance(panel, "vote", "cy", actor="staff", guard=refuse)
    for who in ("ana", "bob"):
        engine.tasks.complete(_task(engine, panel, who), {"ballot": "oui"}, actor=who)
    with pytest.raises(ConflictError):  # the activity is over: nothing left to join
        engine.runtime.add_instance(panel, "vote", "cy", actor="staff")
    assert engine.runtime.get(panel).variables["members"] == ["ana", "bob"]


def test_a_task_is_completed_in_place_of_its_assignee_only_when_asked(
    engine: Engine, panel: str
) -> None:
    task = _task(engine, panel, "ana")
    with pytest.raises(ForbiddenError):
        engine.tasks.complete(task, {"ballot": "retiré"}, actor="staff")
    notice = Notice(topic="email", kind="withdrawn", recipient="ana", payload={"to": "ana"})
    engine.tasks.complete(
        task,
        {"ballot": "retiré"},
        actor="staff",
        in_place=True,
        variables=lambda v: {"withdrawn": [*v.get("withdrawn", []), "ana"]},
        notices=[notice],
    )
    after = engine.runtime.get(panel)
    assert after.variables["withdrawn"] == ["ana"]
    assert [t.assignee for t in engine.tasks.query().instance(panel).list()] == ["bob"]
    assert [m.recipient for m in engine.outbox.list() if m.kind == "withdrawn"] == ["ana"]
