"""Running instances stay on their version; staff move chosen ones to another version when it
is safe where they stand, in one transaction with an audit row, and are told why otherwise."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import Engine, FrozenClock
from engine.errors import ConflictError, InvalidInputError, NotFoundError
from tests.conformance import diagrams as d
from tests.conftest import T0


def reminded(days: str) -> str:
    """The applicant drafts; a reminder `days` after the start; then staff review."""
    return d.process(
        "p",
        [d.start(), d.user("draft"), d.end(),
         d.boundary("remind", "draft", d.timer("timeDuration", days), interrupting=False),
         d.script("note", "reminded = True"), d.end("noted")],
        "start draft end; remind note noted",
    )  # fmt: skip


def tasks(engine: Engine, instance_id: str) -> list[str]:
    return sorted(t.element_id for t in engine.tasks.query().instance(instance_id).list())


def test_a_migrated_instance_waits_under_the_new_definition(
    engine: Engine, clock: FrozenClock
) -> None:
    v1 = engine.repository.deploy("p", {"p.bpmn": reminded("P7D")}, author="t")
    old = engine.runtime.start("p")
    clock.set(T0 + timedelta(days=1))
    v2 = engine.repository.deploy("p", {"p.bpmn": reminded("P10D")}, author="t")
    new = engine.runtime.start("p")
    assert engine.runtime.get(new.id).version_id == v2.id
    assert engine.runtime.get(old.id).version_id == v1.id  # stays on its version
    assert engine.timers.pending(old.id)[0].due_at == T0 + timedelta(days=7)

    moved = engine.runtime.migrate(old.id, v2.id, actor="staff")

    assert moved.version_id == v2.id and tasks(engine, old.id) == ["draft"]
    # Its timer is counted anew under the new definition, from the migration.
    assert engine.timers.pending(old.id)[0].due_at == T0 + timedelta(days=11)
    [entry] = [h for h in engine.history.for_instance(old.id) if h.action == "migrated"]
    assert (entry.actor, entry.element_id) == ("staff", f"{v1.id}→{v2.id}")
    [task] = engine.tasks.query().instance(old.id).list()
    engine.tasks.complete(task.id, {}, actor="ana")
    assert engine.runtime.get(old.id).status == "completed"


def test_a_migration_that_would_lose_where_the_instance_stands_is_refused(
    engine: Engine,
) -> None:
    engine.repository.deploy("p", {"p.bpmn": reminded("P7D")}, author="t")
    instance = engine.runtime.start("p")
    renamed = reminded("P7D").replace('"draft"', '"write"').replace("_draft", "_write")
    renamed = renamed.replace("start_draft", "start_write").replace("draft_end", "write_end")
    v2 = engine.repository.deploy("p", {"p.bpmn": renamed}, author="t")
    with pytest.raises(ConflictError) as refused:
        engine.runtime.migrate(instance.id, v2.id, actor="staff")
    assert "draft" in str(refused.value)
    after = engine.runtime.get(instance.id)
    assert after.version_id != v2.id and tasks(engine, instance.id) == ["draft"]  # untouched
    assert not [h for h in engine.history.for_instance(instance.id) if h.action == "migrated"]


def test_a_migration_to_another_process_or_the_same_version_is_refused(engine: Engine) -> None:
    v1 = engine.repository.deploy("p", {"p.bpmn": reminded("P7D")}, author="t")
    other = engine.repository.deploy(
        "q", {"q.bpmn": reminded("P7D").replace('id="p"', 'id="q"')}, author="t"
    )
    instance = engine.runtime.start("p")
    with pytest.raises(InvalidInputError) as wrong:
        engine.runtime.migrate(instance.id, other.id, actor="staff")
    assert wrong.value.field == "version_id"
    with pytest.raises(ConflictError):
        engine.runtime.migrate(instance.id, v1.id, actor="staff")
    with pytest.raises(NotFoundError):
        engine.runtime.migrate(instance.id, 999_999, actor="staff")


def test_two_versions_are_compared_element_by_element(engine: Engine) -> None:
    v1 = engine.repository.deploy(
        "p", {"p.bpmn": reminded("P7D"), "draft.form": '{"components": []}'}, author="t"
    )
    changed = d.process(
        "p",
        [d.start(), d.user("draft"), d.script("thank", "thanked = True"), d.end(),
         d.boundary("remind", "draft", d.timer("timeDuration", "P10D"), interrupting=False),
         '<bpmn:scriptTask id="note" name="Noter"><bpmn:script>reminded = True</bpmn:script>'
         "</bpmn:scriptTask>", d.end("noted")],
        "start draft thank end; remind note noted",
    )  # fmt: skip
    v2 = engine.repository.deploy(
        "p", {"p.bpmn": changed, "draft.form": '{"components": [1]}'}, author="t"
    )
    diff = engine.repository.diff(v1.id, v2.id)
    by_element = {c.element_id: c for c in diff.elements}
    assert by_element["thank"].change == "added"
    assert by_element["remind"].change == "changed"
    assert "event_definition" in by_element["remind"].properties
    assert by_element["note"].change == "changed" and by_element["note"].name == "Noter"
    assert "start" not in by_element  # unchanged elements are not listed
    assert diff.files == {"added": [], "removed": [], "changed": ["draft.form", "p.bpmn"]}
    back = engine.repository.diff(v2.id, v1.id)
    assert {c.element_id: c.change for c in back.elements}["thank"] == "removed"


def test_a_draft_starts_nothing_until_deployed(engine: Engine) -> None:
    v1 = engine.repository.deploy("p", {"p.bpmn": reminded("P7D")}, author="staff")
    draft = engine.repository.deploy(
        "p", {"p.bpmn": reminded("P10D")}, author="staff", comment="J-10", draft=True
    )
    assert (draft.state, draft.deployed_at, draft.comment) == ("draft", None, "J-10")
    again = engine.repository.deploy("p", {"p.bpmn": reminded("P10D")}, author="x", draft=True)
    assert again == draft
    assert engine.runtime.start("p").version_id == v1.id  # the draft is not current
    assert [v.state for v in engine.repository.list("p")] == ["deployed", "draft"]
    assert engine.repository.latest("p").id == v1.id

    deployed = engine.repository.deploy_version(draft.id, actor="staff")
    assert deployed.state == "deployed" and deployed.deployed_at is not None
    assert engine.runtime.start("p").version_id == draft.id
    # An earlier version deployed again is current again (whatever the clock says).
    engine.repository.deploy_version(v1.id, actor="staff")
    assert engine.runtime.start("p").version_id == v1.id
