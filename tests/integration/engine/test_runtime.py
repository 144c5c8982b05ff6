"""Instances: run to wait states, complete tasks, timers, history, cancellation, variables."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy.exc import DBAPIError

from engine import (
    ConcurrencyError,
    ConflictError,
    DeploymentError,
    DuplicateError,
    Engine,
    EngineConfig,
    FrozenClock,
    InvalidInputError,
    NotFoundError,
    ProcessError,
)
from engine.scripting import Document
from tests import samples
from tests.conftest import T0

DEADLINE = (T0 + timedelta(days=2)).isoformat()


@pytest.fixture
def approval(engine: Engine) -> Engine:
    engine.repository.deploy("approval", {"approval.bpmn": samples.approval()}, author="test")
    return engine


def test_runtime_start_runs_to_the_user_task_and_indexes_it(engine: Engine) -> None:
    engine.repository.deploy(
        "approval", {"a.bpmn": samples.approval(assignee="reviewer")}, author="test"
    )
    approval = engine
    instance = approval.runtime.start(
        "approval",
        business_key="k-1",
        variables={"x": 4, "deadline": DEADLINE, "reviewer": "rita"},
        actor="ana",
    )
    assert instance.status == "running" and instance.variables["y"] == 8
    task = approval.tasks.query().business_key("k-1").one()
    assert (task.element_id, task.name, task.form_key, task.assignee) == (
        "review",
        "Relire",
        "review_form",
        "rita",
    )
    assert task.due_at == T0 + timedelta(days=2)  # from the interrupting boundary timer
    assert approval.timers.next_due() == T0 + timedelta(days=2)
    assert approval.tasks.query().available_to("rita", []).count() == 1
    assert approval.tasks.query().available_to("other", ["any"]).count() == 0


def test_runtime_complete_finishes_and_audits(approval: Engine) -> None:
    instance = approval.runtime.start("approval", variables={"x": 1, "deadline": DEADLINE})
    task = approval.tasks.query().instance(instance.id).one()
    approval.tasks.complete(task.id, {"verdict": "ok"}, actor="rita")
    done = approval.runtime.get(instance.id)
    assert done.status == "completed" and done.ended_at is not None
    assert done.variables["verdict"] == "ok"
    assert approval.tasks.query().instance(instance.id).count() == 0
    assert approval.timers.next_due() is None
    history = approval.history.for_instance(instance.id)
    assert [h.action for h in history] == ["started", "task_completed"]
    assert history[1].actor == "rita" and history[1].element_id == "review"
    assert history[1].changes["set"] == {"verdict": "ok"}


def test_runtime_double_completion_is_a_conflict(approval: Engine) -> None:
    instance = approval.runtime.start("approval", variables={"x": 1, "deadline": DEADLINE})
    task = approval.tasks.query().instance(instance.id).one()
    approval.tasks.complete(task.id, {}, actor="rita")
    with pytest.raises(ConflictError, match="already completed"):
        approval.tasks.complete(task.id, {}, actor="rita")
    with pytest.raises(NotFoundError):
        approval.tasks.complete("00000000-0000-0000-0000-000000000000", {}, actor="rita")


def test_runtime_timer_fires_when_due_and_not_before(approval: Engine, clock: FrozenClock) -> None:
    instance = approval.runtime.start("approval", variables={"x": 1, "deadline": DEADLINE})
    clock.set(T0 + timedelta(days=2) - timedelta(microseconds=1))
    assert approval.timers.fire_due() == []
    clock.advance(timedelta(microseconds=1))  # a timer fires at its due time
    fired = approval.timers.fire_due()
    assert [(f.instance_id, f.element_id) for f in fired] == [(instance.id, "deadline_timer")]
    done = approval.runtime.get(instance.id)
    assert done.status == "completed" and done.variables["expired"] is True
    assert approval.tasks.query().instance(instance.id).count() == 0
    assert approval.timers.fire_due() == []


def test_runtime_completion_after_the_deadline_is_refused_even_before_the_timer_fired(
    approval: Engine, clock: FrozenClock
) -> None:
    instance = approval.runtime.start("approval", variables={"x": 1, "deadline": DEADLINE})
    task = approval.tasks.query().instance(instance.id).one()
    clock.set(T0 + timedelta(days=2, seconds=1))
    with pytest.raises(ConflictError, match="no longer open"):
        approval.tasks.complete(task.id, {"late": True}, actor="rita")
    assert "late" not in approval.runtime.get(instance.id).variables
    approval.timers.fire_due()
    assert approval.runtime.get(instance.id).variables["expired"] is True


def test_runtime_set_variables_reschedules_date_timers(
    approval: Engine, clock: FrozenClock
) -> None:
    instance = approval.runtime.start("approval", variables={"x": 1, "deadline": DEADLINE})
    later = (T0 + timedelta(days=30)).isoformat()
    approval.runtime.set_variables(instance.id, {"deadline": later}, actor="staff")
    assert approval.timers.next_due() == T0 + timedelta(days=30)
    assert approval.tasks.query().instance(instance.id).one().due_at == T0 + timedelta(days=30)
    clock.set(T0 + timedelta(days=3))
    assert approval.timers.fire_due() == []
    task = approval.tasks.query().instance(instance.id).one()
    approval.tasks.complete(task.id, {}, actor="rita")
    assert "expired" not in approval.runtime.get(instance.id).variables


def test_runtime_updates_of_one_variable_at_the_same_time_all_land_with_their_documents(
    approval: Engine,
) -> None:
    instance = approval.runtime.start("approval", variables={"x": 1, "deadline": DEADLINE})
    start = threading.Barrier(6)

    def add(n: int) -> None:
        start.wait()
        approval.runtime.update_variables(
            instance.id,
            lambda variables: {"seen": sorted([*variables.get("seen", []), n])},
            documents=[Document(f"scan-{n}", f"scan {n}".encode(), "text/plain")],
        )

    threads = [threading.Thread(target=add, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert approval.runtime.get(instance.id).variables["seen"] == list(range(6))
    assert approval.documents.get(instance.id, "scan-3")[1] == b"scan 3"
    with pytest.raises(InvalidInputError):  # a change naming a bad variable writes nothing
        approval.runtime.update_variables(instance.id, lambda _: {"_x": 1}, documents=[
            Document("never", b"n", "text/plain")])  # fmt: skip
    assert len(approval.documents.list(instance.id)) == 6


def test_runtime_cancel_closes_tasks_and_timers(approval: Engine) -> None:
    instance = approval.runtime.start("approval", variables={"x": 1, "deadline": DEADLINE})
    cancelled = approval.runtime.cancel(instance.id, actor="staff")
    assert cancelled.status == "cancelled"
    assert approval.tasks.query().instance(instance.id).count() == 0
    assert approval.timers.next_due() is None
    with pytest.raises(ConflictError):
        approval.runtime.cancel(instance.id, actor="staff")


def test_runtime_failing_script_stores_nothing(engine: Engine) -> None:
    engine.repository.deploy(
        "approval", {"a.bpmn": samples.approval(script="y = undefined_name + 1")}, author="t"
    )
    with pytest.raises(ProcessError, match="undefined_name"):
        engine.runtime.start("approval", business_key="bad", variables={"x": 1})
    assert engine.runtime.query().count() == 0
    assert engine.tasks.query().count() == 0


def test_runtime_start_refuses_bad_variable_names(approval: Engine) -> None:
    from engine import InvalidInputError

    with pytest.raises(InvalidInputError) as caught:
        approval.runtime.start("approval", variables={"__class__": 1})
    assert caught.value.field == "__class__"
    with pytest.raises(NotFoundError):
        approval.runtime.start("missing")


def test_runtime_business_key_is_unique_per_process(approval: Engine) -> None:
    approval.runtime.start(
        "approval", business_key="same", variables={"x": 1, "deadline": DEADLINE}
    )
    before = (approval.tasks.query().count(), approval.timers.next_due())
    with pytest.raises(DuplicateError) as duplicate:  # a constraint, not a concurrent change
        approval.runtime.start(
            "approval", business_key="same", variables={"x": 1, "deadline": DEADLINE}
        )
    assert duplicate.value.columns == ("process_id", "business_key")
    assert str(duplicate.value) == "valeur déjà enregistrée : instance (process_id, business_key)"
    assert isinstance(duplicate.value, ConflictError)
    assert not isinstance(duplicate.value, ConcurrencyError)
    assert approval.runtime.query().business_key("same").count() == 1
    assert (approval.tasks.query().count(), approval.timers.next_due()) == before


def test_runtime_racing_completions_of_one_task_one_wins_nothing_else_written(
    approval: Engine,
) -> None:
    instance = approval.runtime.start("approval", variables={"x": 1, "deadline": DEADLINE})
    task = approval.tasks.query().instance(instance.id).one()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def complete(actor: str) -> None:
        barrier.wait()
        try:
            approval.tasks.complete(task.id, {"by": actor}, actor=actor)
            outcomes.append("ok")
        except (ConflictError, NotFoundError) as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=complete, args=(name,)) for name in ("ann", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[-1] == "ok" and outcomes.count("ok") == 1
    history = approval.history.for_instance(instance.id)
    assert [h.action for h in history].count("task_completed") == 1


@pytest.mark.parametrize(
    "script",
    ["import os", "y = __import__('os').getcwd()", "y = ().__class__.__base__.__subclasses__()"],
    ids=["import", "dunder-import", "dunder-chain"],
)
def test_runtime_sandbox_refuses_escapes_at_deploy_with_their_element(
    engine: Engine, script: str
) -> None:
    with pytest.raises(DeploymentError) as refused:
        engine.repository.deploy("approval", {"a.bpmn": samples.approval(script=script)},
                                 author="t")  # fmt: skip
    assert "compute « Calcul » : script" in str(refused.value)
    assert engine.repository.list() == []


@pytest.mark.parametrize(
    "script",
    ["y = open('/etc/passwd').read()", "y = x\nwhile True:\n    y = y + 1"],
    ids=["open", "endless-loop"],
)
def test_runtime_sandbox_refuses_escapes_in_diagram_scripts(
    make_engine: Callable[..., Engine], script: str
) -> None:
    engine = make_engine(script_time_limit=0.3)
    engine.repository.deploy("approval", {"a.bpmn": samples.approval(script=script)}, author="t")
    with pytest.raises(ProcessError):
        engine.runtime.start("approval", variables={"x": 1, "deadline": DEADLINE})
    assert engine.runtime.query().count() == 0


@pytest.mark.postgresql
def test_runtime_recovers_when_the_database_drops_its_connections(
    postgres_server: Callable[[], str], clock: FrozenClock
) -> None:
    """Connections are not pinged before use: a dropped one fails one command, whole, and the
    pool is renewed for the next ones."""
    url = postgres_server()
    engine = Engine(EngineConfig(database_url=url, clock=clock))
    try:
        engine.management.create_schema()
        engine.repository.deploy("approval", {"a.bpmn": samples.approval()}, author="test")
        variables = {"x": 1, "deadline": DEADLINE}
        engine.runtime.start("approval", variables=variables)
        with psycopg.connect(url, autocommit=True) as admin:  # as a server restart would
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        outcomes = []
        for _ in range(3):
            try:
                engine.runtime.start("approval", variables=variables)
                outcomes.append("started")
            except DBAPIError:
                outcomes.append("lost")
        assert outcomes[1:] == ["started", "started"]
        started = engine.runtime.query().count()
        assert started == 1 + outcomes.count("started")  # the lost one left nothing behind
        assert engine.tasks.query().count() == started
    finally:
        engine.close()


def test_the_elements_an_instance_went_through_in_order(approval: Engine) -> None:
    started = approval.runtime.start(
        "approval", variables={"x": 2, "deadline": DEADLINE}, business_key="path"
    )
    assert approval.runtime.completed_elements(started.id) == ["start", "compute"]
    task = approval.tasks.query().instance(started.id).one()
    approval.tasks.complete(task.id, {}, actor="someone")
    assert approval.runtime.completed_elements(started.id) == ["start", "compute", "review", "done"]
    with pytest.raises(NotFoundError):
        approval.runtime.completed_elements("no-such-instance")


def test_the_path_through_a_gateway_names_the_branch_taken(engine: Engine) -> None:
    engine.repository.deploy("gated", {"g.bpmn": samples.gated("x > 1")}, author="test")
    for x, branch in ((1, "no"), (5, "yes")):
        instance = engine.runtime.start("gated", variables={"x": x})
        assert engine.runtime.completed_elements(instance.id) == ["start", "choice"]
        task = engine.tasks.query().instance(instance.id).one()
        assert task.element_id == branch
        engine.tasks.complete(task.id, {}, actor="someone")
        path = engine.runtime.completed_elements(instance.id)
        assert path == ["start", "choice", branch, f"end_{branch}"]


def test_where_instances_wait_counted_by_element(approval: Engine) -> None:
    for key in ("A-1", "A-2", "B-1", "A%1"):
        approval.runtime.start(
            "approval", business_key=key, variables={"x": 1, "deadline": DEADLINE}
        )
    # each waits at its review task and at the timer on it
    assert approval.runtime.waiting("approval") == {"deadline_timer": 4, "review": 4}
    assert approval.runtime.waiting("approval", business_key_prefix="A-") == {
        "deadline_timer": 2,
        "review": 2,
    }
    assert approval.runtime.waiting("approval", business_key_prefix="A%") == {
        "deadline_timer": 1,
        "review": 1,
    }  # the prefix is matched as typed, not as a pattern
    assert approval.runtime.waiting_at("approval", "review", business_key_prefix="A") == [
        "A%1", "A-1", "A-2"]  # fmt: skip
    assert approval.runtime.waiting_at("approval", "review", limit=2) == ["A%1", "A-1"]
    task = approval.tasks.query().business_key("A-1").one()
    approval.tasks.complete(task.id, {}, actor="someone")
    assert approval.runtime.waiting("approval", business_key_prefix="A-") == {
        "deadline_timer": 1,
        "review": 1,
    }
    assert approval.runtime.waiting_at("approval", "nowhere") == []
    assert approval.runtime.waiting("other") == {}


def test_overdue_timers_are_the_live_ones_past_due_earliest_first(approval: Engine) -> None:
    for days in (3, 1, 2):
        due = (T0 + timedelta(days=days)).isoformat()
        approval.runtime.start("approval", variables={"x": 1, "deadline": due})
    now = T0 + timedelta(days=2, hours=1)
    overdue = approval.timers.pending(overdue_at=now)
    assert [t.due_at - T0 for t in overdue] == [timedelta(days=1), timedelta(days=2)]
    assert len(approval.timers.pending(overdue_at=now, limit=1)) == 1
    assert len(approval.timers.pending()) == 3  # all of them without a moment
