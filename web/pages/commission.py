"""The commission's session page: the dossiers before it ranked by mean score with their
synthesis, a decision and a motivation for each, the envelope's gauge; the commission and
staff save the draft as often as needed, staff close the session."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import InvalidInputError, NotFoundError
from engine.models import Instance
from workflows.fact import calls, commission
from workflows.fact.config import CRITERIA
from workflows.fact.forms import complete_task
from workflows.fact.roles import COMMISSION, MANAGERS

from ..engine_access import current_engine
from .session_rows import rows_html

bp = Blueprint("commission", __name__, url_prefix="/commission")


@bp.get("/<reference>")
@login_required
def page(reference: str) -> Any:
    call = _call(reference)
    return _page(call, list(commission.draft_of(call).values()), {})


@bp.post("/<reference>")
@login_required
def decide(reference: str) -> Any:
    call = _call(reference)
    engine = current_engine()
    candidates = commission.session_dossiers(engine, call)
    decisions = _typed(candidates)
    closing = request.form.get("action") == "close"
    actor = current_user.user.username
    if closing and not current_user.has_any(MANAGERS):
        abort(403)
    try:
        if closing:
            task = commission.session_task(engine, call)
            if task is None:
                raise InvalidInputError("la commission ne siège pas pour cet appel")
            complete_task(engine, task.id, {"decisions": decisions}, actor=actor)
        else:
            commission.save_draft(engine, call, decisions, actor=actor)
    except InvalidInputError as exc:
        errors = {_field(name, decisions): messages for name, messages in exc.errors.items()}
        return _page(call, decisions, errors or {"decisions": [str(exc)]}), 422
    if closing:
        flash("Séance close : chaque porteur reçoit la décision et sa motivation.", "success")
    else:
        flash("Décisions enregistrées (brouillon de séance).", "success")
    return redirect(url_for("commission.page", reference=reference))


def _typed(candidates: list[commission.Candidate]) -> list[dict[str, Any]]:
    """The decisions typed in the page, one per dossier whose outcome was chosen."""
    typed = []
    for candidate in candidates:
        outcome = request.form.get(f"d-{candidate.id}.decision", "")
        if not outcome:
            continue
        amount = request.form.get(f"d-{candidate.id}.amount", "").replace(" ", "").strip()
        typed.append(
            {
                "dossier": candidate.id,
                "decision": outcome,
                "amount": int(amount) if amount.isdigit() else (amount or None),
                "motivation": request.form.get(f"d-{candidate.id}.motivation", ""),
            }
        )
    return typed


def _field(name: str, decisions: list[dict[str, Any]]) -> str:
    """`decisions.2.amount` (the checks speak of positions) as the page's `d-<dossier>.amount`
    (an id starts with a letter, so that CSS and links find it)."""
    parts = name.split(".")
    if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(decisions):
        return f"d-{decisions[int(parts[1])]['dossier']}.{parts[2]}"
    return name


def _page(call: Instance, decisions: list[dict[str, Any]], errors: dict[str, list[str]]) -> str:
    engine = current_engine()
    candidates = commission.session_dossiers(engine, call)
    chosen = {d["dossier"]: d for d in decisions}
    envelope = int(call.variables.get("envelope") or 0)
    granted = sum(d["amount"] if isinstance(d.get("amount"), int) else 0 for d in chosen.values())
    labels = {f"d-{c.id}.{f}": f"{c.id} — {w}" for c in candidates
              for f, w in (("decision", "décision"), ("amount", "montant"),
                           ("motivation", "motivation"))}  # fmt: skip
    labels["decisions"] = "Décisions"
    sitting = commission.session_task(engine, call) is not None
    return render_template(
        "commission/session.html",
        call=call,
        rows=bool(candidates),
        rows_html=rows_html(
            candidates,
            chosen,
            errors,
            sitting=sitting,
            dossier_url=url_for("instruction.dossier_list") + "/",
        ),
        errors=errors,
        labels=labels,
        envelope=envelope,
        granted=granted,
        sitting=sitting,
        may_close=current_user.has_any(MANAGERS),
        outcomes=commission.OUTCOMES,
        criteria=call.variables.get("criteria") or CRITERIA,  # the call's own labels
        saved=call.variables.get(commission.DRAFT),
    )


def _call(reference: str) -> Instance:
    if not current_user.has_any((*MANAGERS, COMMISSION)):
        abort(403)
    try:
        return calls.get_call(current_engine(), reference)
    except NotFoundError:
        abort(404)
