"""Concerted change of a process version: proposals, comments on elements, the decision."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from engine import ForbiddenError
from workflows import changes
from workflows.fact.roles import MANAGERS, OBSERVER

from ..auth import current_account, requires
from ..engine_access import current_engine
from ..errors import ProblemSchema
from .blueprint import Blueprint

blp = Blueprint(
    "changes", __name__, url_prefix="/api", description="Concerted change of process versions"
)


class CommentSchema(ma.Schema):
    at = ma.fields.AwareDateTime()
    author = ma.fields.String()
    element_id = ma.fields.String()
    element_name = ma.fields.String(allow_none=True)
    text = ma.fields.String()


class ProposalSchema(ma.Schema):
    id = ma.fields.String()
    version_id = ma.fields.Integer()
    base_version_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "the version in service when proposed"}
    )
    process_id = ma.fields.String()
    proposer = ma.fields.String()
    note = ma.fields.String()
    invitees = ma.fields.List(ma.fields.String())
    proposed_at = ma.fields.AwareDateTime()
    state = ma.fields.String(metadata={"description": "open, accepted or sent_back"})
    comments = ma.fields.List(ma.fields.Nested(CommentSchema))
    decided_by = ma.fields.String(allow_none=True)
    decision_reason = ma.fields.String(allow_none=True)


class NewProposalSchema(ma.Schema):
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=changes.MAX_COMMENT))
    invitees = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=200)),
        load_default=list,
        validate=ma.validate.Length(max=changes.MAX_INVITEES),
        metadata={"description": "usernames of colleagues invited to read and comment"},
    )


class NewCommentSchema(ma.Schema):
    element_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    text = ma.fields.String(
        required=True, validate=ma.validate.Length(min=1, max=changes.MAX_COMMENT)
    )


class ProposalDecisionSchema(ma.Schema):
    decision = ma.fields.String(
        required=True, validate=ma.validate.OneOf([changes.ACCEPT, changes.SEND_BACK])
    )
    reason = ma.fields.String(
        required=True, validate=ma.validate.Length(min=1, max=changes.MAX_COMMENT)
    )


@blp.route("/processes/versions/<int(max=2147483647):version_id>/proposals")
class VersionProposals(MethodView):
    @blp.response(200, ProposalSchema(many=True))
    @requires(*MANAGERS, OBSERVER)
    def get(self, version_id):
        """The proposals of a version, with their comments and decisions (the exchange)."""
        current_engine().repository.get(version_id)  # 404 for a version that does not exist
        return changes.proposals(current_engine(), version_id)

    @blp.arguments(NewProposalSchema(), required=False)
    @blp.response(201, ProposalSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, body, version_id):
        """Propose a draft version: observers and the invited colleagues may comment on its
        elements until an approver accepts it or sends it back."""
        return changes.propose(
            current_engine(), version_id, actor=current_account().username,
            note=body["note"], invitees=body["invitees"],
        )  # fmt: skip


def _readable(proposal_id: str) -> changes.Proposal:
    proposal = changes.get(current_engine(), proposal_id)
    account = current_account()
    if not changes.may_read(account.user.roles, account.username, proposal):
        raise ForbiddenError("cette proposition ne vous est pas ouverte")
    return proposal


@blp.route("/proposals/<string(maxlength=100):proposal_id>")
class ProposalResource(MethodView):
    @blp.response(200, ProposalSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @requires()
    def get(self, proposal_id):
        """One proposal: staff, observers and the colleagues invited read it."""
        return _readable(proposal_id)


@blp.route("/proposals/<string(maxlength=100):proposal_id>/comments")
class ProposalComments(MethodView):
    @blp.arguments(NewCommentSchema())
    @blp.response(201, ProposalSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires()
    def post(self, body, proposal_id):
        """Comment on an element of the proposed diagram while the proposal is open."""
        account = current_account()
        return changes.comment(
            current_engine(), proposal_id, body["element_id"], body["text"],
            actor=account.username, roles=account.user.roles,
        )  # fmt: skip


@blp.route("/proposals/<string(maxlength=100):proposal_id>/decision")
class ProposalDecision(MethodView):
    @blp.arguments(ProposalDecisionSchema())
    @blp.response(200, ProposalSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, body, proposal_id):
        """The approver (an administrator other than the proposer) accepts the version or
        sends it back, with a reason."""
        account = current_account()
        return changes.decide(
            current_engine(), proposal_id, body["decision"], body["reason"],
            actor=account.username, roles=account.user.roles,
        )  # fmt: skip
