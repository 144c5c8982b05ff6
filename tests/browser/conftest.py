"""Pages in a real browser: Chromium driven by Playwright against a live server in a thread."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from engine import Engine, FrozenClock, NotFoundError
from handlers.mailsink import StoredMail, read_sink, start_sink
from web import create_app
from workflows.fact import calls, dossiers
from workflows.fact.bots import attach_pieces, deposit_form
from workflows.fact.simulation import SimulationReport, simulate
from workflows.french import PARIS

PASSWORD = "mot-de-passe-navigateur"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Live:
    url: str
    maildir: Path
    engine: Engine

    def deliver(self) -> list[StoredMail]:
        """Send what the outbox holds, as a worker would; every mail the sink kept, newest
        first."""
        while any(self.engine.outbox.dispatch("browser-tests", limit=50)):
            pass
        return read_sink(self.maildir)

    def link_in_last_mail(self, to: str) -> str:
        """The first link of the newest mail to `to`."""
        mail = next(m for m in self.deliver() if to in m.recipients)
        return re.search(r"https?://\S+", mail.text()).group(0)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """Concerto served on a free port (fresh SQLite), with a staff member and a reviewer."""
    folder = tmp_path_factory.mktemp("browser")
    smtp_port, web_port = _free_port(), _free_port()
    sink = start_sink(folder / "mails", port=smtp_port)  # every mail really goes over SMTP
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'concerto.sqlite'}",
            "SECRET_KEY": "browser",
            "BASE_URL": f"http://127.0.0.1:{web_port}",  # where the mails' links lead
            "MAILDIR": str(folder / "mails"),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp_port,
            "MAIL_FROM": "concerto@concerto.invalid",
            "CLOCK": FrozenClock(datetime.now(UTC)),  # tests move it to reach later stages
        }
    )
    engine = app.extensions["concerto"]
    engine.management.create_schema()
    calls.deploy(engine)
    now = engine.clock.now().astimezone(PARIS)
    calls.open_call(  # published yesterday, deadline in three weeks at 23:59:59 Paris time
        engine,
        {
            "reference": "2026-TEST",
            "title": "Transformation Numérique Concertée",
            "publication_at": (now - timedelta(days=1)).isoformat(),
            "deposit_deadline": f"{(now + timedelta(weeks=3)).date()}T23:59:59",
            "commission_at": f"{(now + timedelta(weeks=6)).date()}T09:30:00",
        },
        actor="test",
    )
    engine.identity.create_user(
        "mission.fact", PASSWORD, roles=["staff"], email="fact@x.fr", display_name="Mission Fact"
    )
    engine.identity.create_user("eva", PASSWORD, roles=["reviewer"], email="eva@x.fr")
    with served(app, web_port) as url:
        yield Live(url, folder / "mails", engine)
    sink.stop()
    engine.close()


@contextmanager
def served(app: Any, port: int = 0) -> Iterator[str]:
    """The app answering on a local port, in a thread, while in the block; yields its URL."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing (scripts/setup-env test installs it)")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    # The pages forbid inline scripts; axe is injected as one, so the test context bypasses the
    # policy (tests/browser/test_foundation.py checks that pages send it).
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def deposited_dossier(live: Live, holder: str, n: int = 1, **answers: Any) -> str:
    """A dossier of the live call deposited by `holder` (an applicant account made if need
    be), its pieces sent and its form filled (`bots.deposit_form(n)`, then `answers`)."""
    engine = live.engine
    try:
        engine.identity.get(holder)
    except NotFoundError:
        engine.identity.create_user(holder, PASSWORD, roles=["applicant"], email=holder)
    dossier = dossiers.create_draft(
        engine, "2026-TEST", holder_user=holder, holder_email=holder, track="entreprise",
        actor=holder,
    ).business_key or ""  # fmt: skip
    attach_pieces(engine, dossier, actor=holder)
    dossiers.save_draft(engine, dossier, {**deposit_form(n), **answers}, actor=holder)
    dossiers.deposit(engine, dossier, actor=holder)
    return dossier


def sign_in(page, live: Live, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live.url}/connexion")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():  # signed in (or refused) before the test goes on
        page.click("button[type=submit]")


SCREENS = Path(__file__).resolve().parents[2] / "test-results" / "screens"  # git-ignored


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def check_page(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Keep the page's screenshots and hold it to axe: no violation serious or critical."""
    screenshot(page, name)
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing (scripts/setup-env installs it from npm)")
        return
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name}: {serious}"


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Keep the page as a person sees it, on a laptop (1280 px) and on a phone (390 px)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
    if size:
        page.set_viewport_size(size)


@pytest.fixture(scope="session")
def simulated(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Live, SimulationReport]]:
    """The call 2020-01 simulated with 40 applicants and served, with the simulation's report;
    a staff member and an observer sign in."""
    folder = tmp_path_factory.mktemp("simulated")
    url = f"sqlite:///{folder / 'simulation.sqlite'}"
    report = simulate(40, 3, database_url=url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "simulated",
                      "MAILDIR": str(folder / "mails")})  # fmt: skip
    engine = app.extensions["concerto"]
    engine.identity.create_user("mission.fact", PASSWORD, roles=["staff"], email="f@x.fr")
    engine.identity.create_user("relais", PASSWORD, roles=["observer"], email="r@x.fr")
    with served(app) as address:
        yield Live(address, folder / "mails", engine), report
    engine.close()
