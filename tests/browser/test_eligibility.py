"""The eligibility decision from a dossier's page: refused without a decision, recorded with
its reason, the holder told."""

from __future__ import annotations

import pytest

from workflows.fact import dossiers
from workflows.fact.status import dossier_status

from .conftest import Live, check_page, deposited_dossier, sign_in

pytestmark = pytest.mark.browser


def test_staff_decide_eligibility_on_the_dossier_page(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    dossier = deposited_dossier(live, "eligible@x.fr")
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/instruction/dossiers/{dossier}")
    page.click("#eligibilite button:has-text('Enregistrer la décision')")
    assert page.locator("#eligible-erreur").inner_text()  # no decision: the form says so
    check_page(page, "eligibility-refused")
    page.check("#eligible-non")
    page.fill("#eligibility_reason", "Le projet ne concerne pas une PME de moins de 300 salariés.")
    page.click("#eligibilite button:has-text('Enregistrer la décision')")
    assert "non éligible" in page.locator("[role=status]").inner_text()
    assert page.locator("#eligibilite").count() == 0  # decided: the form is gone
    found = dossiers.get_dossier(live.engine, dossier)
    assert dossier_status(live.engine, found).stage == "Non éligible"
    assert found.variables["eligibility_reason"].startswith("Le projet ne concerne pas")


def test_staff_read_the_whole_journal_of_a_dossier(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    dossier = deposited_dossier(live, "journal@x.fr")
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/instruction/dossiers/{dossier}")
    page.click("#journal summary")
    journal = " ".join(page.locator("#journal").inner_text().split())
    assert "journal@x.fr a créé le dossier" in journal
    assert "journal@x.fr a rempli « Déposer le dossier »" in journal
    assert "changé :" in journal and "deposited_at" in journal
    check_page(page, "dossier-journal")


def test_staff_close_a_dossier_with_a_reason_once_confirmed(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    dossier = deposited_dossier(live, "closed@x.fr")
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/instruction/dossiers/{dossier}")
    page.click("#cloture summary")
    page.fill("#closing_reason", "Doublon.")  # too short, and not confirmed
    page.click("#cloture button:has-text('Classer le dossier sans suite')")
    assert page.locator("#closing_reason-erreur").count() == 0  # the confirmation first
    assert page.locator("#confirmed-erreur").inner_text()
    page.fill("#closing_reason", "Doublon.")
    page.check("#confirmed")
    page.click("#cloture button:has-text('Classer le dossier sans suite')")
    assert "10 à 2" in page.locator("#closing_reason-erreur").inner_text()
    check_page(page, "dossier-closing-refused")
    assert dossier_status(live.engine, dossiers.get_dossier(live.engine, dossier)).stage == "Déposé"
    reason = "Ce dossier est le doublon du dossier déposé la veille par la même entreprise."
    page.fill("#closing_reason", reason)
    page.check("#confirmed")
    page.click("#cloture button:has-text('Classer le dossier sans suite')")
    assert "classé sans suite" in page.locator("[role=status].notice").inner_text()
    assert page.locator("h1 .tag").inner_text() == "Classé sans suite"
    assert page.locator("#cloture").count() == 0  # closed: the action is gone
    check_page(page, "dossier-closed")
    [mail] = [m for m in live.deliver() if "closed@x.fr" in m.recipients and "clos" in m.subject]
    assert reason in " ".join(mail.text().split())
