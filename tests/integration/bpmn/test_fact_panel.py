"""The panel of a running review: the Mission Fact adds, withdraws and replaces reviewers while
the others work on, each told by mail; a conflict declared is told to the Mission Fact; each
review is kept with its reviewer, whatever order they come in."""

from __future__ import annotations

from typing import Any

import pytest

from engine import InvalidInputError
from engine.models import User
from workflows.fact import dossiers
from workflows.fact.access import may_read_dossier
from workflows.fact.forms import complete_task
from workflows.fact.panel import add_reviewer, panel_of, replace_reviewer, withdraw_reviewer
from workflows.fact.synthesis import synthesis_of

from .conftest import FactCall, text
from .test_fact_reviews import CRITERIA, eligible, review_of

STAFF = "mission"


def assigned(fact: FactCall, *reviewers: str) -> str:
    dossier = eligible(fact)
    fact.engine.identity.create_user("rev4", "x" * 12, roles=["reviewer"], email="rev4@x.fr")
    task = dossiers.open_task(fact.engine, dossier, "assignment")
    complete_task(fact.engine, task.id, {"reviewers": list(reviewers)}, actor=STAFF)
    return dossier


def review(fact: FactCall, dossier: str, reviewer: str, score: int) -> None:
    given = {"scores": dict.fromkeys(CRITERIA, score), "comments": {}, "opinion": f"{score}."}
    task = review_of(fact, dossier, reviewer)
    complete_task(fact.engine, task.id, {"review": given}, actor=reviewer)


def states(fact: FactCall, dossier: str) -> dict[str, str]:
    found = dossiers.get_dossier(fact.engine, dossier)
    return {seat.username: seat.state for seat in panel_of(fact.engine, found)}


def user(fact: FactCall, name: str) -> User:
    return fact.engine.identity.get(name)


def test_reviews_are_kept_with_their_reviewer_whatever_order_they_come_in(fact: FactCall) -> None:
    dossier = assigned(fact, "rev1", "rev2", "rev3")
    for reviewer, score in (("rev3", 1), ("rev1", 5), ("rev2", 3)):
        review(fact, dossier, reviewer, score)
    synthesis = synthesis_of(fact.variables(dossier))
    assert {r.reviewer: r.total for r in synthesis.reviews} == {"rev1": 30, "rev2": 18, "rev3": 6}


def test_a_conflict_is_told_to_staff_who_add_a_reviewer_to_the_running_review(
    fact: FactCall,
) -> None:
    dossier = assigned(fact, "rev1", "rev2")
    conflict = {"conflict_of_interest": True, "conflict_reason": "Ancien employeur"}
    complete_task(fact.engine, review_of(fact, dossier, "rev1").id, {"review": conflict},
                  actor="rev1")  # fmt: skip
    (told,) = fact.mails("review_conflict")
    assert told.recipient == fact.variables(dossier)["staff_email"]
    assert "Ancien employeur" in text(told) and "rev1" in text(told)
    assert states(fact, dossier) == {"rev1": "conflict", "rev2": "pending"}

    found = dossiers.get_dossier(fact.engine, dossier)
    with pytest.raises(InvalidInputError) as refused:
        add_reviewer(fact.engine, found, "rev1", actor=STAFF)
    assert refused.value.field == "reviewer" and "conflit d'intérêts" in str(refused.value)
    add_reviewer(fact.engine, found, "rev3", actor=STAFF)
    assert [m.recipient for m in fact.mails("task_assigned", "rev3")] == ["rev3"]
    assert len(fact.mails("task_assigned", "rev2")) == 1  # the others are not told again
    assert states(fact, dossier) == {"rev1": "conflict", "rev2": "pending", "rev3": "pending"}

    review(fact, dossier, "rev2", 4)
    assert "score" not in fact.variables(dossier)  # rev3's review is awaited too
    review(fact, dossier, "rev3", 2)
    variables = fact.variables(dossier)
    assert variables["score"] == 18  # (24 + 12) / 2, the conflict not counted
    assert [r.reviewer for r in synthesis_of(variables).scored] == ["rev2", "rev3"]


def test_staff_withdraw_or_replace_a_reviewer_who_is_told_and_reads_the_dossier_no_more(
    fact: FactCall,
) -> None:
    dossier = assigned(fact, "rev1", "rev2", "rev3")
    found = dossiers.get_dossier(fact.engine, dossier)
    withdraw_reviewer(fact.engine, found, "rev2", actor=STAFF)
    (gone,) = fact.mails("review_withdrawn")
    assert gone.recipient == "rev2@x.fr" and "retiré l'évaluation" in text(gone)
    assert not may_read_dossier(user(fact, "rev2"), dossiers.get_dossier(fact.engine, dossier))

    replace_reviewer(fact.engine, found, "rev1", "rev4", actor=STAFF)
    replaced = fact.mails("review_withdrawn")[-1]
    assert replaced.recipient == "rev1@x.fr" and "un autre évaluateur s'en charge" in text(replaced)
    assert states(fact, dossier) == {
        "rev1": "withdrawn", "rev2": "withdrawn", "rev3": "pending", "rev4": "pending"
    }  # fmt: skip
    assert may_read_dossier(user(fact, "rev4"), dossiers.get_dossier(fact.engine, dossier))
    review(fact, dossier, "rev3", 5)
    review(fact, dossier, "rev4", 3)
    variables = fact.variables(dossier)
    assert variables["score"] == 24
    synthesis = synthesis_of(variables)
    assert {r.reviewer for r in synthesis.reviews if r.withdrawn} == {"rev1", "rev2"}
    assert next(c.scores for c in synthesis.criteria) == [5, 3]


def test_withdrawing_every_reviewer_sends_the_dossier_back_to_assignment(fact: FactCall) -> None:
    dossier = assigned(fact, "rev1")
    withdraw_reviewer(fact.engine, dossiers.get_dossier(fact.engine, dossier), "rev1", actor=STAFF)
    again = dossiers.open_task(fact.engine, dossier, "assignment")
    complete_task(fact.engine, again.id, {"reviewers": ["rev1"]}, actor=STAFF)  # not barred
    assert may_read_dossier(user(fact, "rev1"), dossiers.get_dossier(fact.engine, dossier))
    assert states(fact, dossier) == {"rev1": "pending"}


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        (lambda e, d: add_reviewer(e, d, "inconnu", actor=STAFF), "n'est pas un évaluateur",
         "reviewer"),
        (lambda e, d: add_reviewer(e, d, "rev2", actor=STAFF), "déjà affecté", "reviewer"),
        (lambda e, d: add_reviewer(e, d, d.variables["holder_user"], actor=STAFF), "porte ce",
         "reviewer"),
        (lambda e, d: withdraw_reviewer(e, d, "rev3", actor=STAFF), "pas d'évaluation en cours",
         "reviewer"),
        (lambda e, d: replace_reviewer(e, d, "rev1", "inconnu", actor=STAFF), "pas un évaluateur",
         "by"),
        (lambda e, d: replace_reviewer(e, d, "rev1", "rev2", actor=STAFF), "déjà affecté", "by"),
        (lambda e, d: replace_reviewer(e, d, "rev3", "rev4", actor=STAFF), "pas d'évaluation",
         "reviewer"),
    ],
)  # fmt: skip
def test_a_change_that_cannot_be_is_refused_and_changes_nothing(
    fact: FactCall, change: Any, message: str, field: str
) -> None:
    dossier = assigned(fact, "rev1", "rev2")
    variables = fact.variables(dossier)
    holder = variables["holder_user"]  # a reviewer too, of other dossiers
    fact.engine.identity.create_user(holder, "x" * 12, roles=["reviewer"], email="h@x.fr")
    before = (variables, states(fact, dossier), len(fact.engine.outbox.list()))
    with pytest.raises(InvalidInputError) as refused:
        change(fact.engine, dossiers.get_dossier(fact.engine, dossier))
    assert message in str(refused.value) and refused.value.field == field
    assert (
        fact.variables(dossier),
        states(fact, dossier),
        len(fact.engine.outbox.list()),
    ) == before


def test_no_change_once_the_reviews_are_all_in(fact: FactCall) -> None:
    dossier = assigned(fact, "rev1")
    review(fact, dossier, "rev1", 4)
    with pytest.raises(InvalidInputError, match="aucune évaluation n'est en cours"):
        add_reviewer(fact.engine, dossiers.get_dossier(fact.engine, dossier), "rev2", actor=STAFF)
