"""The reviewers' pages: "Mes évaluations" (due dates, overdue ones marked) and a review, the
dossier beside the grid: a conflict of interest declared first, then a score from 1 to 5 and
a comment per criterion and an overall opinion, the draft saved as one types."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import InvalidInputError, NotFoundError
from workflows.fact import reviews
from workflows.fact.attachments import listed
from workflows.fact.consensus import disputes_for
from workflows.fact.cse import cse_status
from workflows.fact.forms import complete_task
from workflows.fact.synthesis import LABELS

from ..engine_access import current_engine

bp = Blueprint("reviews", __name__, url_prefix="/evaluations")

SCORES = range(1, 6)


@bp.get("")
@login_required
def mine() -> Any:
    engine = current_engine()
    assigned = reviews.assigned_to(engine, current_user.user.username)
    return render_template("reviews/list.html", assigned=assigned, now=engine.clock.now())


@bp.get("/<task_id>")
@login_required
def review(task_id: str) -> Any:
    assigned = _assigned(task_id)
    typed = reviews.draft_of(assigned.dossier, current_user.user.username)
    return _page(assigned, typed, {})


@bp.post("/<task_id>/brouillon")
@login_required
def save(task_id: str) -> Any:
    """The form as typed so far (sent by the page after a pause): kept, and said so."""
    assigned = _assigned(task_id)
    reviews.save_draft(current_engine(), assigned.task, _typed(assigned),
                       actor=current_user.user.username)  # fmt: skip
    return render_template("reviews/_saved.html", at=current_engine().clock.now())


@bp.post("/<task_id>")
@login_required
def submit(task_id: str) -> Any:
    assigned = _assigned(task_id)
    typed = _typed(assigned)
    engine = current_engine()
    try:
        complete_task(engine, task_id, {"review": typed}, actor=current_user.user.username)
    except InvalidInputError as exc:
        errors = {name.removeprefix("review."): messages for name, messages in exc.errors.items()}
        return _page(assigned, typed, errors or {"opinion": [str(exc)]}), 422
    if typed["conflict_of_interest"]:
        flash("Conflit d'intérêts déclaré : la Mission Fact confiera le dossier à un autre "
              "évaluateur.", "success")  # fmt: skip
    else:
        flash(f"Évaluation du dossier {assigned.dossier.business_key} transmise.", "success")
    return redirect(url_for("reviews.mine"))


def _typed(assigned: reviews.Assigned) -> dict[str, Any]:
    form = request.form
    criteria = assigned.dossier.variables.get("criteria") or list(LABELS)
    scores = {c: int(form[f"scores.{c}"]) for c in criteria
              if form.get(f"scores.{c}", "") in {str(s) for s in SCORES}}  # fmt: skip
    return {
        "conflict_of_interest": form.get("conflict") == "yes",
        "conflict_reason": form.get("conflict_reason", ""),
        "scores": scores,
        "comments": {c: form.get(f"comments.{c}", "") for c in criteria},
        "opinion": form.get("opinion", ""),
    }


def _page(assigned: reviews.Assigned, typed: dict[str, Any], errors: dict[str, list[str]]) -> str:
    dossier = assigned.dossier
    criteria = dossier.variables.get("criteria") or list(LABELS)
    labels = {f"scores.{c}": f"Note — {LABELS.get(c, c)}" for c in criteria}
    labels["opinion"] = "Avis d'ensemble"
    return render_template(
        "reviews/review.html",
        assigned=assigned,
        dossier=dossier,
        criteria=[(c, LABELS.get(c, c)) for c in criteria],
        scores=SCORES,
        typed=typed,
        errors=errors,
        labels=labels,
        cse=cse_status(dossier.variables, with_answer=True),
        pieces=listed(dossier),
        file_url=lambda name: url_for(
            "instruction.document", dossier_id=dossier.business_key, name=name
        ),
        now=current_engine().clock.now(),
        disputes=disputes_for(assigned.task, dossier),
    )


def _assigned(task_id: str) -> reviews.Assigned:
    """A review of the signed-in reviewer; anyone else's looks like a missing one."""
    engine = current_engine()
    try:
        task = engine.tasks.get(task_id)
    except NotFoundError:
        abort(404)
    if task.form_key != "review" or task.assignee != current_user.user.username:
        abort(404)
    return reviews.Assigned(task, engine.runtime.get(task.instance_id))
