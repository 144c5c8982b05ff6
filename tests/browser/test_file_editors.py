"""The other files of a process version, edited as people do it: staff change a rule's output
in a decision table (dmn-js) and a field's label in a form (form-js editor), save each as a
draft holding every other file unchanged; a table that leaves the diagram without its decision
is refused, the problem naming the diagram's task; reviewers may open neither editor."""

from __future__ import annotations

import json
import re

import pytest

from workflows.fact.calls import DOSSIER_PROCESS

from .conftest import PASSWORD, Live, check_page, sign_in

pytestmark = pytest.mark.browser

TABLE = "eligibility.dmn"
FORM = "eligibility.form"
REASON_CELL = "rule_cse_not_informed_precheck_reason"  # output "Motif" of the first rule
REASON = '"Le CSE doit être informé du projet avant le dépôt du dossier."'
FIELD = "eligibility_eligible"  # the radio group "Décision"
LABEL = "Décision d'éligibilité"


def _open_from_versions(page, live: Live, name: str, screen: str = "") -> None:  # type: ignore[no-untyped-def]
    """The version in service of the dossier process, its link to the editor of `name`."""
    page.goto(f"{live.url}/modeles")
    if screen:
        check_page(page, screen)
    section = page.locator("section", has=page.locator("h2", has_text=f"({DOSSIER_PROCESS})"))
    row = section.locator("tbody tr", has=page.locator(".tag", has_text="en service"))
    if name.endswith(".form"):  # the forms are listed under one line, folded
        row.locator("details.inline-list summary").click()
    row.locator("a", has_text=name).click()
    page.wait_for_selector(".file-editor.editor-ready")


def _saved_draft(page) -> int:  # type: ignore[no-untyped-def]
    """Save, see it said, and answer the new version's id (from the link to compare it)."""
    page.click("[data-editor-save]")
    page.wait_for_selector("[data-editor-status]:has-text('enregistrée en brouillon')")
    href = page.get_attribute("[data-editor-saved] a", "href") or ""
    found = re.search(r"/modeles/versions/(\d+)/comparaison", href)
    assert found, href
    return int(found.group(1))


def _only_changed(live: Live, before_id: int, after_id: int, name: str) -> str:
    """The new content of `name`, every other file of the version byte for byte the same."""
    before = live.engine.repository.files(before_id)
    after = live.engine.repository.files(after_id)
    assert sorted(after) == sorted(before)
    assert {n for n in before if before[n] != after[n]} == {name}
    return after[name]


def test_a_rule_output_changed_in_the_table_is_saved_as_a_draft(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    current = live.engine.repository.latest(DOSSIER_PROCESS)
    sign_in(page, live, "mission.fact")
    _open_from_versions(page, live, TABLE, screen="file-editors-versions")
    assert page.locator("h1").inner_text().startswith(f"Tables de décision {TABLE}")
    assert (
        page.locator(".decision-canvas .hit-policy")
        .inner_text()
        .startswith("Politique de résultat")
    )  # the table in French
    check_page(page, "decision-editor")

    cell = page.locator(f".decision-canvas td[data-element-id='{REASON_CELL}'] [contenteditable]")
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(REASON)
    page.fill("#version-comment", "Motif du refus précisé pour le CSE non informé")
    page.wait_for_function(  # the table's model took the text typed
        "([id, text]) => window.concertoDecisionEditor.getActiveViewer()"
        ".get('elementRegistry').get(id).businessObject.text === text",
        arg=[REASON_CELL, REASON],
    )
    draft_id = _saved_draft(page)
    check_page(page, "decision-editor-saved")

    draft = live.engine.repository.get(draft_id)
    assert draft.state == "draft" and draft.process_id == DOSSIER_PROCESS
    assert draft.comment == "Motif du refus précisé pour le CSE non informé"
    table = _only_changed(live, current.id, draft_id, TABLE)
    assert f"<text>{REASON}</text>" in table
    assert live.engine.repository.latest(DOSSIER_PROCESS).id == current.id  # still in service
    page.click("[data-editor-saved] a")  # compared with the version in service
    assert f"/modeles/versions/{current.id}/comparaison/{draft_id}" in page.url


def test_a_field_label_changed_in_the_form_editor_is_saved_as_a_draft(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    current = live.engine.repository.latest(DOSSIER_PROCESS)
    sign_in(page, live, "mission.fact")
    _open_from_versions(page, live, FORM)
    assert page.locator("h1").inner_text().startswith(f"Formulaire {FORM}")
    check_page(page, "form-editor")

    page.locator(f".form-editor-canvas .fjs-element[data-id='{FIELD}']").click()
    panel = page.locator(".form-editor-panel")
    assert "Décision" in panel.locator(".bio-properties-panel-header").inner_text()
    label = panel.get_by_label("Field label", exact=True)
    if not label.is_visible():  # the group folded
        panel.locator(".bio-properties-panel-group-header", has_text="General").click()
    label.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(LABEL)
    page.fill("#version-comment", "Libellé de la décision d'éligibilité")
    page.wait_for_function(
        "([id, text]) => window.concertoFormEditor.get('formFieldRegistry').get(id).label === text",
        arg=[FIELD, LABEL],
    )
    check_page(page, "form-editor-field")
    draft_id = _saved_draft(page)

    schema = json.loads(_only_changed(live, current.id, draft_id, FORM))
    fields = {c.get("id"): c for c in schema["components"]}
    assert fields[FIELD]["label"] == LABEL
    assert fields[FIELD]["key"] == "eligible"  # the data the process reads stays the same
    assert live.engine.repository.get(draft_id).state == "draft"


def test_a_table_losing_the_decision_the_diagram_calls_is_refused(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    current = live.engine.repository.latest(DOSSIER_PROCESS)
    versions = len(live.engine.repository.list(DOSSIER_PROCESS))
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/modeles/versions/{current.id}/decisions/{TABLE}")
    page.wait_for_selector(".file-editor.editor-ready")
    # The decision renamed, as a file edited elsewhere brings it: the diagram's business rule
    # task still calls "eligibility".
    page.evaluate(
        "() => window.concertoDecisionEditor.getActiveViewer().get('modeling')"
        ".editDecisionTableId('eligibility_renamed')"
    )
    page.click("[data-editor-save]")
    page.wait_for_selector("[data-editor-status]:has-text('corrigez les problèmes')")
    problem = page.locator("[data-editor-problems] li[data-element='precheck_task']")
    assert problem.count() == 1
    assert problem.inner_text().startswith("élément precheck_task")
    assert "« eligibility »" in problem.inner_text()
    assert page.locator("[data-editor-saved]").is_hidden()
    check_page(page, "decision-editor-refused")
    assert len(live.engine.repository.list(DOSSIER_PROCESS)) == versions  # nothing stored


def test_reviewers_may_open_neither_editor_and_unknown_files_are_not_found(
    page, live: Live
) -> None:  # type: ignore[no-untyped-def]
    version = live.engine.repository.latest(DOSSIER_PROCESS).id
    live.engine.identity.create_user(
        "evaluatrice.editeurs", PASSWORD, roles=["reviewer"], email="ee@x.fr"
    )
    sign_in(page, live, "evaluatrice.editeurs")
    for path in (f"decisions/{TABLE}", f"formulaires/{FORM}"):
        response = page.goto(f"{live.url}/modeles/versions/{version}/{path}")
        assert response is not None and response.status == 403, path
    page.context.clear_cookies()
    sign_in(page, live, "mission.fact")
    for path in (
        f"decisions/{FORM}",  # a form is not a decision table
        f"formulaires/{TABLE}",
        "decisions/absent.dmn",
        "formulaires/absent.form",
    ):
        response = page.goto(f"{live.url}/modeles/versions/{version}/{path}")
        assert response is not None and response.status == 404, path
    response = page.goto(f"{live.url}/modeles/versions/999999/decisions/{TABLE}")
    assert response is not None and response.status == 404
