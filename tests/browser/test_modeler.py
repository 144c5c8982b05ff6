"""Modeling in concertation, as people do it: staff change a timer of the dossier diagram in
the properties panel, save a draft (validated), compare it and simulate it beside the current
version, propose it; an observer comments on the timer; the approver accepts; staff deploy; a
new dossier follows the new version, an older one stays on its own until it is migrated."""

from __future__ import annotations

import re

import pytest

from workflows.fact import dossiers
from workflows.fact.calls import DOSSIER_PROCESS

from .conftest import PASSWORD, Live, check_page, deposited_dossier, sign_in

pytestmark = pytest.mark.browser

TIMER = "convention_reminder7_timer"


def _as(page, live: Live, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()  # the previous person signs out
    sign_in(page, live, username)


def _open_editor(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live.url}/modeles")
    row = page.locator("section", has=page.locator("h2", has_text=f"({DOSSIER_PROCESS})"))
    row.locator("tbody tr").first.locator("a", has_text="Modifier").click()
    page.wait_for_selector("[data-modeler].modeler-ready")


def _select(page, element_id: str) -> None:  # type: ignore[no-untyped-def]
    shape = page.locator(f".modeler-canvas [data-element-id='{element_id}']")
    shape.scroll_into_view_if_needed()
    page.evaluate(  # the element in view, as a person would scroll the canvas to it
        "id => { const m = window.concertoModeler;"
        " m.get('canvas').scrollToElement(m.get('elementRegistry').get(id)); }",
        element_id,
    )
    shape.click(force=True)
    selected = page.evaluate("() => window.concertoModeler.get('selection').get().map(e => e.id)")
    assert selected == [element_id]


def test_a_timer_change_is_saved_compared_proposed_commented_accepted_deployed(
    page, live: Live
) -> None:  # type: ignore[no-untyped-def]
    engine = live.engine
    engine.identity.create_user("approbation", PASSWORD, roles=["admin"], email="a@x.fr")
    engine.identity.create_user("cse.elu", PASSWORD, roles=["observer"], email="c@x.fr")
    older = deposited_dossier(live, "porteur.ancien@x.fr")
    before = engine.runtime.query().business_key(older).one().version_id

    sign_in(page, live, "mission.fact")
    page.click("nav >> text=Modèles")
    check_page(page, "modeler-versions")
    _open_editor(page, live)
    check_page(page, "modeler-editor")
    _select(page, TIMER)
    page.locator(".bio-properties-panel-group-header", has_text="Minuteur").click()
    value = page.get_by_label("Valeur", exact=True)
    assert '"P7D"' in value.input_value()
    value.fill('add_duration(convention["rendered_at"], "P10D")')
    page.fill("#version-comment", "Relance de signature à J+10 au lieu de J+7")
    page.click("[data-editor-save]")
    page.wait_for_selector("[data-editor-status]:has-text('enregistrée en brouillon')")
    check_page(page, "modeler-saved")
    page.click("[data-editor-saved] a")

    page.wait_for_selector("[data-compare].diagram-ready")
    row = page.locator(f"tr[data-element='{TIMER}']")
    assert "modifié" in row.inner_text() and "timer" in row.inner_text().lower()
    assert TIMER in (page.get_attribute("[data-compare]", "data-changed") or "")
    page.click("text=Simuler les deux versions")
    page.wait_for_selector("table[data-what-if]")
    check_page(page, "modeler-compare")
    page.fill("#note", "Laisser trois jours de plus avant la relance de signature.")
    page.click("button:has-text('Proposer la version')")
    assert "Version proposée" in page.locator("[role=status].notice").inner_text()
    proposal_url = page.url

    # The staff representative is invited by mail and follows its link.
    invitation = next(m for m in live.deliver() if "c@x.fr" in m.recipients)
    assert invitation.subject.startswith("Concertation : version 2")
    assert live.link_in_last_mail("c@x.fr") == proposal_url
    _as(page, live, "cse.elu")
    page.goto(live.link_in_last_mail("c@x.fr"))
    page.wait_for_selector("[data-comments].diagram-ready")
    page.locator(f"[data-comments] [data-element-id='{TIMER}']").click(force=True)
    assert page.locator("#element_id").input_value() == TIMER
    page.fill("#text", "Dix jours, c'est bien : les CSE se réunissent rarement plus vite.")
    page.click("button:has-text('Commenter')")
    assert "Commentaire ajouté" in page.locator("[role=status].notice").inner_text()
    assert page.locator(f"ul.comments li[data-element='{TIMER}']").count() == 1
    check_page(page, "modeler-proposal-commented")

    _as(page, live, "approbation")
    assert "votre décision est attendue" in page.locator("main").inner_text()  # Espace de travail
    page.click("text=version proposée par mission.fact")
    page.check("input[name=decision][value=accept]")
    page.fill("#reason", "Accepté après lecture des commentaires du CSE.")
    page.click("button:has-text('Enregistrer la décision')")
    assert "Version acceptée" in page.locator("[role=status].notice").inner_text()
    told = next(m for m in live.deliver() if "fact@x.fr" in m.recipients)
    assert "acceptée" in told.subject and "commentaires du CSE" in told.text()

    _as(page, live, "mission.fact")
    page.goto(proposal_url)
    page.click("button:has-text('Déployer la version')")
    assert "déployée" in page.locator("[role=status].notice").inner_text()
    deployed = engine.repository.latest(DOSSIER_PROCESS)
    assert deployed.id != before and deployed.comment.startswith("Relance de signature à J+10")
    holder = "porteur.nouveau@x.fr"
    newer = dossiers.create_draft(
        engine, "2026-TEST", holder_user=holder, holder_email=holder, track="entreprise",
        actor=holder,
    )  # fmt: skip
    assert newer.version_id == deployed.id
    assert engine.runtime.query().business_key(older).one().version_id == before

    page.goto(proposal_url)
    page.check(f"input[name=instances] >> xpath=..//self::label[contains(., '{older}')]/input")
    page.click("button:has-text('Migrer les instances choisies')")
    assert "Migré" in page.locator("[role=status].notice").first.inner_text()
    assert engine.runtime.query().business_key(older).one().version_id == deployed.id
    check_page(page, "modeler-proposal-migrated")
    audit = [e.action for e in engine.history.for_instance(
        engine.runtime.query().business_key(older).one().id)]  # fmt: skip
    assert "migrated" in audit


def test_an_unknown_service_is_refused_and_its_element_highlighted(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live, "mission.fact")
    _open_editor(page, live)
    versions = len(live.engine.repository.list(DOSSIER_PROCESS))
    task = "receipt_email_task"
    _select(page, task)
    page.locator(".bio-properties-panel-group-header", has_text="Service").click()
    service = page.get_by_label("Service appelé")
    assert service.input_value() == "email.send"
    # A name the engine does not know, as a diagram edited elsewhere brings it.
    page.evaluate(
        "id => { const m = window.concertoModeler; const e = m.get('elementRegistry').get(id);"
        " const op = e.businessObject.extensionElements.values.find("
        "   v => v.$type === 'spiffworkflow:ServiceTaskOperator');"
        " m.get('modeling').updateModdleProperties(e, op, {id: 'courrier.inconnu'}); }",
        task,
    )
    page.click("[data-editor-save]")
    page.wait_for_selector("[data-editor-status]:has-text('pas enregistré')")
    problem = page.locator(f"[data-editor-problems] button[data-element='{task}']")
    assert re.search(r"courrier\.inconnu.*n'existe pas", problem.inner_text())
    assert page.locator(f".modeler-canvas [data-element-id='{task}'].modeler-problem").count() == 1
    problem.click()
    header = page.locator(".bio-properties-panel-header").inner_text()
    assert "Envoyer l'accusé de réception" in header and "tâche de service" in header.lower()
    check_page(page, "modeler-refused")
    assert len(live.engine.repository.list(DOSSIER_PROCESS)) == versions  # nothing stored


def test_a_diagram_from_camunda_modeler_is_imported_with_its_report(
    page, live: Live, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    engine = live.engine
    current = engine.repository.latest(DOSSIER_PROCESS)
    diagram = engine.repository.files(current.id)["fact_dossier.bpmn"]
    drawn = diagram.replace(
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"',
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
    ).replace(
        '<bpmn:serviceTask id="receipt_email_task"',
        '<bpmn:serviceTask id="receipt_email_task" camunda:asyncBefore="true"',
    )  # fmt: skip
    assert drawn.count("camunda:asyncBefore") == 1
    path = tmp_path / "dossier-camunda.bpmn"
    path.write_text(drawn)
    sign_in(page, live, "mission.fact")
    page.goto(f"{live.url}/modeles")
    page.set_input_files(f"#import-{DOSSIER_PROCESS}", str(path))
    page.locator("form.import-form", has=page.locator(f"#import-{DOSSIER_PROCESS}")).locator(
        "button"
    ).click()
    assert "enregistré en brouillon" in page.locator("[role=status]").inner_text()
    row = page.locator("ul.import-report li[data-element=receipt_email_task]")
    assert "camunda:asyncBefore" in row.inner_text() and "signalé" in row.inner_text()
    check_page(page, "modeler-imported")
    latest = engine.repository.list(DOSSIER_PROCESS)[-1]
    assert latest.state == "draft" and latest.comment == "importé de dossier-camunda.bpmn"
    stored = engine.repository.files(latest.id)["fact_dossier.bpmn"]
    assert "camunda" not in stored and 'id="receipt_email_task"' in stored


def _group(page, element_id: str, title: str):  # type: ignore[no-untyped-def]
    """Select an element (through the modeler, as the problem list does) and open a group."""
    page.evaluate(
        "id => { const m = window.concertoModeler;"
        " m.get('selection').select(m.get('elementRegistry').get(id)); }",
        element_id,
    )
    header = page.locator(".bio-properties-panel-group-header", has_text=title)
    if "open" not in (header.get_attribute("class") or "").split():  # the panel remembers
        header.click()
    return page.locator(".bio-properties-panel-group", has=header)


def test_the_panel_shows_and_edits_what_the_engine_reads(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live, "mission.fact")
    _open_editor(page, live)
    form = _group(page, "eligibility_task", "Formulaire et affectation")
    assert form.get_by_label("Formulaire").input_value() == "eligibility"
    assert "Couloir : « Mission Fact »" in form.inner_text()
    decision = _group(page, "precheck_task", "Décision")
    assert decision.get_by_label("Décision évaluée").input_value() == "eligibility"
    condition = _group(page, "flow_extension_moved", "Condition")
    assert (
        'reschedule["deposit_deadline"]'
        in condition.get_by_label("Condition (Python)").input_value()
    )
    loop = _group(page, "review_task", "Collection parcourue")
    assert loop.get_by_label("Collection").input_value() == "reviewers"
    assert loop.get_by_label("Variable de l'élément").input_value() == "reviewer"
    correlation = _group(page, "reminder_catch", "Corrélation du message")
    assert correlation.get_by_label("Propriété de corrélation").input_value() == "call_id"
    script = _group(page, "expire_script", "Script")
    assert script.get_by_label("Script (Python)").input_value().strip()

    # A choice in the panel is written where the engine reads it.
    form = _group(page, "eligibility_task", "Formulaire et affectation")
    form.get_by_label("Formulaire").select_option("review")
    xml = page.evaluate("async () => (await window.concertoModeler.saveXML()).xml")
    task = re.search(r'<bpmn:userTask id="eligibility_task".*?</bpmn:userTask>', xml, re.S)
    assert task and '<spiffworkflow:property name="formKey" value="review" />' in task.group(0)
