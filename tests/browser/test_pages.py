"""Sign-in, the mails page and the API documentation, as a person sees them in Chromium."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from .conftest import PASSWORD, Live, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_pages_sign_in_refuses_a_wrong_password_then_signs_in_and_out(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live.url}/espace")
    assert page.url.startswith(f"{live.url}/connexion")  # this page needs a session
    page.fill("#username", "mission.fact")
    page.fill("#password", "pas-le-bon")
    page.click("button[type=submit]")
    assert page.inner_text("[role=alert]") == "Identifiant ou mot de passe incorrect."
    assert page.input_value("#username") == "mission.fact"
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    assert page.inner_text("h1") == "Espace de travail"  # back where it was asked for
    assert "Mission Fact" in page.inner_text("header") and "staff" in page.inner_text("main")
    # The session also works for the API, from the same browser.
    me = page.request.get(f"{live.url}/api/auth/me").json()
    assert me["username"] == "mission.fact"
    page.click("text=Se déconnecter")
    assert page.inner_text("h1") == "Connexion"
    assert page.request.get(f"{live.url}/api/auth/me").status == 401


def test_pages_mails_are_listed_and_shown_to_staff_only(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    message = EmailMessage()
    message["Subject"] = "Accusé de réception de votre dossier FACT-2020-01-0007"
    message["To"] = "porteur@example.org"
    message["Date"] = format_datetime(datetime(2020, 3, 2, 9, 30, tzinfo=UTC))
    message.set_content("Votre dossier a été déposé le 2 mars 2020 à 10 h 30.")
    message.add_alternative("<p>Votre dossier a été <strong>déposé</strong>.</p>", subtype="html")
    mailbox.Maildir(str(live.maildir), create=True).add(message)

    sign_in(page, live, "eva")
    assert page.goto(f"{live.url}/courriels").status == 403  # a reviewer does not read them
    page.context.clear_cookies()  # a new session

    sign_in(page, live, "mission.fact")
    page.click("nav >> text=Courriels")
    assert page.inner_text("h1") == "Courriels"
    row = page.locator("tbody tr", has_text="porteur@example.org")
    assert "porteur@example.org" in row.inner_text()
    assert "2 mars 2020 à 10 h 30" in " ".join(row.inner_text().split())  # 09:30 UTC, in Paris
    assert "Date (heure de Paris)" in page.inner_text("thead")
    screenshot(page, "courriels")
    row.locator("a").click()
    assert page.inner_text("h1") == "Accusé de réception de votre dossier FACT-2020-01-0007"
    assert "Date : 2 mars 2020 à 10 h 30 (heure de Paris)" in " ".join(
        page.inner_text("main").split()
    )
    screenshot(page, "courriel")
    assert "déposé le 2 mars 2020" in page.inner_text("pre")
    html = page.frame_locator("iframe").locator("strong")
    assert html.inner_text() == "déposé"


def test_pages_api_documentation_works_offline(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    elsewhere: list[str] = []

    def local_only(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(live.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", local_only)
    page.goto(f"{live.url}/api/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert page.inner_text(".swagger-ui .info .title").startswith("Concerto")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/tasks/{task_id}/completion" in [p.replace("\u200b", "") for p in paths]
    assert elsewhere == []
