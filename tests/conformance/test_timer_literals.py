"""Timers written as modelers write them: a plain ISO 8601 date-time, duration or cycle is that
literal; any other text is an expression over the instance's data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import Engine, FrozenClock
from engine.timer_literals import is_literal
from tests import samples
from tests.conformance import diagrams as d
from tests.conftest import T0  # 2020-02-01 08:00 UTC, 09:00 in Paris


@pytest.mark.parametrize(
    "text",
    ["PT1H", "P1M", "P1Y2M3DT4H5M6S", "PT0.5S", "P2W", "R3/PT10S", "R/P1D",
     "R2/2020-02-01T08:00:00Z/PT1H", "2020-04-14T23:59:59+02:00", "2020-04-14T21:59:59Z",
     "2020-04-14", "  P1D  "],
)  # fmt: skip
def test_iso_literals_are_told_apart(text: str) -> None:
    assert is_literal(text)


@pytest.mark.parametrize(
    "text",
    ["deadline", "'P1D'", '"P1D"', "P", "PT", "P1D + x", "P1X", "due_at", "R3", "(P1D)", ""],
)
def test_expressions_are_not_literals(text: str) -> None:
    assert not is_literal(text)


def test_a_cycle_literal_is_read_as_a_cycle(engine: Engine) -> None:
    process = d.process(
        "cycled",
        [d.start(), d.user("work"), d.end(),
         d.boundary("every", "work", d.timer("timeCycle", "R2/PT10M"), interrupting=False)],
        "start work end",
    )  # fmt: skip
    engine.repository.deploy("cycled", {"t.bpmn": process}, author="t")
    instance = engine.runtime.start("cycled")
    [timer] = engine.timers.pending(instance.id)
    assert timer.due_at == T0 + timedelta(minutes=10)  # its first occurrence


@pytest.mark.parametrize(
    ("kind", "text", "variables", "due"),
    [
        ("timeDuration", "PT1H", {}, T0 + timedelta(hours=1)),
        ("timeDuration", "P1M", {}, datetime(2020, 3, 1, 8, tzinfo=UTC)),  # on Paris's calendar
        ("timeDate", "2020-02-05T10:00:00+01:00", {}, datetime(2020, 2, 5, 9, tzinfo=UTC)),
        ("timeDuration", "'PT2H'", {}, T0 + timedelta(hours=2)),  # quoted: an expression still
        ("timeDate", "deadline", {"deadline": "2020-02-03T08:00:00+00:00"},
         datetime(2020, 2, 3, 8, tzinfo=UTC)),
        ("timeDuration", '"PT" + str(hours) + "H"', {"hours": 3}, T0 + timedelta(hours=3)),
    ],
)  # fmt: skip
def test_a_timer_waits_as_written_then_fires(
    engine: Engine, clock: FrozenClock, kind: str, text: str, variables: dict, due: datetime
) -> None:
    engine.repository.deploy("timed_wait", {"t.bpmn": samples.timer_wait(kind, text)}, author="t")
    instance = engine.runtime.start("timed_wait", variables=variables)
    [timer] = engine.timers.pending(instance.id)
    assert (timer.element_id, timer.due_at) == ("wait", due)
    clock.set(due - timedelta(seconds=1))
    assert engine.timers.fire_due() == []
    clock.set(due)
    assert [fired.element_id for fired in engine.timers.fire_due()] == ["wait"]
    assert engine.tasks.query().instance(instance.id).one().element_id == "follow_up"
