"""The consensus staff may open when reviewers disagree by two points or more: the reviewers
who scored the dossier review their evaluation again, starting from what they sent and seeing
the others' words without their names; the synthesis is made anew; the commission's session
cannot close while a consensus runs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import InvalidInputError
from workflows.fact import calls, dossiers
from workflows.fact.consensus import disputes_for, may_open, open_consensus
from workflows.fact.forms import complete_task
from workflows.fact.synthesis import synthesis_of

from .conftest import COMMISSION, FactCall
from .test_fact_reviews import CRITERIA, eligible, review_of

STAFF = "mission"


def reviewed(fact: FactCall, scores: dict[str, list[int]]) -> str:
    dossier = eligible(fact)
    task = dossiers.open_task(fact.engine, dossier, "assignment")
    complete_task(fact.engine, task.id, {"reviewers": list(scores)}, actor=STAFF)
    for reviewer, given in scores.items():
        send(fact, dossier, reviewer, given)
    return dossier


def send(fact: FactCall, dossier: str, reviewer: str, given: list[int]) -> None:
    comments = {c: f"Sur {c} : {given[0]} et {given[-1]}" for c in CRITERIA}
    review = {"scores": dict(zip(CRITERIA, given, strict=True)), "comments": comments,
              "opinion": "Vu."}  # fmt: skip
    complete_task(fact.engine, review_of(fact, dossier, reviewer).id, {"review": review},
                  actor=reviewer)  # fmt: skip


def found(fact: FactCall, dossier: str):  # type: ignore[no-untyped-def]
    return dossiers.get_dossier(fact.engine, dossier)


def test_reviewers_in_disagreement_review_again_and_the_synthesis_follows(fact: FactCall) -> None:
    dossier = reviewed(fact, {"rev1": [2, 4, 4, 4, 4, 4], "rev2": [5, 4, 4, 4, 4, 2],
                              "rev3": [3, 4, 4, 4, 4, 3]})  # fmt: skip
    before = synthesis_of(fact.variables(dossier))
    assert [c.id for c in before.disagreements] == ["conformity", "partnership"]
    assert may_open(fact.engine, found(fact, dossier))

    open_consensus(fact.engine, found(fact, dossier), actor=STAFF, due="2020-04-10")
    tasks = fact.engine.tasks.query().business_key(dossier).element("consensus_task").list()
    assert sorted(t.assignee for t in tasks) == ["rev1", "rev2", "rev3"]
    assert {t.due_at.isoformat() for t in tasks} == {"2020-04-10T21:59:59+00:00"}
    told = [m.recipient for m in fact.mails("task_assigned")
            if m.payload["task"]["element_id"] == "consensus_task"]  # fmt: skip
    assert sorted(told) == ["rev1", "rev2", "rev3"]
    drafts = fact.variables(dossier)["review_drafts"]
    assert drafts["rev1"]["scores"]["conformity"] == 2  # what they sent, to start from
    mine = review_of(fact, dossier, "rev1")
    (conformity, partnership) = disputes_for(mine, found(fact, dossier))
    assert [(o.label, o.score) for o in conformity.others] == [
        ("Autre évaluation 1", 5), ("Autre évaluation 2", 3)
    ]  # fmt: skip
    shown = str(conformity) + str(partnership)
    assert "rev2" not in shown and "rev3" not in shown  # no names
    assert conformity.others[0].comment == "Sur conformity : 5 et 2"
    assert not may_open(fact.engine, found(fact, dossier))  # one at a time

    send(fact, dossier, "rev1", [3, 4, 4, 4, 4, 4])
    send(fact, dossier, "rev2", [4, 4, 4, 4, 4, 3])
    assert "consensus_task" in {t.element_id for t in fact.engine.tasks.query()
                                .business_key(dossier).list()}  # rev3 yet to answer  # fmt: skip
    send(fact, dossier, "rev3", [3, 4, 4, 4, 4, 3])
    after = synthesis_of(fact.variables(dossier))
    assert after.disagreements == []
    assert {r.reviewer: r.total for r in after.reviews} == {"rev1": 23, "rev2": 23, "rev3": 22}
    assert fact.variables(dossier)["score"] == round(68 / 3, 2)
    waiting = fact.engine.runtime.query().waiting_for_message("commission_decided")
    assert waiting.business_key(dossier).count() == 1  # before the commission again


def test_the_session_cannot_close_while_a_consensus_runs(fact: FactCall) -> None:
    dossier = reviewed(fact, {"rev1": [1, 4, 4, 4, 4, 4], "rev2": [4, 4, 4, 4, 4, 4]})
    open_consensus(fact.engine, found(fact, dossier), actor=STAFF)
    task = review_of(fact, dossier, "rev1")
    assert task.due_at == COMMISSION  # no day given: the commission's

    fact.at(COMMISSION + timedelta(seconds=1))
    call = calls.get_call(fact.engine, "2020-01")
    session = fact.engine.tasks.query().instance(call.id).form_key("commission").one()
    with pytest.raises(InvalidInputError) as refused:
        complete_task(fact.engine, session.id, {"decisions": []}, actor="president")
    assert f"concertation des évaluateurs sur le dossier {dossier}" in str(refused.value)
    assert fact.engine.tasks.query().instance(call.id).form_key("commission").count() == 1


@pytest.mark.parametrize("scores", [{"rev1": [4] * 6, "rev2": [3] * 6}, {"rev1": [2] * 6}])
def test_no_consensus_without_a_disagreement(fact: FactCall, scores: dict[str, list[int]]) -> None:
    dossier = reviewed(fact, scores)
    assert not may_open(fact.engine, found(fact, dossier))
    with pytest.raises(InvalidInputError, match="ne divergent"):
        open_consensus(fact.engine, found(fact, dossier), actor=STAFF)
    assert not fact.engine.tasks.query().business_key(dossier).element("consensus_task").list()


def test_a_reviewer_in_conflict_is_not_asked_again(fact: FactCall) -> None:
    dossier = eligible(fact)
    task = dossiers.open_task(fact.engine, dossier, "assignment")
    complete_task(fact.engine, task.id, {"reviewers": ["rev1", "rev2", "rev3"]}, actor=STAFF)
    complete_task(fact.engine, review_of(fact, dossier, "rev1").id,
                  {"review": {"conflict_of_interest": True}}, actor="rev1")  # fmt: skip
    send(fact, dossier, "rev2", [1] * 6)
    send(fact, dossier, "rev3", [5] * 6)
    open_consensus(fact.engine, found(fact, dossier), actor=STAFF)
    asked = fact.engine.tasks.query().business_key(dossier).element("consensus_task").list()
    assert sorted(t.assignee for t in asked) == ["rev2", "rev3"]
