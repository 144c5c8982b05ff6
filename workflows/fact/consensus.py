"""The consensus the Mission Fact may open on a dossier whose reviewers disagree by two points
or more on a criterion: those who scored it review their evaluation again (their review as
they sent it is their draft), seeing the others' scores and comments without their names; the
synthesis is then made anew. The commission decides on a dossier once its consensus is over."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine import Engine, InvalidInputError, NotFoundError
from engine.models import Instance, UserTask

from .reviews import DRAFTS, draft_shape, due_at_of
from .synthesis import Criterion, synthesis_of

OPENED = "consensus_opened"  # the message the dossier waits for beside the commission's
ELEMENT = "consensus_task"
REVIEWERS = "consensus_reviewers"


@dataclass(frozen=True)
class Other:
    """Another reviewer's word on a disputed criterion, without their name."""

    label: str
    score: int | None
    comment: str


@dataclass(frozen=True)
class Dispute:
    criterion: Criterion
    others: list[Other]


def may_open(engine: Engine, dossier: Instance) -> bool:
    """A consensus may open while the dossier waits for the commission and its reviewers
    disagree on a criterion."""
    if not synthesis_of(dossier.variables).disagreements:
        return False
    waiting = engine.runtime.query().waiting_for_message(OPENED)
    return waiting.business_key(dossier.business_key or "").count() > 0


def open_consensus(engine: Engine, dossier: Instance, *, actor: str, due: Any = None) -> None:
    """Ask the reviewers who scored the dossier to review their evaluation again, by `due`
    (a day; the commission's date by default)."""
    synthesis = synthesis_of(dossier.variables)
    if not synthesis.disagreements:
        raise InvalidInputError(
            "les évaluateurs ne divergent de deux points sur aucun critère", field="consensus"
        )
    due_at = due_at_of(due, field="due") or dossier.variables.get("commission_at")
    scored = {r.reviewer for r in synthesis.scored}
    kept = {
        str(r.get("reviewer")): draft_shape(r)
        for r in dossier.variables.get("reviews") or []
        if isinstance(r, Mapping) and r.get("reviewer") in scored
    }
    try:
        engine.messages.correlate(
            OPENED,
            correlation={"dossier_id": dossier.business_key},
            payload={"due_at": due_at, "criteria": [c.id for c in synthesis.disagreements]},
            variables={REVIEWERS: sorted(scored),
                       DRAFTS: {**(dossier.variables.get(DRAFTS) or {}), **kept}},
            actor=actor,
        )  # fmt: skip
    except NotFoundError:
        raise InvalidInputError(
            "la concertation n'est plus possible : la commission a statué sur ce dossier",
            field="consensus",
        ) from None


def disputes_for(task: UserTask, dossier: Instance) -> list[Dispute]:
    """What a reviewer in consensus reads of the others on the criteria in dispute."""
    if task.element_id != ELEMENT:
        return []
    synthesis = synthesis_of(dossier.variables)
    others = [r for r in synthesis.scored if r.reviewer != task.assignee]
    return [
        Dispute(
            criterion,
            [
                Other(
                    f"Autre évaluation {n}",
                    r.scores.get(criterion.id),
                    r.comments.get(criterion.id, ""),
                )
                for n, r in enumerate(others, start=1)
            ],
        )
        for criterion in synthesis.disagreements
    ]


def open_on(engine: Engine, call_id: str, process_id: str) -> list[str]:
    """The dossiers of a call whose consensus is still running."""
    tasks = engine.tasks.query().process(process_id).element(ELEMENT).list()
    return sorted({t.business_key for t in tasks
                   if t.business_key and t.business_key.startswith(f"{call_id}-")})  # fmt: skip
