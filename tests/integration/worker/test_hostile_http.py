"""Over HTTP, against gunicorn: while a request runs a script that no time limit can interrupt,
the service answers `/health` and a sign-in within a second; the request gets a 422 naming the
element, and nothing of it is stored."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tests import samples
from web import create_app

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "mot-de-passe-juste"


def _call(port: int, method: str, path: str, body: Any = None, token: str = "") -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, json.dumps(body) if body is not None else None, headers)
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"null")
    finally:
        connection.close()


def test_the_service_answers_while_a_hostile_script_runs(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'concerto.sqlite'}"
    app = create_app({"DATABASE_URL": database, "SECRET_KEY": "hostile"})
    engine = app.extensions["concerto"]
    engine.management.create_schema()
    engine.identity.create_user("staff", PASSWORD, roles=["staff"], email="s@x.fr")
    engine.repository.deploy("hostile", {"h.bpmn": samples.approval(
        "hostile", script="y = sum(range(10 ** 13))")}, author="t")  # fmt: skip
    token = engine.identity.issue_token("staff")
    engine.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "hostile",
           "PYTHONPATH": str(ROOT)}  # fmt: skip
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
                _call(port, "GET", "/health")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        _call(port, "GET", "/health")  # both workers up, the sandbox processes started
        started: dict[str, Any] = {}

        def hostile() -> None:
            body = {
                "process_id": "hostile",
                "variables": {"x": 1, "deadline": "2030-01-01T00:00:00+00:00"},
            }
            started["answer"] = _call(port, "POST", "/api/instances", body, token)

        runner = threading.Thread(target=hostile)
        runner.start()
        time.sleep(0.3)  # the script is running
        timings = {}
        for name, call in (
            ("health", lambda: _call(port, "GET", "/health")),
            ("sign-in", lambda: _call(port, "POST", "/api/auth/token",
                                      {"username": "staff", "password": PASSWORD})),
        ):  # fmt: skip
            begin = time.monotonic()
            status, _ = call()
            timings[name] = (status, time.monotonic() - begin)
        runner.join()
        assert timings["health"][0] == 200 and timings["health"][1] < 1, timings
        assert timings["sign-in"][0] == 201 and timings["sign-in"][1] < 1, timings
        status, problem = started["answer"]
        assert status == 422 and problem["errors"] == {"element": ["compute"]}, problem
        listed = _call(port, "GET", "/api/instances", token=token)[1]
        assert listed == []  # nothing of the failed request
    finally:
        server.terminate()
        server.wait(timeout=30)
