"""Sending a deposited dossier back for correction, before the deposit deadline.

The dossier diagram models it: the `correction_requested` message interrupts the examination
and reopens the deposit, whose deadline still holds; the holder edits the draft (what they
deposited) and deposits it again, and a new receipt is issued beside the first.
"""

from __future__ import annotations

from typing import Any

from engine import ConflictError, Engine, InvalidInputError, NotFoundError
from engine.forms import json_schema
from engine.models import Instance

from ..french import deadline_fr
from .deadlines import closing_time
from .dossiers import get_dossier
from .forms import deposit_form_of

MIN_REASON = 10


def request_correction(engine: Engine, dossier_id: str, *, reason: str, actor: str) -> Instance:
    """Reopen a deposited dossier for its holder, saying what to correct."""
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise InvalidInputError(
            f"dites au porteur ce qu'il doit corriger ({MIN_REASON} caractères au moins)",
            field="reason",
        )
    dossier = get_dossier(engine, dossier_id)
    v = dossier.variables
    if not v.get("deposited_at") or v.get("outcome"):
        raise ConflictError("seul un dossier déposé, en examen, peut être renvoyé pour correction")
    if engine.clock.now() >= closing_time(v["deposit_deadline"]):
        raise ConflictError(
            f"la date limite de dépôt ({deadline_fr(v['deposit_deadline'])}) est passée : "
            "le dossier ne peut plus être renvoyé pour correction"
        )
    try:
        engine.messages.correlate(
            "correction_requested",
            correlation={"dossier_id": dossier_id},
            payload={"reason": reason, "by": actor, "at": engine.clock.now().isoformat()},
            variables={"draft": deposited_answers(engine, dossier)},  # the form opens with them
            actor=actor,
        )
    except NotFoundError:
        raise ConflictError("ce dossier n'est pas en examen : il ne peut être renvoyé") from None
    return get_dossier(engine, dossier_id)


def deposited_answers(engine: Engine, dossier: Instance) -> dict[str, Any]:
    """What the holder answered in the deposit form, as deposited."""
    form = deposit_form_of(engine, dossier)
    fields = json_schema(form).get("properties", {})
    return {key: dossier.variables[key] for key in fields if key in dossier.variables}
