"""Reviews as the workflows check them: a conflict of interest ends a review without scores,
a review without one scores every criterion and gives an opinion; when every reviewer is in
conflict the dossier goes back to staff for other reviewers; the due day is the task's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine import InvalidInputError
from workflows.fact import dossiers
from workflows.fact.delivery import recipients_for
from workflows.fact.forms import complete_task

from .conftest import COMMISSION, FactCall, text

CRITERIA = ["conformity", "relevance", "orientations", "methodology", "transfer", "partnership"]


def eligible(fact: FactCall) -> str:
    for name in ("rev1", "rev2", "rev3"):
        fact.engine.identity.create_user(name, "x" * 12, roles=["reviewer"], email=f"{name}@x.fr")
    dossier = fact.draft()
    fact.deposit(dossier)
    fact.decide_eligibility(dossier, eligible=True, reason="Conforme")
    return dossier


def review_of(fact: FactCall, dossier: str, reviewer: str) -> Any:
    return fact.engine.tasks.query().business_key(dossier).assignee(reviewer).one()


def test_a_review_scores_every_criterion_unless_a_conflict_is_declared(fact: FactCall) -> None:
    dossier = eligible(fact)
    task = dossiers.open_task(fact.engine, dossier, "assignment")
    complete_task(fact.engine, task.id, {"reviewers": ["rev1"], "review_due": "2020-03-31"},
                  actor="staff")  # fmt: skip
    review = review_of(fact, dossier, "rev1")
    assert review.due_at is not None
    assert review.due_at.isoformat() == "2020-03-31T21:59:59+00:00"  # 23:59:59 Paris (summer)

    half = {"scores": {"conformity": 4}, "comments": {}, "opinion": ""}
    with pytest.raises(InvalidInputError) as refused:
        complete_task(fact.engine, review.id, {"review": half}, actor="rev1")
    assert set(refused.value.errors) == {
        *(f"review.scores.{c}" for c in CRITERIA if c != "conformity"),
        "review.opinion",
    }
    conflict = {"conflict_of_interest": True, "conflict_reason": "Ancien client", "scores": {}}
    complete_task(fact.engine, review.id, {"review": conflict}, actor="rev1")
    # Every reviewer was in conflict: staff assign someone else, and that review counts.
    again = dossiers.open_task(fact.engine, dossier, "assignment")
    assert "score" not in fact.variables(dossier)
    with pytest.raises(InvalidInputError) as refused:
        complete_task(fact.engine, again.id, {"reviewers": ["rev1"]}, actor="staff")
    assert "« rev1 » a déclaré un conflit d'intérêts" in refused.value.errors["reviewers"][0]
    complete_task(fact.engine, again.id, {"reviewers": ["rev2"]}, actor="staff")
    full = {"scores": dict.fromkeys(CRITERIA, 3), "comments": {}, "opinion": "Correct."}
    complete_task(fact.engine, review_of(fact, dossier, "rev2").id, {"review": full},
                  actor="rev2")  # fmt: skip
    assert fact.variables(dossier)["score"] == 18


def test_one_reviewer_in_conflict_leaves_the_others_reviews(fact: FactCall) -> None:
    dossier = eligible(fact)
    task = dossiers.open_task(fact.engine, dossier, "assignment")
    complete_task(fact.engine, task.id, {"reviewers": ["rev1", "rev2"]}, actor="staff")
    assert review_of(fact, dossier, "rev1").due_at == COMMISSION  # no due day given
    conflict = {"conflict_of_interest": True, "scores": {"conformity": 5}}
    complete_task(fact.engine, review_of(fact, dossier, "rev1").id, {"review": conflict},
                  actor="rev1")  # fmt: skip
    full = {"scores": dict.fromkeys(CRITERIA, 5), "comments": {}, "opinion": "Excellent."}
    complete_task(fact.engine, review_of(fact, dossier, "rev2").id, {"review": full},
                  actor="rev2")  # fmt: skip
    variables = fact.variables(dossier)
    assert variables["score"] == 30
    assert variables["reviews"][0] == {
        "reviewer": "rev1",
        "conflict_of_interest": True,
        "conflict_reason": "",
    }
    assert not fact.engine.tasks.query().business_key(dossier).form_key("assignment").list()


def test_reviewers_are_reminded_before_and_after_the_due_day_while_their_review_is_open(
    fact: FactCall,
) -> None:
    dossier = eligible(fact)
    task = dossiers.open_task(fact.engine, dossier, "assignment")
    complete_task(fact.engine, task.id, {"reviewers": ["rev1", "rev2"], "review_due": "2020-03-31"},
                  actor="staff")  # fmt: skip
    instance = dossiers.get_dossier(fact.engine, dossier)
    due = {t.element_id: t.due_at.isoformat() for t in fact.engine.timers.pending(instance.id)}
    assert due["review_reminder_timer"] == "2020-03-29T21:59:59+00:00"  # J-2, 23:59:59 Paris
    assert due["review_overdue_timer"] == "2020-03-31T21:59:59+00:00"
    resolve = recipients_for(fact.engine)

    fact.at(datetime(2020, 3, 29, 22, tzinfo=UTC))
    (early,) = fact.mails("review_reminder")
    assert early.payload["data"]["reminder"] == {"late": False}
    assert resolve(early) == ["rev1@x.fr", "rev2@x.fr"]
    assert "au plus tard le mardi 31 mars 2020 à 23 h 59" in text(early)

    full = {"scores": dict.fromkeys(CRITERIA, 4), "comments": {}, "opinion": "Bien."}
    complete_task(fact.engine, review_of(fact, dossier, "rev1").id, {"review": full},
                  actor="rev1")  # fmt: skip
    fact.at(datetime(2020, 3, 31, 22, tzinfo=UTC))
    late = fact.mails("review_reminder")[-1]
    assert late.payload["data"]["reminder"] == {"late": True}
    assert resolve(late) == ["rev2@x.fr"]  # rev1's review is in
    assert "ne nous est pas parvenue" in text(late)
    complete_task(fact.engine, review_of(fact, dossier, "rev2").id, {"review": full},
                  actor="rev2")  # fmt: skip
    waiting = {t.element_id for t in fact.engine.timers.pending(instance.id)}
    assert not waiting & {"review_reminder_timer", "review_overdue_timer"}  # reviews all in
    assert len(fact.mails("review_reminder")) == 2


def test_without_a_due_day_the_reviews_are_due_at_the_commission(fact: FactCall) -> None:
    dossier = eligible(fact)
    task = dossiers.open_task(fact.engine, dossier, "assignment")
    complete_task(fact.engine, task.id, {"reviewers": ["rev1"]}, actor="staff")
    instance = dossiers.get_dossier(fact.engine, dossier)
    due = {t.element_id: t.due_at for t in fact.engine.timers.pending(instance.id)}
    assert due["review_overdue_timer"] == COMMISSION
    assert due["review_reminder_timer"] == COMMISSION - timedelta(days=2)
    assert review_of(fact, dossier, "rev1").due_at == COMMISSION
