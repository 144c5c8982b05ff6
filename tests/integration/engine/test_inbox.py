"""The task inbox: who sees which open task, page by page, with the count of all of them."""

from __future__ import annotations

import itertools

import pytest

from engine import Engine
from engine.models import UserTask
from tests import samples

USERS = ("ana", "bob", None)


@pytest.fixture
def inbox(engine: Engine) -> Engine:
    """37 open tasks in lanes Alpha and Beta: assigned, claimed or free, in every mix."""
    engine.repository.deploy("alpha", {"a.bpmn": samples.laned("alpha", "Alpha")}, author="t")
    engine.repository.deploy("beta", {"b.bpmn": samples.laned("beta", "Beta")}, author="t")
    mixes = itertools.cycle(itertools.product(("alpha", "beta"), USERS, USERS))
    for n, (process, owner, claimer) in zip(range(37), mixes, strict=False):
        engine.runtime.start(process, business_key=f"k{n}", variables={"owner": owner})
        task = engine.tasks.query().business_key(f"k{n}").one()
        if claimer is not None and owner in (None, claimer):
            engine.tasks.claim(task.id, actor=claimer)
    return engine


def _expected(tasks: list[UserTask], user: str, lanes: list[str]) -> list[str]:
    def visible(task: UserTask) -> bool:
        free = task.assignee is None and task.claimed_by is None
        return user in (task.assignee, task.claimed_by) or (free and task.lane in lanes)

    ordered = sorted(tasks, key=lambda task: (task.created_at, task.id))
    return [task.id for task in ordered if visible(task)]


@pytest.mark.parametrize(
    ("user", "lanes"), [("ana", ["Alpha"]), ("bob", ["Alpha", "Beta"]), ("cy", ["Beta"])]
)
def test_inbox_available_pages_match_every_visible_task_once(
    inbox: Engine, user: str, lanes: list[str]
) -> None:
    expected = _expected(inbox.tasks.query().list(), user, lanes)
    assert 0 < len(expected) < 37
    for size in (1, 4, 10, 50):
        seen, counts = [], set()
        for offset in range(0, len(expected) + size, size):
            query = inbox.tasks.query().available_to(user, lanes)
            page, count = query.page_with_count(offset, size)
            seen += [task.id for task in page]
            counts.add(count)
        assert seen == expected and counts == {len(expected)}
    assert inbox.tasks.query().available_to(user, lanes).count() == len(expected)
    assert [t.id for t in inbox.tasks.query().available_to(user, lanes).list()] == expected


def test_inbox_filters_apply_to_every_alternative(inbox: Engine) -> None:
    everything = inbox.tasks.query().list()
    alpha = [task for task in everything if task.process_id == "alpha"]
    expected = _expected(alpha, "bob", ["Alpha", "Beta"])
    found = inbox.tasks.query().process("alpha").available_to("bob", ["Alpha", "Beta"]).list()
    assert [task.id for task in found] == expected and expected
