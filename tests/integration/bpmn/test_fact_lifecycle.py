"""The FACT 2020-01 lifecycle end to end: every outcome path, deadlines, extension, envelope."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from engine import ConflictError, InvalidInputError, NotFoundError
from workflows.fact import calls, dossiers

from .conftest import COMMISSION, DEADLINE, FactCall

PARIS_DEADLINE = "2020-04-14T23:59:59+02:00"


def test_fact_call_deadline_is_paris_summer_time(fact: FactCall) -> None:
    call = calls.get_call(fact.engine, "2020-01")
    assert datetime.fromisoformat(call.variables["deposit_deadline"]) == DEADLINE
    assert datetime.fromisoformat(PARIS_DEADLINE) == DEADLINE
    assert fact.mails("call_published")[0].recipient == "public"


def test_fact_draft_not_deposited_expires_at_the_deadline(fact: FactCall) -> None:
    dossier = fact.draft()
    assert dossiers.open_task(fact.engine, dossier, "deposit").due_at == DEADLINE
    fact.at(DEADLINE)
    assert fact.variables(dossier).get("outcome") is None
    fact.at(DEADLINE + timedelta(seconds=1))
    instance = dossiers.get_dossier(fact.engine, dossier)
    assert (instance.status, instance.variables["outcome"]) == ("completed", "expired")
    assert len(fact.mails("draft_expired", "holder1@example.org")) == 1


def test_fact_deposit_one_second_before_the_deadline_is_accepted_after_refused(
    fact: FactCall,
) -> None:
    on_time, late = fact.draft(), fact.draft()
    fact.clock.set(DEADLINE - timedelta(seconds=1))
    deposited = fact.deposit(on_time)
    assert deposited.variables["deposited_at"] == "2020-04-14T21:59:58+00:00"
    assert len(fact.mails("receipt", "holder1@example.org")) == 1
    fact.clock.set(DEADLINE + timedelta(seconds=1))  # no worker has fired the deadline yet
    with pytest.raises(ConflictError, match="date limite"):
        fact.deposit(late)
    task = dossiers.open_task(fact.engine, late, "deposit")
    with pytest.raises(ConflictError, match="no longer open"):  # the engine refuses it too
        fact.engine.tasks.complete(task.id, {"title": "late"}, actor="holder2")
    assert "deposited_at" not in fact.variables(late)
    fact.at(DEADLINE + timedelta(seconds=1))
    assert fact.variables(late)["outcome"] == "expired"


def test_fact_reminders_go_to_drafts_only_and_lapse_after_the_deadline(fact: FactCall) -> None:
    draft, deposited = fact.draft(), fact.draft()
    fact.deposit(deposited)
    fact.at(DEADLINE - timedelta(days=7) + timedelta(seconds=1))
    fact.at(DEADLINE - timedelta(days=2) + timedelta(seconds=1))
    reminders = fact.mails("deposit_reminder")
    assert [m.recipient for m in reminders] == ["holder1@example.org"] * 2
    assert [m.payload["data"]["reminder"]["days"] for m in reminders] == [7, 2]
    assert draft != deposited


def test_fact_reminder_past_its_moment_is_skipped_not_sent_late(fact: FactCall) -> None:
    fact.draft()
    fact.at(DEADLINE + timedelta(hours=1))  # J-7, J-2 and the deadline all due at once
    assert fact.mails("deposit_reminder") == []
    assert len(fact.mails("call_closed")) == 1


def test_fact_ineligible_by_the_decision_table(fact: FactCall) -> None:
    big, no_cse = fact.draft(), fact.draft()
    fact.deposit(big, headcount=300)
    fact.deposit(no_cse, cse_informed=False)
    assert fact.variables(big)["precheck_eligible"] is False
    assert "300" in fact.variables(big)["precheck_reason"]
    assert "CSE" in fact.variables(no_cse)["precheck_reason"]
    for dossier in (big, no_cse):
        fact.decide_eligibility(dossier)
        assert dossiers.get_dossier(fact.engine, dossier).variables["outcome"] == "ineligible"
    assert len(fact.mails("eligibility_result")) == 2


def test_fact_staff_overrides_the_precheck_with_a_reason(fact: FactCall) -> None:
    relay_in_wrong_track = fact.draft("action_collective")
    fact.deposit(relay_in_wrong_track, holder_type="national_relay")
    assert fact.variables(relay_in_wrong_track)["precheck_eligible"] is False
    fact.decide_eligibility(relay_in_wrong_track, True, "Réseau national agissant en territoire.")
    variables = fact.variables(relay_in_wrong_track)
    assert variables["eligible"] is True and "territoire" in variables["eligibility_reason"]
    assert dossiers.open_task(fact.engine, relay_in_wrong_track, "assignment")


def test_fact_refused_partial_and_accepted_with_convention_signed(fact: FactCall) -> None:
    refused, partial, accepted = fact.draft(), fact.draft(), fact.draft()
    for dossier in (refused, partial, accepted):
        fact.to_commission(dossier, amount_requested=100_000)
    assert fact.variables(accepted)["score"] == 24  # six criteria scored 4
    fact.commission(
        {
            refused: {"decision": "refused", "amount": 0},
            partial: {"decision": "partial", "amount": 40_000},
            accepted: {"decision": "accepted", "amount": 100_000},
        }
    )
    for dossier in (refused, partial, accepted):
        fact.complete(dossier, "decision_notice", {"notified": True}, "staff")
    assert fact.variables(refused)["outcome"] == "refused"
    assert dossiers.get_dossier(fact.engine, refused).status == "completed"
    for dossier, amount in ((partial, 40_000), (accepted, 100_000)):
        convention = fact.variables(dossier)["convention"]
        instance_id = dossiers.get_dossier(fact.engine, dossier).id
        info, pdf = fact.engine.documents.get(instance_id, convention["document"])
        assert info.mimetype == "application/pdf" and pdf.startswith(b"%PDF")
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert (
            f"{amount:,} €".replace(",", "\u202f") in text
            or f"{amount:,}".replace(",", " ") in text
        )
        holder = fact.variables(dossier)["holder_user"]
        fact.complete(dossier, "convention_signature", {"holder_signed": True}, holder)
        fact.complete(dossier, "convention_countersignature", {"staff_signed": True}, "staff")
        final = dossiers.get_dossier(fact.engine, dossier)
        assert final.status == "completed" and final.variables["convention_signed"] is True
    assert len(fact.mails("decision")) == 3
    assert len(fact.mails("convention_countersigned")) == 2


def test_fact_withdrawn_as_draft_and_during_review(fact: FactCall) -> None:
    draft, reviewing = fact.draft(), fact.draft()
    fact.deposit(reviewing)
    fact.decide_eligibility(reviewing)
    fact.complete(reviewing, "assignment", {"reviewers": ["rev1"]}, "staff")
    for dossier in (draft, reviewing):
        instance = dossiers.withdraw(fact.engine, dossier, reason="Projet reporté", actor="h")
        assert (instance.status, instance.variables["outcome"]) == ("completed", "withdrawn")
    assert fact.engine.tasks.query().business_key(reviewing).count() == 0
    assert len(fact.mails("withdrawn")) == 2
    with pytest.raises(NotFoundError):  # nothing waits for a withdrawal any more
        dossiers.withdraw(fact.engine, draft, reason="encore", actor="h")


def test_fact_withdrawal_refused_after_the_decision(fact: FactCall) -> None:
    dossier = fact.draft()
    fact.to_commission(dossier)
    fact.commission({dossier: {"decision": "accepted", "amount": 60_000}})
    with pytest.raises(NotFoundError):
        dossiers.withdraw(fact.engine, dossier, reason="trop tard", actor="h")
    assert fact.variables(dossier)["outcome"] == "accepted"


def test_fact_envelope_is_never_exceeded(fact: FactCall) -> None:
    first, second = fact.draft(), fact.draft()
    for dossier in (first, second):
        fact.to_commission(dossier, amount_requested=500_000)
    too_much = {
        first: {"decision": "accepted", "amount": 500_000},
        second: {"decision": "accepted", "amount": 500_000},
    }
    with pytest.raises(InvalidInputError, match="enveloppe") as caught:
        fact.commission(too_much)
    assert caught.value.field == "decisions"
    assert fact.engine.tasks.query().form_key("commission").count() == 1  # still open
    assert "outcome" not in fact.variables(first)  # nothing delivered
    fact.commission(
        {
            first: {"decision": "accepted", "amount": 500_000},
            second: {"decision": "partial", "amount": 300_000},
        }
    )
    granted = sum(fact.variables(d)["amount_granted"] for d in (first, second))
    assert granted == 800_000
    call = calls.get_call(fact.engine, "2020-01")
    assert call.variables["budget"] == {"granted_total": 800_000, "remaining": 0}


def test_fact_late_decision_notice_escalates_to_staff(fact: FactCall) -> None:
    dossier = fact.draft()
    fact.to_commission(dossier)
    fact.commission({dossier: {"decision": "refused", "amount": 0}})
    due = dossiers.open_task(fact.engine, dossier, "decision_notice").due_at
    assert due == datetime(2020, 6, 5, 7, 30, tzinfo=UTC)  # commission + one month
    fact.at(due + timedelta(seconds=1))
    assert [m.recipient for m in fact.mails("response_overdue")] == ["infofact@anact.fr"]
    fact.complete(dossier, "decision_notice", {"notified": True}, "staff")
    assert dossiers.get_dossier(fact.engine, dossier).status == "completed"


def test_fact_deadline_extension_moves_timers_and_keeps_drafts(fact: FactCall) -> None:
    draft, deposited = fact.draft(), fact.draft()
    fact.deposit(deposited)
    fact.at(DEADLINE - timedelta(days=3))
    new_deadline = datetime.fromisoformat("2020-06-05T23:59:59+02:00")
    told = calls.extend_deadline(
        fact.engine,
        "2020-01",
        new_deadline,
        commission_at=datetime.fromisoformat("2020-06-23T09:30:00+02:00"),
        actor="staff",
    )
    assert len(told) == 2  # the call and the one open draft
    assert dossiers.open_task(fact.engine, draft, "deposit").due_at == new_deadline
    assert [m.recipient for m in fact.mails("deadline_extended")] == ["holder1@example.org"]
    fact.at(DEADLINE + timedelta(days=1))
    assert fact.mails("call_closed") == [] and "outcome" not in fact.variables(draft)
    fact.at(new_deadline - timedelta(days=2) + timedelta(seconds=1))
    assert len(fact.mails("deposit_reminder", "holder1@example.org")) == 1  # J-2 of the new date
    fact.deposit(draft)
    fact.at(new_deadline + timedelta(seconds=1))
    assert len(fact.mails("call_closed")) == 1
    assert fact.variables(draft)["deposited_at"].startswith("2020-06-03")


def test_fact_extension_refused_once_passed_or_when_earlier(fact: FactCall) -> None:
    with pytest.raises(InvalidInputError) as earlier:
        calls.extend_deadline(fact.engine, "2020-01", DEADLINE - timedelta(days=1), actor="s")
    assert earlier.value.field == "deposit_deadline"
    with pytest.raises(InvalidInputError) as after_commission:
        calls.extend_deadline(fact.engine, "2020-01", COMMISSION + timedelta(days=1), actor="s")
    assert after_commission.value.field == "commission_at"
    fact.at(DEADLINE + timedelta(seconds=1))
    with pytest.raises(ConflictError):
        calls.extend_deadline(fact.engine, "2020-01", DEADLINE + timedelta(days=30), actor="s")


def test_fact_drafts_refused_before_publication_and_after_closing(fact: FactCall) -> None:
    with pytest.raises(InvalidInputError) as unknown_track:
        fact.draft("inconnu")
    assert unknown_track.value.field == "track"
    fact.at(DEADLINE + timedelta(seconds=1))
    with pytest.raises(ConflictError, match="clos"):
        fact.draft()


def test_fact_extension_before_reminders_holds_through_them(fact: FactCall) -> None:
    draft = fact.draft()
    fact.at(DEADLINE - timedelta(days=8))
    new_deadline = DEADLINE + timedelta(days=2)
    calls.extend_deadline(
        fact.engine, "2020-01", new_deadline, commission_at=COMMISSION, actor="staff"
    )
    fact.at(new_deadline - timedelta(days=7) + timedelta(seconds=1))  # J-7 of the new date
    assert len(fact.mails("deposit_reminder")) == 1
    assert datetime.fromisoformat(fact.variables(draft)["deposit_deadline"]) == new_deadline
    fact.at(DEADLINE + timedelta(hours=1))  # past the old deadline, before the new one
    fact.deposit(draft)
    assert "deposited_at" in fact.variables(draft)


def test_fact_unsigned_convention_is_reminded_at_7_and_14_days(fact: FactCall) -> None:
    dossier = fact.draft()
    fact.to_commission(dossier)
    fact.commission({dossier: {"decision": "accepted", "amount": 60_000}})
    fact.complete(dossier, "decision_notice", {"notified": True}, "staff")
    ready = datetime.fromisoformat(fact.variables(dossier)["convention"]["rendered_at"])
    fact.at(ready + timedelta(days=7, seconds=1))
    fact.at(ready + timedelta(days=14, seconds=1))
    reminders = fact.mails("convention_reminder", "holder1@example.org")
    assert [m.payload["data"]["reminder"]["days"] for m in reminders] == [7, 14]
    holder = fact.variables(dossier)["holder_user"]
    fact.complete(dossier, "convention_signature", {"holder_signed": True}, holder)
    fact.at(ready + timedelta(days=30))
    assert len(fact.mails("convention_reminder")) == 2  # signed: no more reminders
