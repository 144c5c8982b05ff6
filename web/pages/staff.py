"""The space of signed-in staff, reviewers, commission and observers, and the mails page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user, login_required

from handlers.mailsink import read_sink
from workflows import PROJECT_ROOT, changes
from workflows.fact.calls import CALL_PROCESS
from workflows.fact.roles import COMMISSION, MANAGERS

from ..engine_access import current_engine
from .guards import only

bp = Blueprint("staff", __name__)


@bp.get("/espace")
@login_required
def space() -> Any:
    sessions = []
    if current_user.has_any((*MANAGERS, COMMISSION)):  # each call's commission session
        sessions = current_engine().runtime.query().process(CALL_PROCESS).list()
    roles, username = current_user.user.roles, current_user.username
    proposals = [p for p in changes.proposals(current_engine())  # the versions to read or decide
                 if p.state == "open" and changes.may_read(roles, username, p)]  # fmt: skip
    return render_template("staff/space.html", sessions=sessions, proposals=proposals)


@bp.get("/courriels")
@login_required
def mails() -> Any:
    """Staff: the mails the local SMTP sink received."""
    only(*MANAGERS)
    return render_template("staff/mails.html", mails=read_sink(_maildir()))


@bp.get("/courriels/<key>")
@login_required
def mail(key: str) -> Any:
    only(*MANAGERS)
    found = next((m for m in read_sink(_maildir()) if m.key == key), None)
    if found is None:
        abort(404)
    return render_template("staff/mail.html", mail=found)


def _maildir() -> Path:
    return Path(current_app.config.get("MAILDIR") or PROJECT_ROOT / "instance" / "mails")
