"""The FACT 2020-01 lifecycle end to end: every outcome path, deadlines, extension, envelope."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from engine import ConflictError, InvalidInputError, NotFoundError
from workflows.fact import calls, dossiers

from .conftest import DEADLINE, FactCall

PARIS_DEADLINE = "2020-04-14T23:59:59+02:00"


def test_fact_call_deadline_is_paris_summer_time(fact: FactCall) -> None:
    call = calls.get_call(fact.engine, "2020-01")
    assert datetime.fromisoformat(call.variables["deposit_deadline"]) == DEADLINE
    assert datetime.fromisoformat(PARIS_DEADLINE) == DEADLINE
    assert fact.mails("call_published")[0].recipient == "public"


def test_fact_draft_not_deposited_expires_when_deposits_close(fact: FactCall) -> None:
    dossier = fact.draft()
    assert dossiers.open_task(fact.engine, dossier, "deposit").due_at == DEADLINE
    fact.at(DEADLINE + timedelta(microseconds=999_999))  # the deadline's whole second counts
    assert fact.variables(dossier).get("outcome") is None
    fact.at(DEADLINE + timedelta(seconds=1))
    instance = dossiers.get_dossier(fact.engine, dossier)
    assert (instance.status, instance.variables["outcome"]) == ("completed", "expired")
    assert len(fact.mails("draft_expired", "holder1@example.org")) == 1


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


def test_fact_drafts_refused_before_publication_and_after_closing(fact: FactCall) -> None:
    with pytest.raises(InvalidInputError) as unknown_track:
        fact.draft("inconnu")
    assert unknown_track.value.field == "track"
    fact.at(DEADLINE + timedelta(seconds=1))
    with pytest.raises(ConflictError, match="clos"):
        fact.draft()


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
