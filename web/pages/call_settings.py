"""A call's settings for the Mission Fact: its configuration (title, presentation, envelope,
staff address), edited with the configuration's own checks, and the move of its deadline or
commission, shown first (what moves, who is mailed) and done once confirmed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import ConflictError, InvalidInputError, NotFoundError
from workflows.fact.calls import get_call, reschedule, update_config
from workflows.fact.extension import preview
from workflows.fact.roles import MANAGERS
from workflows.french import PARIS

from ..engine_access import current_engine
from .guards import only

bp = Blueprint("call_settings", __name__, url_prefix="/pilotage")

TEXTS = ("title", "summary", "staff_email")


@bp.get("/<reference>/reglages")
@login_required
def settings(reference: str) -> Any:
    return _page(reference)


@bp.post("/<reference>/reglages")
@login_required
def change(reference: str) -> Any:
    _call(reference)
    changes: dict[str, Any] = {k: request.form.get(k, "").strip() for k in TEXTS}
    envelope = request.form.get("envelope", "").replace(" ", "").replace("\u202f", "")
    changes["envelope"] = int(envelope) if envelope.isdigit() else envelope
    try:
        update_config(current_engine(), reference, changes, actor=current_user.username)
    except InvalidInputError as exc:
        return _page(reference, config_errors=exc.errors or {"title": [str(exc)]},
                     config_form=request.form), 422  # fmt: skip
    flash("Réglages enregistrés : les dossiers créés désormais les reprennent.", "success")
    return redirect(url_for("call_settings.settings", reference=reference))


@bp.post("/<reference>/report")
@login_required
def move(reference: str) -> Any:
    """With `apercu`, what the move would do; with `confirmer`, the move itself."""
    _call(reference)
    engine = current_engine()
    try:
        deadline = _paris(request.form.get("deposit_deadline"), "deposit_deadline")
        commission = _paris(request.form.get("commission_at"), "commission_at")
        if request.form.get("action") == "confirmer":
            told = reschedule(engine, reference, deposit_deadline=deadline,
                              commission_at=commission, actor=current_user.username)  # fmt: skip
            flash(f"Dates reportées : {max(len(told) - 1, 0)} dossier(s) prévenu(s) par courriel.",
                  "success")  # fmt: skip
            return redirect(url_for("call_settings.settings", reference=reference))
        shown = preview(engine, reference, deposit_deadline=deadline, commission_at=commission)
    except InvalidInputError as exc:
        errors = exc.errors or {exc.field or "deposit_deadline": [str(exc)]}
        return _page(reference, move_errors=errors, move_form=request.form), 422
    except ConflictError as exc:
        return _page(reference, move_errors={"deposit_deadline": [str(exc)]},
                     move_form=request.form), 409  # fmt: skip
    return _page(reference, shown=shown, move_form=request.form)


def _paris(value: str | None, field: str) -> datetime | None:
    """A `datetime-local` field's value, read as Paris time; empty: unchanged."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=PARIS)
    except ValueError:
        raise InvalidInputError("date et heure attendues", field=field) from None


def _call(reference: str) -> Any:
    only(*MANAGERS)
    try:
        return get_call(current_engine(), reference)
    except NotFoundError:
        abort(404)


def _page(reference: str, **extra: Any) -> str:
    call = _call(reference)
    v = call.variables
    local = {k: datetime.fromisoformat(v[k]).astimezone(PARIS).strftime("%Y-%m-%dT%H:%M:%S")
             for k in ("deposit_deadline", "commission_at")}  # fmt: skip
    context: dict[str, Any] = {
        "call": call,
        "v": v,
        "local": local,
        "config_errors": {},
        "config_form": None,
        "move_errors": {},
        "move_form": None,
        "shown": None,
        **extra,
    }
    return render_template("dashboard/settings.html", **context)
