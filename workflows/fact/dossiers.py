"""A dossier as a running `fact_dossier` instance: create a draft, deposit, withdraw."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine import ConflictError, Engine, InvalidInputError, NotFoundError
from engine.models import Instance, UserTask

from .calls import DOSSIER_PROCESS, get_call

NUMBER_ATTEMPTS = 5


def create_draft(
    engine: Engine,
    call_reference: str,
    *,
    holder_user: str,
    holder_email: str,
    track: str,
    actor: str,
) -> Instance:
    """Open a draft on a published call whose deposits are open; numbers it `<call>-NNNN`."""
    call = get_call(engine, call_reference).variables
    now = engine.clock.now()
    if now < datetime.fromisoformat(call["publication_at"]):
        raise ConflictError("l'appel à projets n'est pas encore publié")
    if now > datetime.fromisoformat(call["deposit_deadline"]):
        raise ConflictError("les dépôts sont clos pour cet appel à projets")
    if track not in {t["id"] for t in call["tracks"]}:
        raise InvalidInputError(f"volet inconnu : {track!r}", field="track")
    if "@" not in holder_email:
        raise InvalidInputError("adresse électronique invalide", field="holder_email")
    variables = {
        "call_id": call_reference,
        "call_title": call["title"],
        "holder_user": holder_user,
        "holder_email": holder_email,
        "track": track,
        "deposit_deadline": call["deposit_deadline"],
        "commission_at": call["commission_at"],
        "response_delay": call["response_delay"],
        "criteria": [c["id"] for c in call["criteria"]],
        "contact": call["contact"],
        "staff_email": call["staff_email"],
    }
    query = engine.runtime.query().process(DOSSIER_PROCESS).business_key_prefix(call_reference)
    for _ in range(NUMBER_ATTEMPTS):
        dossier_id = f"{call_reference}-{query.count() + 1:04d}"
        try:
            return engine.runtime.start(
                DOSSIER_PROCESS,
                business_key=dossier_id,
                variables={**variables, "dossier_id": dossier_id},
                actor=actor,
            )
        except ConflictError:  # another draft took the number meanwhile
            continue
    raise ConflictError("could not number the dossier; retry")


def get_dossier(engine: Engine, dossier_id: str) -> Instance:
    return engine.runtime.query().process(DOSSIER_PROCESS).business_key(dossier_id).one()


def open_task(engine: Engine, dossier_id: str, form_key: str) -> UserTask:
    """The dossier's open task with this form, or NotFoundError."""
    tasks = engine.tasks.query().business_key(dossier_id).form_key(form_key).list()
    if not tasks:
        raise NotFoundError(f"dossier {dossier_id} has no open {form_key!r} task")
    return tasks[0]


def deposit(engine: Engine, dossier_id: str, data: Mapping[str, Any], *, actor: str) -> Instance:
    """Deposit the draft: refused once the deadline has passed, even before a worker runs."""
    check_deposits_open(engine, dossier_id)
    task = open_task(engine, dossier_id, "deposit")
    engine.tasks.complete(task.id, data, actor=actor)
    return get_dossier(engine, dossier_id)


def check_deposits_open(engine: Engine, dossier_id: str) -> None:
    """Refuse a deposit once the dossier's deadline has passed, even before a worker runs."""
    dossier = get_dossier(engine, dossier_id)
    deadline = datetime.fromisoformat(dossier.variables["deposit_deadline"])
    if engine.clock.now() > deadline:
        raise ConflictError("la date limite de dépôt est passée : le dossier n'est plus modifiable")


def withdraw(engine: Engine, dossier_id: str, *, reason: str, actor: str) -> Instance:
    """The holder withdraws the dossier; possible at any point before the decision."""
    engine.messages.correlate(
        "withdrawal",
        correlation={"dossier_id": dossier_id},
        payload={"dossier_id": dossier_id, "reason": reason, "by": actor},
        actor=actor,
    )
    return get_dossier(engine, dossier_id)
