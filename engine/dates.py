"""Calendar arithmetic for people: instants stored in UTC, durations counted on a wall clock.

"J-7" or "one month later" is what a person reads on a calendar in the zone where the deadline
lives (Europe/Paris unless configured otherwise), not a number of seconds:

- the date part of an ISO 8601 duration (years, months, weeks, days) moves the wall-clock date
  and keeps the wall-clock time; a month ending past the end of the target month is clamped to
  its last day (31 January + 1 month = 29 February 2020; 31 March + 1 month = 30 April);
- the time part (hours, minutes, seconds) is elapsed time, added to the instant;
- a wall-clock time that does not exist (the hour skipped in March) moves forward by the gap;
  one that exists twice (the hour repeated in October) keeps the start's UTC offset when it is
  one of the two, else takes the earlier one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

CALENDAR_ZONE = ZoneInfo("Europe/Paris")

_DURATION = re.compile(
    r"^(?P<sign>[+-])?P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?"
    r"(?:(?P<days>\d+)D)?(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?$"
)
# Far enough for any deadline, near enough that a typo (P99999999Y) is refused, not computed.
MAX_YEARS = 1000
# The years a date typed for a process may fall in: year 1 or 9999 is a typo, and converting it
# to UTC or adding a delay to it overflows Python's datetime.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 duration split into its calendar part and its elapsed-time part."""

    calendar: relativedelta
    elapsed: timedelta

    def __neg__(self) -> Duration:
        return Duration(-self.calendar, -self.elapsed)


def parse_duration(text: str) -> Duration:
    """`P1M`, `-P7D`, `P1Y2M`, `PT36H`, `P1DT12H`, `P2W`; ValueError otherwise."""
    match = _DURATION.match(str(text).strip())
    if match is None:
        raise ValueError(f"not an ISO 8601 duration: {text!r}")
    parts = {k: v for k, v in match.groupdict().items() if v is not None and k != "sign"}
    seconds = float(parts.pop("seconds", "0").replace(",", "."))
    values = {k: int(v) for k, v in parts.items()}
    return duration_of(**values, seconds=seconds, negative=match.group("sign") == "-")


def duration_of(
    *,
    years: int = 0,
    months: int = 0,
    weeks: int = 0,
    days: int = 0,
    hours: float = 0,
    minutes: float = 0,
    seconds: float = 0,
    negative: bool = False,
) -> Duration:
    """A Duration from its fields; years and months must be whole (a fraction of a month has
    no calendar meaning)."""
    if int(years) != years or int(months) != months:
        raise ValueError("years and months of a duration must be whole numbers")
    if abs(years) + abs(months) / 12 + (abs(weeks) * 7 + abs(days)) / 366 > MAX_YEARS:
        raise ValueError(f"duration longer than {MAX_YEARS} years")
    calendar = relativedelta(years=int(years), months=int(months), days=weeks * 7 + days)
    elapsed = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    if elapsed > timedelta(days=366 * MAX_YEARS):
        raise ValueError(f"duration longer than {MAX_YEARS} years")
    duration = Duration(calendar, elapsed)
    return -duration if negative else duration


def parse_datetime(value: str | datetime) -> datetime:
    """An aware datetime from an ISO string; naive input is refused (its zone would be a guess)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError(f"datetime {value!s} has no UTC offset")
    return moment


def in_plausible_years(moment: date) -> bool:
    """Whether a date, or an aware instant read on the calendar (CALENDAR_ZONE), falls in
    FIRST_YEAR..LAST_YEAR (an instant too far to convert does not)."""
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        try:
            moment = moment.astimezone(CALENDAR_ZONE)
        except (OverflowError, ValueError):
            return False
    return FIRST_YEAR <= moment.year <= LAST_YEAR


def iso(moment: datetime) -> str:
    return parse_datetime(moment).astimezone(UTC).isoformat()


def shift(start: datetime, duration: Duration | str, zone: ZoneInfo = CALENDAR_ZONE) -> datetime:
    """`start` moved by `duration` as a person counts on the calendar of `zone` (UTC result)."""
    if isinstance(duration, str):
        duration = parse_duration(duration)
    start = parse_datetime(start)
    local = start.astimezone(zone)
    try:
        wall = local.replace(tzinfo=None) + duration.calendar
    except (OverflowError, ValueError) as exc:
        raise ValueError(f"date out of range: {start.isoformat()} + duration") from exc
    moved = on_wall_clock(wall, zone, prefer=local.utcoffset())
    try:
        return (moved.astimezone(UTC) + duration.elapsed).astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"date out of range: {start.isoformat()} + duration") from exc


def add_duration(value: str | datetime, duration: str, zone: ZoneInfo = CALENDAR_ZONE) -> str:
    """`value` shifted by an ISO 8601 duration (`P1M`, `-P7D`), as an ISO string in UTC."""
    return shift(parse_datetime(value), duration, zone).isoformat()


def on_wall_clock(
    wall: datetime, zone: ZoneInfo = CALENDAR_ZONE, *, prefer: timedelta | None = None
) -> datetime:
    """The instant a naive wall-clock time of `zone` names (gaps move forward; in a repeated
    hour, `prefer` picks the UTC offset when it is one of the two, else the earlier one)."""
    first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    if _exists(first) and _exists(second):  # the repeated hour
        return second if prefer is not None and second.utcoffset() == prefer else first
    # The skipped hour: fold=0 reads it with the offset before the switch, which lands after it.
    return first.astimezone(UTC).astimezone(zone)


def _exists(moment: datetime) -> bool:
    return moment.astimezone(UTC).astimezone(moment.tzinfo).replace(tzinfo=None) == (
        moment.replace(tzinfo=None)
    )


def at_wall_time(value: str | datetime, at: time | str, zone: ZoneInfo = CALENDAR_ZONE) -> datetime:
    """The instant at wall-clock time `at` (`"09:00"`) on the calendar day of `value` in `zone`."""
    when = at if isinstance(at, time) else time.fromisoformat(str(at))
    day = parse_datetime(value).astimezone(zone).date()
    return on_wall_clock(datetime.combine(day, when), zone).astimezone(UTC)


def end_of_second(value: str | datetime) -> str:
    """The first instant after the second `value` falls in: a deadline shown as `23:59:59`
    accepts every instant before `00:00:00.000`."""
    moment = parse_datetime(value).replace(microsecond=0) + timedelta(seconds=1)
    return iso(moment)


def script_functions(now: Callable[[], datetime], zone: ZoneInfo) -> dict[str, Callable[..., Any]]:
    """The functions scripts and expressions may call, the same in process and in a sandbox
    process: the step's instant, and reading and moving dates on the calendar of `zone`."""
    return {
        "now": now,
        "parse_datetime": parse_datetime,
        "iso": iso,
        "add_duration": lambda value, duration: add_duration(value, duration, zone),
        "end_of_second": end_of_second,
    }
