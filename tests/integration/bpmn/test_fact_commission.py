"""The commission's session and the reviewers' assignment, as the workflows check them: the
dossiers before the commission, a draft amended until the session closes, decisions refused
with the field at fault and nothing saved, the motivation reaching each holder alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from engine import InvalidInputError
from workflows.fact import calls, commission, dossiers
from workflows.fact.forms import complete_task
from workflows.fact.synthesis import synthesis_of

from .conftest import COMMISSION, FactCall, OpenCall

CRITERIA = ["conformity", "relevance", "orientations", "methodology", "transfer", "partnership"]


def reviewers(fact: FactCall, *names: str) -> None:
    for name in names:
        fact.engine.identity.create_user(name, "x" * 12, roles=["reviewer"], email=f"{name}@x.fr")


def reviewed(fact: FactCall, scores: dict[str, list[int]], amount: int = 60_000) -> str:
    """A dossier deposited, found eligible and reviewed by rev1 and rev2 with these scores
    (per reviewer, one per criterion, in CRITERIA's order)."""
    dossier = fact.draft()
    fact.deposit(dossier, amount_requested=amount, budget_total=amount * 2)
    fact.decide_eligibility(dossier, eligible=True, reason="Conforme")
    fact.review_with(dossier, scores)
    return dossier


def decision(dossier: str, outcome: str, amount: int | None, motivation: str = "Motivée.") -> dict:
    return {"dossier": dossier, "decision": outcome, "amount": amount, "motivation": motivation}


@pytest.fixture
def session(open_fact: OpenCall) -> tuple[FactCall, list[str]]:
    """A call of 100 000 € whose commission sits before a strong, a weak dossier (and neither
    an ineligible one nor a draft)."""
    fact = open_fact(envelope=100_000)
    reviewers(fact, "rev1", "rev2")
    weak = reviewed(fact, {"rev1": [2, 2, 2, 2, 2, 2], "rev2": [4, 2, 3, 2, 2, 2]}, 50_000)
    strong = reviewed(fact, {"rev1": [5, 5, 4, 5, 4, 5], "rev2": [5, 4, 4, 5, 4, 5]})
    ineligible = fact.draft()
    fact.deposit(ineligible)
    fact.decide_eligibility(ineligible, eligible=False, reason="Hors champ")
    fact.draft()
    fact.at(COMMISSION + timedelta(seconds=1))
    return fact, [strong, weak, ineligible]


def plain(text: str) -> str:
    """French typography's no-break spaces as plain ones."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def call_of(fact: FactCall) -> Any:
    return calls.get_call(fact.engine, "2020-01")


def test_the_session_ranks_the_eligible_reviewed_dossiers_with_their_synthesis(session) -> None:
    fact, (strong, weak, _) = session
    candidates = commission.session_dossiers(fact.engine, call_of(fact))
    assert [c.id for c in candidates] == [strong, weak]
    assert [c.synthesis.mean for c in candidates] == [27.5, 13.5]
    assert [c.requested for c in candidates] == [60_000, 50_000]
    flagged = candidates[1].synthesis.disagreements
    assert [(c.id, c.scores, c.spread, c.mean) for c in flagged] == [
        ("conformity", [2, 4], 2, 3.0)
    ]  # one point apart (orientations: 2 and 3) is no disagreement
    assert candidates[0].synthesis.disagreements == []


@pytest.mark.parametrize(
    ("decisions", "field", "says"),
    [
        ([decision("2020-01-9999", "refused", 0)], "decisions.0.dossier", "n'est pas soumis"),
        ([decision("INELIGIBLE", "refused", 0)], "decisions.0.dossier", "n'est pas soumis"),
        ([decision("STRONG", "accepted", 50_000)], "decisions.0.amount", "montant demandé"),
        ([decision("WEAK", "partial", 50_000)], "decisions.0.amount", "financement partiel"),
        ([decision("WEAK", "partial", -5)], "decisions.0.amount", "entier et positif"),
        ([decision("WEAK", "refused", 10)], "decisions.0.amount", "ne reçoit rien"),
        ([decision("WEAK", "postponed", 0)], "decisions.0.decision", "retenu"),
        ([decision("WEAK", "refused", 0, "   ")], "decisions.0.motivation", "obligatoire"),
        ([decision("WEAK", "refused", 0, "x" * 2001)], "decisions.0.motivation", "2000"),
        ([decision("WEAK", "refused", 0)] * 2, "decisions.1.dossier", "déjà une décision"),
        (
            [decision("STRONG", "accepted", None), decision("WEAK", "partial", 45_000)],
            "decisions",
            "dépassent l'enveloppe de l'appel (100 000 €)",
        ),
        ([decision("STRONG", "accepted", None)], "decisions", "sans décision : WEAK"),
        ({"STRONG": "accepted"}, "decisions", "liste"),
    ],
)
def test_a_closing_session_is_refused_with_the_field_at_fault_and_nothing_stored(
    session, decisions: Any, field: str, says: str
) -> None:
    fact, (strong, weak, ineligible) = session
    names = {"STRONG": strong, "WEAK": weak, "INELIGIBLE": ineligible}
    if isinstance(decisions, list):
        decisions = [{**d, "dossier": names.get(d["dossier"], d["dossier"])} for d in decisions]
    says = says.replace("WEAK", weak)
    task = commission.session_task(fact.engine, call_of(fact))
    before = call_of(fact).variables
    with pytest.raises(InvalidInputError) as refused:
        complete_task(fact.engine, task.id, {"decisions": decisions}, actor="staff")
    assert field in refused.value.errors, refused.value.errors
    assert says in plain(refused.value.errors[field][0])
    assert call_of(fact).variables == before
    assert commission.session_task(fact.engine, call_of(fact)) is not None
    assert "outcome" not in fact.variables(strong)


def test_the_draft_is_amended_until_the_session_closes_and_each_holder_gets_their_reasons(
    session,
) -> None:
    fact, (strong, weak, _) = session
    first = [decision(strong, "accepted", None, "Projet exemplaire.")]
    commission.save_draft(fact.engine, call_of(fact), first, actor="president")
    assert commission.draft_of(call_of(fact))[strong]["amount"] == 60_000

    too_much = [decision(strong, "accepted", None), decision(weak, "partial", 45_000)]
    with pytest.raises(InvalidInputError) as refused:
        commission.save_draft(fact.engine, call_of(fact), too_much, actor="president")
    assert "dépassent l'enveloppe" in plain(refused.value.errors["decisions"][0])
    assert list(commission.draft_of(call_of(fact))) == [strong]  # the saved draft stands

    amended = [
        decision(strong, "partial", 55_000, "Le volet transfert est réduit."),
        decision(weak, "refused", None, "Objectifs trop généraux."),
    ]
    commission.save_draft(fact.engine, call_of(fact), amended, actor="president")
    assert commission.draft_of(call_of(fact))[strong]["amount"] == 55_000

    task = commission.session_task(fact.engine, call_of(fact))
    complete_task(fact.engine, task.id, {"decisions": amended}, actor="staff")
    granted, refused_ = fact.variables(strong), fact.variables(weak)
    assert (granted["outcome"], granted["amount_granted"]) == ("partial", 55_000)
    assert granted["motivation"] == "Le volet transfert est réduit."
    assert (refused_["outcome"], refused_["motivation"]) == ("refused", "Objectifs trop généraux.")
    assert weak not in str(granted.get("commission"))  # no dossier keeps another's decision
    with pytest.raises(InvalidInputError):
        commission.save_draft(fact.engine, call_of(fact), amended, actor="president")


def test_a_review_in_conflict_counts_for_nothing_in_the_synthesis() -> None:
    variables = {
        "reviewers": ["rev1", "rev2"],
        "reviews": [
            {"conflict_of_interest": True},
            {"scores": dict.fromkeys(CRITERIA, 3), "comments": {"relevance": "Clair."}},
        ],
        "criteria": CRITERIA,
    }
    found = synthesis_of(variables)
    assert [r.reviewer for r in found.scored] == ["rev2"] and found.mean == 18
    assert all(c.scores == [3] and not c.disagreement for c in found.criteria)
    assert synthesis_of({}).mean is None


def test_only_known_reviewers_are_assigned_each_once_never_the_holder(fact: FactCall) -> None:
    reviewers(fact, "rev1", "rev2")
    fact.engine.identity.create_user("staff2", "x" * 12, roles=["staff"], email="s@x.fr")
    dossier = fact.draft()
    fact.deposit(dossier)
    fact.decide_eligibility(dossier, eligible=True, reason="Conforme")
    holder = fact.variables(dossier)["holder_user"]
    fact.engine.identity.create_user(holder, "x" * 12, roles=["reviewer"], email="h@x.fr")
    task = dossiers.open_task(fact.engine, dossier, "assignment")
    for named, says in (
        (["rev1", "rve2"], "« rve2 » n'est pas un évaluateur connu"),
        (["staff2"], "« staff2 » n'est pas un évaluateur connu"),
        ([holder], f"« {holder} » porte ce dossier"),
        (["rev1", "rev1"], "nommé deux fois"),
        ([], "au moins un évaluateur"),
        ([{"name": "rev1"}], "au moins un évaluateur"),
    ):
        with pytest.raises(InvalidInputError) as refused:
            complete_task(fact.engine, task.id, {"reviewers": named}, actor="staff")
        assert says in " ".join(refused.value.errors["reviewers"]), named
    assert dossiers.open_task(fact.engine, dossier, "assignment").id == task.id
    complete_task(fact.engine, task.id, {"reviewers": ["rev1", "rev2"]}, actor="staff")
    open_reviews = fact.engine.tasks.query().business_key(dossier).form_key("review").list()
    assert sorted(t.assignee for t in open_reviews) == ["rev1", "rev2"]
