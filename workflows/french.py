"""Dates, amounts and durations as French readers expect them, in Paris time, by Babel.

Every text shown to people (pages, mails, documents) formats through these functions: the
instant comes in as an aware datetime or an ISO string and is shown on the Paris wall clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from babel.units import format_unit

from engine.dates import CALENDAR_ZONE, parse_datetime, parse_duration

PARIS = CALENDAR_ZONE
LOCALE = "fr_FR"
NBSP = "\u00a0"  # "14 avril 2020", "23 h 59": French never breaks a date or a time
# Units of a duration, largest first: (relativedelta or timedelta attribute, CLDR unit, feminine)
_UNITS = (
    ("years", "duration-year", False),
    ("months", "duration-month", False),
    ("weeks", "duration-week", True),
    ("days", "duration-day", False),
    ("hours", "duration-hour", True),
    ("minutes", "duration-minute", True),
    ("seconds", "duration-second", True),
)


def paris(value: Any) -> datetime | date:
    """The Paris wall-clock datetime of an aware datetime or ISO string; a date stays a date."""
    if isinstance(value, datetime):
        return parse_datetime(value).astimezone(PARIS)
    if isinstance(value, date):
        return value
    text = str(value)
    if len(text) == 10:
        return date.fromisoformat(text)
    return parse_datetime(text).astimezone(PARIS)


def date_fr(value: Any) -> str:
    """`5 mai 2020`, `1er juin 2020` (the Paris calendar day of an instant)."""
    moment = paris(value)
    return _glued(format_date(moment, _day_pattern(moment, "d MMMM y"), locale=LOCALE))


def day_fr(value: Any) -> str:
    """`mardi 14 avril 2020`."""
    moment = paris(value)
    return _glued(format_date(moment, _day_pattern(moment, "EEEE d MMMM y"), locale=LOCALE))


def time_fr(value: Any, seconds: bool | None = None) -> str:
    """`9 h`, `9 h 30`, `23 h 59 min 59 s`: seconds when asked (True), never (False), or
    when not zero (None)."""
    moment = paris(value)
    if not isinstance(moment, datetime):
        raise ValueError(f"{value!r} has no time of day")
    if seconds is False:
        moment = moment.replace(second=0)
    if seconds or moment.second:
        pattern = "H 'h' mm 'min' ss 's'"
    elif moment.minute:
        pattern = "H 'h' mm"
    else:
        pattern = "H 'h'"
    return _glued(format_datetime(moment, pattern, tzinfo=PARIS, locale=LOCALE))


def datetime_fr(value: Any, seconds: bool | None = None) -> str:
    """`14 avril 2020 à 23 h 59 min 58 s`, Paris time."""
    return f"{date_fr(value)} à {time_fr(value, seconds)}"


def deadline_fr(value: Any) -> str:
    """`mardi 14 avril 2020 à 23 h 59` for a deadline at 23:59:59: a deadline shown to the
    minute (or the second) holds until that minute (or second) is over."""
    moment = paris(value)
    if not isinstance(moment, datetime):
        raise ValueError(f"{value!r} has no time of day")
    shown = moment.replace(second=0) if moment.second == 59 else moment
    return f"{day_fr(moment)} à {time_fr(shown)}"


@lru_cache(maxsize=4096)  # Babel's formatting is slow; pages repeat the same amounts
def amount_fr(value: Any) -> str:
    """`50 000 €`, `1 234,50 €`: cents only when there are some."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    pattern = "#,##0\u00a0¤" if amount == amount.to_integral_value() else "#,##0.00\u00a0¤"
    return format_currency(amount, "EUR", format=pattern, currency_digits=False, locale=LOCALE)


@lru_cache(maxsize=4096)  # a session page writes thousands of the same few scores
def number_fr(value: Any) -> str:
    """`4,5`, `27,25`, `3`: a score as French writes it; `—` when there is none."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.##", locale=LOCALE)


def duration_fr(value: str) -> str:
    """An ISO 8601 duration in words: `un mois`, `2 mois`, `15 jours`, `un an et 2 mois`."""
    duration = parse_duration(value)
    calendar, elapsed = duration.calendar, duration.elapsed
    amounts = {
        "years": calendar.years,
        "months": calendar.months,
        "weeks": calendar.days // 7 if calendar.days % 7 == 0 else 0,
        "days": calendar.days if calendar.days % 7 else 0,
        "hours": elapsed.seconds // 3600 + elapsed.days * 24,
        "minutes": elapsed.seconds % 3600 // 60,
        "seconds": elapsed.seconds % 60,
    }
    return _join([_count(abs(n), unit) for unit, n in amounts.items() if n]) or "aucun délai"


def of_duration_fr(value: str) -> str:
    """`d'un mois`, `de 2 mois`: the duration after "un délai"."""
    words = duration_fr(value)
    return f"d'{words}" if words[0] in "aeiouyéh" else f"de {words}"


def time_left_fr(until: Any, since: Any, parts: int = 2) -> str:
    """The time left from `since` to `until` in its `parts` largest units, never rounded up:
    `7 jours et 14 heures`, `3 heures et 5 minutes`, `moins d'une minute`."""
    left = parse_datetime(until) - parse_datetime(since)
    if left < timedelta(minutes=1):
        return "moins d'une minute"
    amounts = {
        "days": left.days,
        "hours": left.seconds // 3600,
        "minutes": left.seconds % 3600 // 60,
    }
    named = [(unit, n) for unit, n in amounts.items() if n]
    return _join([_count(n, unit) for unit, n in named[:parts]])


def days_fr(value: Any) -> str:
    """`7 jours`, `1 jour`."""
    return format_unit(int(value), "duration-day", length="long", locale=LOCALE)


def size_fr(size: int) -> str:
    """A file's size as people read it: `312 ko`, `1,2 Mo` (decimal units, as file managers)."""
    if size >= 999_500:  # what would read "1 000 ko"
        return _glued(
            format_unit(
                round(size / 1_000_000, 1), "digital-megabyte", length="short", locale=LOCALE
            )
        )
    return _glued(
        format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short", locale=LOCALE)
    )


def _glued(text: str) -> str:
    return text.replace(" ", NBSP)


def _count(number: int, unit: str) -> str:
    cldr, feminine = next((c, f) for name, c, f in _UNITS if name == unit)
    text = format_unit(number, cldr, length="long", locale=LOCALE)
    if number == 1:  # "un mois", "une semaine" rather than "1 mois"
        text = ("une" if feminine else "un") + text[1:]
    return text


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " et " + parts[-1]


def _day_pattern(moment: date, pattern: str) -> str:
    # French writes the first day of a month as an ordinal: "1er mai".
    return pattern.replace("d ", "d'er' ") if moment.day == 1 else pattern
