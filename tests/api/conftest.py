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
import sqlalchemy
from flask.testing import FlaskClient

from engine import Engine, FrozenClock
from engine.commands import make_sql_engine
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


def call_config(reference: str, **changes: Any) -> dict[str, Any]:
    """A configuration POST /api/calls takes: the seed's title, dates (Paris time) and envelope,
    which the API does not default, under another reference."""
    return {
        "reference": reference,
        "title": "Transformation Numérique Concertée",
        "publication_at": "2020-02-19T09:00:00",
        "deposit_deadline": "2020-04-14T23:59:59",
        "commission_at": "2020-05-05T09:30:00",
        "envelope": 800_000,
        **changes,
    }


@dataclass
class Api:
    client: FlaskClient
    engine: Engine
    clock: FrozenClock
    url: str
    tokens: dict[str, str] = field(default_factory=dict)

    def stored(self) -> dict[str, list[str]]:
        """Every row of every table, read on a connection of its own: to show that a refused
        request left the database as it was."""
        sql = make_sql_engine(self.url, for_reads=True)
        try:
            with sql.connect() as connection:
                tables = sqlalchemy.inspect(connection).get_table_names()
                return {
                    table: sorted(
                        map(repr, connection.execute(sqlalchemy.text(f'SELECT * FROM "{table}"')))
                    )
                    for table in tables
                }
        finally:
            sql.dispose()

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


def _api_on(url: str) -> Iterator[Api]:
    clock = FrozenClock(PUBLISHED - timedelta(days=1))
    app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test", "CLOCK": clock})
    engine: Engine = app.extensions["concerto"]
    engine.management.create_schema()
    calls.deploy(engine)
    calls.open_call(engine, {}, actor="staff")
    clock.set(PUBLISHED + timedelta(days=1))
    engine.timers.fire_due()
    env = Api(app.test_client(), engine, clock, url)
    for username, roles in USERS.items():
        engine.identity.create_user(username, PASSWORD, roles=roles, email=f"{username}@x.fr")
        # Tests move the clock through a whole call: these tokens outlive it.
        env.tokens[username] = engine.identity.issue_token(username, lifetime=timedelta(days=3650))
    yield env
    engine.close()


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    yield from _api_on(f"sqlite:///{tmp_path_factory.mktemp('api') / 'concerto.sqlite'}")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def stored_api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    """The same app on SQLite, then on PostgreSQL: for what storage could take or refuse."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'concerto.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_server")()
    yield from _api_on(url)
