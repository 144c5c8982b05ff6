"""Calendar arithmetic on the Paris wall clock, against a plain reference over many dates."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.dates import (
    add_duration,
    at_wall_time,
    duration_of,
    end_of_second,
    on_wall_clock,
    parse_duration,
    shift,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def last_sunday(year: int, month: int) -> date:
    day = date(year, month, calendar.monthrange(year, month)[1])
    return day - timedelta(days=(day.weekday() + 1) % 7)


# --- a plain reference: month arithmetic by hand, UTC offsets found by trying them all ---------


def reference_shift(
    start: datetime, years: int, months: int, days: int, seconds: int, zone: ZoneInfo
) -> datetime:
    local = start.astimezone(zone)
    index = local.year * 12 + local.month - 1 + years * 12 + months
    year, month = divmod(index, 12)
    month += 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    wall = datetime.combine(date(year, month, day) + timedelta(days=days), local.time())
    offsets = {
        datetime.combine(wall.date() + timedelta(days=d), time(h), tzinfo=zone).utcoffset()
        for d in (-1, 0, 1)
        for h in range(24)
    }
    candidates = sorted(
        (wall - offset).replace(tzinfo=UTC)
        for offset in offsets
        if (wall - offset).replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None) == wall
    )
    if len(candidates) == 2:  # the repeated hour: the start's offset, else the earlier
        same = [c for c in candidates if c.astimezone(zone).utcoffset() == local.utcoffset()]
        moment = same[0] if same else candidates[0]
    elif candidates:
        moment = candidates[0]
    else:  # the skipped hour: read with the offset in force before the switch
        before = datetime.combine(wall.date() - timedelta(days=1), wall.time(), tzinfo=zone)
        moment = (wall - before.utcoffset()).replace(tzinfo=UTC)
    return moment + timedelta(seconds=seconds)


instants = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=600, deadline=None)
@given(
    start=instants,
    years=st.integers(-3, 3),
    months=st.integers(-30, 30),
    days=st.integers(-400, 400),
    seconds=st.integers(-200_000, 200_000),
    zone=st.sampled_from([PARIS, NEW_YORK]),
)
def test_shift_matches_the_reference(
    start: datetime, years: int, months: int, days: int, seconds: int, zone: ZoneInfo
) -> None:
    duration = duration_of(years=years, months=months, days=days, seconds=seconds)
    expected = reference_shift(start, years, months, days, seconds, zone)
    assert shift(start, duration, zone) == expected


# Wall-clock times that exist once in Paris: whole minutes away from 02:00-03:00.
paris_walls = st.builds(
    lambda d, h, m: datetime.combine(d, time(h, m), tzinfo=PARIS),
    st.dates(min_value=date(1996, 1, 1), max_value=date(2050, 12, 31)),
    st.sampled_from([0, 1, 4, 9, 12, 17, 23]),
    st.integers(0, 59),
)


@settings(max_examples=400, deadline=None)
@given(start=paris_walls, days=st.integers(1, 60))
def test_days_before_keep_the_paris_hour(start: datetime, days: int) -> None:
    earlier = shift(start, f"-P{days}D").astimezone(PARIS)
    assert earlier.time() == start.time()
    assert earlier.date() == start.date() - timedelta(days=days)


@settings(max_examples=400, deadline=None)
@given(start=paris_walls, months=st.integers(1, 36))
def test_months_land_on_the_same_day_or_the_month_end(start: datetime, months: int) -> None:
    later = shift(start, f"P{months}M").astimezone(PARIS)
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    assert (later.year, later.month) == (year, month + 1)
    assert later.day == min(start.day, calendar.monthrange(later.year, later.month)[1])
    assert later.time() == start.time()


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (paris(2020, 1, 31, 10), "P1M", paris(2020, 2, 29, 10)),  # leap year clamp
        (paris(2021, 1, 31, 10), "P1M", paris(2021, 2, 28, 10)),
        (paris(2020, 3, 31, 9, 30), "P1M", paris(2020, 4, 30, 9, 30)),  # across the March switch
        (paris(2020, 10, 5, 9, 30), "P1M", paris(2020, 11, 5, 9, 30)),  # across the October one
        (paris(2020, 5, 5, 9, 30), "P1M", paris(2020, 6, 5, 9, 30)),
        (paris(2020, 2, 29, 12), "P1Y", paris(2021, 2, 28, 12)),
        (paris(2024, 3, 31, 23, 59, 59), "-P1M", paris(2024, 2, 29, 23, 59, 59)),
        (paris(2020, 4, 14, 23, 59, 59), "-P7D", paris(2020, 4, 7, 23, 59, 59)),
        (paris(2020, 3, 30, 23, 59, 59), "-P7D", paris(2020, 3, 23, 23, 59, 59)),
        (paris(2020, 10, 26, 0, 30), "-P2D", paris(2020, 10, 24, 0, 30)),
        (paris(2020, 3, 28, 12), "PT24H", paris(2020, 3, 29, 13)),  # elapsed time, not a day
        (paris(2020, 3, 28, 12), "P1D", paris(2020, 3, 29, 12)),
        (paris(2020, 3, 28, 2, 30), "P1D", paris(2020, 3, 29, 3, 30)),  # 02:30 does not exist
        (paris(2020, 1, 31, 10), "P1M7DT2H", paris(2020, 3, 7, 12)),
        (paris(2020, 1, 1), "P2W", paris(2020, 1, 15)),
    ],
)
def test_durations_as_people_count_them(start: datetime, duration: str, expected: datetime) -> None:
    assert shift(start, duration) == expected
    assert add_duration(start.isoformat(), duration) == expected.astimezone(UTC).isoformat()


@pytest.mark.parametrize("year", range(2019, 2031))
def test_j_minus_7_across_both_switches_keeps_the_paris_time(year: int) -> None:
    for month in (3, 10):
        switch = last_sunday(year, month)
        deadline = datetime.combine(switch + timedelta(days=2), time(23, 59, 59), tzinfo=PARIS)
        reminder = shift(deadline, "-P7D").astimezone(PARIS)
        assert reminder.replace(tzinfo=None) == deadline.replace(tzinfo=None) - timedelta(days=7)
        assert reminder.utcoffset() != deadline.utcoffset()  # the hour is Paris', not UTC's


def test_the_repeated_october_hour_keeps_the_offset_of_the_start() -> None:
    switch = last_sunday(2020, 10)
    summer = on_wall_clock(datetime.combine(switch, time(2, 30)), PARIS)
    winter = (summer.astimezone(UTC) + timedelta(hours=1)).astimezone(PARIS)  # 02:30 again
    assert summer.utcoffset() == timedelta(hours=2) and winter.utcoffset() == timedelta(hours=1)
    # (compared in UTC: Python never finds a time of the repeated hour equal across zones)
    in_utc = summer.astimezone(UTC)
    assert shift(summer - timedelta(days=1), "P1D") == in_utc  # a summer start stays in summer
    day_after = datetime.combine(switch + timedelta(days=1), time(2, 30), tzinfo=PARIS)
    assert shift(day_after, "-P1D") == winter.astimezone(UTC)  # a winter start stays in winter


def test_at_wall_time_and_end_of_second() -> None:
    deadline = paris(2020, 4, 14, 23, 59, 59)
    assert at_wall_time(shift(deadline, "-P7D"), "09:00") == paris(2020, 4, 7, 9)
    assert at_wall_time(paris(2021, 3, 28, 23), time(2, 30)) == paris(2021, 3, 28, 3, 30)
    assert end_of_second(deadline) == "2020-04-14T22:00:00+00:00"
    assert end_of_second(deadline.replace(microsecond=999_999)) == "2020-04-14T22:00:00+00:00"


@pytest.mark.parametrize(
    "text", ["", "P", "1M", "P1.5M", "PT", "P1MT", "P-1D", "P99999999Y", "P1M ", "PT1H\n"]
)
def test_bad_durations_are_refused(text: str) -> None:
    if text.strip() in ("P1M", "PT1H"):
        assert parse_duration(text) == parse_duration(text.strip())  # surrounding blanks only
        return
    with pytest.raises(ValueError):
        parse_duration(text)


def test_naive_and_out_of_range_dates_are_refused() -> None:
    with pytest.raises(ValueError, match="no UTC offset"):
        add_duration("2020-04-14T23:59:59", "P1D")
    with pytest.raises(ValueError, match="out of range"):
        add_duration("9999-12-01T00:00:00+00:00", "P1M")
