"""Reviewers in Chromium: "Mes évaluations" with due dates (an overdue one marked), a review
filled in with the keyboard alone beside the dossier, its draft saved as one types, refused
without the overall opinion and then sent; a second reviewer declares a conflict of interest."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from engine import NotFoundError
from workflows.fact import dossiers
from workflows.fact.forms import complete_task

from .conftest import PARIS, PASSWORD, Live, check_page, deposited_dossier, sign_in

pytestmark = pytest.mark.browser

CRITERIA = ["conformity", "relevance", "orientations", "methodology", "transfer", "partnership"]


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
        "reviewer": "leo",
        "conflict_of_interest": True,
        "conflict_reason": "J'ai conseillé ce porteur l'an dernier.",
    }
    assert reviewed["score"] == 21  # eva's review alone counts


def account(live: Live, username: str, role: str) -> None:
    try:
        live.engine.identity.get(username)
    except NotFoundError:
        live.engine.identity.create_user(username, PASSWORD, roles=[role],
                                         email=f"{username}@x.fr")  # fmt: skip


def test_staff_assign_from_the_directory_and_read_the_reviews_observers_do_not(  # type: ignore[no-untyped-def]
    page, live: Live
) -> None:
    engine = live.engine
    for reviewer in ("leo", "zora", "yann"):
        account(live, reviewer, "reviewer")
    account(live, "observatrice", "observer")
    dossier = deposited_dossier(live, "porteur9@exemple.fr", 9)
    task = dossiers.open_task(engine, dossier, "eligibility")
    complete_task(engine, task.id, {"eligible": True, "eligibility_reason": "Éligible"},
                  actor="mission.fact")  # fmt: skip

    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/instruction/dossiers/{dossier}")
    page.fill("#q", "le")
    page.click("#affectation button:has-text('Chercher')")
    listed = words(page.locator("#affectation tbody").inner_text())
    assert "leo" in listed and "eva" not in listed
    page.fill("#q", "")
    page.click("#affectation button:has-text('Chercher')")
    page.check("#affectation tr:has-text('eva') input[type=checkbox]")
    page.fill("#others", "leo, zoe")
    page.fill("#review_due", "2027-01-15")
    page.click("#affectation button:has-text('Affecter')")
    summary = words(page.locator(".error-summary").inner_text())
    assert "« zoe » n'est pas un évaluateur connu" in summary
    assert dossiers.open_task(engine, dossier, "assignment")  # nothing assigned
    assert page.is_checked("#affectation tr:has-text('eva') input[type=checkbox]")
    check_page(page, "affectation-erreur")
    page.fill("#others", "leo")
    page.click("#affectation button:has-text('Affecter')")
    assert "Évaluateurs affectés" in page.locator("main").inner_text()
    reviews = engine.tasks.query().business_key(dossier).form_key("review").list()
    assert sorted(t.assignee for t in reviews) == ["eva", "leo"]
    assert {t.due_at.astimezone(PARIS).isoformat() for t in reviews} == {
        "2027-01-15T23:59:59+01:00"
    }

    # leo declares a conflict: staff are told, add zora, and hand eva's review over to yann.
    conflict = {"conflict_of_interest": True, "conflict_reason": "Ancien client"}
    mine = engine.tasks.query().business_key(dossier).assignee("leo").one()
    complete_task(engine, mine.id, {"review": conflict}, actor="leo")
    told = dossiers.get_dossier(engine, dossier).variables["staff_email"]
    (mail,) = [m for m in live.deliver() if told in m.recipients
               and "Conflit d'intérêts" in m.subject and dossier in m.subject]  # fmt: skip
    link = re.search(r"https?://\S+", mail.text()).group(0)  # to the reviewers of the dossier
    assert link.endswith(f"/instruction/dossiers/{dossier}#evaluateurs")
    page.goto(link)
    page.reload()  # the page was open already: a link to its own anchor does not reload it
    panel = words(page.locator("#evaluateurs").inner_text())
    assert "Conflit d'intérêts déclaré" in panel and "En cours" in panel
    page.select_option("#panel-add", "zora")
    page.click("#evaluateurs button[value=add]")
    assert "Évaluateur ajouté" in page.locator("main").inner_text()
    page.select_option("#evaluateurs tr:has-text('eva') select", "yann")
    page.click("#evaluateurs tr:has-text('eva') button[value=replace]")
    assert "Évaluateur remplacé" in page.locator("main").inner_text()
    panel = words(page.locator("#evaluateurs").inner_text())
    assert "Retirée" in panel and panel.count("En cours") == 2
    check_page(page, "evaluateurs-en-cours")
    open_reviews = engine.tasks.query().business_key(dossier).form_key("review").list()
    assert sorted(t.assignee for t in open_reviews) == ["yann", "zora"]

    for reviewer, scores in (("yann", [4, 4, 4, 4, 4, 3]), ("zora", [2, 4, 4, 4, 4, 4])):
        mine = engine.tasks.query().business_key(dossier).assignee(reviewer).one()
        review = {"scores": dict(zip(CRITERIA, scores, strict=True)), "comments": {},
                  "opinion": f"Avis-de-{reviewer}"}  # fmt: skip
        complete_task(engine, mine.id, {"review": review}, actor=reviewer)
    page.goto(f"{live.url}/instruction/dossiers/{dossier}")
    section = words(page.locator("#evaluations").inner_text())
    assert (
        "Avis-de-zora" in section
        and "Évaluation retirée par la Mission Fact" in section
        and "Désaccord" in section
        and "Note moyenne : 22,5 / 30" in section
    )
    check_page(page, "instruction-evaluations")

    # The disagreement on conformity (4 and 2): staff open a consensus, zora reviews again.
    page.fill("#consensus_due", "2027-01-20")
    page.click("#evaluations button:has-text('Ouvrir une concertation')")
    assert "Concertation ouverte" in page.locator("main").inner_text()
    page.context.clear_cookies()
    sign_in(page, live, "zora")
    page.goto(f"{live.url}/evaluations")
    assert "Concertation" in page.locator(f"tr:has-text('{dossier}')").inner_text()
    page.click(f"text={dossier}")
    disputed = words(page.locator(".consensus").inner_text())
    assert "Conformité" in disputed and "Autre évaluation 1 : 4 / 5" in disputed
    assert "yann" not in disputed
    assert page.is_checked("input[name='scores.conformity'][value='2']")  # what she sent
    check_page(page, "concertation")
    page.check("input[name='scores.conformity'][value='3']")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live.url}/evaluations")
    mine = engine.tasks.query().business_key(dossier).assignee("yann").one()
    review = {"scores": dict(zip(CRITERIA, [3, 4, 4, 4, 4, 3], strict=True)), "comments": {},
              "opinion": "Avis-de-yann"}  # fmt: skip
    complete_task(engine, mine.id, {"review": review}, actor="yann")
    page.context.clear_cookies()
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/instruction/dossiers/{dossier}")
    section = words(page.locator("#evaluations").inner_text())
    assert "Désaccord" not in section and "Note moyenne : 22,5 / 30" in section

    page.context.clear_cookies()
    sign_in(page, live, "observatrice")
    assert page.goto(f"{live.url}/instruction/dossiers/{dossier}").status == 403  # no dossier page
    page.goto(f"{live.url}/instruction/dossiers")
    seen = page.locator("main").inner_text()
    assert dossier in seen
    assert page.locator("#evaluateur").count() == 0 and "Avis-de-" not in seen
    assert not {"eva", "leo", "zora", "yann"} & set(seen.split())


def test_an_outside_expert_invited_by_staff_opens_an_account_and_joins_the_directory(  # type: ignore[no-untyped-def]
    page, live: Live
) -> None:
    dossier = deposited_dossier(live, "porteur12@exemple.fr", 12)
    task = dossiers.open_task(live.engine, dossier, "eligibility")
    complete_task(live.engine, task.id, {"eligible": True, "eligibility_reason": "Éligible"},
                  actor="mission.fact")  # fmt: skip
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/instruction/dossiers/{dossier}")
    page.fill("#display_name", "Nadia Experte")
    page.fill("#email", "pas-une-adresse")
    page.click("#affectation button:has-text('Inviter')")
    assert "Adresse électronique de l'expert" in page.locator(".error-summary").inner_text()
    assert page.input_value("#display_name") == "Nadia Experte"  # nothing typed is lost
    page.fill("#email", "nadia@expertise.fr")
    page.click("#affectation button:has-text('Inviter')")
    assert "Invitation envoyée à nadia@expertise.fr" in page.locator("main").inner_text()
    assert "nadia" not in page.locator("#affectation tbody").inner_text()  # not open yet

    page.context.clear_cookies()
    page.goto(live.link_in_last_mail("nadia@expertise.fr"))
    check_page(page, "invitation-expert")
    page.fill("#password", "expertise-2027")
    page.fill("#password_again", "expertise-2027")
    page.click("main button[type=submit]")
    assert "Votre compte d'évaluateur est ouvert" in page.locator("main").inner_text()
    page.fill("#username", "nadia@expertise.fr")
    page.fill("#password", "expertise-2027")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(f"{live.url}/evaluations")
    assert "Aucune évaluation ne vous attend" in page.locator("main").inner_text()

    page.context.clear_cookies()
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/instruction/dossiers/{dossier}")
    assert "Nadia Experte" in page.locator("#affectation tbody").inner_text()
