"""The pages of the dossiers for those who examine them: the list, and a dossier with what the
CSE said, its pieces and documents. The Mission Fact also writes to the holder there and sends
the dossier back for correction; observers, the commission and the dossier's reviewers read."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from engine import ConflictError, InvalidInputError, NotFoundError
from engine.models import Instance, UserTask
from workflows.fact import dossiers
from workflows.fact.access import (
    history_seen_by,
    may_read_dossier,
    observes_only,
    reads_as_holder,
    sees_evaluation,
)
from workflows.fact.annotations import MAX_LENGTH as ANNOTATION_MAX
from workflows.fact.annotations import annotate, annotations_of
from workflows.fact.attachments import ACCEPTED, is_sent_file, listed
from workflows.fact.consensus import may_open, open_consensus
from workflows.fact.corrections import request_correction
from workflows.fact.cse import cse_status
from workflows.fact.forms import complete_task
from workflows.fact.invitations import invite_reviewer
from workflows.fact.messages import STAFF, thread
from workflows.fact.panel import (
    PENDING,
    add_reviewer,
    panel_of,
    replace_reviewer,
    withdraw_reviewer,
)
from workflows.fact.positions import element_names, position_of, process_file
from workflows.fact.reviewers import directory
from workflows.fact.roles import MANAGERS
from workflows.fact.status import dossier_status, timeline
from workflows.fact.synthesis import synthesis_of

from ..downloads import dossier_document
from ..engine_access import current_engine
from .messaging import post_from_form

bp = Blueprint("instruction", __name__, url_prefix="/instruction")


@bp.get("/dossiers/<dossier_id>")
@login_required
def dossier(dossier_id: str) -> Any:
    return _page(examined_dossier(dossier_id))


@bp.post("/dossiers/<dossier_id>/messages")
@login_required
def write(dossier_id: str) -> Any:
    found = examined_dossier(dossier_id, act=True)
    errors = post_from_form(found, STAFF, current_user.user.username)
    if errors:
        return _page(found, message=request.form.get("body", ""), message_errors=errors), 422
    flash("Message envoyé au porteur de projet.", "success")
    return redirect(url_for("instruction.dossier", dossier_id=dossier_id, _anchor="messages"))


@bp.post("/dossiers/<dossier_id>/correction")
@login_required
def correction(dossier_id: str) -> Any:
    found = examined_dossier(dossier_id, act=True)
    reason = request.form.get("reason", "")
    try:
        request_correction(current_engine(), dossier_id, reason=reason,
                           actor=current_user.user.username)  # fmt: skip
    except InvalidInputError as exc:
        return _page(found, reason=reason, correction_errors={"reason": [str(exc)]}), 422
    except ConflictError as exc:
        flash(str(exc)[:1].upper() + str(exc)[1:] + ".", "danger")
        return redirect(url_for("instruction.dossier", dossier_id=dossier_id))
    flash("Dossier renvoyé au porteur pour correction : il en est informé par courriel.", "success")
    return redirect(url_for("instruction.dossier", dossier_id=dossier_id))


@bp.post("/dossiers/<dossier_id>/cloture")
@login_required
def closing(dossier_id: str) -> Any:
    """The Mission Fact closes the dossier ("classé sans suite"), saying why, once confirmed."""
    found = examined_dossier(dossier_id, act=True)
    form = {"closing_reason": request.form.get("closing_reason", ""),
            "confirmed": request.form.get("confirmed") == "oui"}  # fmt: skip
    try:
        if not form["confirmed"]:
            raise InvalidInputError("cochez la case pour confirmer la clôture", field="confirmed")
        dossiers.close(current_engine(), dossier_id, reason=form["closing_reason"],
                       actor=current_user.user.username)  # fmt: skip
    except InvalidInputError as exc:
        field = "confirmed" if exc.field == "confirmed" else "closing_reason"
        return _page(found, closing_form=form, closing_errors={field: [str(exc)]}), 422
    except ConflictError as exc:
        flash(str(exc)[:1].upper() + str(exc)[1:] + ".", "danger")
        return redirect(url_for("instruction.dossier", dossier_id=dossier_id))
    flash("Dossier classé sans suite : le porteur en est informé par courriel.", "success")
    return redirect(url_for("instruction.dossier", dossier_id=dossier_id))


@bp.post("/dossiers/<dossier_id>/eligibility")
@login_required
def eligibility(dossier_id: str) -> Any:
    """The Mission Fact's eligibility decision, checked by the task's form."""
    found = examined_dossier(dossier_id, act=True)
    task = _open_task(found, "eligibility")
    if task is None:
        flash("L'éligibilité de ce dossier n'est plus à décider.", "warning")
        return redirect(url_for("instruction.dossier", dossier_id=dossier_id))
    choice = request.form.get("eligible")
    data = {"eligible": {"oui": True, "non": False}.get(choice or ""),
            "eligibility_reason": request.form.get("eligibility_reason", "").strip()}  # fmt: skip
    try:
        complete_task(current_engine(), task.id, data, actor=current_user.user.username)
    except InvalidInputError as exc:
        errors = exc.errors or {exc.field or "eligible": [str(exc)]}
        return _page(found, eligibility_form=request.form, eligibility_errors=errors), 422
    except ConflictError:
        flash("L'éligibilité de ce dossier vient d'être décidée par ailleurs.", "warning")
        return redirect(url_for("instruction.dossier", dossier_id=dossier_id))
    flash("Décision d'éligibilité enregistrée." if data["eligible"] else
          "Dossier déclaré non éligible : le porteur en est informé.", "success")  # fmt: skip
    return redirect(url_for("instruction.dossier", dossier_id=dossier_id))


def _open_task(found: Instance, form_key: str) -> UserTask | None:
    tasks = current_engine().tasks.query().instance(found.id).form_key(form_key).list()
    return tasks[0] if tasks else None


@bp.get("/dossiers/<dossier_id>/documents/<name>")
@login_required
def document(dossier_id: str, name: str) -> Response:
    return dossier_document(examined_dossier(dossier_id), name)


def _page(found: Instance, **extra: Any) -> str:
    engine = current_engine()
    history = engine.history.for_instance(found.id)  # read once for the page's two uses
    status = dossier_status(engine, found)
    v = found.variables
    staff = current_user.has_any(MANAGERS)  # writes to the holder, sends back; others read
    context: dict[str, Any] = {
        "dossier": found,
        "status": status,
        "cse": cse_status(v, with_answer=True),
        "pieces": listed(found),
        "documents": [d for d in engine.documents.list(found.id) if not is_sent_file(d.name)],
        "milestones": timeline(engine, found, history),
        "messages": thread(found),
        "file_url": lambda name: url_for(
            "instruction.document", dossier_id=found.business_key, name=name
        ),
        "accept": ACCEPTED,
        "may_act": staff,
        "may_send_back": staff
        and bool(v.get("deposited_at"))
        and not status.is_draft
        and not v.get("outcome")
        and found.status == "running",
        "message": "",
        "message_errors": {},
        "reason": "",
        "correction_errors": {},
        "evaluation": synthesis_of(v) if sees_evaluation(current_user.user) else None,
        "assignment": _assignment(found) if staff else None,
        "assignment_errors": {},
        "panel": _panel(found) if staff else None,
        "panel_errors": {},
        "consensus": staff and may_open(engine, found),
        "consensus_errors": {},
        "invitation_errors": {},
        "annotations": annotations_of(found) if staff else None,
        "eligibility_open": staff and _open_task(found, "eligibility") is not None,
        "journal": (history_seen_by(current_user.user, found, history)[::-1] if staff else None),
        "eligibility_form": {},
        "may_close": staff and dossiers.may_close(engine, found),
        "closing_form": {},
        "closing_errors": {},
        "eligibility_errors": {},
        "position": position_of(engine, found),
        "position_names": element_names(process_file(engine, found.version_id, found.process_id)),
        "note": "",
        "note_errors": {},
        "note_max": ANNOTATION_MAX,
        **extra,
    }
    return render_template("instruction/dossier.html", **context)


@bp.post("/dossiers/<dossier_id>/annotations")
@login_required
def annotation(dossier_id: str) -> Any:
    """A private note of the Mission Fact on the dossier."""
    found = examined_dossier(dossier_id, act=True)
    note = request.form.get("note", "")
    try:
        annotate(current_engine(), found, note, actor=current_user.username)
    except InvalidInputError as exc:
        return _page(found, note=note, note_errors={"note": [str(exc)]}), 422
    except ConflictError:
        flash("Le dossier est clos : il ne prend plus de note.", "warning")
    else:
        flash("Note enregistrée : elle n'est lue que par la Mission Fact.", "success")
    return redirect(url_for("instruction.dossier", dossier_id=dossier_id, _anchor="notes"))


@bp.post("/dossiers/<dossier_id>/assignment")
@login_required
def assign(dossier_id: str) -> Any:
    """Staff name the reviewers (from the directory, or by their login) and the due day."""
    found = examined_dossier(dossier_id, act=True)
    task = _assignment_task(found)
    if task is None:
        abort(409)
    typed = request.form.get("others", "").replace(";", ",").split(",")
    named = [*request.form.getlist("reviewer"), *(n.strip() for n in typed if n.strip())]
    data: dict[str, Any] = {"reviewers": list(dict.fromkeys(named))}
    if request.form.get("review_due"):
        data["review_due"] = request.form["review_due"]
    try:
        complete_task(current_engine(), task.id, data, actor=current_user.user.username)
    except InvalidInputError as exc:
        return _page(found, assignment_errors=exc.errors or {"reviewers": [str(exc)]}), 422
    flash("Évaluateurs affectés : chacun est prévenu par courriel.", "success")
    return redirect(url_for("instruction.dossier", dossier_id=dossier_id))


PANEL_DONE = {
    "add": "Évaluateur ajouté : il est prévenu par courriel.",
    "withdraw": "Évaluation retirée : l'évaluateur en est prévenu par courriel.",
    "replace": "Évaluateur remplacé : chacun des deux est prévenu par courriel.",
}


@bp.post("/dossiers/<dossier_id>/panel")
@login_required
def change_panel(dossier_id: str) -> Any:
    """Staff add, withdraw or replace a reviewer while the review runs."""
    found = examined_dossier(dossier_id, act=True)
    engine, actor = current_engine(), current_user.user.username
    action = request.form.get("action", "")
    reviewer, by = request.form.get("reviewer", ""), request.form.get("by", "")
    try:
        if action == "add":
            add_reviewer(engine, found, by, actor=actor)
        elif action == "withdraw":
            withdraw_reviewer(engine, found, reviewer, actor=actor)
        elif action == "replace":
            if not by:
                raise InvalidInputError("choisissez qui le remplace", field="by")
            replace_reviewer(engine, found, reviewer, by, actor=actor)
        else:
            abort(400)
    except InvalidInputError as exc:
        return _page(found, panel_errors={exc.field or "reviewer": [str(exc)]}), 422
    flash(PANEL_DONE[action], "success")
    return redirect(url_for("instruction.dossier", dossier_id=dossier_id, _anchor="evaluateurs"))


@bp.post("/dossiers/<dossier_id>/consensus")
@login_required
def consensus(dossier_id: str) -> Any:
    """Staff ask the reviewers who disagree to review their evaluation again."""
    found = examined_dossier(dossier_id, act=True)
    try:
        open_consensus(current_engine(), found, actor=current_user.user.username,
                       due=request.form.get("consensus_due") or None)  # fmt: skip
    except InvalidInputError as exc:
        return _page(found, consensus_errors={"consensus_due": [str(exc)]}), 422
    flash("Concertation ouverte : les évaluateurs revoient leur évaluation, chacun est "
          "prévenu par courriel.", "success")  # fmt: skip
    return redirect(url_for("instruction.dossier", dossier_id=dossier_id, _anchor="evaluations"))


@bp.post("/dossiers/<dossier_id>/invitation")
@login_required
def invite(dossier_id: str) -> Any:
    """Staff invite an outside expert, who opens a reviewer's account through the mail."""
    found = examined_dossier(dossier_id, act=True)
    try:
        invited = invite_reviewer(
            current_engine(), request.form, secret=current_app.secret_key or "",
            link=lambda token: url_for("account.invitation", token=token, _external=True),
            invited_by=current_user.user.username,
            call_title=str(found.variables.get("call_title") or ""),
        )  # fmt: skip
    except InvalidInputError as exc:
        errors = exc.errors or {exc.field or "email": [str(exc)]}
        return _page(found, invitation_errors=errors), 422
    flash(f"Invitation envoyée à {invited.email} : une fois son compte ouvert, l'expert figure "
          "dans l'annuaire des évaluateurs.", "success")  # fmt: skip
    return redirect(url_for("instruction.dossier", dossier_id=dossier_id, _anchor="affectation"))


def _assignment_task(found: Instance) -> UserTask | None:
    return _open_task(found, "assignment")


def _assignment(found: Instance) -> dict[str, Any] | None:
    """The directory to assign from, while the dossier waits for its reviewers."""
    if _assignment_task(found) is None:
        return None
    search = request.args.get("q", "")
    return {
        "search": search,
        "reviewers": directory(current_engine(), search),
        "excluded": set(found.variables.get("former_reviewers") or []),
        "chosen": request.form.getlist("reviewer") if request.method == "POST" else [],
        "others": request.form.get("others", ""),
        "review_due": request.form.get("review_due", ""),
    }


def _panel(found: Instance) -> dict[str, Any] | None:
    """The reviewers at work and those who may join them, while the review runs."""
    engine = current_engine()
    seats = panel_of(engine, found)
    if not any(seat.state == PENDING for seat in seats):
        return None
    named = {seat.username for seat in seats} | set(found.variables.get("former_reviewers") or [])
    free = [r for r in directory(engine) if r.username not in named]
    return {"seats": seats, "free": free}


def examined_dossier(dossier_id: str, *, act: bool = False) -> Instance:
    """The dossier for someone who examines it (the Mission Fact when `act`); a holder has
    their own page of it, anyone else none."""
    try:
        found = dossiers.get_dossier(current_engine(), dossier_id)
    except NotFoundError:
        abort(404)
    user = current_user.user
    if act and not current_user.has_any(MANAGERS):
        abort(403)
    if not may_read_dossier(user, found) or reads_as_holder(user, found):
        abort(403)
    if observes_only(user):  # who applies and what they wrote: not for observers
        abort(403)
    return found
