"""A funded applicant in Chromium: the dossier's history, its documents, and the convention
signed in the browser (refused first without the box ticked)."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine import FrozenClock
from workflows.fact import calls, dossiers
from workflows.fact.bots import attach_pieces, deposit_form

from .conftest import PASSWORD, Live, check_page, sign_in

pytestmark = pytest.mark.browser

HOLDER = "paul@cooperative-exemple.fr"


def words(text: str) -> str:
    return " ".join(text.split())


def funded_dossier(live: Live) -> str:
    """A dossier of the live call taken to its convention: deposited, eligible, reviewed,
    granted 30 000 € by the commission and notified."""
    engine = live.engine
    clock: FrozenClock = engine.clock.source  # type: ignore[assignment]
    engine.identity.create_user(
        HOLDER, PASSWORD, roles=["applicant"], email=HOLDER, display_name="Paul Bernard"
    )
    dossier = dossiers.create_draft(
        engine, "2026-TEST", holder_user=HOLDER, holder_email=HOLDER, track="entreprise",
        actor=HOLDER,
    ).business_key or ""  # fmt: skip
    attach_pieces(engine, dossier, actor=HOLDER)
    dossiers.deposit(engine, dossier, deposit_form(7, amount=30_000), actor=HOLDER)

    def complete(form_key: str, data: dict, actor: str = "mission.fact") -> None:
        task = dossiers.open_task(engine, dossier, form_key)
        engine.tasks.complete(task.id, data, actor=task.assignee or actor)

    complete("eligibility", {"eligible": True, "eligibility_reason": "Éligible"})
    complete("assignment", {"reviewers": ["eva"]})
    criteria = dossiers.get_dossier(engine, dossier).variables["criteria"]
    review = {"conflict_of_interest": False, "scores": dict.fromkeys(criteria, 4),
              "comments": dict.fromkeys(criteria, "Solide.")}  # fmt: skip
    complete("review", {"review": review})
    call = calls.get_call(engine, "2026-TEST").variables
    clock.set(datetime.fromisoformat(call["commission_at"]))  # the commission sits
    engine.timers.fire_due()
    session = engine.tasks.query().process("fact_call").form_key("commission").one()
    decisions = [
        {"dossier": dossier, "decision": "accepted", "amount": 30_000, "motivation": "Motivée."}
    ]
    engine.tasks.complete(session.id, {"decisions": decisions}, actor="president")
    complete("decision_notice", {"notified": True})
    return dossier


def test_convention_signed_in_the_browser(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    dossier = funded_dossier(live)
    sign_in(page, live, HOLDER)
    page.goto(f"{live.url}/mes-dossiers")
    row = words(page.locator("tbody tr", has_text=dossier).inner_text())
    assert "Retenu : 30 000 €" in row and "Convention à signer." in row
    page.click(f"text={dossier}")
    history = words(page.locator(".timeline").inner_text())
    for step in ("Brouillon créé", "Dossier déposé", "Éligibilité examinée",
                 "Décision de la commission", "Décision notifiée"):  # fmt: skip
        assert step in history
    documents = words(page.locator("main ul").last.inner_text())
    assert f"receipt-{dossier}.pdf" in documents and f"convention-{dossier}.pdf" in documents
    assert f"decision-{dossier}.pdf" in documents  # the decision letter, among the documents
    check_page(page, "convention-a-signer")
    with page.expect_download() as download:
        page.locator("main p a", has_text="convention").first.click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.fill("#signatory_name", "Paul Bernard")
    page.fill("#signatory_role", "Gérant")
    page.click("text=Signer la convention >> nth=-1")
    assert "Signature" in page.inner_text(".error-summary")  # the box was not ticked
    check_page(page, "convention-erreur")
    page.check("#holder_signed")
    page.fill("#signatory_name", "Paul Bernard")
    page.fill("#signatory_role", "Gérant")
    page.click("button:has-text('Signer la convention')")
    assert "Convention signée" in page.inner_text("[role=status]")
    assert "en attente de contre-signature" in page.inner_text("main")
    assert "Convention signée par le porteur de projet" in page.inner_text(".timeline")
    check_page(page, "convention-signee")
