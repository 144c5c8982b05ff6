"""Sign-in for the API: exchange a password for a bearer token; who am I."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from engine import ForbiddenError
from workflows.fact.roles import ADMIN

from ..auth import csrf_exempt, current_account, requires, sign_in_limits
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
    decorators = [sign_in_limits]

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


class ApiTokenSchema(ma.Schema):
    """A bearer token as its owner sees it (never the token itself)."""

    id = ma.fields.Integer()
    username = ma.fields.String()
    label = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    expires_at = ma.fields.AwareDateTime(allow_none=True)
    revoked_at = ma.fields.AwareDateTime(allow_none=True)


class TokenQuerySchema(ma.Schema):
    username = ma.fields.String(
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "Admins: whose tokens (everyone's without it)"},
    )


@blp.route("/tokens")
class TokenList(MethodView):
    @blp.arguments(TokenQuerySchema, location="query")
    @blp.response(200, ApiTokenSchema(many=True))
    @blp.alt_response(401, schema=ProblemSchema)
    @blp.alt_response(403, schema=ProblemSchema)
    @requires()
    def get(self, query):
        """Your bearer tokens, newest first (an admin: anyone's, or everyone's)."""
        account = current_account()
        wanted = query.get("username")
        if account.has_any((ADMIN,)):
            return current_engine().identity.tokens(wanted)
        if wanted not in (None, account.username):
            raise ForbiddenError("seul un administrateur voit les jetons des autres")
        return current_engine().identity.tokens(account.username)


@blp.route("/tokens/<int(max=2147483647):token_id>")
class TokenItem(MethodView):
    @blp.response(204)
    @blp.alt_response(401, schema=ProblemSchema)
    @blp.alt_response(404, schema=ProblemSchema)
    @requires()
    def delete(self, token_id):
        """Revoke a token: one of yours (an admin: anyone's). It stops working at once."""
        account = current_account()
        owner = None if account.has_any((ADMIN,)) else account.username
        current_engine().identity.revoke_token_id(token_id, owner=owner)
