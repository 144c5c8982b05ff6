"""Sign-in attempts are counted in the store every worker shares (Redis here): two gunicorn
workers refuse the sixth failure on an account from one address, whichever served the five."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import redis

from tests.servers import call, gunicorn
from web import create_app


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {url}")
        pytest.skip(f"Redis is not reachable at {url}")
    return url


def test_failures_are_counted_for_every_worker(tmp_path: Path, redis_url: str) -> None:
    database = f"sqlite:///{tmp_path / 'concerto.sqlite'}"
    app = create_app({"DATABASE_URL": database, "SECRET_KEY": "limits"})
    engine = app.extensions["concerto"]
    engine.management.create_schema()
    username = f"lea-{uuid.uuid4().hex[:8]}"  # counts of other runs never apply
    engine.identity.create_user(username, "mot-de-passe-juste", roles=["staff"], email="l@x.fr")
    engine.close()
    with gunicorn(database, env={"RATELIMIT_STORAGE_URI": redis_url}) as port:
        wrong = {"username": username, "password": "mot-de-passe-faux"}
        codes = [call(port, "POST", "/api/auth/token", wrong)[0] for _ in range(6)]
        assert codes == [403] * 5 + [429]
        right = {"username": username, "password": "mot-de-passe-juste"}
        assert call(port, "POST", "/api/auth/token", right)[0] == 429  # this address, a minute
