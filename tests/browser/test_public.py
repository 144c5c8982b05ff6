"""The public pages and the page foundation, as a person sees them in Chromium: the open calls,
a call's page, French error pages, the keyboard, the security headers and the built assets."""

from __future__ import annotations

import re

import pytest

from .conftest import Live, check_page, sign_in

pytestmark = pytest.mark.browser


def words(text: str) -> str:
    return " ".join(text.split())


def test_public_open_calls_show_the_paris_deadline_and_the_time_left(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live.url}/")
    assert page.inner_text("h1") == "Appels à projets"
    card = words(page.locator(".card").first.inner_text())
    assert "Transformation Numérique Concertée" in card and "Appel n° 2026-TEST" in card
    assert re.search(
        r"Date limite de dépôt : \w+ \d+(er)? \w+ \d{4} à 23 h 59, heure de Paris", card
    )
    assert re.search(r"Il reste (20|21) jours", card)
    check_page(page, "appels")
    page.click("text=Transformation Numérique Concertée")
    assert page.inner_text("h1") == "Transformation Numérique Concertée"
    text = words(page.inner_text("main"))
    for expected in (
        "Un brouillon n'est pas un dépôt",
        "Entreprises ou associations de moins de 300 salariés.",
        "Action sectorielle (branche) territoriale ou nationale Acteur relais territorial, "
        "Acteur relais national",
        "Qualité du partenariat technique et financier",
        "Une enveloppe globale de 800 000 € est affectée",
        "dans un délai d'un mois après la commission",
        "infofact@anact.fr",
    ):
        assert expected in text, expected
    assert page.locator("ol").nth(1).locator("li").count() == 6  # the six criteria
    check_page(page, "appel")


def test_public_unknown_call_is_a_french_page_with_a_way_back(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(f"{live.url}/appels/1999-99")
    assert response.status == 404
    assert page.inner_text("h1") == "Introuvable"
    assert "appel à projets 1999-99 introuvable" in page.inner_text("main")
    assert page.locator("main a", has_text="Retour aux appels à projets").count() == 1
    check_page(page, "erreur-404")
    assert page.goto(f"{live.url}/courriels/rien").status in (302, 200)  # sign-in first
    assert page.url.startswith(f"{live.url}/connexion?next=")


def test_pages_can_be_used_with_the_keyboard_alone(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live.url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    for _ in range(12):  # on to the first call, by the keyboard only
        page.keyboard.press("Tab")
        if (
            page.evaluate("document.activeElement.textContent")
            == "Transformation Numérique Concertée"
        ):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/appels/2026-TEST$"))
    sign_in(page, live, "mission.fact")
    check_page(page, "espace")


def test_pages_send_their_security_policy_and_assets_are_built_and_cached(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(f"{live.url}/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    styles = page.locator("link[rel=stylesheet]").get_attribute("href")
    assert re.fullmatch(r"/static/dist/concerto\.[0-9a-f]{12}\.css", styles)
    asset = page.request.get(f"{live.url}{styles}", headers={"Accept-Encoding": "gzip"})
    assert asset.status == 200
    assert "immutable" in asset.headers["cache-control"]
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "16px"
    scripts = page.locator("script[src]").evaluate_all("nodes => nodes.map(n => n.src)")
    assert all(src.startswith(live.url) for src in scripts) and len(scripts) >= 2
