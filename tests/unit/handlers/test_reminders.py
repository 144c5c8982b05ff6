"""`reminders.plan`: the reminders still ahead of a deadline, each valid until the next one."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine import InvalidInputError, ServiceContext
from handlers.reminders import plan_reminders

PARIS = ZoneInfo("Europe/Paris")
DEADLINE = "2020-04-14T21:59:59+00:00"  # Tuesday 14 April 2020, 23:59:59 in Paris


def at(now: datetime) -> ServiceContext:
    return ServiceContext("i", "fact_call", "2020-01", "plan_reminders_task", {}, now)


def paris(*parts: int) -> str:
    return datetime(*parts, tzinfo=PARIS).isoformat()


def moments(plan: list[dict]) -> list[tuple[int, str, str, bool]]:
    return [
        (
            r["days"],
            datetime.fromisoformat(r["at"]).astimezone(PARIS).isoformat(),
            datetime.fromisoformat(r["until"]).astimezone(PARIS).isoformat(),
            r["last"],
        )
        for r in plan
    ]


def test_each_reminder_is_valid_until_the_next_and_the_last_until_closing() -> None:
    plan = plan_reminders(at(datetime(2020, 3, 1, tzinfo=PARIS)), DEADLINE, [2, 7, 14])
    assert moments(plan) == [
        (14, paris(2020, 3, 31, 9), paris(2020, 4, 7, 9), False),
        (7, paris(2020, 4, 7, 9), paris(2020, 4, 12, 9), False),
        (2, paris(2020, 4, 12, 9), paris(2020, 4, 15, 0), True),
    ]


def test_reminders_already_past_when_planned_are_left_out() -> None:
    plan = plan_reminders(at(datetime(2020, 4, 9, 12, tzinfo=PARIS)), DEADLINE, [7, 2], "18:30")
    assert moments(plan) == [(2, paris(2020, 4, 12, 18, 30), paris(2020, 4, 15, 0), True)]
    assert plan_reminders(at(datetime(2020, 4, 14, 12, tzinfo=PARIS)), DEADLINE, [7, 2]) == []


def test_a_reminder_after_the_deadline_itself_is_never_planned() -> None:
    morning = "2020-04-14T06:00:00+00:00"  # a deadline at 08:00: J-0 at 09:00 would be late
    plan = plan_reminders(at(datetime(2020, 4, 1, tzinfo=PARIS)), morning, [0, 1])
    assert [r["days"] for r in plan] == [1]


@pytest.mark.parametrize(
    ("deadline", "days", "hour"),
    [("demain", [7], "09:00"), (DEADLINE, ["sept"], "09:00"), (DEADLINE, [7], "9h")],
)
def test_a_plan_that_cannot_be_made_names_the_problem(deadline: str, days: list, hour: str) -> None:
    with pytest.raises(InvalidInputError, match="reminders cannot be planned"):
        plan_reminders(at(datetime(2020, 3, 1, tzinfo=PARIS)), deadline, days, hour)
