"""Sign-out ends a session server-side; bearer tokens expire and are listed and revoked by their
owner and by admins; sign-in attempts are limited per address and, for failures, per account and
address, so that failures from one address never refuse the right password from another."""

from __future__ import annotations

import re
from datetime import timedelta

from flask.testing import FlaskClient

from .conftest import PASSWORD, Api


def signed_in(api: Api, username: str) -> FlaskClient:
    client = api.client.application.test_client()
    page = client.get("/connexion").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(
        "/connexion", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 302
    return client


def test_signing_out_ends_the_session_and_a_replayed_cookie_is_refused(api: Api) -> None:
    client = signed_in(api, "cse")
    assert client.get("/api/auth/me").json["username"] == "cse"
    kept = client.get_cookie("session").value
    page = client.get("/mon-compte").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/deconnexion", data={"csrf_token": token}).status_code == 302
    replay = api.client.application.test_client()
    replay.set_cookie("session", kept)
    assert replay.get("/api/auth/me").status_code == 401
    assert replay.get("/mon-compte").status_code == 302  # to the sign-in page
    other = signed_in(api, "cse")  # signing in again opens a new session
    assert other.get("/api/auth/me").status_code == 200


def test_a_new_password_ends_every_session_of_the_account(api: Api) -> None:
    first, second = signed_in(api, "bruno"), signed_in(api, "bruno")
    api.engine.sessions.end_all("bruno")
    assert first.get("/api/auth/me").status_code == 401
    assert second.get("/api/auth/me").status_code == 401


def test_tokens_are_listed_and_revoked_by_their_owner_and_by_admins(api: Api) -> None:
    issued = api.post("/api/auth/token", json={"username": "rev2", "password": PASSWORD,
                                               "label": "outil"})  # fmt: skip
    token = issued.json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    mine = api.client.get("/api/auth/tokens", headers=bearer).json
    listed = next(t for t in mine if t["label"] == "outil")
    assert listed["username"] == "rev2" and listed["revoked_at"] is None
    assert listed["expires_at"] > listed["created_at"] and "token" not in listed

    assert api.get("/api/auth/tokens?username=rev2", "ana").status_code == 403
    assert api.call("DELETE", f"/api/auth/tokens/{listed['id']}", "ana").status_code == 404
    assert api.client.get("/api/auth/me", headers=bearer).status_code == 200  # still valid
    revoked = api.client.delete(f"/api/auth/tokens/{listed['id']}", headers=bearer)
    assert revoked.status_code == 204
    assert api.client.get("/api/auth/me", headers=bearer).status_code == 401  # at once

    everyone = api.get("/api/auth/tokens?username=rev2", "admin").json
    assert next(t for t in everyone if t["id"] == listed["id"])["revoked_at"] is not None
    other = api.engine.identity.issue_token("rev2", label="autre")
    other_id = next(t["id"] for t in api.get("/api/auth/tokens", "rev2").json
                    if t["label"] == "autre")  # fmt: skip
    assert api.call("DELETE", f"/api/auth/tokens/{other_id}", "admin").status_code == 204
    assert api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {other}"}) \
        .status_code == 401  # fmt: skip


def test_a_token_stops_working_when_it_expires(api: Api) -> None:
    token = api.engine.identity.issue_token("rev1", label="court", lifetime=timedelta(hours=1))
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/auth/me", headers=bearer).status_code == 200  # and cached
    before = api.clock.now()
    try:
        api.clock.set(before + timedelta(hours=1, seconds=1))
        assert api.client.get("/api/auth/me", headers=bearer).status_code == 401
    finally:
        api.clock.set(before)


def test_failures_from_one_address_never_refuse_the_right_password_from_another(
    api: Api,
) -> None:
    def attempt(password: str, address: str):  # type: ignore[no-untyped-def]
        return api.client.post(
            "/api/auth/token",
            json={"username": "president", "password": password},
            environ_base={"REMOTE_ADDR": address},
        )

    assert [attempt("faux", "10.0.0.1").status_code for _ in range(5)] == [403] * 5
    refused = attempt(PASSWORD, "10.0.0.1")  # this address has failed enough on the account
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.mimetype == "application/problem+json"
    assert attempt(PASSWORD, "10.0.0.2").status_code == 201  # its owner, elsewhere
    assert attempt("faux", "10.0.0.2").status_code == 403
