"""French dates, amounts and durations (Babel), always on the Paris wall clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from workflows.french import (
    amount_fr,
    date_fr,
    datetime_fr,
    day_fr,
    deadline_fr,
    duration_fr,
    number_fr,
    of_duration_fr,
    time_fr,
    time_left_fr,
)

NNBSP, NBSP = "\u202f", "\u00a0"


def nb(text: str) -> str:
    """The text with no-break spaces: a date or a time never breaks across lines."""
    return text.replace(" ", NBSP)


def test_paris_time_in_summer_and_winter() -> None:
    assert time_fr("2020-04-14T21:59:59+00:00") == nb("23 h 59 min 59 s")  # UTC+2
    assert time_fr("2020-01-14T22:59:59+00:00") == nb("23 h 59 min 59 s")  # UTC+1
    assert time_fr("2020-05-05T07:30:00+00:00") == nb("9 h 30")
    assert time_fr("2020-05-05T07:00:00+00:00") == nb("9 h")
    assert time_fr("2020-05-05T07:00:00+00:00", seconds=True) == nb("9 h 00 min 00 s")
    assert date_fr("2020-04-14T22:30:00+00:00") == nb("15 avril 2020")  # the 15th in Paris
    assert date_fr("2020-05-01T10:00:00+00:00") == nb("1er mai 2020")
    assert date_fr(datetime(2020, 5, 31, 22, 30, tzinfo=UTC)) == nb("1er juin 2020")
    assert date_fr(date(2020, 3, 2)) == nb("2 mars 2020")
    assert day_fr("2020-04-14T21:59:59+00:00") == nb("mardi 14 avril 2020")
    assert day_fr("2021-08-01T10:00:00+00:00") == nb("dimanche 1er août 2021")
    assert (
        deadline_fr("2020-04-14T21:59:59+00:00") == f"{nb('mardi 14 avril 2020')} à {nb('23 h 59')}"
    )
    assert deadline_fr("2020-04-14T16:00:00+00:00") == f"{nb('mardi 14 avril 2020')} à {nb('18 h')}"
    # a line may break around "à", never inside the date or the time
    assert datetime_fr("2020-03-02T09:30:00+00:00") == f"{nb('2 mars 2020')} à {nb('10 h 30')}"


def test_a_naive_time_is_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="no UTC offset"):
        date_fr("2020-04-14T23:59:59")


@pytest.mark.parametrize(
    ("value", "written"),
    [(4.5, "4,5"), (27.25, "27,25"), (3.0, "3"), (18, "18"), (13.333, "13,33"), (None, "—")],
)
def test_french_scores(value: float | None, written: str) -> None:
    assert number_fr(value) == written


def test_french_amounts() -> None:
    assert amount_fr(50_000) == f"50{NNBSP}000{NBSP}€"
    assert amount_fr(Decimal(800_000)) == f"800{NNBSP}000{NBSP}€"
    assert amount_fr(950) == f"950{NBSP}€"
    assert amount_fr(1_234.5) == f"1{NNBSP}234,50{NBSP}€"
    assert amount_fr(Decimal("1234.5")) == f"1{NNBSP}234,50{NBSP}€"


@pytest.mark.parametrize(
    ("delay", "words", "after_delai"),
    [
        ("P1M", "un mois", "d'un mois"),
        ("P2M", "2 mois", "de 2 mois"),
        ("P15D", "15 jours", "de 15 jours"),
        ("P1W", "une semaine", "d'une semaine"),
        ("P3W", "3 semaines", "de 3 semaines"),
        ("P1Y2M", "un an et 2 mois", "d'un an et 2 mois"),
        ("P1M10D", "un mois et 10 jours", "d'un mois et 10 jours"),
        ("PT36H", "36 heures", "de 36 heures"),
    ],
)
def test_durations_in_words(delay: str, words: str, after_delai: str) -> None:
    assert duration_fr(delay).replace(NBSP, " ") == words
    assert of_duration_fr(delay).replace(NBSP, " ") == after_delai


@pytest.mark.parametrize(
    ("until", "since", "left"),
    [
        ("2020-04-15T00:00:00+02:00", "2020-04-07T09:00:00+02:00", "7 jours et 15 heures"),
        ("2020-04-15T00:00:00+02:00", "2020-04-14T20:00:00+02:00", "4 heures"),
        ("2020-04-15T00:00:00+02:00", "2020-04-14T20:00:01+02:00", "3 heures et 59 minutes"),
        ("2020-04-15T00:00:00+02:00", "2020-04-13T23:00:00+02:00", "un jour et une heure"),
        ("2020-04-15T00:00:00+02:00", "2020-04-14T23:59:30+02:00", "moins d'une minute"),
        ("2020-04-15T00:00:00+02:00", "2020-04-15T01:00:00+02:00", "moins d'une minute"),
        # 29 March: a day of 23 hours in Paris; the time left is elapsed time
        ("2020-03-30T00:00:00+02:00", "2020-03-28T09:00:00+01:00", "un jour et 14 heures"),
    ],
)
def test_time_left_is_never_rounded_up(until: str, since: str, left: str) -> None:
    assert time_left_fr(until, since).replace(NBSP, " ") == left
    assert time_left_fr(until, since, parts=1).replace(NBSP, " ") == left.split(" et ")[0]
