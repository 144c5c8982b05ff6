"""A call's dashboard on a simulated call: the figures staff read are those of the simulation;
an observer reads the same figures, and no applicant's or reviewer's name."""

from __future__ import annotations

from collections import Counter

import pytest

from workflows.fact.calls import CALL_PROCESS, DOSSIER_PROCESS
from workflows.french import amount_fr, datetime_fr

from .conftest import check_page, sign_in

pytestmark = pytest.mark.browser

STAGE_OF_OUTCOME = {
    "accepted": "Retenu", "partial": "Retenu en partie", "refused": "Non retenu",
    "ineligible": "Non éligible", "withdrawn": "Retiré", "expired": "Non déposé",
}  # fmt: skip


def _text(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    return " ".join(page.locator(selector).inner_text().split())


def test_staff_read_the_simulated_call_s_figures(page, simulated) -> None:  # type: ignore[no-untyped-def]
    live, report = simulated
    sign_in(page, live, "mission.fact")
    page.click("nav >> text=Pilotage")
    page.click("main >> text=Appel n° 2020-01")
    assert page.locator("h1").inner_text().startswith("Appel n° 2020-01")

    expected: Counter[str] = Counter()
    for outcome, count in report.outcomes.items():
        expected[STAGE_OF_OUTCOME[outcome.split(":")[0]]] += count
    rows = page.locator("table.stages tbody tr")
    shown = {}
    for i in range(rows.count()):
        shown[rows.nth(i).locator("th").inner_text()] = int(
            rows.nth(i).locator("td").first.inner_text()
        )
    assert shown == dict(expected)

    cards = _text(page, "ul.cards")
    assert f"Dossiers {sum(expected.values())}" in cards
    remaining = " ".join(amount_fr(report.envelope - report.granted).split())
    assert f"Enveloppe restante {remaining}" in cards
    assert " ".join(amount_fr(report.granted).split()) in cards

    dossiers = live.engine.runtime.query().process(DOSSIER_PROCESS).list()
    deposited = sum(1 for d in dossiers if d.variables.get("deposited_at"))
    page.click("text=Les chiffres jour par jour")
    per_day = page.locator("#depots ~ details tbody td:nth-child(2)").all_inner_texts()
    assert sum(int(n) for n in per_day) == deposited > 0
    assert "0" in per_day  # the days without a deposit are there too
    assert page.locator("figure.chart svg rect").count() == len(per_day)

    schedule = _text(page, "ol.schedule")
    deadline = live.engine.runtime.query().process(CALL_PROCESS).one().variables["deposit_deadline"]
    assert f"{' '.join(datetime_fr(deadline).split())} — Clôture des dépôts passé" in schedule
    assert (
        schedule.index("Publication")
        < schedule.index("Rappel J-7")
        < schedule.index("Rappel J-2")
        < schedule.index("Clôture")
        < schedule.index("Séance de la commission")
    )
    check_page(page, "dashboard")


def test_an_observer_reads_figures_without_names(page, simulated) -> None:  # type: ignore[no-untyped-def]
    live, _ = simulated
    sign_in(page, live, "relais")
    page.goto(f"{live.url}/pilotage/2020-01")
    assert "Dossiers par état" in page.locator("main").inner_text()
    text = page.locator("main").inner_text()
    for dossier in live.engine.runtime.query().process(DOSSIER_PROCESS).list():
        for personal in ("holder_name", "holder_email", "siret"):
            value = dossier.variables.get(personal)
            assert not value or str(value) not in text
    assert "Les traiter" not in text  # operations are staff's
    check_page(page, "dashboard-observer")
    assert page.goto(f"{live.url}/exploitation").status == 403
    assert page.goto(f"{live.url}/pilotage/1999-99").status == 404
