"""A call's dashboard for staff and observers (figures only, see workflows.fact.dashboard)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from engine import NotFoundError
from workflows.fact.access import observes_only
from workflows.fact.calls import CALL_PROCESS, DOSSIER_PROCESS, get_call
from workflows.fact.dashboard import call_dashboard
from workflows.fact.positions import (
    element_names,
    process_file,
    waiting_at,
    waiting_by_element,
)
from workflows.fact.roles import MANAGERS, READERS

from ..engine_access import current_engine
from .guards import only

bp = Blueprint("dashboard", __name__, url_prefix="/pilotage")

CHART_HEIGHT = 120  # px of the tallest bar of the deposits chart


@bp.get("")
@login_required
def calls() -> Any:
    """The calls, each leading to its dashboard."""
    only(*READERS)
    found = current_engine().runtime.query().process(CALL_PROCESS).list()
    return render_template("dashboard/calls.html", calls=found)


@bp.get("/<reference>")
@login_required
def call(reference: str) -> Any:
    only(*READERS)
    try:
        board = call_dashboard(current_engine(), reference)
    except NotFoundError:
        abort(404)
    tallest = max((count for _, count in board.deposits_per_day), default=0)
    return render_template(
        "dashboard/call.html",
        board=board,
        tallest=tallest,
        chart_height=CHART_HEIGHT,
        manager=current_user.has_any(MANAGERS),
    )


LISTED = 300  # the dossiers listed under an element: a page's worth, the count says the rest


@bp.get("/<reference>/carte")
@login_required
def where(reference: str) -> Any:
    """The dossier diagram with, on each element, how many of the call's dossiers wait there;
    `?element=` lists them."""
    only(*READERS)
    engine = current_engine()
    try:
        get_call(engine, reference)
    except NotFoundError:
        abort(404)
    version = engine.repository.latest(DOSSIER_PROCESS)
    counts = waiting_by_element(engine, reference)
    names = element_names(process_file(engine, version.id, DOSSIER_PROCESS))
    element = request.args.get("element", "")
    element = element if element in counts or element in names else ""
    return render_template(
        "dashboard/where.html",
        reference=reference,
        version=version,
        counts=counts,
        names=names,
        element=element,
        listed=waiting_at(engine, reference, element, LISTED) if element else [],
        linked=not observes_only(current_user.user),  # observers have no dossier pages
    )


@bp.get("/diagrammes/<int:version_id>/<process_id>.bpmn")
@login_required
def diagram(version_id: int, process_id: str) -> Response:
    """A deployed diagram, for the viewer of these pages."""
    only(*READERS)
    try:
        xml = process_file(current_engine(), version_id, process_id)
    except NotFoundError:
        abort(404)
    return Response(xml, mimetype="application/xml")
