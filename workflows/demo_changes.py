"""The demo's concertation: a new version of the dossier diagram proposed, with a comment of the
staff representative, waiting for the administrator's decision (`concerto run`)."""

from __future__ import annotations

from engine import Engine

from . import changes
from .fact.calls import DOSSIER_PROCESS

CONVENTION_REMINDER = ('add_duration(convention["rendered_at"], "P7D")',
                       'add_duration(convention["rendered_at"], "P10D")')  # fmt: skip


def ensure_demo_proposal(engine: Engine) -> str | None:
    """Once: the convention reminder moved from J+7 to J+10 in a draft, proposed by the Mission
    Fact to the reviewer `evaluatrice` and the observers, commented on by `cse`."""
    if changes.proposals(engine):
        return None
    current = engine.repository.latest(DOSSIER_PROCESS)
    files = engine.repository.files(current.id)
    before, after = CONVENTION_REMINDER
    files["fact_dossier.bpmn"] = files["fact_dossier.bpmn"].replace(before, after)
    draft = engine.repository.deploy(
        DOSSIER_PROCESS, files, author="mission.fact", draft=True,
        comment="Relance de signature de la convention à J+10 au lieu de J+7",
    )  # fmt: skip
    proposal = changes.propose(
        engine, draft.id, actor="mission.fact", invitees=["evaluatrice"],
        note="Laisser aux structures trois jours de plus avant la relance de signature.",
    )  # fmt: skip
    changes.comment(
        engine, proposal.id, "convention_reminder7_timer",
        "Dix jours conviennent mieux : le CSE se réunit rarement plus vite.",
        actor="cse", roles=["observer"],
    )  # fmt: skip
    return proposal.id
