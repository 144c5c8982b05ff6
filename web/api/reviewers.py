"""A dossier's reviewers while its review runs (staff add, withdraw, replace one), and the
consensus staff open when the reviewers disagree."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import marshmallow as ma
from flask.views import MethodView

from engine import NotFoundError
from engine.dates import FIRST_YEAR, LAST_YEAR
from engine.models import Instance
from workflows.fact import dossiers
from workflows.fact.consensus import open_consensus
from workflows.fact.panel import (
    PENDING,
    add_reviewer,
    panel_of,
    replace_reviewer,
    withdraw_reviewer,
)
from workflows.fact.reviews import CONFLICT, SUBMITTED, WITHDRAWN
from workflows.fact.roles import MANAGERS

from ..auth import current_account, requires
from ..engine_access import current_engine
from ..errors import ProblemSchema
from .blueprint import Blueprint

blp = Blueprint(
    "reviewers", __name__, url_prefix="/api/dossiers", description="A dossier's reviewers"
)

USERNAME = ma.validate.Length(min=1, max=150)


class SeatSchema(ma.Schema):
    """A reviewer named on the dossier and where their review stands."""

    username = ma.fields.String()
    name = ma.fields.String()
    state = ma.fields.String(
        validate=ma.validate.OneOf([PENDING, SUBMITTED, CONFLICT, WITHDRAWN]),
        metadata={"description": "pending (open), submitted, conflict (declared), withdrawn"},
    )
    due_at = ma.fields.AwareDateTime(
        attribute="task.due_at", allow_none=True, metadata={"description": "While pending"}
    )


class NewReviewerSchema(ma.Schema):
    reviewer = ma.fields.String(
        required=True, validate=USERNAME, metadata={"description": "A reviewer's login"}
    )


class ReplacementSchema(ma.Schema):
    by = ma.fields.String(
        required=True,
        validate=USERNAME,
        metadata={"description": "The reviewer's login who takes the open review over"},
    )


class ConsensusSchema(ma.Schema):
    due = ma.fields.Date(
        load_default=None,
        validate=ma.validate.Range(
            min=date(FIRST_YEAR, 1, 1),
            max=date(LAST_YEAR, 12, 31),
            error=f"date hors des années {FIRST_YEAR} à {LAST_YEAR}",
        ),
        error_messages={"invalid": "date attendue au format AAAA-MM-JJ"},
        metadata={"description": "The day the reviews are due again (the commission's if none)"},
    )


def _staff_change(status: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A change of the reviewers by staff, answered with the reviewers as they now stand."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in (
            requires(*MANAGERS),
            blp.alt_response(422, schema=ProblemSchema),
            blp.alt_response(404, schema=ProblemSchema),
            blp.alt_response(403, schema=ProblemSchema),
            blp.response(status, SeatSchema(many=True)),
        ):
            view = decorator(view)
        return view

    return decorate


def _dossier(dossier_id: str) -> Instance:
    try:
        return dossiers.get_dossier(current_engine(), dossier_id)
    except NotFoundError:
        raise NotFoundError(f"dossier {dossier_id} not found") from None


def _seats(dossier_id: str) -> list:
    return panel_of(current_engine(), _dossier(dossier_id))


@blp.route("/<dossier_id:dossier_id>/reviewers")
class Reviewers(MethodView):
    @blp.response(200, SeatSchema(many=True))
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @requires(*MANAGERS)
    def get(self, dossier_id):
        """The reviewers named on the dossier, with where each review stands."""
        return _seats(dossier_id)

    @blp.arguments(NewReviewerSchema())
    @_staff_change(201)
    def post(self, body, dossier_id):
        """Add a reviewer to the running review (checked as an assignment is); they are told
        by mail, and the review waits for theirs too."""
        add_reviewer(current_engine(), _dossier(dossier_id), body["reviewer"],
                     actor=current_account().username)  # fmt: skip
        return _seats(dossier_id)


@blp.route("/<dossier_id:dossier_id>/reviewers/<string(maxlength=150):reviewer>")
class Reviewer(MethodView):
    @blp.arguments(ReplacementSchema())
    @_staff_change(200)
    def put(self, body, dossier_id, reviewer):
        """Hand this reviewer's open review over to another; both are told by mail."""
        replace_reviewer(current_engine(), _dossier(dossier_id), reviewer, body["by"],
                         actor=current_account().username)  # fmt: skip
        return _seats(dossier_id)

    @_staff_change(200)
    def delete(self, dossier_id, reviewer):
        """Withdraw this reviewer's open review (it ends without scores); they are told by
        mail. When no scored review remains, the dossier goes back to assignment."""
        withdraw_reviewer(current_engine(), _dossier(dossier_id), reviewer,
                          actor=current_account().username)  # fmt: skip
        return _seats(dossier_id)


@blp.route("/<dossier_id:dossier_id>/consensus")
class Consensus(MethodView):
    @blp.arguments(ConsensusSchema(), required=False)  # without a body: the commission's day
    @blp.response(204)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, body, dossier_id):
        """Ask the reviewers who scored the dossier to review again, seeing the others' words
        without their names (only when they disagree by 2 points or more on a criterion)."""
        due = body["due"].isoformat() if body.get("due") else None
        open_consensus(current_engine(), _dossier(dossier_id),
                       actor=current_account().username, due=due)  # fmt: skip
