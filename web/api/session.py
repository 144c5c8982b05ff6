"""The commission's session of a call: the dossiers before it with their synthesis, the draft
of its decisions (saved and amended by the commission and staff), and its closing (staff)."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from engine import ConflictError
from workflows.fact import calls, commission
from workflows.fact.config import ENVELOPE_MAX
from workflows.fact.dossiers import DOSSIER_ID
from workflows.fact.forms import complete_task
from workflows.fact.roles import COMMISSION, MANAGERS

from ..auth import current_account, requires
from ..engine_access import current_engine
from ..errors import ProblemSchema
from .blueprint import Blueprint

blp = Blueprint(
    "session", __name__, url_prefix="/api/calls", description="The commission's session"
)


class DecisionSchema(ma.Schema):
    """One dossier's decision."""

    dossier = ma.fields.String(
        required=True,
        validate=ma.validate.Regexp(f"^{DOSSIER_ID}$"),
        metadata={"description": "The dossier's reference, one of the session's"},
    )
    decision = ma.fields.String(
        required=True, validate=ma.validate.OneOf(list(commission.OUTCOMES))
    )
    amount = ma.fields.Integer(
        allow_none=True,
        load_default=None,
        validate=ma.validate.Range(min=0, max=ENVELOPE_MAX),
        metadata={
            "description": "Euros granted: the amount requested when accepted (the default), "
            "less when partial, 0 when refused (the default)"
        },
    )
    motivation = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=commission.MOTIVATION_MAX),
        metadata={"description": "Sent to the holder with the decision"},
    )


MAX_DECISIONS = 1000  # one per dossier before the commission: far more than a call receives


class DecisionsSchema(ma.Schema):
    decisions = ma.fields.List(
        ma.fields.Nested(DecisionSchema),
        required=True,
        validate=ma.validate.Length(max=MAX_DECISIONS),
        metadata={"description": "One per dossier before the commission"},
    )


class CriterionSchema(ma.Schema):
    id = ma.fields.String()
    label = ma.fields.String()
    scores = ma.fields.List(ma.fields.Integer())
    mean = ma.fields.Float(allow_none=True)
    spread = ma.fields.Integer()
    disagreement = ma.fields.Boolean()


class CandidateSchema(ma.Schema):
    id = ma.fields.String()
    title = ma.fields.Function(lambda c: c.variables.get("title"))
    holder_name = ma.fields.Function(lambda c: c.variables.get("holder_name"))
    requested = ma.fields.Integer()
    mean = ma.fields.Function(lambda c: c.synthesis.mean)
    criteria = ma.fields.Function(lambda c: CriterionSchema(many=True).dump(c.synthesis.criteria))


class SessionSchema(ma.Schema):
    open = ma.fields.Boolean(metadata={"description": "Whether the commission sits now"})
    envelope = ma.fields.Integer()
    dossiers = ma.fields.List(ma.fields.Nested(CandidateSchema))
    draft = ma.fields.List(ma.fields.Nested(DecisionSchema))


def _session(reference: str) -> dict:
    engine = current_engine()
    call = calls.get_call(engine, reference)
    return {
        "open": commission.session_task(engine, call) is not None,
        "envelope": int(call.variables.get("envelope") or 0),
        "dossiers": commission.session_dossiers(engine, call),
        "draft": list(commission.draft_of(call).values()),
    }


@blp.route("/<reference:reference>/session")
class Session(MethodView):
    @blp.response(200, SessionSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @requires(*MANAGERS, COMMISSION)
    def get(self, reference):
        """The dossiers before the commission (eligible and reviewed), best mean first, each
        with its synthesis per criterion; the decisions saved so far."""
        return _session(reference)


@blp.route("/<reference:reference>/session/draft")
class SessionDraft(MethodView):
    @blp.arguments(DecisionsSchema())
    @blp.response(200, SessionSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS, COMMISSION)
    def put(self, body, reference):
        """Save the decisions taken so far, replacing the draft: each is checked against its
        dossier, all against the envelope; a refused draft leaves the saved one as it was."""
        engine = current_engine()
        call = calls.get_call(engine, reference)
        commission.save_draft(engine, call, body["decisions"], actor=current_account().username)
        return _session(reference)


@blp.route("/<reference:reference>/session/closing")
class SessionClosing(MethodView):
    @blp.arguments(DecisionsSchema())
    @blp.response(200, SessionSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(409, schema=ProblemSchema)
    @blp.alt_response(422, schema=ProblemSchema)
    @requires(*MANAGERS)
    def post(self, body, reference):
        """Close the session with a decision for every dossier before it: the call sends
        each dossier its decision, and the holder is told with the motivation."""
        engine = current_engine()
        call = calls.get_call(engine, reference)
        task = commission.session_task(engine, call)
        if task is None:
            raise ConflictError("la commission ne siège pas pour cet appel")
        complete_task(
            engine, task.id, {"decisions": body["decisions"]}, actor=current_account().username
        )
        return _session(reference)
