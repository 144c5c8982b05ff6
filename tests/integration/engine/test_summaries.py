"""Instance summaries: written by every step with the instance, filled after an upgrade for the
instances already there, and queried in SQL (filters, search, sort, pages, groups, sums) on
SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from engine import Engine, EngineConfig, FrozenClock, Summary
from engine.models import Instance
from tests import samples
from tests.conftest import T0, EngineFactory

DEADLINE = (T0 + timedelta(days=2)).isoformat()


def summarize(instance: Instance, forms: tuple[str, ...]) -> Summary:
    v = instance.variables
    fields = {name: v.get(name) for name in ("team", "amount", "tags", "name", "numbers")}
    return Summary(
        {**fields, "forms": list(forms), "status": instance.status},
        f"{instance.business_key}\n{v.get('name') or ''}",
    )


PEOPLE: list[dict[str, Any]] = [
    {"name": "Élodie Martin", "team": "blue", "amount": 120, "tags": ["x", "y"], "numbers": [1]},
    {"name": "bruno Petit", "team": "red", "amount": 80.5, "tags": ["y"], "numbers": [2, 3]},
    {"name": "Chloé Durand", "team": "blue", "amount": 1000, "tags": [], "numbers": [3]},
    {"name": "Ängel 50%_off", "team": "green", "tags": ["z"]},
    {"name": "", "team": "red", "amount": 7},
]


def populate(engine: Engine) -> Engine:
    engine.repository.deploy("approval", {"a.bpmn": samples.approval()}, author="test")
    for n, person in enumerate(PEOPLE):
        engine.runtime.start(
            "approval",
            business_key=f"K-{n}",
            variables={"x": 1, "deadline": DEADLINE, **person},
        )
    return engine


@pytest.fixture
def engine(make_engine: EngineFactory) -> Engine:
    """For the tests that change instances."""
    return populate(make_engine(summaries={"approval": summarize}))


@pytest.fixture(scope="module")
def shared(module_database_url: str) -> Iterator[Engine]:
    """One database for the tests that only read."""
    engine = Engine(
        EngineConfig(module_database_url, clock=FrozenClock(T0), summaries={"approval": summarize})
    )
    engine.management.create_schema()
    yield populate(engine)
    engine.close()


def keys(engine: Engine, build: Any) -> list[str | None]:
    return [row.business_key for row in build(engine.runtime.summaries("approval")).list()]


def test_every_step_writes_the_summary_with_the_open_forms(engine: Engine) -> None:
    [row] = engine.runtime.summaries("approval").business_key_prefix("K-0").list()
    assert row.fields["forms"] == ["review_form"] and row.fields["status"] == "running"
    assert row.fields["tags"] == ["x", "y"] and row.fields["amount"] == 120
    task = engine.tasks.query().business_key("K-0").one()
    engine.tasks.complete(task.id, {"team": "gold"}, actor="someone")
    [row] = engine.runtime.summaries("approval").business_key_prefix("K-0").list()
    assert row.fields["team"] == "gold" and row.fields["status"] == "completed"
    assert row.fields["forms"] == []  # an empty list is kept; None and "" are not
    assert row.fields.get("name") == "Élodie Martin"


def test_empty_values_are_left_out_of_the_fields(shared: Engine) -> None:
    [row] = shared.runtime.summaries("approval").business_key_prefix("K-4").list()
    assert "name" not in row.fields and "tags" not in row.fields


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda q: q.equals("team", "blue"), ["K-0", "K-2"]),
        (lambda q: q.one_of("team", ["green", "red"]), ["K-1", "K-3", "K-4"]),
        (lambda q: q.has("tags", "y"), ["K-0", "K-1"]),
        (lambda q: q.has("numbers", 3), ["K-1", "K-2"]),
        (lambda q: q.between("amount", 80.5, 120), ["K-0", "K-1"]),
        (lambda q: q.between("amount", None, 10), ["K-4"]),
        (lambda q: q.between("amount", 100, None), ["K-0", "K-2"]),
        (lambda q: q.present("amount"), ["K-0", "K-1", "K-2", "K-4"]),
        (lambda q: q.matching("ELODIE"), ["K-0"]),  # case and accents aside
        (lambda q: q.matching("  chloé   durand "), ["K-2"]),
        (lambda q: q.matching("50%_"), ["K-3"]),  # LIKE's wildcards are plain characters
        (lambda q: q.matching("%"), ["K-3"]),
        (lambda q: q.matching("k-"), ["K-0", "K-1", "K-2", "K-3", "K-4"]),
        (lambda q: q.matching("nobody"), []),
        (lambda q: q.business_key_prefix("K-1"), ["K-1"]),
    ],
)
def test_filters_keep_what_they_name(shared: Engine, build: Any, expected: list[str]) -> None:
    assert keys(shared, build) == expected


@pytest.mark.parametrize(
    ("name", "descending", "expected"),
    [
        ("amount", False, ["K-4", "K-1", "K-0", "K-2", "K-3"]),  # as numbers; none last
        ("amount", True, ["K-2", "K-0", "K-1", "K-4", "K-3"]),  # none last here too
        ("name", False, ["K-1", "K-2", "K-0", "K-3", "K-4"]),  # without case
        ("team", False, ["K-0", "K-2", "K-3", "K-1", "K-4"]),  # ties by business key
        (None, True, ["K-4", "K-3", "K-2", "K-1", "K-0"]),
    ],
)
def test_sorting_by_a_field(
    shared: Engine, name: str | None, descending: bool, expected: list[str]
) -> None:
    found = keys(shared, lambda q: q.sorted_by(name, descending=descending))
    if name == "name":  # where "Élodie" and "Ängel" sort is the database's collation
        assert found[:2] == expected[:2] and found[-1] == "K-4"
    else:
        assert found == expected


def test_pages_groups_and_sums(shared: Engine) -> None:
    query = shared.runtime.summaries("approval").sorted_by("amount")
    page, total = query.page_with_count(1, 2)
    assert [r.business_key for r in page] == ["K-1", "K-0"] and total == 5
    assert query.page_with_count(4, 2)[1] == 5 and query.page_with_count(10, 2) == ([], 5)
    assert query.equals("team", "red").page_with_count(0, 10)[1] == 2
    assert shared.runtime.summaries("approval").count_by("team") == {
        ("blue",): 2,
        ("red",): 2,
        ("green",): 1,
    }
    groups = shared.runtime.summaries("approval").grouped(["team"], ["amount"])
    assert {k: (c, s) for k, c, s in groups} == {
        ("blue",): (2, (1120.0,)),
        ("red",): (2, (87.5,)),
        ("green",): (1, (0.0,)),
    }
    assert shared.runtime.summaries("approval").equals("team", "red").total("amount") == 87.5
    assert shared.runtime.summaries("approval").equals("team", "none").total("amount") == 0
    assert shared.runtime.summaries("other").list() == []


def test_instances_started_before_a_summarizer_are_summarized_on_upgrade(
    make_engine: EngineFactory,
) -> None:
    before = make_engine()
    before.repository.deploy("approval", {"a.bpmn": samples.approval()}, author="test")
    for n in range(3):
        before.runtime.start(
            "approval", business_key=f"OLD-{n}", variables={"x": 1, "deadline": DEADLINE,
                                                           "team": "blue", "amount": n}
        )  # fmt: skip
    assert before.runtime.summaries("approval").list() == []
    after = make_engine(summaries={"approval": summarize})
    after.management.create_schema()  # as a new release starts
    rows = after.runtime.summaries("approval").sorted_by("amount").list()
    assert [(r.business_key, r.fields["forms"]) for r in rows] == [
        (f"OLD-{n}", ["review_form"]) for n in range(3)
    ]
    assert after.runtime.summarize_missing() == 0  # nothing left to fill
    after.runtime.cancel(rows[0].instance_id)
    [row] = after.runtime.summaries("approval").business_key_prefix("OLD-0").list()
    assert row.fields["status"] == "cancelled"  # kept in step afterwards
