"""Public pages: the published calls for projects and each call's page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from workflows.fact.catalogue import call_page, published_calls
from workflows.french import time_left_fr

from ..engine_access import current_engine

bp = Blueprint("public", __name__)


@bp.get("/")
def calls() -> Any:
    engine = current_engine()
    found = published_calls(engine)
    return render_template(
        "public/calls.html",
        open_calls=[c for c in found if c.is_open],
        closed_calls=[c for c in found if not c.is_open],
        now=engine.clock.now(),
        time_left=time_left_fr,
    )


@bp.get("/appels/<reference>")
def call(reference: str) -> Any:
    engine = current_engine()
    return render_template(
        "public/call.html",
        call=call_page(engine, reference),
        now=engine.clock.now(),
        time_left=time_left_fr,
    )
