"""The applicant's pages: apply to a call, my dossiers, a dossier from draft to deposit.

A draft is saved as one types (the form-js viewer posts it, the page says "Enregistré à …");
the deposit takes the saved draft. Another applicant's dossier answers as a missing one.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from engine import ConflictError, InvalidInputError, NotFoundError
from engine.models import Instance
from workflows.fact import dossiers
from workflows.fact.attachments import ACCEPTED, MAX_BYTES, is_sent_file, listed
from workflows.fact.catalogue import call_page
from workflows.fact.config import HOLDER_TYPES
from workflows.fact.cse import cse_status
from workflows.fact.messages import HOLDER, thread
from workflows.fact.roles import APPLICANT
from workflows.fact.status import applicant_dossiers, dossier_status, timeline
from workflows.french import size_fr, time_fr

from ..downloads import dossier_document
from ..engine_access import current_engine
from .messaging import post_from_form

bp = Blueprint("applicant", __name__)

# The draft's form opens with what the account says of the organisation.
ORGANISATION_FIELDS = {"name": "holder_name", "siret": "siret", "holder_type": "holder_type",
                       "headcount": "headcount"}  # fmt: skip


@bp.route("/appels/<reference>/candidater", methods=["GET", "POST"])
@login_required
def apply(reference: str) -> Any:
    _applicant_only()
    engine = current_engine()
    call = call_page(engine, reference)
    organisation = current_user.user.profile.get("organisation", {})
    fitting = [t["id"] for t in call.tracks if organisation.get("holder_type") in t["holder_types"]]
    context = {
        "call": call,
        "organisation": organisation,
        "types": HOLDER_TYPES,
        "suggested": fitting[0] if fitting else None,
    }
    if request.method == "GET" or not call.is_open:
        return render_template("applicant/apply.html", **context)
    user = current_user.user
    prefill = {key: organisation[name] for name, key in ORGANISATION_FIELDS.items()
               if name in organisation}  # fmt: skip
    try:
        dossier = dossiers.create_draft(
            engine,
            reference,
            holder_user=user.username,
            holder_email=user.email,
            track=request.form.get("track", ""),
            actor=user.username,
            draft=prefill,
        )
    except InvalidInputError as exc:
        return render_template("applicant/apply.html", error=str(exc), **context), 422
    flash(f"Brouillon {dossier.business_key} créé. Il n'est pas encore déposé.", "success")
    return redirect(url_for("applicant.dossier", dossier_id=dossier.business_key))


@bp.get("/mes-dossiers")
@login_required
def mine() -> Any:
    rows = applicant_dossiers(current_engine(), current_user.user.username)
    return render_template("applicant/mine.html", rows=rows)


@bp.get("/dossiers/<dossier_id>")
@login_required
def dossier(dossier_id: str) -> Any:
    return _dossier_page(_own(dossier_id))


@bp.post("/dossiers/<dossier_id>/brouillon")
@login_required
def save(dossier_id: str) -> Response:
    """The draft as typed so far (JSON from the form viewer); answers when it was saved."""
    found = _own(dossier_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return jsonify(detail="brouillon illisible"), 400
    engine = current_engine()
    try:
        dossiers.save_draft(
            engine, found.business_key or "", body["data"], actor=current_user.user.username
        )
    except NotFoundError:
        return jsonify(detail="ce dossier n'est plus un brouillon : rechargez la page"), 409
    moment = engine.clock.now()
    shown = time_fr(moment, seconds=False)  # "Enregistré à 14 h 32"
    return jsonify(saved_at=moment.isoformat(), message=f"Enregistré à {shown}")


@bp.post("/dossiers/<dossier_id>/depot")
@login_required
def deposit(dossier_id: str) -> Any:
    found = _own(dossier_id)
    try:
        dossiers.deposit(
            current_engine(), found.business_key or "", actor=current_user.user.username
        )
    except InvalidInputError as exc:
        errors = exc.errors or {exc.field or "_form": [str(exc)]}
        return _dossier_page(found, errors=errors), 422
    except ConflictError as exc:
        flash(str(exc)[:1].upper() + str(exc)[1:] + ".", "danger")
        return redirect(url_for("applicant.dossier", dossier_id=dossier_id))
    flash("Dossier déposé : votre accusé de réception est ci-dessous et par courriel.", "success")
    return redirect(url_for("applicant.dossier", dossier_id=dossier_id))


@bp.post("/dossiers/<dossier_id>/pieces/<key>")
@login_required
def attach(dossier_id: str, key: str) -> Any:
    """One piece's file: the page's script sends it alone and shows its progress (JSON back);
    without script, the form posts it and the page comes back with the piece listed."""
    found = _own(dossier_id)
    upload = request.files.get("fichier")
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        if upload is None or not upload.filename:
            raise InvalidInputError("choisissez un fichier", field="file")
        record = dossiers.attach_piece(
            current_engine(), found.business_key or "", key, upload.filename, upload.read(),
            actor=current_user.user.username,
        )  # fmt: skip
    except InvalidInputError as exc:
        if wants_json:
            return jsonify(detail=str(exc)), 422
        return _dossier_page(found, errors={key: [str(exc)]}), 422
    except ConflictError as exc:
        if wants_json:
            return jsonify(detail=str(exc)), 409
        flash(str(exc)[:1].upper() + str(exc)[1:] + ".", "danger")
        return redirect(url_for("applicant.dossier", dossier_id=dossier_id))
    message = f"{record['label']} : {record['filename']} reçu ({size_fr(record['size'])})."
    if wants_json:
        url = url_for("applicant.document", dossier_id=dossier_id, name=record["document"])
        return jsonify(message=message, filename=record["filename"],
                       size=size_fr(record["size"]), url=url)  # fmt: skip
    flash(message, "success")
    return redirect(url_for("applicant.dossier", dossier_id=dossier_id, _anchor="pieces"))


@bp.post("/dossiers/<dossier_id>/messages")
@login_required
def write(dossier_id: str) -> Any:
    found = _own(dossier_id)
    errors = post_from_form(found, HOLDER, current_user.user.username)
    if errors:
        page = _dossier_page(found, message=request.form.get("body", ""), message_errors=errors)
        return page, 422
    flash("Message envoyé à la Mission Fact.", "success")
    return redirect(url_for("applicant.dossier", dossier_id=dossier_id, _anchor="messages"))


@bp.post("/dossiers/<dossier_id>/signature")
@login_required
def sign(dossier_id: str) -> Any:
    found = _own(dossier_id)
    data = {
        "holder_signed": request.form.get("holder_signed") == "oui",
        "signatory_name": request.form.get("signatory_name", "").strip(),
        "signatory_role": request.form.get("signatory_role", "").strip(),
    }
    try:
        dossiers.sign_convention(
            current_engine(), found.business_key or "", data, actor=current_user.user.username
        )
    except InvalidInputError as exc:
        errors = exc.errors or {exc.field or "holder_signed": [str(exc)]}
        return _dossier_page(found, errors=errors, signature=data), 422
    except (ConflictError, NotFoundError):
        flash("La convention n'attend plus votre signature.", "danger")
        return redirect(url_for("applicant.dossier", dossier_id=dossier_id))
    flash("Convention signée : l'Anact va la contresigner.", "success")
    return redirect(url_for("applicant.dossier", dossier_id=dossier_id))


@bp.get("/dossiers/<dossier_id>/documents/<name>")
@login_required
def document(dossier_id: str, name: str) -> Response:
    return dossier_document(_own(dossier_id), name)


def _dossier_page(
    found: Instance,
    errors: dict[str, list[str]] | None = None,
    signature: dict[str, Any] | None = None,
    message: str = "",
    message_errors: dict[str, list[str]] | None = None,
) -> str:
    engine = current_engine()
    status = dossier_status(engine, found)
    context: dict[str, Any] = {
        "dossier": found,
        "status": status,
        "errors": errors or {},
        "documents": [d for d in engine.documents.list(found.id) if not is_sent_file(d.name)],
        "milestones": timeline(engine, found),
        "signature": signature or {},
        "to_sign": status.to_sign,
        "messages": thread(found),
        "file_url": lambda name: url_for(
            "applicant.document", dossier_id=found.business_key, name=name
        ),
        "message": message,
        "message_errors": message_errors or {},
        "accept": ACCEPTED,
    }
    if status.is_draft:
        draft = dossiers.draft_form(engine, found)
        context.update(form=draft.form, form_data=draft.data, labels=_labels(draft.full_form))
        context["pieces"] = listed(found, draft.pieces)
        context.update(max_bytes=MAX_BYTES, max_size=size_fr(MAX_BYTES))
    else:
        context["pieces"] = listed(found)
        context["cse_status"] = cse_status(found.variables, with_answer=False)
    return render_template("applicant/dossier.html", **context)


def _labels(form: dict[str, Any]) -> dict[str, str]:
    """Each field's label by key, for the error summary."""
    labels: dict[str, str] = {}
    stack = list(form.get("components", []))
    while stack:
        component = stack.pop()
        if component.get("key"):
            labels[component["key"]] = component.get("label") or component["key"]
        stack.extend(component.get("components", []))
    return labels


def _own(dossier_id: str) -> Instance:
    """The signed-in applicant's own dossier; anyone else's is "not found"."""
    try:
        found = dossiers.get_dossier(current_engine(), dossier_id)
    except NotFoundError:
        abort(404)
    if found.variables.get("holder_user") != current_user.user.username:
        abort(404)
    return found


def _applicant_only() -> None:
    if APPLICANT not in current_user.user.roles:
        abort(403)
