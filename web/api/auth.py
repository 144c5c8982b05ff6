"""Sign-in for the API: exchange a password for a bearer token; who am I."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from engine import ForbiddenError

from ..auth import csrf_exempt, current_account, limiter, requires
from ..engine_access import current_engine
from ..errors import ProblemSchema
from .blueprint import Blueprint

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Sign-in")


class CredentialsSchema(ma.Schema):
    username = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))
    label = ma.fields.String(load_default="api", validate=ma.validate.Length(max=200))


class TokenSchema(ma.Schema):
    token = ma.fields.String()
    token_type = ma.fields.String()


class MeSchema(ma.Schema):
    username = ma.fields.String()
    email = ma.fields.String()
    display_name = ma.fields.String()
    roles = ma.fields.List(ma.fields.String())


@blp.route("/token")
class Tokens(MethodView):
    decorators = [limiter.limit("10 per minute")]

    @blp.arguments(CredentialsSchema())
    @blp.response(201, TokenSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @blp.alt_response(429, schema=ProblemSchema)
    def post(self, credentials):
        """Exchange a username and password for a bearer token (rate-limited)."""
        engine = current_engine()
        user = engine.identity.authenticate(credentials["username"], credentials["password"])
        if user is None:
            raise ForbiddenError("identifiant ou mot de passe incorrect")
        token = engine.identity.issue_token(user.username, label=credentials["label"])
        return {"token": token, "token_type": "Bearer"}


csrf_exempt("auth.Tokens")


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    @blp.alt_response(401, schema=ProblemSchema)
    @requires()
    def get(self):
        """The signed-in user."""
        return current_account().user
