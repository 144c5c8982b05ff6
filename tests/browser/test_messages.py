"""The Mission Fact and a holder in Chromium: a message with a file from staff, the mail that
leads to the dossier, the reply and its mail; then the dossier sent back for correction, edited
and deposited again, with both receipts kept. Staff pages are staff's only."""

from __future__ import annotations

import pytest

from workflows.fact.bots import SAMPLE_PDF

from .conftest import Live, check_page, deposited_dossier, sign_in

pytestmark = pytest.mark.browser

HOLDER = "jules@scop-exemple.fr"


def words(text: str) -> str:
    return " ".join(text.split())


def test_messages_both_ways_then_a_correction_and_a_second_deposit(  # type: ignore[no-untyped-def]
    page, live: Live, tmp_path
) -> None:
    dossier = deposited_dossier(live, HOLDER, 5, title="Scop numérique")
    live.deliver()
    sign_in(page, live, "mission.fact")
    page.click("nav >> text=Dossiers")
    check_page(page, "instruction-dossiers")
    page.click(f"text={dossier}")
    assert "Aucune confirmation du CSE demandée" in page.inner_text("main")
    page.click("text=Envoyer le message")  # empty: refused beside the field
    assert "Votre message : écrivez votre message" in words(page.inner_text(".error-summary"))
    path = tmp_path / "modele-budget.pdf"
    path.write_bytes(SAMPLE_PDF)
    page.fill("#body", "Merci de préciser le budget du poste « formation ».")
    page.set_input_files("#file", str(path))
    page.click("text=Envoyer le message")
    assert "Message envoyé au porteur de projet" in page.inner_text("[role=status]")
    check_page(page, "instruction-dossier")

    link = live.link_in_last_mail(HOLDER)
    assert link.endswith(f"/dossiers/{dossier}")
    page.click("text=Se déconnecter")
    sign_in(page, live, HOLDER)
    page.goto(link)
    thread = words(page.inner_text("#messages"))
    assert "Mission Fact" in thread and "poste « formation »" in thread
    with page.expect_download() as download:
        page.click("#messages >> text=modele-budget.pdf")
    assert download.value.path().read_bytes() == SAMPLE_PDF
    page.fill("#body", "Le budget formation est de 6 000 € ; je l'ajoute à l'annexe.")
    page.click("text=Envoyer le message")
    assert "Message envoyé à la Mission Fact" in page.inner_text("[role=status]")
    check_page(page, "messages-porteur")
    staff_link = live.link_in_last_mail("infofact@anact.fr")  # the call's staff address
    assert staff_link.endswith(f"/instruction/dossiers/{dossier}#messages")
    assert page.goto(staff_link).status == 403  # the holder is not staff

    page.click("text=Se déconnecter")
    sign_in(page, live, "mission.fact")
    page.goto(staff_link)
    assert "je l'ajoute à l'annexe" in page.inner_text("#messages")
    page.fill("#reason", "Ajoutez le budget de formation à l'annexe budgétaire.")
    page.click("text=Renvoyer le dossier au porteur")
    assert "renvoyé au porteur pour correction" in page.inner_text("[role=status]")
    assert "À corriger" in page.inner_text("h1")

    page.click("text=Se déconnecter")
    sign_in(page, live, HOLDER)
    page.goto(f"{live.url}/dossiers/{dossier}")
    page.wait_for_selector("#formulaire[data-ready]")
    assert "Ajoutez le budget de formation" in page.inner_text("main")
    assert page.get_by_label("Intitulé du projet").input_value() == "Scop numérique"
    check_page(page, "a-corriger")
    page.get_by_label("Intitulé du projet").fill("Scop numérique (budget complété)")
    page.click("text=Déposer le dossier")
    page.wait_for_selector("text=Dossier déposé : votre accusé de réception")
    documents = page.inner_text("main")
    assert f"receipt-{dossier}.pdf" in documents and f"receipt-{dossier}-2.pdf" in documents
    history = words(page.inner_text(".timeline"))
    assert history.count("Dossier déposé") == 2 and "pour correction" in history
    check_page(page, "redepose")
