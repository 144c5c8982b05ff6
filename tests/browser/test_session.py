"""The commission's session in Chromium: the dossiers ranked with their synthesis (a
disagreement flagged), an envelope exceeded and refused with nothing saved, a partial funding
saved with its motivation and amended, the session closed by staff and the motivation mailed."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine import FrozenClock
from workflows.fact import calls, commission, dossiers

from .conftest import PASSWORD, Live, check_page, deposited_dossier, sign_in

pytestmark = pytest.mark.browser

CRITERIA = ["conformity", "relevance", "orientations", "methodology", "transfer", "partnership"]


def words(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def reviewed(live: Live, n: int, scores: dict[str, list[int]], amount: int) -> str:
    engine = live.engine
    dossier = deposited_dossier(live, f"porteur{n}@exemple.fr", n, amount_requested=amount,
                                budget_total=amount * 2)  # fmt: skip
    task = dossiers.open_task(engine, dossier, "eligibility")
    engine.tasks.complete(task.id, {"eligible": True, "eligibility_reason": "Éligible"},
                          actor="mission.fact")  # fmt: skip
    task = dossiers.open_task(engine, dossier, "assignment")
    engine.tasks.complete(task.id, {"reviewers": list(scores)}, actor="mission.fact")
    for reviewer, given in scores.items():
        task = engine.tasks.query().business_key(dossier).assignee(reviewer).one()
        review = {"conflict_of_interest": False, "scores": dict(zip(CRITERIA, given, strict=True)),
                  "comments": dict.fromkeys(CRITERIA, "Avis.")}  # fmt: skip
        engine.tasks.complete(task.id, {"review": review}, actor=reviewer)
    return dossier


def test_the_commission_decides_within_the_envelope_and_staff_close(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    engine = live.engine
    engine.identity.create_user("leo", PASSWORD, roles=["reviewer"], email="leo@x.fr")
    engine.identity.create_user("president", PASSWORD, roles=["commission"], email="p@x.fr")
    calls.update_config(engine, "2026-TEST", {"envelope": 100_000}, actor="test")
    strong = reviewed(live, 1, {"eva": [5] * 6, "leo": [5, 4, 5, 5, 4, 5]}, 60_000)
    split = reviewed(live, 2, {"eva": [2, 3, 3, 3, 3, 3], "leo": [4, 3, 3, 3, 3, 3]}, 50_000)
    clock: FrozenClock = engine.clock.source  # type: ignore[assignment]
    clock.set(
        datetime.fromisoformat(calls.get_call(engine, "2026-TEST").variables["commission_at"])
    )
    engine.timers.fire_due()

    sign_in(page, live, "president")
    page.goto(f"{live.url}/commission/2026-TEST")
    rows = page.locator("tr.candidate")
    assert rows.count() == 2
    assert strong in rows.nth(0).inner_text() and split in rows.nth(1).inner_text()
    assert "C1 3 ⚠ 2" in words(rows.nth(1).inner_text())  # conformity: 2 and 4
    assert "⚠" not in rows.nth(0).inner_text()
    assert page.locator("button[value=close]").count() == 0  # staff close the session
    check_page(page, "commission-seance")

    # Both in full: 110 000 € for an envelope of 100 000 €; the gauge says so as one types.
    page.select_option(f"#d-{strong}-decision", "accepted")
    page.fill(f"#d-{strong}-motivation", "Projet exemplaire, conduit avec le CSE.")
    page.select_option(f"#d-{split}-decision", "partial")
    page.fill(f"#d-{split}-amount", "50000")
    page.fill(f"#d-{split}-motivation", "Le volet transfert reste à préciser.")
    gauge = page.locator("#jauge-texte")
    assert "Accordé : 110 000 €" in words(gauge.inner_text())
    assert "reste : -10 000 €" in words(gauge.inner_text()).replace("−", "-")
    page.click("button[value=save]")
    summary = words(page.locator(".error-summary").inner_text())
    assert "financement partiel est compris entre 1 € et le montant demandé" in summary
    assert commission.draft_of(calls.get_call(engine, "2026-TEST")) == {}  # nothing saved
    check_page(page, "commission-seance-erreurs")

    page.fill(f"#d-{split}-amount", "45000")
    page.click("button[value=save]")
    assert "dépassent l'enveloppe" in words(page.locator(".error-summary").inner_text())
    assert commission.draft_of(calls.get_call(engine, "2026-TEST")) == {}

    page.fill(f"#d-{split}-amount", "35000")
    page.click("button[value=save]")
    assert "Décisions enregistrées" in page.locator("main").inner_text()
    assert "Accordé : 95 000 €" in words(gauge.inner_text())
    saved = commission.draft_of(calls.get_call(engine, "2026-TEST"))
    assert saved[split]["amount"] == 35_000 and saved[strong]["amount"] == 60_000

    page.fill(f"#d-{split}-amount", "40000")  # amended before the session closes
    page.click("button[value=save]")
    assert commission.draft_of(calls.get_call(engine, "2026-TEST"))[split]["amount"] == 40_000

    page.context.clear_cookies()
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/commission/2026-TEST")
    assert page.input_value(f"#d-{split}-amount") == "40000"
    page.click("button[value=close]")
    assert "Séance close" in page.locator("main").inner_text()
    check_page(page, "commission-seance-close")
    granted = dossiers.get_dossier(engine, split).variables
    assert (granted["outcome"], granted["amount_granted"]) == ("partial", 40_000)
    # The Mission Fact notifies the decision (within the month the call allows): the letter
    # and the mail carry the motivation.
    notice = dossiers.open_task(engine, split, "decision_notice")
    engine.tasks.complete(notice.id, {"notified": True}, actor="mission.fact")
    mails = [m for m in live.deliver()
             if "porteur2@exemple.fr" in m.recipients and "Décision" in m.subject]  # fmt: skip
    assert mails and "Le volet transfert reste à préciser." in words(mails[0].text())
