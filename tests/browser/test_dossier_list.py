"""The dossiers list on a simulated call: staff search, filter, sort and page through it, and
export the filtered list as XLSX and CSV with the columns they chose."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workflows.fact.calls import DOSSIER_PROCESS
from workflows.fact.regions import region_of
from workflows.fact.status import dossier_status
from workflows.fact.summaries import answer

from .conftest import check_page, sign_in

pytestmark = pytest.mark.browser


def _stages(live) -> dict[str, str]:  # type: ignore[no-untyped-def]
    engine = live.engine
    return {
        d.business_key: dossier_status(engine, d).stage
        for d in engine.runtime.query().process(DOSSIER_PROCESS).list()
    }


def _shown(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("table.dossiers tbody td.ref").all_inner_texts()


def test_staff_filter_sort_and_export_the_dossiers(page, simulated) -> None:  # type: ignore[no-untyped-def]
    live, _ = simulated
    stages = _stages(live)
    sign_in(page, live, "mission.fact")
    page.click("nav >> text=Dossiers")
    assert f"{len(stages)} dossiers" in page.locator("#found").inner_text()

    page.select_option("#etat", "Non éligible")
    page.click("main button:has-text('Filtrer')")
    ineligible = sorted(k for k, stage in stages.items() if stage == "Non éligible")
    assert sorted(_shown(page)) == ineligible and len(ineligible) > 1
    check_page(page, "dossier-list")

    page.click("table.dossiers th >> text=Montant demandé")  # ascending, then descending
    page.click("table.dossiers th >> text=Montant demandé")
    amounts = {
        d.business_key: d.variables.get("amount_requested")
        for d in live.engine.runtime.query().process(DOSSIER_PROCESS).list()
    }
    shown = _shown(page)
    assert [amounts[k] for k in shown] == sorted((amounts[k] for k in shown), reverse=True)
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("Montant demandé")

    page.click("summary:has-text('Colonnes')")
    page.uncheck("#col-score")
    page.check("#col-siret")
    with page.expect_download() as download:
        page.click("button:has-text('Exporter en XLSX')")
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    header, *lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == ["Dossier", "Porteur", "SIRET", "Projet", "État", "Montant demandé (€)"]
    assert [line[0] for line in lines] == shown  # the filter and the order of the page
    assert {line[4] for line in lines} == {"Non éligible"}
    assert [line[5] for line in lines] == [amounts[k] for k in shown]

    with page.expect_download() as download:
        page.click("button:has-text('Exporter en CSV')")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == header and [r[0] for r in rows[1:]] == shown


def test_staff_search_by_organisation_and_an_observer_cannot_export(page, simulated) -> None:  # type: ignore[no-untyped-def]
    live, _ = simulated
    dossier = next(d for d in live.engine.runtime.query().process(DOSSIER_PROCESS).list()
                   if d.variables.get("holder_name"))  # fmt: skip
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/instruction/dossiers")
    page.fill("#q", dossier.variables["holder_name"].upper())
    page.click("main button:has-text('Filtrer')")
    assert dossier.business_key in _shown(page)
    page.fill("#q", "aucune structure de ce nom")
    page.click("main button:has-text('Filtrer')")
    assert "0 dossier" in page.locator("#found").inner_text()
    page.goto(f"{live.url}/instruction/dossiers?note_min=abc")
    assert page.locator("#note_min-error").inner_text() == "un nombre est attendu"

    page.context.clear_cookies()
    sign_in(page, live, "relais")
    page.goto(f"{live.url}/instruction/dossiers")
    assert page.locator("#evaluateur").count() == 0  # no reviewer nor score for observers
    assert page.locator("button:has-text('Exporter')").count() == 0
    assert page.goto(f"{live.url}/instruction/dossiers?format=xlsx").status == 403


def test_an_observer_lists_dossiers_without_who_applied(page, simulated) -> None:  # type: ignore[no-untyped-def]
    live, _ = simulated
    found = live.engine.runtime.query().process(DOSSIER_PROCESS).list()
    dossier = next(d for d in found if d.variables.get("holder_name"))
    sign_in(page, live, "relais")
    page.goto(f"{live.url}/instruction/dossiers?colonnes=holder_name&colonnes=title&colonnes=stage")
    text = page.locator("main").inner_text()
    assert f"{len(found)} dossiers" in text
    for d in found:
        for personal in ("holder_name", "holder_email", "siret", "title"):
            value = d.variables.get(personal)
            assert not value or str(value) not in text, (personal, value)
    assert [h.split()[0] for h in page.locator("table.dossiers th").all_inner_texts()] == [
        "Dossier", "État"]  # fmt: skip
    assert page.locator("table.dossiers tbody a").count() == 0  # no dossier page to open
    check_page(page, "dossier-list-observer")
    page.fill("#q", dossier.variables["holder_name"])  # a name finds nothing
    page.click("main button:has-text('Filtrer')")
    assert "0 dossier" in page.locator("#found").inner_text()
    page.fill("#q", (dossier.business_key or "")[-4:])  # a number does
    page.click("main button:has-text('Filtrer')")
    assert dossier.business_key in _shown(page)
    assert page.goto(f"{live.url}/instruction/dossiers/{dossier.business_key}").status == 403
    page.goto(f"{live.url}/pilotage/2020-01/carte")
    assert page.locator("#attente a, table a[href*='/instruction/']").count() == 0


def test_staff_filter_the_dossiers_by_region(page, simulated) -> None:  # type: ignore[no-untyped-def]
    live, _ = simulated
    regions = {
        d.business_key: region_of(answer(d.variables, "postal_code"))
        for d in live.engine.runtime.query().process(DOSSIER_PROCESS).list()
    }
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/instruction/dossiers?colonnes=region&colonnes=stage")
    page.select_option("#region", "Île-de-France")
    page.click("main button:has-text('Filtrer')")
    expected = sorted(k for k, region in regions.items() if region == "Île-de-France")
    assert _shown(page) == expected and expected
    assert set(page.locator("table.dossiers tbody td:nth-child(3)").all_inner_texts()) == {
        "Île-de-France"
    }
    assert len(set(regions.values()) - {None}) > 3  # the simulated call spans regions
