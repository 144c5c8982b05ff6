"""A dossier as a running `fact_dossier` instance: create a draft, deposit, withdraw."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine import ConcurrencyError, ConflictError, Engine, InvalidInputError, NotFoundError
from engine.models import Instance, UserTask

from ..french import datetime_fr, deadline_fr, number_fr
from .attachments import Piece, attach, pieces_of, references
from .calls import DOSSIER_PROCESS, get_call
from .config import REFERENCE
from .deadlines import closing_time, too_late
from .forms import complete_task, task_form

NUMBER_ATTEMPTS = 5
# A dossier's number, its business key: `<call>-NNNN` (see `create_draft`).
DOSSIER_ID = rf"{REFERENCE}-[0-9]{{4,9}}"
DEPOSIT_ATTEMPTS = 3  # a deposit racing another step on its draft is tried again


def create_draft(
    engine: Engine,
    call_reference: str,
    *,
    holder_user: str,
    holder_email: str,
    track: str,
    actor: str,
    draft: Mapping[str, Any] | None = None,
) -> Instance:
    """Open a draft on a published call whose deposits are open; numbers it `<call>-NNNN`.
    `draft` fills its form ahead (the organisation an applicant's account holds)."""
    call = get_call(engine, call_reference).variables
    now = engine.clock.now()
    if now < datetime.fromisoformat(call["publication_at"]):
        raise ConflictError("l'appel à projets n'est pas encore publié")
    if now >= closing_time(call["deposit_deadline"]):
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
        "call_axes": call["axes"],
        "contact": call["contact"],
        "staff_email": call["staff_email"],
        "cse_secretary_email": "",  # the deposit may name one: the CSE is then asked to confirm
        "cse_answered_at": None,  # asked again after a correction only if not answered yet
        "review_due_at": None,  # the reviews' due date, set with the assignment
        "former_reviewers": [],  # those who declared a conflict, replaced by others
        "corrections": 0,  # times the Mission Fact sent the dossier back for correction
        **({"draft": dict(draft)} if draft else {}),
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


# Values the deposit form shows (its texts and choices) but that are not the applicant's answers.
VIEW_KEYS = ("call_id", "call_title", "deadline_text", "axes_choices")


@dataclass(frozen=True)
class DraftForm:
    """What the page of a draft shows: the form for the viewer (its pieces apart), the data it
    opens with, and the pieces the form asks for."""

    form: dict[str, Any]
    data: dict[str, Any]
    pieces: list[Piece]
    full_form: dict[str, Any]


def draft_form(engine: Engine, dossier: Instance) -> DraftForm:
    """The deposit form of a draft and the data it opens with: the draft as last saved, and
    the call's texts and choices the form reads (its number, title, deadline, axes). The
    pieces are sent apart (uploads), so the viewer's form leaves them out."""
    task = open_task(engine, dossier.business_key or "", "deposit")
    form = task_form(engine, task, dossier) or {"components": []}
    v = dossier.variables
    view = {
        "call_id": v["call_id"],
        "call_title": v["call_title"],
        "deadline_text": deadline_fr(v["deposit_deadline"]),
        "axes_choices": [
            {"label": f"Axe {axis['id']} — {axis['label']}", "value": axis["id"]}
            for axis in v.get("call_axes") or []
        ],
    }
    return DraftForm(
        form=_without_pieces(form),
        data={**(v.get("draft") or {}), **view},
        pieces=pieces_of(form),
        full_form=form,
    )


def _without_pieces(form: dict[str, Any]) -> dict[str, Any]:
    """The form without its file pickers (nor a group left with nothing but text)."""

    def keep(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = []
        for component in components:
            if component.get("type") == "filepicker":
                continue
            if "components" in component:
                inner = keep(component["components"])
                if component.get("type") == "group" and all(c.get("type") == "text" for c in inner):
                    continue
                component = {**component, "components": inner}
            kept.append(component)
        return kept

    return {**form, "components": keep(form.get("components") or [])}


def save_draft(engine: Engine, dossier_id: str, data: Mapping[str, Any], *, actor: str) -> Instance:
    """Keep what the applicant typed so far (not checked: a draft may be incomplete)."""
    dossier = get_dossier(engine, dossier_id)
    open_task(engine, dossier_id, "deposit")  # still a draft?
    answers = {k: v for k, v in data.items() if k not in VIEW_KEYS}
    return engine.runtime.set_variables(dossier.id, {"draft": answers}, actor=actor)


def get_dossier(engine: Engine, dossier_id: str) -> Instance:
    return engine.runtime.query().process(DOSSIER_PROCESS).business_key(dossier_id).one()


def open_task(engine: Engine, dossier_id: str, form_key: str) -> UserTask:
    """The dossier's open task with this form, or NotFoundError."""
    tasks = engine.tasks.query().business_key(dossier_id).form_key(form_key).list()
    if not tasks:
        raise NotFoundError(f"dossier {dossier_id} has no open {form_key!r} task")
    return tasks[0]


def deposit(
    engine: Engine,
    dossier_id: str,
    data: Mapping[str, Any] | None = None,
    *,
    actor: str,
    allowed: Callable[[UserTask, Instance], None] | None = None,
) -> Instance:
    """Deposit the draft (`data`, or the draft as last saved): either the dossier ends
    deposited with its receipt, or it is refused with a French message and nothing changes.

    The deadline, who may deposit and the form are checked in the depositing command, at the
    instant that command sees (the receipt's time): a deposit before the end of the deadline's
    second is on time, one at or after it is late, whether a worker has closed the draft yet or
    not (`forms.complete_task` checks the deadline of every deposit task).
    """
    dossier = get_dossier(engine, dossier_id)
    if data is None:
        data = dossier.variables.get("draft") or {}
    data = {**data, **references(dossier)}  # the pieces sent for it
    for attempt in range(1, DEPOSIT_ATTEMPTS + 1):
        try:
            task = open_task(engine, dossier_id, "deposit")
            complete_task(engine, task.id, dict(data), actor=actor, allowed=allowed)
            break
        except ConcurrencyError as exc:  # a reminder reached the draft meanwhile: nothing stored
            if attempt == DEPOSIT_ATTEMPTS:
                raise _refusal(engine, dossier_id, exc) from exc
        except (NotFoundError, ConflictError) as exc:
            raise _refusal(engine, dossier_id, exc) from exc
    return get_dossier(engine, dossier_id)


def _refusal(engine: Engine, dossier_id: str, exc: Exception) -> Exception:
    """What a refused deposit means for the applicant, from the dossier as it stands."""
    dossier = get_dossier(engine, dossier_id)  # NotFoundError for an unknown dossier
    variables = dossier.variables
    if variables.get("deposited_at"):
        when = datetime_fr(variables["deposited_at"], seconds=True)
        return ConflictError(f"ce dossier est déjà déposé (le {when}, heure de Paris)")
    if variables.get("outcome") == "expired" or engine.clock.now() >= closing_time(
        variables["deposit_deadline"]
    ):
        return too_late(variables["deposit_deadline"])
    if variables.get("outcome") == "withdrawn":
        return ConflictError("ce dossier a été retiré : il ne peut plus être déposé")
    if isinstance(exc, ConcurrencyError):
        return ConflictError("le dossier a changé pendant le dépôt : merci de réessayer")
    if isinstance(exc, NotFoundError):
        return ConflictError("ce dossier n'attend pas de dépôt")
    return exc


def sign_convention(
    engine: Engine, dossier_id: str, data: Mapping[str, Any], *, actor: str
) -> Instance:
    """The holder signs the convention (the form says who signs and as what)."""
    task = open_task(engine, dossier_id, "convention_signature")
    complete_task(engine, task.id, dict(data), actor=actor)
    return get_dossier(engine, dossier_id)


def attach_piece(
    engine: Engine, dossier_id: str, key: str, filename: str, content: bytes, *, actor: str
) -> dict[str, Any]:
    """Keep a file sent for one of the draft's pieces (it replaces the one sent before)."""
    dossier = get_dossier(engine, dossier_id)
    try:
        form = draft_form(engine, dossier).full_form
    except NotFoundError:
        raise ConflictError(
            "ce dossier n'accepte plus de pièces : il est déjà déposé ou clos"
        ) from None
    return attach(engine, dossier, form, key, filename, content, actor=actor)


CLOSING_REASON = (10, 2000)  # the characters a closing reason takes, at least and at most


def close(engine: Engine, dossier_id: str, *, reason: str, actor: str) -> Instance:
    """The Mission Fact closes the dossier before the decision (it is "classé sans suite"),
    saying why: it is not examined, and its holder is told by mail with the reason. The
    diagram's withdrawal catch does it, as when the holder withdraws."""
    reason = reason.strip()
    least, most = CLOSING_REASON
    if not least <= len(reason) <= most:
        raise InvalidInputError(
            f"dites au porteur pourquoi le dossier est clos ({least} à {number_fr(most)} "
            "caractères)",
            field="reason",
        )
    try:
        engine.messages.correlate(
            "withdrawal",
            correlation={"dossier_id": dossier_id},
            payload={"dossier_id": dossier_id, "reason": reason, "by": actor, "by_staff": True},
            actor=actor,
        )
    except NotFoundError:
        raise ConflictError(
            "ce dossier n'est plus en instruction (décidé, retiré ou clos) : il ne peut être clos"
        ) from None
    return get_dossier(engine, dossier_id)


def may_close(engine: Engine, dossier: Instance) -> bool:
    """Whether the dossier still waits for its instruction to end (and so may be closed)."""
    found = engine.runtime.query().business_key(dossier.business_key or "")
    return found.waiting_for_message("withdrawal").count() > 0


def withdraw(engine: Engine, dossier_id: str, *, reason: str, actor: str) -> Instance:
    """The holder withdraws the dossier; possible at any point before the decision."""
    engine.messages.correlate(
        "withdrawal",
        correlation={"dossier_id": dossier_id},
        payload={"dossier_id": dossier_id, "reason": reason, "by": actor},
        actor=actor,
    )
    return get_dossier(engine, dossier_id)
