"""A call's dashboard for staff and observers (figures only, see workflows.fact.dashboard)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from engine import NotFoundError
from workflows.fact.calls import CALL_PROCESS
from workflows.fact.dashboard import call_dashboard
from workflows.fact.roles import MANAGERS, READERS

from ..engine_access import current_engine

bp = Blueprint("dashboard", __name__, url_prefix="/pilotage")

CHART_HEIGHT = 120  # px of the tallest bar of the deposits chart


@bp.get("")
@login_required
def calls() -> Any:
    """The calls, each leading to its dashboard."""
    _readers_only()
    found = current_engine().runtime.query().process(CALL_PROCESS).list()
    return render_template("dashboard/calls.html", calls=found)


@bp.get("/<reference>")
@login_required
def call(reference: str) -> Any:
    _readers_only()
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


def _readers_only() -> None:
    if not current_user.has_any(READERS):
        abort(403)
