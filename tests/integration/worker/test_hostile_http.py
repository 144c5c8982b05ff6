"""Over HTTP, against gunicorn: while a request runs a script that no time limit can interrupt,
the service answers `/health` and a sign-in within a second; the request gets a 422 naming the
element, and nothing of it is stored."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from tests import samples
from tests.servers import call, gunicorn
from web import create_app

PASSWORD = "mot-de-passe-juste"


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
    with gunicorn(database) as port:
        call(port, "GET", "/health")  # both workers up, the sandbox processes started
        started: dict[str, Any] = {}

        def hostile() -> None:
            body = {
                "process_id": "hostile",
                "variables": {"x": 1, "deadline": "2030-01-01T00:00:00+00:00"},
            }
            started["answer"] = call(port, "POST", "/api/instances", body, token)

        runner = threading.Thread(target=hostile)
        runner.start()
        time.sleep(0.3)  # the script is running
        timings = {}
        for name, method, path, body in (
            ("health", "GET", "/health", None),
            ("sign-in", "POST", "/api/auth/token", {"username": "staff", "password": PASSWORD}),
        ):
            begin = time.monotonic()
            status, _ = call(port, method, path, body)
            timings[name] = (status, time.monotonic() - begin)
        runner.join()
        assert timings["health"][0] == 200 and timings["health"][1] < 1, timings
        assert timings["sign-in"][0] == 201 and timings["sign-in"][1] < 1, timings
        status, problem = started["answer"]
        assert status == 422 and problem["errors"] == {"element": ["compute"]}, problem
        listed = call(port, "GET", "/api/instances", token=token)[1]
        assert listed == []  # nothing of the failed request
