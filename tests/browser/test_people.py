"""People: staff invite a person with roles (the mail's link opens the account), change
roles, close and reopen an account; each change is in the audit with who made it."""

from __future__ import annotations

import pytest

from .conftest import PASSWORD, Live, check_page, sign_in

pytestmark = pytest.mark.browser


def test_staff_invite_change_roles_and_close_an_account(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live, "mission.fact")
    page.click("nav >> text=Personnes")
    page.fill("#display_name", "Claire Observatrice")
    page.fill("#email", "claire@x.fr")
    page.click("button:has-text('Envoyer l\\'invitation')")  # no role: refused
    assert "choisissez au moins un rôle" in page.locator(".error-summary").inner_text()
    page.check("#role-observer")
    page.click("button:has-text('Envoyer l\\'invitation')")
    assert "Invitation envoyée à claire@x.fr" in page.locator("[role=status]").inner_text()
    row = page.locator("tr", has_text="claire@x.fr")
    assert "Observateur" in row.inner_text() and "invité" in row.inner_text()
    check_page(page, "people")

    link = live.link_in_last_mail("claire@x.fr")
    visitor = page.context.browser.new_page()
    visitor.goto(link)
    visitor.fill("#password", PASSWORD)
    visitor.fill("#password_again", PASSWORD)
    visitor.click("main button[type=submit]")
    visitor.close()
    assert live.engine.identity.get("claire@x.fr").active

    page.click("text=Claire Observatrice")
    page.check("#role-commission")
    page.click("button:has-text('Enregistrer les rôles')")
    assert "Rôles enregistrés" in page.locator("[role=status]").inner_text()
    assert set(live.engine.identity.get("claire@x.fr").roles) == {"observer", "commission"}
    page.check("#role-admin")  # an administrator's role is for administrators to give
    page.click("button:has-text('Enregistrer les rôles')")
    assert "seul un administrateur" in page.locator("#roles-erreur").inner_text()

    page.click("button:has-text('Fermer le compte')")
    assert not live.engine.identity.get("claire@x.fr").active
    journal = " ".join(page.locator("#journal + .timeline").inner_text().split())
    assert "mission.fact : compte fermé" in journal
    assert "→ Commission, Observateur (représentant du personnel)" in journal
    assert "compte créé (Observateur (représentant du personnel))" in journal
    check_page(page, "person")


def test_only_staff_manage_people(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live, "eva")
    assert page.goto(f"{live.url}/personnes").status == 403
    assert page.goto(f"{live.url}/personnes/mission.fact").status == 403
