"""Where the dossiers are: the dossier diagram drawn by bpmn-js with, on each element, how many
dossiers wait there; a click lists them, and a table gives the same figures."""

from __future__ import annotations

from collections import defaultdict

import pytest

from workflows.fact.calls import DOSSIER_PROCESS

from .conftest import Live, check_page, deposited_dossier, sign_in

pytestmark = pytest.mark.browser


def waiting_by_element(engine, reference: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Where the call's dossiers wait, read from their open tasks and live timers one by one:
    what the page, counting in SQL, must show."""
    found = engine.runtime.query().process(DOSSIER_PROCESS).business_key_prefix(f"{reference}-")
    keys = {d.id: d.business_key for d in found.list()}
    waiting: dict[str, set[str]] = defaultdict(set)
    for task in engine.tasks.query().process(DOSSIER_PROCESS).list():
        if task.instance_id in keys:
            waiting[task.element_id].add(keys[task.instance_id])
    for timer in engine.timers.pending():
        if timer.instance_id in keys and not timer.suspended:
            waiting[timer.element_id].add(keys[timer.instance_id])
    return {element: sorted(found) for element, found in waiting.items()}


def test_staff_see_where_dossiers_wait_and_click_through(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    deposited = sorted(deposited_dossier(live, f"carte{n}@x.fr", n) for n in range(3))
    waiting = waiting_by_element(live.engine, "2026-TEST")
    assert waiting["eligibility_task"] == deposited  # what the page must show
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/pilotage/2026-TEST")
    page.click("text=Où sont les dossiers")
    page.wait_for_selector(".diagram.diagram-ready")
    badges = page.locator(".diagram-count")
    assert badges.count() == len(waiting)
    shown = {b.get_attribute("href").split("element=")[1].split("#")[0]: b.inner_text()
             for b in badges.all()}  # fmt: skip
    assert shown == {element: str(len(keys)) for element, keys in waiting.items()}
    rows = page.locator("#etapes + .table-wrap tbody tr")
    assert rows.count() == len(waiting)
    check_page(page, "where")

    page.locator(".diagram-count[href*='element=eligibility_task']").click()
    page.wait_for_selector("#attente")
    listed = page.locator("#attente li").all_inner_texts()
    assert listed == deposited
    page.click(f"#attente >> text={deposited[0]}")
    assert page.locator("h1").inner_text().startswith("Dossier") or deposited[0] in page.url


def test_a_dossier_page_shows_its_steps_done_and_where_it_waits(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    dossier = deposited_dossier(live, "parcours@x.fr")
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/instruction/dossiers/{dossier}")
    page.wait_for_selector("#parcours .diagram.diagram-ready")
    current = page.locator("#parcours .djs-element.diagram-current")
    assert [e.get_attribute("data-element-id") for e in current.all()] == ["eligibility_task"]
    done = {e.get_attribute("data-element-id")
            for e in page.locator("#parcours .djs-element.diagram-done").all()}  # fmt: skip
    assert "deposit_task" in done and "eligibility_task" not in done
    assert "receipt_script" in done  # a script the history names nowhere: read from the state
    assert "Décision d'éligibilité" in page.locator("#parcours").inner_text()
    check_page(page, "dossier-diagram")
