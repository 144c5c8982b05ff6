"""The modeling side measured: the diagram editor's load with the FACT dossier diagram in
headless Chromium, and the validation of that diagram over the API.

The editor's load is timed from the navigation's start to the modeler ready (the diagram drawn,
the properties panel beside it), first visit then visits with the assets cached; the versions
page (server-rendered, no diagram) is loaded the same way as the baseline. Validation posts the
dossier process's files (diagram, decision table, forms) to `POST /api/processes/fact_dossier/
validation`, `/health` answering in the same run as the baseline.

    python bench/modeling.py [--loads 5] [--requests 100]   (also run by bench/pages.py)

Targets: the editor loads in under 2 s; validation answers in p95 < 300 ms.
"""

from __future__ import annotations

import sys

sys.path[:] = [p for p in sys.path if not p.endswith("bench")]

import argparse
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server

from engine import FrozenClock
from web import create_app
from workflows.fact import calls

LOAD_TARGET_S = 2.0
VALIDATION_TARGET_MS = 300.0
STAFF, PASSWORD = "modeleuse@bench.example", "bench-password"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any) -> None:  # the figures are the output
        pass


@contextmanager
def served(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def editor_loads(app: Any, loads: int) -> dict[str, Any]:
    """Seconds from navigation to ready: the editor and the versions page, first and cached."""
    from playwright.sync_api import sync_playwright

    engine = app.extensions["concerto"]
    version = engine.repository.latest(calls.DOSSIER_PROCESS)
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Chromium is missing (scripts/setup-env test installs it)")
    with served(app) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}/connexion")
        page.fill("#username", STAFF)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")

        def timed(path: str, ready: str) -> float:
            page.goto(f"{url}{path}")
            page.wait_for_selector(ready)
            return page.evaluate("performance.now()") / 1000  # since this navigation started

        editor = f"/modeles/versions/{version.id}/editeur"
        first = timed(editor, "[data-modeler].modeler-ready")
        cached = [timed(editor, "[data-modeler].modeler-ready") for _ in range(loads)]
        baseline = [timed("/modeles", "h1") for _ in range(loads)]
        browser.close()
    return {
        "first_s": round(first, 3),
        "cached_median_s": round(statistics.median(cached), 3),
        "cached_max_s": round(max(cached), 3),
        "versions_page_median_s": round(statistics.median(baseline), 3),
    }


def validation_times(app: Any, requests: int) -> dict[str, float]:
    """p50 and p95 of the validation of the dossier process's files, and of /health."""
    engine = app.extensions["concerto"]
    files = engine.repository.files(engine.repository.latest(calls.DOSSIER_PROCESS).id)
    client = app.test_client()
    token = engine.identity.issue_token(STAFF)
    headers = {"Authorization": f"Bearer {token}"}

    sent = iter(range(10**9))

    def post() -> Any:  # each time another text (a comment counts): nothing can be reused
        mark = f"\n<!-- {next(sent)} -->\n"
        body = {"files": [(_stream(content + mark if name.endswith(".bpmn") else content), name)
                          for name, content in files.items()]}  # fmt: skip
        return client.post("/api/processes/fact_dossier/validation", data=body, headers=headers)

    def timed(call: Any) -> list[float]:
        for _ in range(5):
            assert call().status_code == 200
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            answer = call()
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, answer.text
        return sorted(times)

    checked, health = timed(post), timed(lambda: client.get("/health"))
    return {
        "p50_ms": round(statistics.median(checked), 1),
        "p95_ms": round(checked[int(len(checked) * 0.95) - 1], 1),
        "health_p50_ms": round(statistics.median(health), 2),
    }


def _stream(content: str) -> Any:
    import io

    return io.BytesIO(content.encode())


def ready_app(folder: Path) -> Any:
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'modeling.sqlite'}",
                      "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "CLOCK": FrozenClock(datetime.now(UTC))})  # fmt: skip
    engine = app.extensions["concerto"]
    engine.management.create_schema()
    calls.deploy(engine)
    return app


def prepare(app: Any) -> None:
    """The staff member the figures are taken as."""
    engine = app.extensions["concerto"]
    engine.identity.create_user(STAFF, PASSWORD, roles=["staff"], email=STAFF)


def figures(app: Any, loads: int, requests: int) -> dict[str, Any]:
    prepare(app)
    return {"editor": editor_loads(app, loads), "validation": validation_times(app, requests)}


def report(measured: dict[str, Any]) -> None:
    editor, checked = measured["editor"], measured["validation"]
    verdict = "ok" if max(editor["first_s"], editor["cached_max_s"]) < LOAD_TARGET_S else (
        "OVER TARGET")  # fmt: skip
    print(f"diagram editor (FACT dossier diagram): first visit {editor['first_s']} s, cached "
          f"median {editor['cached_median_s']} s, max {editor['cached_max_s']} s ({verdict}); "
          f"versions page {editor['versions_page_median_s']} s "
          f"(x{editor['cached_median_s'] / editor['versions_page_median_s']:.1f})")  # fmt: skip
    verdict = "ok" if checked["p95_ms"] < VALIDATION_TARGET_MS else "OVER TARGET"
    print(f"validation of the dossier diagram: p50 {checked['p50_ms']} ms, p95 "
          f"{checked['p95_ms']} ms ({verdict}); /health p50 {checked['health_p50_ms']} ms "
          f"(x{checked['p50_ms'] / checked['health_p50_ms']:.0f})")  # fmt: skip
    print(f"targets: editor < {LOAD_TARGET_S:.0f} s, validation p95 < "
          f"{VALIDATION_TARGET_MS:.0f} ms")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="concerto-modeling-") as tmp:
        app = ready_app(Path(tmp))
        measured = figures(app, args.loads, args.requests)
        app.extensions["concerto"].close()
    report(measured)
    return 0


if __name__ == "__main__":
    sys.exit(main())
