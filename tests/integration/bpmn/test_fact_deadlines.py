"""The deposit deadline and the commission date: the whole last second counts, a deposit is
atomic with respect to the deadline, and moving the dates tells every dossier concerned."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from engine import ConflictError, InvalidInputError
from workflows.fact import calls, dossiers
from workflows.fact.bots import deposit_form
from workflows.fact.forms import complete_task

from .conftest import CLOSING, DEADLINE, FactCall, paris, text

# --- rule 5: the deposit is atomic with respect to the deadline ------------------------------


def test_the_whole_last_second_counts_and_not_one_microsecond_more(fact: FactCall) -> None:
    on_time, late = fact.draft(), fact.draft()
    fact.clock.set(CLOSING - timedelta(microseconds=1))  # 23:59:59.999999, no worker ran
    deposited = fact.deposit(on_time)
    assert deposited.variables["deposited_at"] == "2020-04-14T21:59:59.999999+00:00"
    assert len(fact.mails("receipt")) == 1
    fact.clock.set(CLOSING)
    before = fact.variables(late)
    with pytest.raises(ConflictError) as refused:
        fact.deposit(late)
    assert " ".join(str(refused.value).split()) == (
        "la date limite de dépôt est passée (14 avril 2020 à 23 h 59 min 59 s, heure de Paris) "
        ": le dossier n'a pas été déposé"
    )
    assert fact.variables(late) == before  # nothing stored
    fact.at(CLOSING)  # the worker closes the draft at that very instant
    assert fact.variables(late)["outcome"] == "expired"
    with pytest.raises(ConflictError, match="date limite de dépôt est passée"):
        fact.deposit(late)
    with pytest.raises(ConflictError, match="déjà déposé"):
        fact.deposit(on_time)


def test_a_deposit_through_the_generic_task_completion_is_held_to_the_deadline(
    fact: FactCall,
) -> None:
    draft = fact.draft()
    task = dossiers.open_task(fact.engine, draft, "deposit")
    fact.clock.set(CLOSING)
    with pytest.raises(ConflictError, match="date limite de dépôt est passée"):
        complete_task(fact.engine, task.id, deposit_form(1), actor="holder1")
    assert "deposited_at" not in fact.variables(draft)


# --- rule 6: moving the commission is announced to deposited dossiers --------------------------


def test_moving_the_commission_tells_deposited_dossiers_and_moves_their_dates(
    fact: FactCall,
) -> None:
    deposited, ineligible, draft = fact.draft(), fact.draft(), fact.draft()
    fact.deposit(deposited)
    fact.deposit(ineligible, headcount=450)
    fact.decide_eligibility(ineligible)
    moved = paris(2020, 5, 12, 14)
    told = calls.reschedule(fact.engine, "2020-01", commission_at=moved, actor="staff")
    assert len(told) == 3  # the call, the deposited dossier, the draft (its dates only)
    (notice,) = fact.mails("commission_moved")
    assert notice.recipient == "holder1@example.org"
    assert "Date annoncée jusqu'ici : le mardi 5 mai 2020" in text(notice)
    assert "Nouvelle date : le mardi 12 mai 2020" in text(notice)
    assert "soit au plus tard le 12 juin 2020" in text(notice)
    assert fact.mails("deadline_extended") == []  # the draft's deadline did not move
    for dossier in (deposited, draft):
        assert fact.variables(dossier)["commission_at"] == moved.astimezone(UTC).isoformat()
    fact.deposit(draft)
    receipt = fact.mails("receipt", "holder3@example.org")[0]
    assert "se réunit le 12 mai 2020" in text(receipt)


def test_an_extension_moving_the_commission_tells_drafts_and_deposited_dossiers(
    fact: FactCall,
) -> None:
    deposited, draft = fact.draft(), fact.draft()
    fact.deposit(deposited)
    fact.at(paris(2020, 4, 10, 12))
    calls.reschedule(
        fact.engine,
        "2020-01",
        deposit_deadline=paris(2020, 6, 5, 23, 59, 59),
        commission_at=paris(2020, 6, 23, 9, 30),
        actor="staff",
    )
    assert [m.recipient for m in fact.mails("deadline_extended")] == ["holder2@example.org"]
    assert [m.recipient for m in fact.mails("commission_moved")] == ["holder1@example.org"]
    assert draft


def test_the_commission_moved_after_the_deadline_moves_the_session_and_the_response(
    fact: FactCall,
) -> None:
    dossier = fact.draft()
    fact.to_commission(dossier)
    fact.at(CLOSING)
    later = paris(2020, 5, 19, 9, 30)
    calls.reschedule(fact.engine, "2020-01", commission_at=later, actor="staff")
    assert "Nouvelle date : le mardi 19 mai 2020" in text(fact.mails("commission_moved")[0])
    fact.at(paris(2020, 5, 5, 9, 31))  # the old date: no session
    assert fact.engine.tasks.query().form_key("commission").count() == 0
    fact.at(later)
    task = fact.engine.tasks.query().process("fact_call").form_key("commission").one()
    decisions = [{"dossier": dossier, "decision": "refused", "amount": 0, "motivation": "Motivée."}]
    fact.engine.tasks.complete(task.id, {"decisions": decisions}, actor="president")
    due = dossiers.open_task(fact.engine, dossier, "decision_notice").due_at
    assert due == paris(2020, 6, 19, 9, 30)
    with pytest.raises(ConflictError, match="déjà réunie"):
        calls.reschedule(fact.engine, "2020-01", commission_at=paris(2020, 7, 1, 9), actor="staff")


def test_reschedule_refusals_are_french_and_change_nothing(fact: FactCall) -> None:
    call = calls.get_call(fact.engine, "2020-01")
    for kwargs, field in [
        ({"deposit_deadline": DEADLINE - timedelta(days=1)}, "deposit_deadline"),
        ({"deposit_deadline": paris(2020, 5, 10)}, "commission_at"),
        ({"commission_at": paris(2020, 4, 1)}, "commission_at"),
        ({"commission_at": datetime(9999, 1, 1, tzinfo=UTC)}, "commission_at"),
        ({}, "deposit_deadline"),
    ]:
        with pytest.raises(InvalidInputError) as refused:
            calls.reschedule(fact.engine, "2020-01", actor="staff", **kwargs)
        assert refused.value.field == field
        assert re.search(r"[àéèç]|date|commission", str(refused.value))
    assert calls.get_call(fact.engine, "2020-01").variables == call.variables
    fact.at(CLOSING)
    with pytest.raises(ConflictError, match="déjà passée"):
        calls.reschedule(
            fact.engine, "2020-01", deposit_deadline=paris(2020, 4, 30, 12), actor="staff"
        )


def test_deposits_racing_the_deadline_end_deposited_or_refused_never_in_between(
    fact: FactCall,
) -> None:
    """Applicants deposit while a worker fires the deadline and the clock crosses it."""
    fact.deposit(fact.draft())  # the first receipt of a process loads the PDF fonts
    drafts = [fact.draft() for _ in range(12)]
    fact.at(CLOSING - timedelta(milliseconds=300))  # the reminders went out
    results: dict[str, str] = {}
    queue = list(drafts)
    lock = threading.Lock()
    crossing = threading.Event()

    def move_clock() -> None:
        for _ in range(120):  # 600 ms of virtual time over about 2.4 s
            fact.clock.advance(timedelta(milliseconds=5))
            time.sleep(0.02)
        crossing.set()

    def work() -> None:
        while not crossing.is_set():
            fact.engine.timers.fire_due()

    def deposit() -> None:
        while True:
            with lock:
                if not queue:
                    return
                dossier = queue.pop()
            try:
                fact.deposit(dossier)
                results[dossier] = "deposited"
            except ConflictError as exc:
                results[dossier] = str(exc)

    threads = [threading.Thread(target=f) for f in (move_clock, work, deposit, deposit, deposit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    fact.at(CLOSING + timedelta(seconds=1))
    assert set(results) == set(drafts)
    for dossier, result in results.items():
        variables = fact.variables(dossier)
        documents = [
            d
            for d in fact.engine.documents.list(dossiers.get_dossier(fact.engine, dossier).id)
            if not d.name.startswith("piece-")  # the pieces, sent with the draft
        ]
        if result == "deposited":
            assert datetime.fromisoformat(variables["deposited_at"]) < CLOSING
            assert "outcome" not in variables or variables["outcome"] != "expired"
            assert [d.name for d in documents] == [f"receipt-{dossier}.pdf"]
        else:
            assert "date limite de dépôt est passée" in result, result
            assert variables["outcome"] == "expired" and "deposited_at" not in variables
            assert documents == []
    receipts = {m.payload["data"]["dossier_id"] for m in fact.mails("receipt")} - {"2020-01-0001"}
    assert receipts == {d for d, r in results.items() if r == "deposited"}
