"""The demo data of `concerto run`: every applicant page has something to show, once."""

from __future__ import annotations

from engine import Engine, EngineConfig
from workflows import SERVICES, SUMMARIES, changes
from workflows.demo_changes import ensure_demo_proposal
from workflows.fact import calls
from workflows.fact.cse import cse_status
from workflows.fact.demo import (
    CSE_SECRETARIES,
    ensure_demo_call,
    ensure_demo_dossiers,
    ensure_demo_users,
)
from workflows.fact.status import applicant_dossiers


def labels(engine: Engine, username: str) -> list[tuple[str, str, str]]:
    return sorted(
        (d.variables["call_id"], " ".join(s.label.split()), s.next_step)
        for d, s in applicant_dossiers(engine, username)
    )


def test_demo_dossiers_at_every_stage_made_once(sqlite_url: str) -> None:
    engine = Engine(EngineConfig(database_url=sqlite_url, services=SERVICES, summaries=SUMMARIES))
    try:
        engine.management.create_schema()
        calls.deploy(engine)
        ensure_demo_users(engine)
        ensure_demo_call(engine)
        ensure_demo_dossiers(engine)
        porteur = labels(engine, "porteur")
        deposited = [label for _, label, _ in porteur if label.startswith("Déposé le")]
        assert len(deposited) == 1
        assert [entry for entry in porteur if entry[1] not in deposited] == [
            ("DEMO", "Brouillon", porteur[0][2]),
            ("DEMO-ANTERIEUR", "Retenu : 24 250 €", "Convention à signer."),
        ]
        relais = labels(engine, "relais")
        assert [label for _, label, _ in relais] == ["En instruction", "Non retenu"]
        reviews = engine.tasks.query().assignee("evaluatrice").form_key("review").list()
        assert [t.business_key for t in reviews] == [
            d.business_key
            for d, s in applicant_dossiers(engine, "relais")
            if s.label == "En instruction"
        ]
        assert engine.identity.get("porteur").profile["organisation"]["name"] == "Menuiserie Démo"
        # The CSE: asked on the deposited dossier (its mail holds the link), answered on the
        # one in review.
        states = {
            d.variables["call_id"] + ":" + s.label: cse_status(d.variables, with_answer=True).state
            for user in ("porteur", "relais")
            for d, s in applicant_dossiers(engine, user)
            if d.variables["call_id"] == "DEMO" and s.label != "Brouillon"
        }
        assert sorted(states.values()) == ["answered", "awaited"], states
        asked = [m.recipient for m in engine.outbox.list(kind="cse_request")]
        assert sorted(asked) == sorted(CSE_SECRETARIES.values())
        ensure_demo_dossiers(engine)  # a second run adds nothing
        assert len(labels(engine, "porteur")) == 3
    finally:
        engine.close()


def test_demo_proposal_waits_for_the_administrator_once(sqlite_url: str) -> None:
    engine = Engine(EngineConfig(database_url=sqlite_url, services=SERVICES, summaries=SUMMARIES))
    try:
        engine.management.create_schema()
        calls.deploy(engine)
        ensure_demo_users(engine)
        proposal_id = ensure_demo_proposal(engine)
        assert proposal_id is not None and ensure_demo_proposal(engine) is None
        (proposal,) = changes.proposals(engine)
        assert proposal.state == "open" and proposal.invitees == ("evaluatrice",)
        assert [(c.author, c.element_name) for c in proposal.comments] == [("cse", "Relance J+7")]
        diff = engine.repository.diff(proposal.base_version_id, proposal.version_id)
        assert [c.element_id for c in diff.elements] == ["convention_reminder7_timer"]
    finally:
        engine.close()
