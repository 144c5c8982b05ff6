"""Concerto served by gunicorn in real worker processes, for tests over HTTP."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def gunicorn(
    database_url: str, *, workers: int = 2, env: Mapping[str, str] | None = None
) -> Iterator[int]:
    """gunicorn serving the app on `database_url` (schema made); yields its port once it
    answers, stops it afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "tests",
                   "PYTHONPATH": str(ROOT), **(env or {})}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "web:create_app()", "--config",
         "python:web.gunicorn_conf", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--log-level", "warning"],
        env=environment, cwd=ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                call(port, "GET", "/health")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def call(port: int, method: str, path: str, body: Any = None, token: str = "") -> tuple[int, Any]:
    """One request on its own connection (so that any worker may take it): status and JSON."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, json.dumps(body) if body is not None else None, headers)
        answer = connection.getresponse()
        content = answer.read()
        return answer.status, json.loads(content) if content else None
    finally:
        connection.close()
