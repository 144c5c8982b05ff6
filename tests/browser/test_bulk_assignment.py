"""Reviewers named on many dossiers at once from the list: only the dossiers waiting for their
reviewers are assigned, the others named and left alone; a refused assignment writes nothing."""

from __future__ import annotations

import pytest

from workflows.fact import dossiers
from workflows.fact.forms import complete_task

from .conftest import PASSWORD, Live, check_page, deposited_dossier, sign_in

pytestmark = pytest.mark.browser


def eligible(live: Live, n: int) -> str:
    dossier = deposited_dossier(live, f"lot{n}@x.fr", n)
    task = dossiers.open_task(live.engine, dossier, "eligibility")
    complete_task(live.engine, task.id, {"eligible": True, "eligibility_reason": "Éligible"},
                  actor="mission.fact")  # fmt: skip
    return dossier


def reviewers_of(live: Live, key: str) -> list[str]:
    return list(dossiers.get_dossier(live.engine, key).variables.get("reviewers") or [])


def test_staff_assign_reviewers_to_the_dossiers_they_tick(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    live.engine.identity.create_user("hugo", PASSWORD, roles=["reviewer"], email="hugo@x.fr",
                                     display_name="Hugo Expert")  # fmt: skip
    waiting = [eligible(live, n) for n in range(2)]
    only_deposited = deposited_dossier(live, "lot-depose@x.fr", 3)
    third = eligible(live, 4)
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/instruction/dossiers")
    for key in [*waiting, only_deposited, third]:
        page.check(f"#pick-{key}")
    page.click("#bulk summary:has-text('Affecter')")
    check_page(page, "dossier-list-assignment")
    page.check("#bulk-assignment label:has-text('Hugo Expert')")
    page.fill("#bulk-review-due", "2026-12-20")
    page.click("#bulk button:has-text('Affecter aux dossiers cochés')")
    flashed = page.locator("[role=status].notice").inner_text()
    assert "Évaluateurs affectés à 3 dossier(s)" in flashed
    assert only_deposited in flashed  # not waiting for reviewers: named, left alone
    for key in [*waiting, third]:
        assert reviewers_of(live, key) == ["hugo"]
    assert reviewers_of(live, only_deposited) == []
    assert {m.recipients for m in live.deliver() if "hugo" in m.recipients}  # each one told


def test_a_refused_assignment_writes_to_no_dossier(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    live.engine.identity.create_user("lot5@x.fr", PASSWORD, roles=["applicant", "reviewer"],
                                     email="lot5@x.fr", display_name="Porteur Expert")  # fmt: skip
    fine, own = eligible(live, 6), eligible(live, 5)  # the second is held by the reviewer
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/instruction/dossiers")
    page.click("#bulk summary:has-text('Affecter')")
    page.click("#bulk button:has-text('Affecter aux dossiers cochés')")  # nothing ticked
    assert (
        "Cochez les dossiers et les évaluateurs"
        in page.locator("[role=status].notice").inner_text()
    )
    for key in (fine, own):
        page.check(f"#pick-{key}")
    page.click("#bulk summary:has-text('Affecter')")
    page.check("#bulk-assignment label:has-text('Porteur Expert')")
    page.click("#bulk button:has-text('Affecter aux dossiers cochés')")
    flashed = page.locator("[role=status].notice").inner_text()
    assert (
        "Aucune affectation faite" in flashed and own in flashed and "porte ce dossier" in flashed
    )
    assert reviewers_of(live, fine) == [] and reviewers_of(live, own) == []
