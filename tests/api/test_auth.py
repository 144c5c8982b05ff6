"""Sign-in: bearer tokens for the API, CSRF-protected sessions for pages, rate limits."""

from __future__ import annotations

import re

from .conftest import PASSWORD, Api


def test_auth_token_for_good_credentials_and_me(api: Api) -> None:
    response = api.post("/api/auth/token", json={"username": "staff", "password": PASSWORD})
    assert response.status_code == 201 and response.json["token_type"] == "Bearer"
    me = api.client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {response.json['token']}"}
    )
    assert me.status_code == 200 and me.json["roles"] == ["staff"]


def test_auth_refuses_bad_credentials_and_bad_tokens(api: Api) -> None:
    wrong = api.post("/api/auth/token", json={"username": "staff", "password": "nope"})
    assert wrong.status_code == 403 and wrong.content_type == "application/problem+json"
    unknown = api.post("/api/auth/token", json={"username": "ghost", "password": PASSWORD})
    assert unknown.status_code == 403
    missing = api.post("/api/auth/token", json={"username": "staff"})
    assert missing.status_code == 422 and "password" in missing.json["errors"]
    assert api.get("/api/auth/me").status_code == 401
    forged = api.client.get("/api/auth/me", headers={"Authorization": "Bearer forged"})
    assert forged.status_code == 401 and forged.json["title"] == "Authentification requise"


def test_auth_session_sign_in_needs_the_csrf_token(api: Api) -> None:
    client = api.client.application.test_client()
    page = client.get("/connexion")
    assert page.status_code == 200 and "Connexion" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    refused = client.post("/connexion", data={"username": "cse", "password": PASSWORD})
    assert refused.status_code == 400  # no CSRF token
    accepted = client.post(
        "/connexion", data={"username": "cse", "password": PASSWORD, "csrf_token": token}
    )
    assert accepted.status_code == 302
    assert client.get("/api/auth/me").json["username"] == "cse"  # the session works for the API
    # A cookie-authenticated write without the CSRF token is refused, also when it shows a
    # bearer header whose token is not valid; a valid token needs no CSRF token.
    assert client.post("/api/calls", json={"config": {}}).status_code == 400
    for forged in ("Bearer forged", "Bearer ", "Bearer " + "x" * 64):
        answer = client.post("/api/calls", json={"config": {}}, headers={"Authorization": forged})
        assert answer.status_code == 400, forged
    valid = {"Authorization": f"Bearer {api.tokens['cse']}"}
    assert client.post("/api/calls", json={"config": {}}, headers=valid).status_code == 403


def test_auth_sign_in_is_rate_limited(api: Api) -> None:
    codes = [
        api.post("/api/auth/token", json={"username": "rev2", "password": "wrong"}).status_code
        for _ in range(12)
    ]
    assert codes[:5] == [403] * 5 and codes[-1] == 429
