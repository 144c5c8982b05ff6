"""Deploying process versions: validation, safe XML intake, versions, pinning."""

from __future__ import annotations

import pytest

from engine import DeploymentError, Engine
from tests import samples


def test_repository_deploy_numbers_versions_and_dedupes_identical_files(engine: Engine) -> None:
    first = engine.repository.deploy("approval", {"a.bpmn": samples.approval()}, author="ana")
    again = engine.repository.deploy("approval", {"a.bpmn": samples.approval()}, author="bob")
    changed = engine.repository.deploy(
        "approval", {"a.bpmn": samples.approval(script="y = x * 3")}, author="bob", comment="x3"
    )
    assert (first.version, again.version, changed.version) == (1, 1, 2)
    assert again.id == first.id and again.author == "ana"
    assert changed.comment == "x3" and changed.checksum != first.checksum
    assert [v.version for v in engine.repository.list("approval")] == [1, 2]
    assert engine.repository.files(changed.id)["a.bpmn"] == samples.approval(script="y = x * 3")


def test_repository_instance_keeps_its_version_after_a_new_deployment(engine: Engine) -> None:
    v1 = engine.repository.deploy("approval", {"a.bpmn": samples.approval()}, author="ana")
    old = engine.runtime.start("approval", variables={"x": 2, "deadline": "2030-01-01T00:00:00Z"})
    v2 = engine.repository.deploy(
        "approval", {"a.bpmn": samples.approval(script="y = x * 100")}, author="ana"
    )
    new = engine.runtime.start("approval", variables={"x": 2, "deadline": "2030-01-01T00:00:00Z"})
    assert (old.version_id, new.version_id) == (v1.id, v2.id)
    assert (old.variables["y"], new.variables["y"]) == (4, 200)
    task = engine.tasks.query().instance(old.id).one()
    engine.tasks.complete(task.id, {"ok": True}, actor="rita")
    finished = engine.runtime.get(old.id)
    assert finished.status == "completed" and finished.version_id == v1.id


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a.bpmn": "<bpmn:definitions"}, "malformed XML"),
        ({"a.bpmn": samples.XXE}, "DOCTYPE"),
        ({"a.bpmn": samples.BILLION_LAUGHS}, "DOCTYPE"),
        (
            {"a.bpmn": samples.approval().replace("bpmn:userTask", "bpmn:userTaskX")},
            "schéma BPMN : Element 'bpmn:userTaskX'",
        ),
        ({"a.bpmn": samples.approval(process_id="other")}, "aucun processus exécutable"),
        ({"notes.txt": "hello"}, "only plain"),
        ({"a.dmn": "<x/>"}, "at least one .bpmn"),
        ({"a.bpmn": samples.approval(), "form.json": "{oops"}, "invalid JSON"),
        ({"a.bpmn": "<x>" + " " * (2 * 1024 * 1024) + "</x>"}, "too large"),
    ],
)
def test_repository_refuses_bad_files_and_stores_nothing(
    engine: Engine, files: dict[str, str], message: str
) -> None:
    with pytest.raises(DeploymentError, match=message):
        engine.repository.deploy("approval", files, author="mallory")
    assert engine.repository.list() == []


def test_repository_external_entity_never_reaches_the_spec(engine: Engine) -> None:
    with pytest.raises(DeploymentError) as caught:
        engine.repository.deploy("approval", {"a.bpmn": samples.XXE}, author="mallory")
    assert "root:" not in str(caught.value)


@pytest.mark.parametrize(
    ("condition", "said"),
    [("x ==", "SyntaxError"), ("__import__('os')", "__import__"), ("[y for y in", "SyntaxError")],
)
def test_a_condition_the_sandbox_refuses_is_refused_at_deploy_with_its_element(
    engine: Engine, condition: str, said: str
) -> None:
    with pytest.raises(DeploymentError) as refused:
        engine.repository.deploy("gated", {"g.bpmn": samples.gated(condition)}, author="t")
    message = str(refused.value)
    assert message.startswith("élément choice « Choix » : condition vers yes invalide")
    assert said in message and refused.value.field == "choice"
    assert list(refused.value.errors) == ["choice"]  # by element, where an editor marks it
    assert engine.repository.list() == []
