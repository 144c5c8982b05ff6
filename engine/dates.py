"""Date arithmetic shared by timers and scripts: aware ISO strings in, aware values out."""

from __future__ import annotations

from datetime import UTC, datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition


def parse_datetime(value: str | datetime) -> datetime:
    """An aware datetime from an ISO string; naive input is refused (its zone would be a guess)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError(f"datetime {value!s} has no UTC offset")
    return moment


def iso(moment: datetime) -> str:
    return parse_datetime(moment).astimezone(UTC).isoformat()


def add_duration(value: str | datetime, duration: str) -> str:
    """`value` shifted by an ISO 8601 duration (`P1M`, `-P7D`), months being calendar months."""
    start = parse_datetime(value)
    text = duration.strip()
    negative = text.startswith("-")
    parsed = TimerEventDefinition.parse_iso_duration(text.lstrip("+-"))
    if negative:
        return iso(start - TimerEventDefinition.get_timedelta_from_end(parsed, start))
    return iso(start + TimerEventDefinition.get_timedelta_from_start(parsed, start))
