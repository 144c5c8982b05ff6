"""The Mission Fact's operations page: open incidents with their error and element (retried or
resolved from there), the outbox's backlog and failed deliveries, live workers and overdue
timers: what `concerto status` prints, with what to do about it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import ConflictError, Engine, NotFoundError
from engine.models import Incident, Instance, OutboxMessage, PendingTimer
from workflows.fact.calls import CALL_PROCESS, DOSSIER_PROCESS
from workflows.fact.roles import MANAGERS

from ..engine_access import current_engine
from .guards import only

bp = Blueprint("operations", __name__, url_prefix="/exploitation")

SHOWN = 50  # rows per table: past that, the counts say how many more there are
FAILED = ("dead", "abandoned")
NOTE_MAX = 2000


@dataclass(frozen=True)
class Where:
    """What an incident, a timer or a message belongs to, as staff name it."""

    label: str
    dossier: str | None  # its dossier's number when it is one (a link to its page)


@bp.get("")
@login_required
def overview() -> Any:
    only(*MANAGERS)
    engine = current_engine()
    now = engine.clock.now()
    state = engine.management.status()
    incidents = engine.management.incidents(status="open")
    resolved = engine.management.incidents(status="resolved")[-10:][::-1]
    failed = [m for status in FAILED for m in engine.outbox.list(status=status)]
    overdue = engine.timers.pending(overdue_at=now, limit=SHOWN)  # state counts them all
    places = _places(engine, incidents, resolved, failed[:SHOWN], overdue)
    return render_template(
        "operations/overview.html",
        state=state,
        incidents=incidents[:SHOWN],
        incidents_more=max(0, len(incidents) - SHOWN),
        resolved=resolved,
        failed=failed[:SHOWN],
        failed_more=max(0, len(failed) - SHOWN),
        overdue=overdue,
        overdue_more=max(0, state.timers_overdue - len(overdue)),
        places=places,
        now=now,
        note_max=NOTE_MAX,
    )


@bp.post("/incidents/<int:incident_id>/relance")
@login_required
def retry(incident_id: int) -> Any:
    only(*MANAGERS)
    try:
        current_engine().management.retry_incident(incident_id, actor=current_user.username)
    except (NotFoundError, ConflictError):
        flash(f"L'incident n° {incident_id} n'est plus ouvert : la page est à jour.", "warning")
    else:
        flash(f"Incident n° {incident_id} relancé : l'étape est rejouée par le worker.", "success")
    return redirect(url_for("operations.overview", _anchor="incidents"))


@bp.post("/incidents/<int:incident_id>/resolution")
@login_required
def resolve(incident_id: int) -> Any:
    only(*MANAGERS)
    note = request.form.get("note", "").strip()
    if not 3 <= len(note) <= NOTE_MAX:
        flash(f"Dites en quelques mots (3 à {NOTE_MAX} caractères) comment l'incident "
              f"n° {incident_id} a été réglé.", "danger")  # fmt: skip
        return redirect(url_for("operations.overview", _anchor=f"incident-{incident_id}"))
    try:
        current_engine().management.resolve_incident(
            incident_id, note=note, actor=current_user.username
        )
    except (NotFoundError, ConflictError):
        flash(f"L'incident n° {incident_id} n'est plus ouvert : la page est à jour.", "warning")
    else:
        flash(f"Incident n° {incident_id} marqué comme réglé.", "success")
    return redirect(url_for("operations.overview", _anchor="incidents"))


def _places(
    engine: Engine,
    incidents: list[Incident],
    resolved: list[Incident],
    failed: list[OutboxMessage],
    overdue: list[PendingTimer],
) -> dict[str, Where]:
    """Each instance the tables name, by id: its dossier number, or its call's reference."""
    ids = {i.instance_id for i in (*incidents, *resolved, *failed, *overdue) if i.instance_id}
    places: dict[str, Where] = {}
    for instance_id in ids:
        try:
            places[instance_id] = _where(engine.runtime.get(instance_id))
        except NotFoundError:
            places[instance_id] = Where(f"instance {instance_id[:8]}", None)
    return places


def _where(instance: Instance) -> Where:
    key = instance.business_key or instance.id[:8]
    if instance.process_id == DOSSIER_PROCESS:
        return Where(f"dossier {key}", key)
    if instance.process_id == CALL_PROCESS:
        return Where(f"appel {key}", None)
    return Where(f"{instance.process_id} {key}", None)
