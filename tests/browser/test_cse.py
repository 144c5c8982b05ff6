"""The CSE secretary in Chromium, without an account: the link from the mail opens the page,
an incomplete answer is refused beside its fields, the answer is recorded once; the holder
learns that the CSE answered, not what; a forged link is "not found"."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import PASSWORD, Live, check_page, deposited_dossier, sign_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
HOLDER = "ines@atelier-exemple.fr"
SECRETARY = "cse@atelier-exemple.fr"


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_cse_secretary_answers_through_the_link_of_the_mail(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    dossier = deposited_dossier(live, HOLDER, 3, title="Atelier concerté",
                                cse_secretary_email=SECRETARY)  # fmt: skip
    link = live.link_in_last_mail(SECRETARY)
    assert re.fullmatch(rf"{re.escape(live.url)}/cse/[\w.-]+", link), link
    page.goto(link)  # no account, no session
    assert page.inner_text("h1") == "Le CSE a-t-il été informé du projet ?"
    assert "Atelier concerté" in page.inner_text("main")
    check_page(page, "cse-reponse")

    page.fill("#cse_confirmation-secretary_name", "Nadia Bensalem")
    page.check("#informe-oui")
    page.click("text=Envoyer la réponse du CSE")
    summary = words(page.inner_text(".error-summary"))
    assert "Date d'information du CSE : obligatoire si le CSE a été informé" in summary
    assert "Manière dont le CSE est associé : obligatoire si le CSE a été informé" in summary
    assert page.get_attribute("#cse_confirmation-association", "aria-invalid") == "true"
    assert page.input_value("#cse_confirmation-secretary_name") == "Nadia Bensalem"  # kept
    check_page(page, "cse-reponse-erreur")

    page.fill("#cse_confirmation-informed_on", "2026-01-12")
    page.fill("#cse_confirmation-association", "Deux membres au comité de pilotage.")
    page.click("text=Envoyer la réponse du CSE")
    assert "Votre réponse est enregistrée" in page.inner_text("[role=status]")
    assert "Deux membres au comité de pilotage." in page.inner_text("main")
    check_page(page, "cse-reponse-enregistree")
    page.goto(link)  # the link now shows what was answered, and takes no other answer
    assert page.locator("form button[type=submit]").count() == 0
    said = live.engine.runtime.query().business_key(dossier).one().variables["cse_confirmation"]
    assert said["secretary_name"] == "Nadia Bensalem" and said["informed_on"] == "2026-01-12"

    forged = link[:-3] + ("abc" if not link.endswith("abc") else "xyz")
    assert page.goto(forged).status == 404
    assert page.goto(f"{live.url}/cse/{dossier}").status == 404

    # The commission reads what the CSE said on the dossier's page (without writing there);
    # a reviewer not given the dossier and its holder do not reach that page.
    live.engine.identity.create_user("presidente", PASSWORD, roles=["commission"], email="p@x.fr")
    sign_in(page, live, "presidente")
    page.goto(f"{live.url}/instruction/dossiers/{dossier}")
    text = words(page.inner_text("main"))
    assert "CSE informé le 12 janvier 2026" in text
    assert "Associé de la manière suivante : Deux membres au comité de pilotage." in text
    assert "Réponse de Nadia Bensalem" in text and page.locator("#body").count() == 0
    check_page(page, "instruction-commission")
    page.click("text=Se déconnecter")
    sign_in(page, live, "eva")
    assert page.goto(f"{live.url}/instruction/dossiers/{dossier}").status == 403
    page.click("text=Se déconnecter")
    sign_in(page, live, HOLDER)
    assert page.goto(f"{live.url}/instruction/dossiers/{dossier}").status == 403
    page.goto(f"{live.url}/dossiers/{dossier}")
    text = words(page.inner_text("main"))
    assert "Le secrétaire du CSE a répondu le" in text
    assert "comité de pilotage" not in text  # what the CSE said is not the holder's to read
    api = page.request.get(f"{live.url}/api/dossiers/{dossier}").json()  # nor through the API
    assert "cse_answered_at" in api["variables"] and "cse_confirmation" not in api["variables"]
    assert "comité de pilotage" not in str(api["history"])


def test_the_eligibility_and_review_forms_show_what_the_cse_said(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    """The staff's and reviewers' forms, drawn by the viewer the pages use, with a dossier's
    variables at each stage of the confirmation."""
    bundle = next((ROOT / "web" / "static" / "dist").glob("form-viewer.*.js"))
    page.set_content('<div id="formulaire"></div>')
    page.add_script_tag(path=str(bundle))
    answered = {"cse_secretary_email": SECRETARY, "cse_confirmation": {
        "secretary_name": "Nadia Bensalem", "informed": True, "informed_on": "2026-01-12",
        "association": "Comité de pilotage", "comment": ""}}  # fmt: skip
    cases = {
        "Nadia Bensalem, confirme que le CSE a été informé le 2026-01-12 ; il est associé au "
        "projet ainsi : Comité de pilotage": answered,
        "déclare que le CSE n'a pas été informé du projet. Commentaire : Réunion le 20 mai": {
            "cse_secretary_email": SECRETARY,
            "cse_confirmation": {
                "secretary_name": "N",
                "informed": False,
                "comment": "Réunion le 20 mai",
            },
        },
        f"Confirmation demandée au secrétaire du CSE ({SECRETARY}) : pas encore de réponse": {
            "cse_secretary_email": SECRETARY
        },
        "Aucun secrétaire de CSE désigné": {"cse_secretary_email": ""},
    }
    for name in ("eligibility", "review"):
        schema = json.loads((ROOT / "bpmn" / "forms" / f"{name}.form").read_text())
        for expected, variables in cases.items():
            shown = page.evaluate(
                """async ([schema, data]) => {
                    const root = document.getElementById('formulaire');
                    root.replaceChildren();
                    const form = new window.ConcertoForms.Form({container: root});
                    await form.importSchema(schema, data);
                    return root.innerText;
                }""",
                [schema, variables],
            )
            assert expected in words(shown), (name, expected, shown)
