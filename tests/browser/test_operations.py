"""The operations page: staff see the service's state and its incidents, retry one, resolve
another with a note; nobody else reaches it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import FrozenClock
from tests.conformance import diagrams as d

from .conftest import Live, check_page, sign_in

pytestmark = pytest.mark.browser


def missing_template() -> str:
    """start → a timer at `due` → render the document 'registre_absent' (no such template)."""
    render = (
        '<bpmn:serviceTask id="effect"><bpmn:extensionElements>'
        '<spiffworkflow:serviceTaskOperator id="document.render"><spiffworkflow:parameters>'
        '<spiffworkflow:parameter id="template" type="str" value="\'registre_absent\'"/>'
        "</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>"
        "</bpmn:extensionElements></bpmn:serviceTask>"
    )
    return d.process(
        "relance", [d.start(), d.catch("wait", d.timer("timeDate", "due")), render, d.end()],
        "start wait effect end",
    )  # fmt: skip


def _incidents(live: Live, count: int) -> list[int]:
    """`count` timers whose service fails (a document from a template that does not exist),
    fired until each is an incident."""
    engine = live.engine
    clock: FrozenClock = engine.clock.source  # type: ignore[assignment]
    engine.repository.deploy("relance", {"r.bpmn": missing_template()}, author="t")
    due = engine.clock.now() + timedelta(minutes=1)
    for n in range(count):
        engine.runtime.start("relance", business_key=f"R-{n}", variables={"due": due.isoformat()})
    for _ in range(50):  # each failure is retried later: the clock goes there
        clock.set(clock.now() + timedelta(hours=1))
        engine.timers.fire_due()
        if engine.management.status().incidents_open >= count:
            break
    return [incident.id for incident in engine.management.incidents()]


def test_staff_retry_and_resolve_incidents_from_the_operations_page(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    first, second = _incidents(live, 2)
    sign_in(page, live, "mission.fact")
    page.click("nav >> text=Exploitation")
    assert page.locator("h1").inner_text() == "Exploitation"
    cards = " ".join(page.locator("ul.cards").inner_text().split())
    assert "Incidents ouverts 2" in cards and "Workers en vie 0" in cards
    incident = page.locator(f"#incident-{first}")
    assert "Minuteur, relance R-" in incident.inner_text()
    assert "wait" in incident.inner_text()
    incident.locator("summary").click()
    assert "registre_absent" in incident.locator("pre").inner_text()
    check_page(page, "operations")

    page.click(f"main button:has-text('Relancer l\\'incident n° {first}')")
    flashed = page.locator("[role=status].notice.success")
    assert f"Incident n° {first} relancé" in flashed.inner_text()
    assert page.locator(f"#incident-{first}").count() == 0
    assert live.engine.timers.pending()  # its timer waits again

    page.fill(f"#note-{second}", "Registre rétabli, relancé à la main le lendemain.")
    page.click(f"main button:has-text('Déclarer réglé l\\'incident n° {second}')")
    assert f"Incident n° {second} marqué comme réglé" in flashed.inner_text()
    solved = page.locator("#regles + .table-wrap").inner_text()
    assert "Registre rétabli" in solved and "relancé" in solved
    assert "Aucun incident ouvert" in page.locator("main").inner_text()
    check_page(page, "operations-solved")

    # Retrying what is no longer open says so rather than failing.
    response = page.request.post(f"{live.url}/exploitation/incidents/{first}/relance")
    assert response.status == 400  # no CSRF token: refused before anything


def test_only_staff_reach_the_operations_page(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live, "eva")
    assert page.goto(f"{live.url}/exploitation").status == 403
    assert page.locator("nav >> text=Exploitation").count() == 0
