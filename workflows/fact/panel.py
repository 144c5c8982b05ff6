"""A dossier's panel of reviewers while its review runs: who reviews and where each stands, and
the Mission Fact's changes to it (a reviewer added, withdrawn, or replaced by another).

Each change is one step of the dossier with the mails it owes: the reviewer added is told as
anyone given a task; the one withdrawn by `review_withdrawn`. A reviewer who declares a
conflict of interest ends their review, and the Mission Fact is told by `review_conflict`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine import Engine, InvalidInputError, NotFoundError, Notice
from engine.models import Instance, UserTask

from .reviewers import check_assignment
from .reviews import CONFLICT, STATUS, SUBMITTED, WITHDRAWN, with_status

REVIEW_ELEMENT = "review_task"  # the dossier diagram's parallel review, one per reviewer
PENDING = "pending"
# What a panel mail carries of the dossier: enough to say which one.
MAIL_KEYS = ("call_id", "call_title", "dossier_id", "title", "contact")


@dataclass(frozen=True)
class Seat:
    username: str
    name: str
    state: str  # PENDING, SUBMITTED, CONFLICT or WITHDRAWN
    task: UserTask | None


def panel_of(engine: Engine, dossier: Instance) -> list[Seat]:
    """The reviewers named on the dossier, in the order they were, with where each stands."""
    open_tasks = {
        t.assignee: t
        for t in engine.tasks.query().instance(dossier.id).element(REVIEW_ELEMENT).list()
        if t.assignee
    }
    status = dossier.variables.get(STATUS) or {}
    seats = []
    for username in dict.fromkeys(dossier.variables.get("reviewers") or []):
        task = open_tasks.get(username)
        state = PENDING if task else status.get(username, SUBMITTED)
        seats.append(Seat(username, _name(engine, username), state, task))
    return seats


def is_running(engine: Engine, dossier: Instance) -> bool:
    """The review runs while one reviewer at least has theirs open."""
    return engine.tasks.query().instance(dossier.id).element(REVIEW_ELEMENT).count() > 0


def add_reviewer(
    engine: Engine, dossier: Instance, username: str, *, actor: str, field: str = "reviewer"
) -> None:
    """One more reviewer on the running review (checked as an assignment is); a refusal names
    `field`."""
    username = username.strip()

    def guard(current: Instance) -> None:
        check_assignment(engine, current, {"reviewers": [username]}, field=field)
        if username in (current.variables.get("reviewers") or []):
            raise InvalidInputError(f"« {username[:80]} » est déjà affecté à ce dossier",
                                    field=field)  # fmt: skip

    if not is_running(engine, dossier):
        raise InvalidInputError("aucune évaluation n'est en cours sur ce dossier", field=field)
    engine.runtime.add_instance(dossier.id, REVIEW_ELEMENT, username, actor=actor, guard=guard)


def withdraw_reviewer(
    engine: Engine, dossier: Instance, username: str, *, actor: str, replaced: bool = False
) -> None:
    """End a reviewer's open review without scores; they are told by mail."""
    task = _open_review(engine, dossier, username)
    review = {"reviewer": username, "withdrawn": True, "conflict_of_interest": False}
    data = {key: dossier.variables[key] for key in MAIL_KEYS if key in dossier.variables}
    notice = _mail("review_withdrawn", _email(engine, username), dossier, data,
                   {"replaced_by": replaced})  # fmt: skip
    engine.tasks.complete(
        task.id,
        {"review": review},
        actor=actor,
        in_place=True,
        variables=lambda v: with_status(v, {username: WITHDRAWN}),
        notices=[notice] if notice else [],
    )


def replace_reviewer(
    engine: Engine, dossier: Instance, username: str, by: str, *, actor: str
) -> None:
    """Another reviewer takes over an open review: added first, so that the review never
    runs out of reviewers in between; then the one replaced is withdrawn."""
    _open_review(engine, dossier, username)  # refused before anyone is added
    add_reviewer(engine, dossier, by, actor=actor, field="by")
    withdraw_reviewer(engine, dossier, username, actor=actor, replaced=True)


def on_submit(
    engine: Engine, dossier: Instance, review: Mapping[str, Any]
) -> tuple[Callable[[Mapping[str, Any]], dict[str, Any]], list[Notice]]:
    """What a review submitted changes besides the review: its reviewer's status, and the
    Mission Fact's mail when it is a conflict of interest."""
    username = str(review.get("reviewer") or "")
    conflict = review.get("conflict_of_interest") is True
    state = CONFLICT if conflict else SUBMITTED
    notices = []
    if conflict:
        v = dossier.variables
        data = {key: v[key] for key in MAIL_KEYS if key in v}
        change = {"reviewer_name": _name(engine, username),
                  "reason": str(review.get("conflict_reason") or "")}  # fmt: skip
        notice = _mail("review_conflict", v.get("staff_email") or v["contact"]["email"],
                       dossier, data, change)  # fmt: skip
        notices = [notice] if notice else []
    return (lambda v: with_status(v, {username: state})), notices


def _open_review(engine: Engine, dossier: Instance, username: str) -> UserTask:
    for task in engine.tasks.query().instance(dossier.id).element(REVIEW_ELEMENT).list():
        if task.assignee == username:
            return task
    raise InvalidInputError(
        f"« {username[:80]} » n'a pas d'évaluation en cours sur ce dossier", field="reviewer"
    )


def _mail(
    kind: str, to: str | None, dossier: Instance, data: dict[str, Any], change: dict[str, Any]
) -> Notice | None:
    if not to:
        return None
    payload = {"kind": kind, "to": to, "business_key": dossier.business_key,
               "data": {**data, "change": change}}  # fmt: skip
    return Notice("email", kind, to, payload)


def _name(engine: Engine, username: str) -> str:
    try:
        return engine.identity.get(username).display_name or username
    except NotFoundError:
        return username


def _email(engine: Engine, username: str) -> str | None:
    try:
        return engine.identity.get(username).email
    except NotFoundError:
        return None
