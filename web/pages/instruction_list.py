"""The list of the dossiers for those who examine them: search, filters, sort, pages; staff
export the filtered list and write to the holders of the dossiers they tick."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import ConflictError, InvalidInputError
from workflows.fact import assignments, listing, messages
from workflows.fact.access import has_role, observes_only, sees_evaluation
from workflows.fact.config import AXES, TRACKS
from workflows.fact.dashboard import STAGES
from workflows.fact.messages import STAFF
from workflows.fact.regions import REGIONS
from workflows.fact.reviewers import directory
from workflows.fact.roles import COMMISSION, MANAGERS, READERS, REVIEWER
from workflows.french import PARIS

from ..engine_access import current_engine
from .instruction import bp, examined_dossier

PAGE_SIZE = 50
EXPORTS = {
    "csv": ("text/csv; charset=utf-8", listing.to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", listing.to_xlsx),
}


@bp.get("/dossiers")
@login_required
def dossier_list() -> Any:
    """Search, filters, sort and pages; staff also export the filtered list."""
    user = current_user.user
    if has_role(user, *READERS, COMMISSION):
        reader = None
    elif has_role(user, REVIEWER):
        reader = user.username  # the dossiers they review, no other
    else:
        abort(403)
    evaluation = sees_evaluation(user)
    personal = not observes_only(user)  # observers read figures, not who applies
    query = listing.Search.from_args(request.args)
    found = listing.search(current_engine(), query, evaluation=evaluation, reader=reader,
                           personal=personal)  # fmt: skip
    columns = listing.columns_for(request.args.getlist("colonnes"), evaluation=evaluation,
                                  personal=personal)  # fmt: skip
    export = EXPORTS.get(request.args.get("format", ""))
    if export is not None:
        if not current_user.has_any(MANAGERS):
            abort(403)
        mimetype, render = export
        name = f"dossiers-{current_engine().clock.now().astimezone(PARIS):%Y%m%d-%H%M}"
        return Response(
            render(found.list(), columns),
            mimetype=mimetype,
            headers={
                "Content-Disposition": f'attachment; filename="{name}.{request.args["format"]}"'
            },
        )
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = found.page_with_count((page - 1) * PAGE_SIZE, PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:  # past the end: the last page
        page = pages
        rows = found.page((page - 1) * PAGE_SIZE, PAGE_SIZE)
    return render_template(
        "instruction/list.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        query=query,
        columns=columns,
        all_columns=listing.readable_columns(evaluation=evaluation, personal=personal),
        personal=personal,
        evaluation=evaluation,
        exports=current_user.has_any(MANAGERS),
        stages=STAGES,
        tracks=TRACKS,
        regions=REGIONS,
        axes=AXES,
        reviewers=directory(current_engine()) if evaluation else [],
    )


@bp.post("/dossiers/affectations")
@login_required
def assign_many() -> Any:
    """The reviewers ticked named on each dossier ticked that waits for its reviewers."""
    keys = list(dict.fromkeys(request.form.getlist("dossiers")))[:500]
    back = _back()
    reviewers = list(dict.fromkeys(request.form.getlist("reviewer")))
    if not keys or not reviewers:
        flash("Cochez les dossiers et les évaluateurs à leur affecter.", "danger")
        return redirect(back)
    for key in keys:
        examined_dossier(key, act=True)  # each one the Mission Fact's to act on
    data: dict[str, Any] = {"reviewers": reviewers}
    if request.form.get("review_due"):
        data["review_due"] = request.form["review_due"]
    try:
        done = assignments.assign_many(current_engine(), keys, data,
                                       actor=current_user.user.username)  # fmt: skip
    except InvalidInputError as exc:
        flash(f"Aucune affectation faite : {exc}.", "danger")
        return redirect(back)
    skipped = (f" ; dossiers qui n'attendaient pas d'évaluateurs, laissés tels quels : "
               f"{', '.join(done.not_waiting)}" if done.not_waiting else "")  # fmt: skip
    flash(f"Évaluateurs affectés à {len(done.assigned)} dossier(s), chacun prévenu par "
          f"courriel{skipped}.", "success" if done.assigned else "warning")  # fmt: skip
    return redirect(back)


def _back() -> str:
    """The list as staff left it (its filters), and nowhere else."""
    back = request.form.get("back") or url_for("instruction.dossier_list")
    return back if back.startswith("/instruction/dossiers") else url_for("instruction.dossier_list")


@bp.post("/dossiers/messages")
@login_required
def write_many() -> Any:
    """One message of the Mission Fact to the holders of the dossiers ticked in the list."""
    keys = list(dict.fromkeys(request.form.getlist("dossiers")))[:500]
    back = _back()
    if not keys:
        flash("Cochez les dossiers dont les porteurs recevront le message.", "danger")
        return redirect(back)
    chosen = [examined_dossier(key, act=True) for key in keys]  # all known before any is written to
    sent, closed = 0, []
    for found in chosen:
        key = found.business_key or ""
        try:
            messages.post(current_engine(), found, side=STAFF, author=current_user.user.username,
                          body=request.form.get("body", ""))  # fmt: skip
        except InvalidInputError as exc:
            flash(f"Message non envoyé : {exc}.", "danger")
            return redirect(back)
        except ConflictError:
            closed.append(key)
        else:
            sent += 1
    flash(f"Message envoyé aux porteurs de {sent} dossier(s)"
          + (f" ; dossiers clos, non écrits : {', '.join(closed)}" if closed else "") + ".",
          "success" if sent else "warning")  # fmt: skip
    return redirect(back)
