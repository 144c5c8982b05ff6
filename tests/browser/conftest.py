"""Pages in a real browser: Chromium driven by Playwright against a live server in a thread."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from web import create_app

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


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """Concerto served on a free port (fresh SQLite), with a staff member and a reviewer."""
    folder = tmp_path_factory.mktemp("browser")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'concerto.sqlite'}",
            "SECRET_KEY": "browser",
            "MAILDIR": str(folder / "mails"),
        }
    )
    engine = app.extensions["concerto"]
    engine.management.create_schema()
    engine.identity.create_user(
        "mission.fact", PASSWORD, roles=["staff"], email="fact@x.fr", display_name="Mission Fact"
    )
    engine.identity.create_user("eva", PASSWORD, roles=["reviewer"], email="eva@x.fr")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Live(f"http://127.0.0.1:{server.server_port}", folder / "mails")
    server.shutdown()
    thread.join()
    engine.close()


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
    context = browser.new_context(locale="fr-FR")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def sign_in(page, live: Live, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live.url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


SCREENS = Path(__file__).resolve().parents[2] / "test-results" / "screens"  # git-ignored


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Keep the page as a person sees it, on a laptop (1280 px) and on a phone (390 px)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
    if size:
        page.set_viewport_size(size)
