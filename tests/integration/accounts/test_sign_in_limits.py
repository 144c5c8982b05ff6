"""Sign-in attempts are counted in the store every worker shares (Redis here): two gunicorn
workers refuse the sixth failure on an account from one address, whichever served the five."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from web import create_app

ROOT = Path(__file__).resolve().parents[3]


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


def _post(port: int, body: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # one per attempt
    try:
        connection.request("POST", "/api/auth/token", json.dumps(body),
                           {"Content-Type": "application/json"})  # fmt: skip
        return connection.getresponse().status
    finally:
        connection.close()


def test_failures_are_counted_for_every_worker(tmp_path: Path, redis_url: str) -> None:
    database = f"sqlite:///{tmp_path / 'concerto.sqlite'}"
    app = create_app({"DATABASE_URL": database, "SECRET_KEY": "limits"})
    engine = app.extensions["concerto"]
    engine.management.create_schema()
    username = f"lea-{uuid.uuid4().hex[:8]}"  # counts of other runs never apply
    engine.identity.create_user(username, "mot-de-passe-juste", roles=["staff"], email="l@x.fr")
    engine.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "limits",
           "RATELIMIT_STORAGE_URI": redis_url, "PYTHONPATH": str(ROOT)}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "web:create_app()", "--config",
         "python:web.gunicorn_conf", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _post(port, {"username": "personne", "password": "x"}) == 403:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        wrong = {"username": username, "password": "mot-de-passe-faux"}
        codes = [_post(port, wrong) for _ in range(6)]
        assert codes == [403] * 5 + [429]
        right = {"username": username, "password": "mot-de-passe-juste"}
        assert _post(port, right) == 429  # from this address, for a minute
    finally:
        server.terminate()
        server.wait(timeout=30)
