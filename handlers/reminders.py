"""`reminders.plan`: the reminders still ahead of a deadline, each at a wall-clock hour.

A reminder "J-N" goes out at the call's reminder hour (09:00 by default) on the calendar day N
days before the deadline's day, in the engine's zone. Each is valid until the next one is due
(or deposits close): a reminder fired later than that (a worker back after an outage) is
superseded and not sent, so applicants never read "7 days left" and "2 days left" at once.
"""

from __future__ import annotations

from typing import Any

from engine import InvalidInputError, ServiceContext
from engine.dates import at_wall_time, end_of_second, parse_datetime, shift


def plan_reminders(
    ctx: ServiceContext, deadline: str, days: list[int], at: str = "09:00"
) -> list[dict[str, Any]]:
    """`[{"days": 7, "at": ISO, "until": ISO, "last": False}, ...]`, earliest first, only the
    reminders whose moment is still ahead of now."""
    try:
        closes = parse_datetime(end_of_second(deadline))
        moments = sorted(
            (
                at_wall_time(
                    shift(parse_datetime(deadline), f"-P{int(n)}D", ctx.zone), at, ctx.zone
                ),
                int(n),
            )
            for n in set(days)
        )
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"reminders cannot be planned: {exc}", field="days") from exc
    moments = [(moment, n) for moment, n in moments if ctx.now < moment < closes]
    plan = []
    for index, (moment, n) in enumerate(moments):
        until = moments[index + 1][0] if index + 1 < len(moments) else closes
        plan.append(
            {
                "days": n,
                "at": moment.isoformat(),
                "until": until.isoformat(),
                "last": index + 1 == len(moments),
            }
        )
    return plan
