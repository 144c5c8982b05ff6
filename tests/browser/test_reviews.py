"""Reviewers in Chromium: "Mes évaluations" with due dates (an overdue one marked), a review
filled in with the keyboard alone beside the dossier, its draft saved as one types, refused
without the overall opinion and then sent; a second reviewer declares a conflict of interest."""

from __future__ import annotations

from datetime import timedelta

import pytest

from workflows.fact import dossiers
from workflows.fact.forms import complete_task

from .conftest import PARIS, PASSWORD, Live, check_page, deposited_dossier, sign_in

pytestmark = pytest.mark.browser


def words(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def assigned(live: Live, n: int, reviewers: list[str], due_in_days: int) -> str:
    engine = live.engine
    dossier = deposited_dossier(live, f"porteur{n}@exemple.fr", n)
    task = dossiers.open_task(engine, dossier, "eligibility")
    complete_task(engine, task.id, {"eligible": True, "eligibility_reason": "Éligible"},
                  actor="mission.fact")  # fmt: skip
    due = (engine.clock.now().astimezone(PARIS) + timedelta(days=due_in_days)).date()
    task = dossiers.open_task(engine, dossier, "assignment")
    complete_task(engine, task.id, {"reviewers": reviewers, "review_due": due.isoformat()},
                  actor="mission.fact")  # fmt: skip
    return dossier


def tab_to(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the focus is on `selector` (the keyboard alone, as a person would)."""
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} never takes the focus")


def test_a_review_with_the_keyboard_alone_and_a_conflict_declared(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    engine = live.engine
    engine.identity.create_user("leo", PASSWORD, roles=["reviewer"], email="leo@x.fr")
    late = assigned(live, 1, ["eva"], due_in_days=-1)
    dossier = assigned(live, 2, ["eva", "leo"], due_in_days=10)

    sign_in(page, live, "eva")
    page.goto(f"{live.url}/evaluations")
    rows = [words(page.locator("tbody tr").nth(i).inner_text()) for i in range(2)]
    assert late in rows[0] and "En retard" in rows[0]  # the most pressing first
    assert dossier in rows[1] and "À faire" in rows[1] and "23 h 59" in rows[1]
    check_page(page, "mes-evaluations")

    page.click(f"text={dossier}")
    beside = words(page.locator(".review-dossier").inner_text())
    assert "Transformation numérique concertée n°2" in beside and "CSE" in beside
    assert page.locator(".review-dossier a", has_text="pdf").count() >= 1
    check_page(page, "evaluation")
    for n, criterion in enumerate(("conformity", "relevance", "orientations", "methodology",
                                   "transfer", "partnership")):  # fmt: skip
        tab_to(page, f"input[name='scores.{criterion}']")
        for _ in range(3 if n % 2 else 2):  # 4 or 3: the arrows move and choose
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
        with page.expect_response(lambda r: r.url.endswith("/brouillon")):
            page.keyboard.type(f"Appréciation {n + 1}.")  # a pause: the draft is kept
    assert "Brouillon enregistré à" in page.locator("#enregistre").inner_text()
    draft = dossiers.get_dossier(engine, dossier).variables["review_drafts"]["eva"]
    assert draft["scores"] == {"conformity": 3, "relevance": 4, "orientations": 3,
                               "methodology": 4, "transfer": 3, "partnership": 4}  # fmt: skip

    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert "Avis d'ensemble : avis d'ensemble obligatoire" in words(
        page.locator(".error-summary").inner_text()
    )
    assert page.is_checked("input[name='scores.relevance'][value='4']")  # nothing typed lost
    check_page(page, "evaluation-erreurs")
    tab_to(page, "#opinion")
    page.keyboard.type("Projet solide, conduit avec les représentants du personnel.")
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live.url}/evaluations")
    assert f"Évaluation du dossier {dossier} transmise" in page.locator("main").inner_text()
    assert dossier not in page.locator("tbody").inner_text()

    page.context.clear_cookies()
    sign_in(page, live, "leo")
    page.goto(f"{live.url}/evaluations")
    page.click(f"text={dossier}")
    page.check("input[name=conflict][value=yes]")
    page.fill("#conflict_reason", "J'ai conseillé ce porteur l'an dernier.")
    page.click("main button[type=submit]")
    assert "Conflit d'intérêts déclaré" in page.locator("main").inner_text()
    reviewed = dossiers.get_dossier(engine, dossier).variables
    assert reviewed["reviews"][1] == {
        "conflict_of_interest": True,
        "conflict_reason": "J'ai conseillé ce porteur l'an dernier.",
    }
    assert reviewed["score"] == 21  # eva's review alone counts
