"""Dossiers: applicants create, fill, deposit and withdraw their own; readers see them all."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest.fields import Upload

from engine import ForbiddenError, NotFoundError
from engine.models import Instance
from workflows.fact import dossiers
from workflows.fact.access import (
    as_seen_by,
    has_role,
    history_seen_by,
    may_read_dossier,
    observes_only,
)
from workflows.fact.calls import DOSSIER_PROCESS
from workflows.fact.config import TRACKS
from workflows.fact.roles import APPLICANT, COMMISSION, READERS

from ..auth import current_account, requires
from ..downloads import dossier_document
from ..engine_access import current_engine
from ..errors import ProblemSchema
from .blueprint import Blueprint
from .pagination import CountedPage, SeenBy
from .schemas.common import (
    DataSchema,
    DepositSchema,
    InstanceSchema,
    InstanceWithHistorySchema,
)

blp = Blueprint("dossiers", __name__, url_prefix="/api", description="Dossiers")


class NewDossierSchema(ma.Schema):
    # a call offers some of these tracks; create_draft refuses the others
    track = ma.fields.String(required=True, validate=ma.validate.OneOf([t["id"] for t in TRACKS]))


class WithdrawalSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=3, max=2000))


def _readable(dossier_id: str) -> Instance:
    """The dossier if the caller may read it; another's dossier looks like a missing one."""
    try:
        dossier = dossiers.get_dossier(current_engine(), dossier_id)
    except NotFoundError:
        raise NotFoundError(f"dossier {dossier_id} not found") from None
    if not may_read_dossier(current_account().user, dossier):
        raise NotFoundError(f"dossier {dossier_id} not found")
    return dossier


def _documents_of(dossier_id: str) -> Instance:
    """The dossier whose pieces and documents the caller may read: they name who applies, so
    observers read none."""
    dossier = _readable(dossier_id)
    user = current_account().user
    if observes_only(user) and dossier.variables.get("holder_user") != user.username:
        raise ForbiddenError(
            "les observateurs ne lisent ni les pièces ni les documents des dossiers"
        )
    return dossier


def _own(dossier_id: str) -> Instance:
    dossier = _readable(dossier_id)
    if dossier.variables.get("holder_user") != current_account().username:
        raise ForbiddenError("seul le porteur du dossier peut faire cela")
    return dossier


@blp.route("/calls/<reference:reference>/dossiers")
class CallDossiers(MethodView):
    @blp.arguments(NewDossierSchema())
    @blp.response(201, InstanceSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(APPLICANT)
    def post(self, body, reference):
        """Create a draft on a call open for deposits (a draft is not a deposit)."""
        account = current_account()
        return dossiers.create_draft(
            current_engine(),
            reference,
            holder_user=account.username,
            holder_email=account.user.email,
            track=body["track"],
            actor=account.username,
        )


@blp.route("/dossiers")
class Dossiers(MethodView):
    @blp.response(200, InstanceSchema(many=True))
    @blp.paginate(CountedPage)
    @requires()
    def get(self):
        """My dossiers (applicants), or every dossier (staff, commission, observers)."""
        user = current_account().user
        query = current_engine().runtime.query().process(DOSSIER_PROCESS)
        if not has_role(user, *READERS, COMMISSION):
            query = query.started_by(user.username)  # an applicant starts their own drafts
        return SeenBy(query, lambda d: as_seen_by(user, d))


@blp.route("/dossiers/<dossier_id:dossier_id>")
class DossierById(MethodView):
    @blp.response(200, InstanceWithHistorySchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @requires()
    def get(self, dossier_id):
        """A dossier with its history (its receipt: `deposited_at`, `dossier_id`)."""
        dossier = _readable(dossier_id)
        user = current_account().user
        history = history_seen_by(user, dossier, current_engine().history.for_instance(dossier.id))
        return {**as_seen_by(user, dossier).__dict__, "history": history}


@blp.route("/dossiers/<dossier_id:dossier_id>/draft")
class DossierDraft(MethodView):
    @blp.arguments(DataSchema())
    @blp.response(200, InstanceSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @requires(APPLICANT)
    def put(self, body, dossier_id):
        """Save the draft's form data without depositing it."""
        _own(dossier_id)
        return dossiers.save_draft(
            current_engine(), dossier_id, body["data"], actor=current_account().username
        )


@blp.route("/dossiers/<dossier_id:dossier_id>/deposit")
class DossierDeposit(MethodView):
    @blp.arguments(DepositSchema(), required=False)  # without a body: the draft as saved
    @blp.response(200, InstanceSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(APPLICANT)
    def post(self, body, dossier_id):
        """Deposit the data sent, or without `data` the draft as last saved (`PUT …/draft`):
        the deadline, the holder and the form are checked and the receipt issued in one
        transaction; a deposit before the end of the deadline's second is on time."""
        _own(dossier_id)
        return dossiers.deposit(
            current_engine(), dossier_id, body["data"], actor=current_account().username
        )


class PieceFileSchema(ma.Schema):
    """The multipart body of a piece: its file."""

    class Meta:
        unknown = ma.EXCLUDE  # other parts of the body are ignored

    file = Upload(required=True, metadata={"description": "PDF, JPEG or PNG, 10 Mo at most"})


class PieceSchema(ma.Schema):
    label = ma.fields.String()
    document = ma.fields.String(metadata={"description": "its name among the documents"})
    filename = ma.fields.String()
    size = ma.fields.Integer()
    mimetype = ma.fields.String(metadata={"description": "as its content shows"})


@blp.route("/dossiers/<dossier_id:dossier_id>/pieces/<string(maxlength=200):key>")
class DossierPiece(MethodView):
    @blp.arguments(PieceFileSchema(), location="multipart")
    @blp.response(200, PieceSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(413, schema=ProblemSchema)
    @requires(APPLICANT)
    def put(self, files, dossier_id, key):
        """Send the file of one piece the draft's form asks for (`key`, as the form names it);
        it replaces the file sent before. The deposit then requires every required piece."""
        _own(dossier_id)
        upload = files["file"]
        return dossiers.attach_piece(
            current_engine(),
            dossier_id,
            key,
            upload.filename or key,
            upload.read(),
            actor=current_account().username,
        )


@blp.route("/dossiers/<dossier_id:dossier_id>/withdrawal")
class DossierWithdrawal(MethodView):
    @blp.arguments(WithdrawalSchema())
    @blp.response(200, InstanceSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @requires(APPLICANT)
    def post(self, body, dossier_id):
        """Withdraw the dossier (possible until the commission's decision)."""
        _own(dossier_id)
        withdrawn = dossiers.withdraw(
            current_engine(), dossier_id, reason=body["reason"], actor=current_account().username
        )
        return as_seen_by(current_account().user, withdrawn)


class DocumentSchema(ma.Schema):
    name = ma.fields.String()
    mimetype = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


@blp.route("/dossiers/<dossier_id:dossier_id>/documents")
class DossierDocuments(MethodView):
    @blp.response(200, DocumentSchema(many=True))
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @requires()
    def get(self, dossier_id):
        """The dossier's documents: its deposit receipt and, once granted, its convention."""
        return current_engine().documents.list(_documents_of(dossier_id).id)


@blp.route("/dossiers/<dossier_id:dossier_id>/documents/<name>")
class DossierDocument(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "the document",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    )
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @requires()
    def get(self, dossier_id, name):
        """Download one document (a piece under the name it was sent with)."""
        return dossier_document(_documents_of(dossier_id), name)
