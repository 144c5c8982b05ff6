"""The CSE secretary's page: opened by the signed link of the mail, without an account.

It shows the project the CSE is asked about and takes the answer once; afterwards it shows
what was answered. A forged, stale or foreign link is "not found", like a missing page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, make_response, render_template, request

from engine import InvalidInputError
from workflows.fact import cse

from ..engine_access import current_engine

bp = Blueprint("cse", __name__)

LABELS = {
    "cse_confirmation.secretary_name": "Nom et prénom du secrétaire du CSE",
    "cse_confirmation.informed": "Le CSE a-t-il été informé du projet ?",
    "cse_confirmation.informed_on": "Date d'information du CSE",
    "cse_confirmation.association": "Manière dont le CSE est associé",
    "cse_confirmation.comment": "Commentaire",
}


@bp.route("/cse/<token>", methods=["GET", "POST"])
def answer(token: str) -> Any:
    engine = current_engine()
    found = cse.open_request(engine, current_app.secret_key or "", token)  # 404 otherwise
    errors: dict[str, list[str]] = {}
    given: dict[str, Any] = {}
    status = 200
    if request.method == "POST" and found.task is not None:
        given = _answer_from(request.form)
        try:
            found = cse.CseRequest(cse.answer(engine, found, given), found.email, None)
        except InvalidInputError as exc:
            errors = exc.errors or {exc.field or "cse_confirmation": [str(exc)]}
            status = 422
    page = render_template(
        "cse/answer.html",
        ask=found,
        given=given.get("cse_confirmation", {}),
        errors=errors,
        labels=LABELS,
        answered=found.answer if found.task is None else None,
        today=engine.clock.now().date().isoformat(),
    )
    response: Response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"  # a personal link: kept by no cache
    return response


def _answer_from(form: Any) -> dict[str, Any]:
    """The form's fields are named by their key in the answer (`cse_confirmation.…`)."""

    def text(key: str) -> str:
        return str(form.get(f"cse_confirmation.{key}", "")).strip()

    return {
        "cse_confirmation": {
            "secretary_name": text("secretary_name"),
            "informed": {"oui": True, "non": False}.get(text("informed")),
            "informed_on": text("informed_on") or None,
            "association": text("association"),
            "comment": text("comment"),
        }
    }
