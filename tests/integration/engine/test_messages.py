"""Messages between instances: correlation, delivery in the throwing step, message start."""

from __future__ import annotations

import pytest

from engine import Engine, NotFoundError
from tests import samples


@pytest.fixture
def shop(engine: Engine) -> Engine:
    engine.repository.deploy("waiter", {"w.bpmn": samples.waiter()}, author="t")
    engine.repository.deploy("payer", {"p.bpmn": samples.payer()}, author="t")
    engine.repository.deploy("greeted", {"g.bpmn": samples.greeted()}, author="t")
    return engine


def test_messages_correlate_reaches_only_the_matching_instance(shop: Engine) -> None:
    a = shop.runtime.start("waiter", business_key="a", variables={"order_id": "A"})
    b = shop.runtime.start("waiter", business_key="b", variables={"order_id": "B"})
    received = shop.messages.correlate(
        "paid", correlation={"order_id": "B"}, payload={"amount": 12}, actor="bank"
    )
    assert received == [b.id]
    assert shop.runtime.get(b.id).variables["paid_amount"] == 12
    assert shop.runtime.get(b.id).status == "completed"
    assert shop.runtime.get(a.id).status == "running"
    assert [h.action for h in shop.history.for_instance(b.id)][-1] == "message_received"


def test_messages_thrown_by_one_instance_are_delivered_in_the_same_step(shop: Engine) -> None:
    waiting = shop.runtime.start("waiter", variables={"order_id": "C"})
    shop.runtime.start("payer", variables={"order_id": "C", "amount": 99})
    assert shop.runtime.get(waiting.id).variables["paid_amount"] == 99


def test_messages_unmatched_message_is_an_error_and_changes_nothing(shop: Engine) -> None:
    waiting = shop.runtime.start("waiter", variables={"order_id": "D"})
    with pytest.raises(NotFoundError):
        shop.messages.correlate("paid", correlation={"order_id": "nobody"}, payload={})
    assert shop.runtime.get(waiting.id).revision == 1


def test_messages_message_start_event_creates_an_instance(shop: Engine) -> None:
    started = shop.messages.correlate("hello", payload={"who": "Anna"})
    assert len(started) == 1
    instance = shop.runtime.get(started[0])
    assert instance.process_id == "greeted" and instance.variables["greeting"]["who"] == "Anna"
    assert shop.tasks.query().instance(instance.id).one().name == "Répondre"


def test_instances_waiting_for_a_message_are_found_and_read_variable_by_variable(
    shop: Engine,
) -> None:
    waiting = [
        shop.runtime.start("waiter", business_key=f"w-{n}", variables={"order_id": str(n)})
        for n in range(3)
    ]
    shop.runtime.start("greeted", business_key="w-other", variables={})
    shop.messages.correlate("paid", correlation={"order_id": "1"}, payload={"amount": 5})
    query = shop.runtime.query().waiting_for_message("paid").business_key_prefix("w-")
    assert sorted(i.business_key for i in query.list()) == ["w-0", "w-2"]  # started together
    assert sorted(query.variables("order_id", "absent")) == [
        ("w-0", {"order_id": "0", "absent": None}),
        ("w-2", {"order_id": "2", "absent": None}),
    ]
    assert shop.runtime.query().waiting_for_message("nothing").list() == []
    assert waiting[1].id not in [i.id for i in query.list()]  # paid: no longer waits
