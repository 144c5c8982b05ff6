"""Accounts as an applicant makes one in Chromium: sign-up (errors beside their fields and
summed up at the top), the confirmation link read from the mail sink, sign-in, the structure's
page, a forgotten password."""

from __future__ import annotations

import re

import pytest

from .conftest import Live, check_page

pytestmark = pytest.mark.browser

EMAIL = "sophie.durand@atelier-exemple.fr"
PASSWORD = "jardin-potager-2026"


def words(text: str) -> str:
    return " ".join(text.split())


def test_accounts_sign_up_confirm_sign_in_and_reset(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live.url}/")
    page.click("header >> text=Créer un compte")
    assert page.inner_text("h1") == "Créer un compte porteur de projet"
    check_page(page, "inscription")
    page.fill("#display_name", "Sophie Durand")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    page.fill("#name", "Atelier Exemple")
    page.fill("#siret", "732 829 320 00075")  # a wrong key
    page.select_option("#holder_type", "company")
    page.fill("#headcount", "35")
    page.click("main button[type=submit]")
    summary = page.locator(".error-summary")
    assert "SIRET : SIRET invalide" in words(summary.inner_text())
    assert page.evaluate("document.activeElement.id") == "erreurs"  # read first
    assert page.get_attribute("#siret", "aria-invalid") == "true"
    assert page.input_value("#name") == "Atelier Exemple"  # nothing typed is lost
    check_page(page, "inscription-erreur")
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.id") == "siret"
    page.fill("#siret", "732 829 320 00074")
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    page.click("main button[type=submit]")
    assert page.inner_text("h1") == "Vérifiez votre messagerie"
    check_page(page, "inscription-courriel")

    page.goto(f"{live.url}/connexion")
    page.fill("#username", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("main form >> nth=-1 >> button[type=submit]")
    assert "n'est pas encore confirmée" in page.inner_text("[role=alert]")

    link = live.link_in_last_mail(EMAIL)
    assert re.match(rf"{live.url}/inscription/confirmer/", link)
    page.goto(link)
    assert page.inner_text("h1") == "Connexion"
    assert "est confirmée" in page.inner_text("[role=status]")
    page.fill("#username", EMAIL.upper())
    page.fill("#password", PASSWORD)
    page.click("main form >> nth=-1 >> button[type=submit]")
    assert page.inner_text("h1") == "Appels à projets"  # an applicant starts on the calls
    page.click("header >> text=Sophie Durand")
    assert page.input_value("#siret") == "73282932000074"
    page.fill("#headcount", "36")
    page.click("main button[type=submit]")
    assert "sont enregistrées" in page.inner_text("[role=status]")
    check_page(page, "mon-compte")
    page.click("text=Se déconnecter")

    page.click("text=Mot de passe oublié ?")
    check_page(page, "mot-de-passe-oublie")
    page.fill("#email", EMAIL)
    page.click("main button[type=submit]")
    assert "Si un compte existe" in page.inner_text("main")
    link = live.link_in_last_mail(EMAIL)
    page.goto(link)
    check_page(page, "nouveau-mot-de-passe")
    page.fill("#password", "un tout nouveau secret")
    page.fill("#password_again", "un tout nouveau secret")
    page.click("main button[type=submit]")
    assert "nouveau mot de passe est enregistré" in page.inner_text("[role=status]")
    page.goto(link)
    page.fill("#password", "encore un autre secret")
    page.fill("#password_again", "encore un autre secret")
    page.click("main button[type=submit]")
    assert page.inner_text("h1") == "Lien refusé" and "déjà servi" in page.inner_text("main")
    check_page(page, "lien-refuse")
