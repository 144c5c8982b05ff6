"""The other files of a process version, edited by staff in the browser: its decision tables
(`.dmn`, dmn-js) and its forms (`.form`, the form-js editor). A save sends every file of the
version with the edited one replaced as a new draft, validated by the engine like any other."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_login import login_required

from engine.models import ProcessVersion
from workflows.fact.roles import MANAGERS

from .guards import only
from .modeler import current_version, version_or_404

bp = Blueprint("file_editors", __name__, url_prefix="/modeles")


def _file_of(version_id: int, name: str, suffix: str) -> ProcessVersion:
    """The version holding the file `name`, or a 404 page (no such version, no such file, or a
    file of another kind)."""
    if not name.endswith(suffix):
        abort(404)
    version = version_or_404(version_id)
    if name not in version.files:
        abort(404)
    return version


@bp.get("/versions/<int:version_id>/decisions/<name>")
@login_required
def decisions(version_id: int, name: str) -> Any:
    only(*MANAGERS)
    version = _file_of(version_id, name, ".dmn")
    return render_template("file_editors/decisions.html", version=version, file=name,
                           current=current_version(version.process_id))  # fmt: skip


@bp.get("/versions/<int:version_id>/formulaires/<name>")
@login_required
def form(version_id: int, name: str) -> Any:
    only(*MANAGERS)
    version = _file_of(version_id, name, ".form")
    return render_template("file_editors/form.html", version=version, file=name,
                           current=current_version(version.process_id))  # fmt: skip
