"""Task forms: which form-js form a task shows, and server-side validation of what it sends."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from engine import Engine, InvalidInputError, NotFoundError, Notice
from engine.forms import check
from engine.models import Instance, UserTask

from .attachments import pieces_of
from .calls import CALL_PROCESS, DOSSIER_PROCESS
from .commission import check_decisions, session_dossiers
from .consensus import ELEMENT as CONSENSUS
from .consensus import open_on as consensus_running
from .deadlines import check_on_time
from .identifiers import identifier_errors
from .panel import on_submit
from .regions import postal_code_errors
from .reviewers import check_assignment
from .reviews import check_review, due_at_of, with_status


def check_axes(variables: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    """The axes a dossier answers are axes of its call (the form takes them from the call)."""
    known = {axis["id"] for axis in variables.get("call_axes") or []}
    chosen = data.get("axes")
    if known and isinstance(chosen, list) and not set(chosen) <= known:
        raise InvalidInputError(
            "axe inconnu de cet appel à projets", field="axes", errors={"axes": ["axe inconnu"]}
        )


def check_pieces(
    form: Mapping[str, Any], variables: Mapping[str, Any], data: Mapping[str, Any]
) -> None:
    """A piece the data names is a file sent for this dossier (never a made-up reference)."""
    sent = variables.get("pieces") or {}
    for piece in pieces_of(form):
        named = data.get(piece.key)
        if named is not None and named != (sent.get(piece.key) or {}).get("document"):
            message = "pièce non envoyée pour ce dossier"
            raise InvalidInputError(message, field=piece.key, errors={piece.key: [message]})


def form_file(task: UserTask, variables: dict[str, Any]) -> str | None:
    """The form file of a task: the deposit form differs per track."""
    if task.form_key is None:
        return None
    if task.form_key == "deposit":
        return _deposit_file(variables)
    return f"{task.form_key}.form"


def _deposit_file(variables: Mapping[str, Any]) -> str:
    return f"deposit-{variables.get('track', 'entreprise')}.form"


def task_form(engine: Engine, task: UserTask, instance: Instance) -> dict[str, Any] | None:
    """The form-js schema of the task, as deployed with its instance's process version."""
    name = form_file(task, instance.variables)
    if name is None:
        return None
    text = _version_files(engine, instance.version_id).get(name)
    return json.loads(text) if text else None


def deposit_form_of(engine: Engine, dossier: Instance) -> dict[str, Any]:
    """The deposit form of a dossier's track, as deployed with its process version."""
    text = _version_files(engine, dossier.version_id).get(_deposit_file(dossier.variables))
    if not text:
        raise InvalidInputError("pas de formulaire de dépôt pour ce volet", field="track")
    return json.loads(text)


def complete_task(
    engine: Engine,
    task_id: str,
    data: dict[str, Any],
    *,
    actor: str,
    allowed: Callable[[UserTask, Instance], None] | None = None,
) -> UserTask:
    """Complete a task once `allowed` (who may act) passes, a deposit is on time and the data
    fits the task's form (422 with the fields at fault); all are checked in the completing
    transaction, at the instant it sees. What needs more than the instance (the people named,
    the dossiers of a session) is checked just before."""

    def guard(task: UserTask, instance: Instance) -> None:
        if allowed is not None:
            allowed(task, instance)
        form = task_form(engine, task, instance)
        extra: dict[str, list[str]] = {}
        if task.form_key == "deposit":
            check_on_time(instance.variables, engine.clock.now())
            check_axes(instance.variables, data)
            check_pieces(form or {}, instance.variables, data)
            extra = {**identifier_errors(data), **postal_code_errors(data)}  # with the form's
        if form is not None:  # a task without a form takes any data
            check(form, data, extra=extra)

    try:
        task = engine.tasks.get(task_id)
    except NotFoundError:  # completing says whether it is unknown or already done
        return engine.tasks.complete(task_id, data, actor=actor, guard=guard)
    instance = engine.runtime.get(task.instance_id)
    if allowed is not None:  # who may act is told before what is wrong with the data
        allowed(task, instance)
    data = _checked_by_host(engine, task, instance, data, actor)
    variables, notices = _side_effects(engine, task, instance, data)
    return engine.tasks.complete(
        task_id, data, actor=actor, guard=guard, variables=variables, notices=notices
    )


def _side_effects(
    engine: Engine, task: UserTask, instance: Instance, data: dict[str, Any]
) -> tuple[Callable[[Mapping[str, Any]], dict[str, Any]] | None, list[Notice]]:
    """What completing the task changes besides its data, in the same step."""
    if task.form_key == "review":  # the reviewer's status, and a conflict told to staff
        return on_submit(engine, instance, data["review"])
    if task.form_key == "assignment":  # those named again start afresh
        named = dict.fromkeys(data["reviewers"])
        return (lambda v: with_status(v, named)), []
    return None, []


def _checked_by_host(
    engine: Engine, task: UserTask, instance: Instance, data: dict[str, Any], actor: str
) -> dict[str, Any]:
    """What a form cannot check alone: people that exist, dossiers in a session."""
    if task.form_key == "assignment":
        check_assignment(engine, instance, data)
        return {**data, "review_due_at": due_at_of(data.get("review_due"))}
    if task.form_key == "review":
        checked = check_review(instance.variables, data, reviewer=task.assignee or actor)
        if task.element_id == CONSENSUS:  # the review revised, as the consensus collects it
            checked["revised_review"] = checked["review"]
        return checked
    if task.form_key == "convention_signature":  # the date the signed copy shows
        return {**data, "holder_signed_at": engine.clock.now().isoformat()}
    elif task.form_key == "commission" and instance.process_id == CALL_PROCESS:
        running = consensus_running(engine, instance.business_key or "", DOSSIER_PROCESS)
        if running:
            raise InvalidInputError(
                f"la concertation des évaluateurs sur le dossier {running[0]} est en cours : "
                "la session se clôt une fois qu'elle a abouti", field="decisions"
            )  # fmt: skip
        candidates = session_dossiers(engine, instance)
        decisions = check_decisions(instance, candidates, data.get("decisions"), closing=True)
        return {**data, "decisions": decisions}
    return data


@lru_cache(maxsize=64)
def _version_files(engine: Engine, version_id: int) -> dict[str, str]:
    # Versions are immutable: their files are read once per process and engine.
    return engine.repository.files(version_id)
