"""An applicant in Chromium: from a call's page to a dossier drafted in the form-js viewer,
saved as they type, deposited (errors first, then the receipt), and listed in "Mes dossiers"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from workflows.fact.bots import SAMPLE_PDF

from .conftest import PASSWORD, Live, check_page, screenshot, sign_in

pytestmark = pytest.mark.browser

ORGANISATION = {
    "name": "Menuiserie Exemple",
    "siret": "73282932000074",
    "holder_type": "company",
    "headcount": 48,
}


# The pieces of an entreprise dossier, and the names of the files sent for them.
PIECES = {
    "cse_opinion": "PV CSE 3 mars.pdf",
    "budget_annex": "Budget détaillé.pdf",
    "rib": "RIB société.pdf",
    "legal_document": "Kbis mars 2026.pdf",
}


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def applicant(live: Live) -> str:
    live.engine.identity.create_user(
        "lea@menuiserie-exemple.fr",
        PASSWORD,
        roles=["applicant"],
        email="lea@menuiserie-exemple.fr",
        display_name="Léa Martin",
        profile={"organisation": ORGANISATION},
    )
    return "lea@menuiserie-exemple.fr"


def test_applicant_drafts_saves_and_deposits_a_dossier(
    page, live: Live, applicant: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live, applicant)
    page.goto(f"{live.url}/appels/2026-TEST")
    page.click("text=Déposer un dossier")
    assert page.inner_text("h1") == "Déposer un dossier"
    assert page.is_checked("#volet-entreprise")  # the track that fits a company
    check_page(page, "candidater")
    page.click("main button[type=submit]")
    page.wait_for_selector("#formulaire[data-ready]")
    assert "Brouillon" in page.inner_text("h1")
    dossier = re.search(r"Dossier (2026-TEST-\d{4})", page.inner_text("h1")).group(1)
    text = words(page.inner_text("#formulaire"))
    assert "Appel à projets FACT n°2026-TEST « Transformation Numérique Concertée »" in text
    assert re.search(r"avant le \w+ \d+ \w+ \d{4} à 23 h 59 \(heure de Paris\)", text)
    assert page.get_by_label("Raison sociale du porteur de projet").input_value() == (
        "Menuiserie Exemple"
    )  # from the account
    page.wait_for_load_state("networkidle")  # the viewer has drawn and filled the form
    title = page.get_by_label("Intitulé du projet")
    title.click()
    page.keyboard.type("Atelier numérique concerté")
    page.keyboard.press("Tab")  # leaving the field hands the text to the form at once
    page.get_by_text("Axe 1 — Concertation et négociation").click()
    page.wait_for_function(
        "document.getElementById('etat-enregistrement').textContent.startsWith('Enregistré à')"
    )
    check_page(page, "brouillon")

    page.reload()  # what was typed was saved (the viewer fills the form once it has drawn it)
    expect(page.get_by_label("Intitulé du projet")).to_have_value("Atelier numérique concerté")
    page.click("text=Déposer le dossier")  # incomplete: refused, with the fields at fault
    summary = page.locator(".error-summary")
    assert "Résumé du projet : obligatoire" in words(summary.inner_text())
    page.wait_for_selector(".fjs-form-field-error")
    assert "Obligatoire." in page.inner_text("#formulaire")  # the viewer speaks French too
    assert "Field is required" not in page.inner_text("#formulaire")
    assert "Extrait Kbis de moins de trois mois : obligatoire" in words(summary.inner_text())
    summary.locator("a", has_text="Résumé du projet").click()
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    check_page(page, "depot-refuse")

    # Pieces: sent as soon as chosen, checked by what they contain, not by their names.
    fake = tmp_path / "rib.pdf"
    fake.write_bytes(b"<html>not a PDF</html>")
    page.set_input_files("#rib", str(fake))
    rib = page.locator(".piece", has_text="Relevé d'identité bancaire")
    rib.locator(".piece-status", has_text="ni un PDF").wait_for()
    assert "Aucun fichier envoyé" in rib.inner_text()
    for key, name in PIECES.items():
        path = tmp_path / name
        path.write_bytes(SAMPLE_PDF)
        page.set_input_files(f"#{key}", str(path))
    for name in PIECES.values():
        page.locator(".piece-file a", has_text=name).wait_for()
    assert "Relevé d'identité bancaire (RIB) : RIB société.pdf reçu" in rib.inner_text()
    check_page(page, "pieces")

    for label, value in (
        ("Code postal de l'établissement", "44000"),
        ("Résumé du projet", "Un projet mené avec les salariés."),
        ("Objectifs visés et ambition du projet", "Associer chacun au choix des outils."),
        ("Méthodologie et démarche proposée (participative, concertée)", "Ateliers, essais."),
        ("Budget total du projet (€)", "90000"),
        ("Subvention demandée au Fact (€)", "45000"),
    ):
        page.get_by_label(label).fill(value)
    page.get_by_label("Oui, le CSE a été informé du contenu du projet").check()
    page.get_by_label("Oui, le CSE sera associé à la mise en œuvre du projet").check()
    page.get_by_label("Modalités d'information du CSE (réunion, consultation…)").fill("Réunion")
    page.click("text=Déposer le dossier")  # flushes the pending save first
    page.wait_for_url(re.compile(rf".*/dossiers/{dossier}$"))
    assert "Dossier déposé" in page.inner_text("[role=status]")
    assert "Déposé le" in page.inner_text("h1")
    check_page(page, "depose")
    with page.expect_download() as download:
        page.click(f"text=receipt-{dossier}.pdf")
    receipt = PdfReader(download.value.path())
    text = words(" ".join(p.extract_text() for p in receipt.pages))
    assert "Pièces jointes reçues" in text and "Kbis mars 2026.pdf" in text
    with page.expect_download() as download:
        page.click("text=RIB société.pdf")
    assert download.value.suggested_filename == "RIB société.pdf"
    assert download.value.path().read_bytes() == SAMPLE_PDF

    page.click("nav >> text=Mes dossiers")
    row = words(page.locator("tbody tr", has_text=dossier).inner_text())
    assert "Atelier numérique concerté" in row and "Déposé le" in row
    check_page(page, "mes-dossiers")


def test_another_applicants_dossier_is_not_found(
    page, live: Live, applicant: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    live.engine.identity.create_user(
        "autre@exemple.fr", PASSWORD, roles=["applicant"], email="autre@exemple.fr"
    )
    sign_in(page, live, applicant)
    page.goto(f"{live.url}/appels/2026-TEST/candidater")
    page.click("main button[type=submit]")
    page.wait_for_selector("#formulaire[data-ready]")
    dossier = re.search(r"(2026-TEST-\d{4})", page.inner_text("h1")).group(1)
    path = tmp_path / "rib.pdf"
    path.write_bytes(SAMPLE_PDF)
    page.set_input_files("#rib", str(path))
    page.locator(".piece-file a", has_text="rib.pdf").wait_for()
    page.click("text=Se déconnecter")
    sign_in(page, live, "autre@exemple.fr")
    assert page.goto(f"{live.url}/dossiers/{dossier}").status == 404
    response = page.request.post(
        f"{live.url}/dossiers/{dossier}/brouillon", data={"data": {"title": "volé"}}
    )
    assert response.status in (400, 404)  # no CSRF token, and not theirs either way
    assert page.request.get(f"{live.url}/dossiers/{dossier}/documents/piece-rib").status == 404
    page.goto(f"{live.url}/mes-dossiers")  # a page of their own gives a valid CSRF token
    token = page.get_attribute('meta[name="csrf-token"]', "content")
    for path, form in (
        (f"/dossiers/{dossier}/messages", {"body": "Bonjour"}),
        (f"/dossiers/{dossier}/pieces/rib", {"fichier": {"name": "r.pdf", "mimeType":
                                                         "application/pdf", "buffer": SAMPLE_PDF}}),
        (f"/dossiers/{dossier}/depot", {}),
    ):  # fmt: skip
        answer = page.request.post(f"{live.url}{path}", multipart={**form, "csrf_token": token})
        assert answer.status == 404, path
    assert page.goto(f"{live.url}/instruction/dossiers/{dossier}").status == 403
    theirs = live.engine.runtime.query().business_key(dossier).one().variables
    assert "messages" not in theirs and theirs["pieces"]["rib"]["filename"] == "rib.pdf"
    assert page.goto(f"{live.url}/mes-dossiers").status == 200
    assert dossier not in page.inner_text("main")


def test_a_dossier_is_filled_and_deposited_with_the_keyboard_alone(
    page, live: Live, applicant: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live, applicant)
    page.goto(f"{live.url}/appels/2026-TEST/candidater")
    page.click("main button[type=submit]")
    page.wait_for_selector("#formulaire[data-ready]")
    answers = {
        "Intitulé du projet": "Projet au clavier",
        "Code postal de l'établissement": "69003",
        "Résumé du projet": "Écrit sans souris.",
        "Objectifs visés et ambition du projet": "Montrer que tout se fait au clavier.",
        "Méthodologie et démarche proposée (participative, concertée)": "Tabulations.",
        "Budget total du projet (€)": "20000",
        "Subvention demandée au Fact (€)": "10000",
    }
    ticks = {
        "Axe 2 — Capitalisation et transfert pour la montée en compétences des acteurs",
        "Oui, le CSE a été informé du contenu du projet",  # a radio: Space picks it
        "Oui, le CSE sera associé à la mise en œuvre du projet",
    }
    chosen: set[str] = set()

    def choose(chooser) -> None:  # type: ignore[no-untyped-def]
        # One listener for the whole test: the browser's chooser is intercepted throughout.
        key = chooser.element.get_attribute("id")
        path = tmp_path / f"{key}.pdf"
        path.write_bytes(SAMPLE_PDF)
        chooser.set_files(str(path))
        chosen.add(key)

    page.on("filechooser", choose)
    page.focus("#formulaire input")  # the first field of the form
    for _ in range(80):
        label = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (el.tagName === 'BUTTON') return 'BUTTON:' + el.textContent.trim();
                if (el.type === 'file') return 'FILE:' + el.id;
                const label = el.id && document.querySelector(`label[for="${el.id}"]`);
                return label ? label.textContent.replace(/\\*$/, '').trim() : '';
            }"""
        )
        if label == "BUTTON:Déposer le dossier":
            break
        if label.startswith("FILE:"):  # the file chooser opens with the space bar
            page.keyboard.press("Space")
            page.locator(".piece-file a", has_text=f"{label[5:]}.pdf").wait_for()
        elif label in answers:
            page.keyboard.type(answers.pop(label))
        elif label in ticks:
            page.keyboard.press("Space")
            ticks.discard(label)
        page.keyboard.press("Tab")
    else:
        pytest.fail("the deposit button was never reached with Tab")
    assert answers == {} and ticks == set() and chosen == set(PIECES)
    page.keyboard.press("Enter")  # saves what was typed, then deposits
    page.wait_for_selector("text=Dossier déposé")
    assert "Déposé le" in page.inner_text("h1")


def test_pieces_are_sent_without_script_too(browser, live: Live, applicant: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live, applicant)
    page.goto(f"{live.url}/appels/2026-TEST/candidater")
    page.click("main button[type=submit]")
    wrong = tmp_path / "budget.png"
    wrong.write_text("plain text, whatever its name says")
    page.set_input_files("#budget_annex", str(wrong))
    page.locator(".piece", has_text="Annexe budgétaire").locator("button").click()
    error = page.locator("#budget_annex-erreur")
    assert error.inner_text() == "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG."
    assert page.get_attribute("#budget_annex", "aria-invalid") == "true"
    right = tmp_path / "budget.pdf"
    right.write_bytes(SAMPLE_PDF)
    page.set_input_files("#budget_annex", str(right))
    page.locator(".piece", has_text="Annexe budgétaire").locator("button").click()
    assert "budget.pdf reçu" in page.inner_text("[role=status]")
    assert "budget.pdf" in page.locator(".piece", has_text="Annexe budgétaire").inner_text()
    screenshot(page, "pieces-sans-script")  # axe needs script: the same markup is held to it above
    context.close()
