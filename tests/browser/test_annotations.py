"""Staff annotate a dossier from its page; the holder's page never shows the note."""

from __future__ import annotations

import pytest

from .conftest import Live, check_page, deposited_dossier, sign_in

pytestmark = pytest.mark.browser


def test_staff_annotate_a_dossier_and_its_holder_never_reads_it(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    dossier = deposited_dossier(live, "annotee@x.fr")
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/instruction/dossiers/{dossier}")
    assert "Aucune note pour l'instant." in page.locator("#notes").inner_text()
    page.click("#notes button:has-text('Enregistrer la note')")  # empty: the browser says so
    page.fill("#note", "Appeler le porteur :\nle budget annexe semble incomplet.")
    page.click("#notes button:has-text('Enregistrer la note')")
    assert "Note enregistrée" in page.locator("[role=status].notice").inner_text()
    notes = page.locator("#notes .notes li")
    assert notes.count() == 1
    assert "le budget annexe semble incomplet." in notes.inner_text()
    assert "mission.fact" in notes.inner_text()
    check_page(page, "dossier-notes")

    page.context.clear_cookies()
    sign_in(page, live, "annotee@x.fr")
    page.goto(f"{live.url}/mes-dossiers")
    page.click(f"text={dossier}")
    assert "budget annexe semble incomplet" not in page.content()
    assert page.goto(f"{live.url}/instruction/dossiers/{dossier}").status == 403


def test_staff_write_to_the_holders_of_the_dossiers_they_tick(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    chosen = [deposited_dossier(live, f"groupe{n}@x.fr", n) for n in range(2)]
    other = deposited_dossier(live, "pas-coche@x.fr")
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/instruction/dossiers?etat=Déposé")
    page.click("#bulk summary:has-text('Écrire')")
    page.click("#bulk button:has-text('Envoyer')")  # nothing ticked
    assert "Cochez les dossiers" in page.locator("[role=status].notice").inner_text()
    for key in chosen:
        page.check(f"#pick-{key}")
    page.click("#bulk summary:has-text('Écrire')")
    page.fill("#bulk-body", "Merci de joindre le RIB signé avant vendredi.")
    page.click("#bulk button:has-text('Envoyer')")
    flashed = page.locator("[role=status].notice").inner_text()
    assert "Message envoyé aux porteurs de 2 dossier(s)" in flashed
    assert "etat=" in page.url  # back to the same filtered list
    mails = live.deliver()
    told = {m.recipients for m in mails if "RIB signé" in m.text()}
    assert told == {"groupe0@x.fr", "groupe1@x.fr"}
    page.goto(f"{live.url}/instruction/dossiers/{chosen[0]}")
    assert "RIB signé avant vendredi" in page.locator("#messages").inner_text()
    page.goto(f"{live.url}/instruction/dossiers/{other}")
    assert "RIB signé" not in page.locator("#messages").inner_text()
