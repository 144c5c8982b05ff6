"""Shared fixtures: a database per test (SQLite always, PostgreSQL when configured), engines."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg import sql

from engine import (
    Clock,
    Dispatcher,
    Engine,
    EngineConfig,
    FrozenClock,
    RetryPolicy,
    Service,
    Summarizer,
)

T0 = datetime(2020, 2, 1, 8, 0, tzinfo=UTC)


def _postgres_admin_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL must be set in CI")
        pytest.skip("TEST_DATABASE_URL is not set")
    return url


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Callable[[], str]]:
    """Creates databases with random names on the test server and drops them all at the end."""
    admin = _postgres_admin_url().replace("postgresql+psycopg://", "postgresql://")
    created: list[str] = []

    def create() -> str:
        name = f"concerto_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        created.append(name)
        return admin.rsplit("/", 1)[0] + "/" + name

    yield create
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in created:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A fresh, empty database for one test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'concerto.sqlite'}"
    return request.getfixturevalue("postgres_server")()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def module_database_url(request: pytest.FixtureRequest, tmp_path_factory) -> str:  # type: ignore[no-untyped-def]
    """A fresh, empty database for a module whose tests only read what it sets up once."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('module') / 'concerto.sqlite'}"
    return request.getfixturevalue("postgres_server")()


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return f"sqlite:///{tmp_path / 'concerto.sqlite'}"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


EngineFactory = Callable[..., Engine]


@pytest.fixture
def make_engine(database_url: str, clock: FrozenClock) -> Iterator[EngineFactory]:
    """Builds engines on the test database (schema created once); closes them afterwards."""
    engines: list[Engine] = []

    def build(
        services: Mapping[str, Service] | None = None,
        *,
        with_clock: Clock | None = None,
        script_time_limit: float = 1.0,
        dispatchers: Mapping[str, Dispatcher] | None = None,
        retries: RetryPolicy | None = None,
        max_instance_data: int = 16 * 2**20,
        summaries: Mapping[str, Summarizer] | None = None,
        message_ttl: timedelta = timedelta(hours=1),
    ) -> Engine:
        engine = Engine(
            EngineConfig(
                database_url=database_url,
                clock=with_clock or clock,
                services=services or {},
                dispatchers=dispatchers or {},
                retries=retries or RetryPolicy(),
                script_time_limit=script_time_limit,
                max_instance_data=max_instance_data,
                summaries=summaries or {},
                message_ttl=message_ttl,
            )
        )
        if not engines:
            engine.management.create_schema()
        engines.append(engine)
        return engine

    yield build
    for engine in engines:
        engine.close()


@pytest.fixture
def engine(make_engine: EngineFactory) -> Engine:
    return make_engine()
