"""The Mission Fact closes a dossier before the decision ("classé sans suite"): with a reason
the holder reads, from a draft or during the review; refused without a reason or once decided,
and then nothing changes."""

from __future__ import annotations

import pytest

from engine import ConflictError, InvalidInputError
from workflows.fact import dossiers
from workflows.fact.dashboard import call_dashboard
from workflows.fact.mails import render_mail
from workflows.fact.status import dossier_status, timeline

from .conftest import FactCall

REASON = "Le porteur a déposé deux fois le même projet : ce dossier est le doublon."


def test_staff_close_a_draft_and_a_dossier_under_review(fact: FactCall) -> None:
    draft, reviewing = fact.draft(), fact.draft()
    fact.deposit(reviewing)
    fact.decide_eligibility(reviewing)
    fact.complete(reviewing, "assignment", {"reviewers": ["rev1"]}, "staff")
    for dossier in (draft, reviewing):
        assert dossiers.may_close(fact.engine, dossiers.get_dossier(fact.engine, dossier))
        closed = dossiers.close(fact.engine, dossier, reason=f"  {REASON} ", actor="mission")
        assert (closed.status, closed.variables["outcome"]) == ("completed", "withdrawn")
        status = dossier_status(fact.engine, closed)
        assert status.stage == "Classé sans suite" and REASON.rstrip(".") in status.next_step
        assert not dossiers.may_close(fact.engine, closed)
        labels = [m.label for m in timeline(fact.engine, closed)]
        assert labels[-1] == "Dossier clos par la Mission Fact"
    assert fact.engine.tasks.query().business_key(reviewing).count() == 0  # the review is over
    [mail, _] = fact.mails("withdrawn")
    closing = render_mail(mail.payload)
    assert "Votre dossier" in closing.subject and "est clos" in closing.subject
    assert f"Motif : {REASON}" in " ".join(closing.text.split())
    board = call_dashboard(fact.engine, "2020-01")
    assert {s.stage: s.count for s in board.stages}["Classé sans suite"] == 2


def test_a_holder_withdrawal_still_reads_as_theirs(fact: FactCall) -> None:
    dossier = fact.draft()
    withdrawn = dossiers.withdraw(fact.engine, dossier, reason="Projet reporté", actor="h")
    assert dossier_status(fact.engine, withdrawn).stage == "Retiré"
    [mail] = fact.mails("withdrawn")
    withdrawal = render_mail(mail.payload)
    assert "Retrait de votre dossier" in withdrawal.subject
    assert "Motif indiqué : Projet reporté" in " ".join(withdrawal.text.split())


@pytest.mark.parametrize("reason", ["", "   ", "court", "x" * 2001])
def test_closing_needs_a_reason_a_holder_can_read(fact: FactCall, reason: str) -> None:
    dossier = fact.draft()
    fact.deposit(dossier)
    with pytest.raises(InvalidInputError) as refused:
        dossiers.close(fact.engine, dossier, reason=reason, actor="mission")
    assert refused.value.field == "reason"
    assert "outcome" not in fact.variables(dossier)  # nothing written
    assert fact.mails("withdrawn") == []


def test_closing_refused_once_decided_or_closed(fact: FactCall) -> None:
    decided, closed = fact.draft(), fact.draft()
    fact.to_commission(decided)
    dossiers.close(fact.engine, closed, reason=REASON, actor="mission")
    fact.commission({decided: {"decision": "accepted", "amount": 60_000}})
    for dossier in (decided, closed):
        assert not dossiers.may_close(fact.engine, dossiers.get_dossier(fact.engine, dossier))
        with pytest.raises(ConflictError, match="plus en instruction"):
            dossiers.close(fact.engine, dossier, reason=REASON, actor="mission")
    assert fact.variables(decided)["outcome"] == "accepted"
    assert len(fact.mails("withdrawn")) == 1
