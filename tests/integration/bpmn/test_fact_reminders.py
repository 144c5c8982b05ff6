"""Reminders that are true in Paris time: at the call's hour on Paris calendar days, one month
as a calendar month, following every report of the deadline, and honest after an outage."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from workflows.fact import calls, dossiers

from .conftest import CLOSING, DEADLINE, PARIS, FactCall, OpenCall, paris, subject, text


def reminders(fact: FactCall, to: str | None = None) -> list[tuple[int, datetime, datetime]]:
    """(J-N, deadline, moment sent) of every reminder mail, in Paris time."""
    found = []
    for message in fact.mails("deposit_reminder", to):
        reminder = message.payload["data"]["reminder"]
        found.append(
            (
                reminder["days"],
                datetime.fromisoformat(reminder["deposit_deadline"]).astimezone(PARIS),
                datetime.fromisoformat(reminder["sent_at"]).astimezone(PARIS),
            )
        )
    return found


def reminder_timers(fact: FactCall) -> list[datetime]:
    call = calls.get_call(fact.engine, "2020-01")
    return [
        timer.due_at.astimezone(PARIS)
        for timer in fact.engine.timers.pending(call.id)
        if timer.element_id == "reminder_timer"
    ]


# --- rules 1 and 4: reminders at the reminder hour, on Paris calendar days --------------------


def test_reminders_go_at_nine_paris_time_seven_and_two_days_before(fact: FactCall) -> None:
    draft, deposited = fact.draft(), fact.draft()
    fact.deposit(deposited)
    assert reminder_timers(fact) == [paris(2020, 4, 7, 9), paris(2020, 4, 12, 9)]
    fact.at(paris(2020, 4, 7, 8, 59, 59))
    assert reminders(fact) == []
    fact.at(paris(2020, 4, 7, 9))
    fact.at(paris(2020, 4, 12, 9))
    deadline = DEADLINE.astimezone(PARIS)
    assert reminders(fact) == [
        (7, deadline, paris(2020, 4, 7, 9)),
        (2, deadline, paris(2020, 4, 12, 9)),
    ]
    assert {m.recipient for m in fact.mails("deposit_reminder")} == {"holder1@example.org"}
    first, last = fact.mails("deposit_reminder")
    assert "Il vous reste 7 jours et 15 heures" in text(first)
    assert "le mardi 14 avril 2020 à 23 h 59 min 59 s (heure de Paris)" in text(first)
    assert subject(first).endswith(f"Rappel : plus que 7 jours pour déposer votre dossier {draft}")
    assert subject(last).endswith(
        f"Dernier rappel : plus que 2 jours pour déposer votre dossier {draft}"
    )
    assert "Il vous reste 2 jours et 15 heures" in text(last)


SWITCHES = [  # (deadline, reminder days, reminder hour, the moments expected), Paris time
    # March 2021: the clocks go forward on Sunday 28 March; J-2 falls on that very day.
    (
        paris(2021, 3, 30, 23, 59, 59),
        [7, 2],
        "09:00",
        [paris(2021, 3, 23, 9), paris(2021, 3, 28, 9)],
    ),
    # October 2022: back on Sunday 30 October.
    (
        paris(2022, 11, 1, 23, 59, 59),
        [7, 2],
        "09:00",
        [paris(2022, 10, 25, 9), paris(2022, 10, 30, 9)],
    ),
    # A leap year's 29 February, at a reminder hour of the call's choosing.
    (
        paris(2024, 3, 1, 12),
        [7, 1],
        "18:30",
        [paris(2024, 2, 23, 18, 30), paris(2024, 2, 29, 18, 30)],
    ),
    # March 2026 (29 March), a deadline at noon: J-1 still the day before, at the call's hour.
    (
        paris(2026, 3, 30, 12),
        [3, 1],
        "08:15",
        [paris(2026, 3, 27, 8, 15), paris(2026, 3, 29, 8, 15)],
    ),
]


@pytest.mark.parametrize(("deadline", "days", "hour", "moments"), SWITCHES, ids=str)
def test_reminders_keep_the_paris_hour_across_switches_and_month_ends(
    open_fact: OpenCall, deadline: datetime, days: list[int], hour: str, moments: list[datetime]
) -> None:
    fact = open_fact(
        publication_at=(deadline - timedelta(days=40)).isoformat(),
        deposit_deadline=deadline.isoformat(),
        commission_at=(deadline + timedelta(days=20)).isoformat(),
        reminder_days=days,
        reminder_time=hour,
    )
    fact.draft()
    assert reminder_timers(fact) == moments
    for moment in moments:
        fact.at(moment)
    assert [(n, sent) for n, _, sent in reminders(fact)] == list(
        zip(sorted(days, reverse=True), moments, strict=True)
    )
    assert all(
        sent.utcoffset() == moment.utcoffset()
        for (_, _, sent), moment in zip(reminders(fact), moments, strict=True)
    )


# --- rule 1: one month is a calendar month in Paris -------------------------------------------

MONTHS = [  # commission, response due one month later (same Paris hour, end of month clamped)
    (paris(2020, 1, 31, 9, 30), paris(2020, 2, 29, 9, 30), "29 février 2020"),
    (paris(2021, 3, 31, 9, 30), paris(2021, 4, 30, 9, 30), "30 avril 2021"),
    (paris(2022, 9, 30, 14), paris(2022, 10, 30, 14), "30 octobre 2022"),  # across 30 October
    (paris(2023, 10, 25, 9, 30), paris(2023, 11, 25, 9, 30), "25 novembre 2023"),
]


@pytest.mark.parametrize(("commission", "due", "printed"), MONTHS, ids=str)
def test_the_response_is_due_one_calendar_month_after_the_commission(
    open_fact: OpenCall, commission: datetime, due: datetime, printed: str
) -> None:
    deadline = commission - timedelta(days=10)
    fact = open_fact(
        publication_at=(deadline - timedelta(days=30)).isoformat(),
        deposit_deadline=deadline.isoformat(),
        commission_at=commission.isoformat(),
    )
    (published,) = fact.mails("call_published")
    assert f"soit au plus tard le {printed}" in text(published)
    dossier = fact.draft()
    fact.to_commission(dossier)
    receipt = fact.mails("receipt")[0]
    assert f"dans un délai d'un mois après la commission, soit au plus tard le {printed}" in text(
        receipt
    )
    fact.at(commission)
    task = fact.engine.tasks.query().process("fact_call").form_key("commission").one()
    decisions = [{"dossier": dossier, "decision": "refused", "amount": 0, "motivation": "Motivée."}]
    fact.engine.tasks.complete(task.id, {"decisions": decisions}, actor="president")
    assert dossiers.open_task(fact.engine, dossier, "decision_notice").due_at == due
    fact.at(due - timedelta(microseconds=1))
    assert fact.mails("response_overdue") == []
    fact.at(due)
    assert len(fact.mails("response_overdue")) == 1


def test_texts_follow_the_configured_response_delay(open_fact: OpenCall) -> None:
    fact = open_fact(response_delay="P2M")
    dossier = fact.draft()
    fact.deposit(dossier)
    for message in (fact.mails("call_published")[0], fact.mails("receipt")[0]):
        assert "dans un délai de 2 mois après la commission" in text(message)
        assert "au plus tard le 5 juillet 2020" in text(message)
        assert "un mois" not in text(message)


# --- rule 2: reminders follow the deadline wherever it goes -----------------------------------


def test_an_extension_after_both_reminders_sends_them_again_for_the_new_date(
    fact: FactCall,
) -> None:
    draft = fact.draft()
    fact.at(paris(2020, 4, 7, 9))
    fact.at(paris(2020, 4, 12, 9))
    fact.at(paris(2020, 4, 13, 16))
    new = paris(2020, 6, 5, 23, 59, 59)
    calls.reschedule(
        fact.engine,
        "2020-01",
        deposit_deadline=new,
        commission_at=paris(2020, 6, 23, 9, 30),
        actor="staff",
    )
    (extended,) = fact.mails("deadline_extended")
    assert "Nouvelle date limite : le vendredi 5 juin 2020 à 23 h 59 min 59 s" in text(extended)
    fact.at(CLOSING + timedelta(days=1))  # the old deadline passes: nothing happens
    assert fact.mails("draft_expired") == [] and fact.mails("call_closed") == []
    fact.at(paris(2020, 5, 29, 9))
    fact.at(paris(2020, 6, 3, 9))
    old = DEADLINE.astimezone(PARIS)
    assert reminders(fact) == [
        (7, old, paris(2020, 4, 7, 9)),
        (2, old, paris(2020, 4, 12, 9)),
        (7, new, paris(2020, 5, 29, 9)),
        (2, new, paris(2020, 6, 3, 9)),
    ]
    last = fact.mails("deposit_reminder")[-1]
    assert "la date limite de dépôt est le vendredi 5 juin 2020 à 23 h 59 min 59 s" in text(last)
    assert "14 avril" not in text(last)
    fact.deposit(draft)
    assert fact.variables(draft)["deposited_at"].startswith("2020-06-03")
    fact.at(new + timedelta(seconds=1))
    assert len(fact.mails("call_closed")) == 1


def test_an_extension_between_the_reminders_replaces_the_pending_one(fact: FactCall) -> None:
    fact.draft()
    fact.at(paris(2020, 4, 7, 9))
    new = paris(2020, 4, 21, 23, 59, 59)
    fact.at(paris(2020, 4, 9, 11))
    calls.reschedule(fact.engine, "2020-01", deposit_deadline=new, actor="staff")
    assert reminder_timers(fact) == [paris(2020, 4, 14, 9), paris(2020, 4, 19, 9)]
    fact.at(paris(2020, 4, 12, 9))  # the old J-2: no longer a reminder of anything
    fact.at(paris(2020, 4, 14, 9))
    fact.at(paris(2020, 4, 19, 9))
    assert [(n, deadline) for n, deadline, _ in reminders(fact)] == [
        (7, DEADLINE.astimezone(PARIS)),
        (7, new),
        (2, new),
    ]


def test_a_late_extension_plans_only_the_reminders_still_ahead(fact: FactCall) -> None:
    fact.draft()
    fact.at(paris(2020, 4, 7, 9))
    fact.at(paris(2020, 4, 12, 10))
    new = paris(2020, 4, 16, 23, 59, 59)  # its J-7 (9 April) is already past
    calls.reschedule(fact.engine, "2020-01", deposit_deadline=new, actor="staff")
    assert reminder_timers(fact) == [paris(2020, 4, 14, 9)]
    fact.at(paris(2020, 4, 14, 9))
    assert [(n, d) for n, d, _ in reminders(fact)][-1] == (2, new)
    assert len(reminders(fact)) == 3


# --- rule 3: a reminder that is no longer true is not sent as if it were ----------------------


def test_a_worker_back_four_hours_before_closing_says_four_hours(fact: FactCall) -> None:
    fact.draft()
    fired = fact.at(paris(2020, 4, 14, 20))  # down from before J-7 until then
    assert [(n, sent) for n, _, sent in reminders(fact)] == [(2, paris(2020, 4, 14, 20))]
    (only,) = fact.mails("deposit_reminder")
    assert "Il vous reste 4 heures :" in text(only)
    assert "plus que 4 heures" in subject(only) and "jours" not in subject(only)
    call = calls.get_call(fact.engine, "2020-01")
    audited = [h.element_id for h in fact.engine.history.for_instance(call.id)]
    assert audited.count("reminder_timer") == 2  # both fired, each with its own row
    assert sorted(f.element_id for f in fired if f.instance_id == call.id) == [
        "reminder_timer",
        "reminder_timer",
    ]


def test_a_worker_back_between_the_reminders_says_the_time_left(fact: FactCall) -> None:
    fact.draft()
    fact.at(paris(2020, 4, 10, 15, 30))
    fact.at(paris(2020, 4, 12, 9))
    first, second = fact.mails("deposit_reminder")
    assert "Il vous reste 4 jours et 8 heures" in text(first)
    assert "Il vous reste 2 jours et 15 heures" in text(second)
    assert [n for n, _, _ in reminders(fact)] == [7, 2]


def test_a_worker_back_after_closing_sends_no_reminder(fact: FactCall) -> None:
    draft = fact.draft()
    fact.at(paris(2020, 4, 15, 3))
    assert reminders(fact) == []
    assert fact.variables(draft)["outcome"] == "expired"
    assert len(fact.mails("call_closed")) == 1
