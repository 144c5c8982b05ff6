"""A reviewer's reviews: the open ones, the draft kept as they type, and the check of what they
submit (a conflict of interest ends the review without scores; otherwise six scores from 1
to 5 and an overall opinion)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from engine import Engine, InvalidInputError
from engine.dates import CALENDAR_ZONE, FIRST_YEAR, LAST_YEAR, in_plausible_years
from engine.models import Instance, UserTask

DRAFTS = "review_drafts"  # {reviewer: review as last typed}, confidential like the reviews
# {reviewer: "submitted" | "conflict" | "withdrawn"} while and after the review runs, confidential.
STATUS = "review_status"
SUBMITTED, CONFLICT, WITHDRAWN = "submitted", "conflict", "withdrawn"


@dataclass(frozen=True)
class Assigned:
    task: UserTask
    dossier: Instance

    def overdue(self, now: datetime) -> bool:
        return self.task.due_at is not None and self.task.due_at < now


def assigned_to(engine: Engine, username: str) -> list[Assigned]:
    """The reviews waiting for this reviewer, soonest due first."""
    tasks = engine.tasks.query().assignee(username).form_key("review").list()
    found = [Assigned(t, engine.runtime.get(t.instance_id)) for t in tasks]
    far = datetime.max.replace(tzinfo=CALENDAR_ZONE)
    found.sort(key=lambda a: (a.task.due_at or far, a.dossier.business_key or ""))
    return found


def draft_of(dossier: Instance, username: str) -> dict[str, Any]:
    return dict((dossier.variables.get(DRAFTS) or {}).get(username) or {})


def save_draft(engine: Engine, task: UserTask, review: Mapping[str, Any], *, actor: str) -> None:
    """Keep the review as typed (unchecked: a draft may be incomplete) with the dossier."""
    kept = draft_shape(review)

    def change(variables: Mapping[str, Any]) -> dict[str, Any]:
        return {DRAFTS: {**(variables.get(DRAFTS) or {}), actor: kept}}

    engine.runtime.update_variables(task.instance_id, change, actor=actor)


def check_review(
    variables: Mapping[str, Any], data: Mapping[str, Any], *, reviewer: str
) -> dict[str, Any]:
    """The review as it is kept, signed by its reviewer: a conflict declared drops any score;
    without one, every criterion of the call is scored and the opinion given. Raises
    InvalidInputError naming each field at fault."""
    review = data.get("review")
    if not isinstance(review, Mapping):
        raise InvalidInputError("l'évaluation est un objet", field="review")
    if review.get("conflict_of_interest") is True:
        reason = str(review.get("conflict_reason") or "").strip()
        kept = {"reviewer": reviewer, "conflict_of_interest": True, "conflict_reason": reason}
        return {**data, "review": kept}
    scores = review.get("scores") if isinstance(review.get("scores"), Mapping) else {}
    errors = {
        f"review.scores.{criterion}": ["note de 1 à 5 obligatoire"]
        for criterion in variables.get("criteria") or []
        if scores.get(criterion) in (None, "")
    }
    if not str(review.get("opinion") or "").strip():
        errors["review.opinion"] = ["avis d'ensemble obligatoire"]
    if errors:
        first = next(iter(errors))
        raise InvalidInputError(errors[first][0], field=first, errors=errors)
    return {**data, "review": {**review, "reviewer": reviewer, "conflict_of_interest": False}}


def with_status(variables: Mapping[str, Any], changed: Mapping[str, str | None]) -> dict[str, Any]:
    """The review statuses with these reviewers' changed (None: no status any more)."""
    status = {**(variables.get(STATUS) or {}), **changed}
    return {STATUS: {name: state for name, state in status.items() if state is not None}}


def due_at_of(day: Any, *, field: str = "review_due") -> str | None:
    """An assignment's due day as the end of that day, Paris time (ISO)."""
    if not isinstance(day, str) or not day:
        return None
    try:
        moment = datetime.combine(datetime.fromisoformat(day).date(), time(23, 59, 59))
    except ValueError:
        raise InvalidInputError(
            "date invalide (format attendu : AAAA-MM-JJ)", field=field
        ) from None
    if not in_plausible_years(moment.replace(tzinfo=CALENDAR_ZONE)):  # timers could not run
        raise InvalidInputError(f"date hors des années {FIRST_YEAR} à {LAST_YEAR}", field=field)
    return moment.replace(tzinfo=CALENDAR_ZONE).isoformat()


def draft_shape(review: Mapping[str, Any]) -> dict[str, Any]:
    """Only the review's own fields, of plain types, are kept in a draft."""
    scores = review.get("scores") if isinstance(review.get("scores"), Mapping) else {}
    comments = review.get("comments") if isinstance(review.get("comments"), Mapping) else {}
    return {
        "conflict_of_interest": review.get("conflict_of_interest") is True,
        "conflict_reason": str(review.get("conflict_reason") or "")[:2000],
        "scores": {str(k): v for k, v in scores.items() if isinstance(v, int) and 1 <= v <= 5},
        "comments": {str(k): str(v)[:4000] for k, v in comments.items()},
        "opinion": str(review.get("opinion") or "")[:4000],
    }
