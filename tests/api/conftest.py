"""An app on a fresh SQLite database per test module, with a FACT call and one user per role.

Users are made once per module (argon2 is deliberately slow); tests create their own dossiers.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from engine import Engine, FrozenClock
from web import create_app
from workflows.fact import calls
from workflows.fact.bots import SAMPLE_PDF, deposit_form

PUBLISHED = datetime(2020, 2, 19, 8, 0, 1, tzinfo=UTC)
USERS = {
    "admin": ["admin"],
    "staff": ["staff"],
    "rev1": ["reviewer"],
    "rev2": ["reviewer"],
    "president": ["commission"],
    "ana": ["applicant"],
    "bruno": ["applicant"],
    "cse": ["observer"],
}
PASSWORD = "mot-de-passe-test"
# The pieces every track's deposit form requires.
PIECES = ("cse_opinion", "budget_annex", "rib", "legal_document")


@dataclass
class Api:
    client: FlaskClient
    engine: Engine
    clock: FrozenClock
    tokens: dict[str, str] = field(default_factory=dict)

    def call(self, method: str, path: str, user: str | None = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, user: str | None = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.call("GET", path, user, **kwargs)

    def post(self, path: str, user: str | None = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.call("POST", path, user, **kwargs)

    def draft(self, user: str = "ana", track: str = "entreprise", call: str = "2020-01") -> str:
        response = self.post(f"/api/calls/{call}/dossiers", user, json={"track": track})
        assert response.status_code == 201, response.json
        dossier = response.json["business_key"]
        for key in PIECES:
            response = self.attach(dossier, key, user=user)
            assert response.status_code == 200, response.json
        return dossier

    def attach(  # type: ignore[no-untyped-def]
        self, dossier: str, key: str, content: bytes = SAMPLE_PDF, filename: str = "piece.pdf",
        user: str = "ana",
    ):  # fmt: skip
        return self.call("PUT", f"/api/dossiers/{dossier}/pieces/{key}", user,
                         data={"file": (io.BytesIO(content), filename)})  # fmt: skip

    def deposit(self, dossier: str, user: str = "ana", **overrides: Any):  # type: ignore[no-untyped-def]
        data = {**deposit_form(1), **overrides}
        return self.post(f"/api/dossiers/{dossier}/deposit", user, json={"data": data})

    def task(self, dossier: str, form_key: str, user: str = "staff") -> dict[str, Any]:
        response = self.get(
            f"/api/tasks?scope=available&business_key={dossier}&form_key={form_key}", user
        )
        assert response.status_code == 200, response.json
        assert len(response.json) == 1, response.json
        return response.json[0]

    def complete(self, task_id: str, data: dict[str, Any], user: str = "staff"):  # type: ignore[no-untyped-def]
        return self.post(f"/api/tasks/{task_id}/completion", user, json={"data": data})


@pytest.fixture
def clock_back(api: Api) -> Iterator[Api]:
    """For a test that moves the clock of the module's app: it is put back afterwards."""
    before = api.clock.now()
    yield api
    api.clock.set(before)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    clock = FrozenClock(PUBLISHED - timedelta(days=1))
    url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'concerto.sqlite'}"
    app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test", "CLOCK": clock})
    engine: Engine = app.extensions["concerto"]
    engine.management.create_schema()
    calls.deploy(engine)
    calls.open_call(engine, {}, actor="staff")
    clock.set(PUBLISHED + timedelta(days=1))
    engine.timers.fire_due()
    env = Api(app.test_client(), engine, clock)
    for username, roles in USERS.items():
        engine.identity.create_user(username, PASSWORD, roles=roles, email=f"{username}@x.fr")
        # Tests move the clock through a whole call: these tokens outlive it.
        env.tokens[username] = engine.identity.issue_token(username, lifetime=timedelta(days=3650))
    yield env
    engine.close()
