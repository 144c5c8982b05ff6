"""A call's settings: the deadline's move is shown first (what moves, who is mailed), done once
confirmed; the configuration is edited with its own checks."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from workflows.fact import dossiers
from workflows.fact.calls import get_call
from workflows.french import PARIS

from .conftest import Live, check_page, deposited_dossier, sign_in

pytestmark = pytest.mark.browser


def test_staff_preview_then_confirm_a_deadline_extension(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    engine = live.engine
    draft = dossiers.create_draft(engine, "2026-TEST", holder_user="brouillon@x.fr",
                                  holder_email="brouillon@x.fr", track="entreprise",
                                  actor="brouillon@x.fr").business_key  # fmt: skip
    deposited = deposited_dossier(live, "depose@x.fr")
    before = get_call(engine, "2026-TEST").variables
    deadline = datetime.fromisoformat(before["deposit_deadline"]).astimezone(PARIS)
    later = (deadline + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S")

    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/pilotage/2026-TEST")
    page.click("text=Réglages et report des dates")
    page.fill("#deposit_deadline", later)
    page.click("button:has-text('Voir ce que le report fera')")
    shown = " ".join(page.locator("#apercu").inner_text().split())
    assert "Clôture des dépôts" in shown and "Rappel J-7" in shown
    assert "1 brouillon prévenu de la nouvelle date limite ; 0 dossier déposé" in shown
    page.click("#apercu summary")
    assert f"{draft} (brouillon) — brouillon@x.fr" in page.locator("#apercu").inner_text()
    assert deposited not in page.locator("#apercu").inner_text()
    assert get_call(engine, "2026-TEST").variables == before  # shown, not done
    check_page(page, "call-settings-preview")

    page.click("button:has-text('Confirmer le report')")
    assert "Dates reportées" in page.locator("[role=status]").inner_text()
    moved = datetime.fromisoformat(get_call(engine, "2026-TEST").variables["deposit_deadline"])
    assert moved.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M:%S") == later
    mails = live.deliver()
    assert any("brouillon@x.fr" in m.recipients for m in mails)

    page.fill("#deposit_deadline", deadline.strftime("%Y-%m-%dT%H:%M:%S"))  # earlier: refused
    page.click("button:has-text('Voir ce que le report fera')")
    assert "repousser la date limite" in page.locator("#deposit_deadline-erreur").inner_text()


def test_staff_edit_the_configuration_with_its_checks(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/pilotage/2026-TEST/reglages")
    page.fill("#envelope", "2000000000")  # past the billion the configuration allows
    page.click("button:has-text('Enregistrer les réglages')")
    assert page.locator("#envelope-erreur").inner_text()
    assert get_call(live.engine, "2026-TEST").variables["envelope"] != 2_000_000_000
    page.fill("#envelope", "950000")
    page.fill("#title", "Transformation Numérique Concertée — session d'hiver")
    page.click("button:has-text('Enregistrer les réglages')")
    assert "Réglages enregistrés" in page.locator("[role=status]").inner_text()
    saved = get_call(live.engine, "2026-TEST").variables
    assert (saved["envelope"], saved["title"]) == (
        950000,
        "Transformation Numérique Concertée — session d'hiver",
    )
    check_page(page, "call-settings")
