"""A message sent before its receiver waits is kept for a while, not dropped: the first
matching catch to open within that time receives it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import Engine, FrozenClock
from engine.errors import NotFoundError
from tests import samples
from tests.conftest import T0, EngineFactory

ORDER = {"order_id": "A-1", "amount": 120}


def prepared(engine: Engine, order_id: str = "A-1") -> str:
    """A receiver busy with its user task 'prepare' (not waiting yet) for this order."""
    instance = engine.runtime.start("waiter", variables={"order_id": order_id})
    return instance.id


def finish_preparing(engine: Engine, instance_id: str) -> None:
    [task] = engine.tasks.query().instance(instance_id).list()
    engine.tasks.complete(task.id, {}, actor="staff")


@pytest.fixture
def deployed(engine: Engine) -> Engine:
    engine.repository.deploy("waiter", {"w.bpmn": samples.waiter(prepare=True)}, author="t")
    engine.repository.deploy("payer", {"p.bpmn": samples.payer()}, author="t")
    return engine


def test_a_message_thrown_early_reaches_the_catch_when_it_opens(deployed: Engine) -> None:
    engine = deployed
    receiver = prepared(engine)
    engine.runtime.start("payer", variables=ORDER)  # nobody waits yet: kept
    finish_preparing(engine, receiver)  # the catch opens and takes it in the same step
    done = engine.runtime.get(receiver)
    assert done.status == "completed" and done.variables["paid_amount"] == 120
    # Taken once: a second receiver reaching its catch waits.
    other = prepared(engine)
    finish_preparing(engine, other)
    assert engine.runtime.get(other).status == "running"


def test_a_kept_message_goes_only_to_a_catch_with_its_keys(deployed: Engine) -> None:
    engine = deployed
    engine.runtime.start("payer", variables=ORDER)
    elsewhere = prepared(engine, "B-2")
    finish_preparing(engine, elsewhere)
    assert engine.runtime.get(elsewhere).status == "running"  # another order: still waits
    mine = prepared(engine, "A-1")
    finish_preparing(engine, mine)
    assert engine.runtime.get(mine).status == "completed"


def test_a_kept_message_expires(deployed: Engine, clock: FrozenClock) -> None:
    engine = deployed
    receiver = prepared(engine)
    engine.runtime.start("payer", variables=ORDER)
    clock.set(T0 + timedelta(hours=1))  # the default keeps it one hour
    finish_preparing(engine, receiver)
    assert engine.runtime.get(receiver).status == "running"


def test_without_keeping_a_message_nobody_waits_for_is_dropped(
    make_engine: EngineFactory,
) -> None:
    engine = make_engine(message_ttl=timedelta(0))
    engine.repository.deploy("waiter", {"w.bpmn": samples.waiter(prepare=True)}, author="t")
    engine.repository.deploy("payer", {"p.bpmn": samples.payer()}, author="t")
    receiver = prepared(engine)
    engine.runtime.start("payer", variables=ORDER)
    finish_preparing(engine, receiver)
    assert engine.runtime.get(receiver).status == "running"


def test_a_correlated_message_is_kept_only_when_asked(deployed: Engine) -> None:
    engine = deployed
    receiver = prepared(engine)
    with pytest.raises(NotFoundError):  # callers that need a receiver now are told
        engine.messages.correlate("paid", correlation={"order_id": "A-1"}, payload={"amount": 5})
    kept = engine.messages.correlate(
        "paid", correlation={"order_id": "A-1"}, payload={"amount": 7},
        keep_for=timedelta(minutes=30),
    )  # fmt: skip
    assert kept == []
    finish_preparing(engine, receiver)
    assert engine.runtime.get(receiver).variables["paid_amount"] == 7
