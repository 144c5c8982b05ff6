"""The commission's session: the dossiers it decides on, their synthesis, its draft, and the
checks a set of decisions passes before it is saved or the session closed.

A decision is `{dossier, decision, amount, motivation}`; the session's task (`commission`, in
the call diagram) completes with the list of them and the call sends them to the dossiers.
Until staff close the session, the commission's decisions are a draft kept with the call
(`commission_draft`), amended as often as needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine import Engine, InvalidInputError
from engine.models import Instance, UserTask

from ..french import amount_fr
from .synthesis import Synthesis, synthesis_of

OUTCOMES = {
    "accepted": "Retenu",
    "partial": "Retenu partiellement",
    "refused": "Non retenu",
}
MOTIVATION_MAX = 2000
DECIDED = "commission_decided"  # the message the call sends the dossiers with its decisions
DRAFT = "commission_draft"


# What the session shows of each dossier: read alone from the database, for hundreds of them.
SHOWN = ("title", "holder_name", "amount_requested", "reviewers", "reviews")


@dataclass(frozen=True)
class Candidate:
    """A dossier before the commission, with what it decides on."""

    id: str
    variables: dict[str, Any]  # those SHOWN
    requested: int
    synthesis: Synthesis


def session_dossiers(engine: Engine, call: Instance) -> list[Candidate]:
    """The call's dossiers awaiting the commission (eligible, every review in), best mean
    first, then by reference."""
    # The reviewed dossiers wait for the commission's word: their open catches lead the query
    # (an instance that waits runs), rather than every running dossier of the call.
    query = (
        engine.runtime.query().waiting_for_message(DECIDED)
        .business_key_prefix(f"{call.business_key}-")
    )  # fmt: skip
    criteria = [c["id"] for c in call.variables.get("criteria") or []]
    found = [
        Candidate(key or "", v, _requested(v), synthesis_of({**v, "criteria": criteria}))
        for key, v in query.variables(*SHOWN)
    ]
    found.sort(key=lambda c: (-(c.synthesis.mean or 0), c.id))
    return found


def session_task(engine: Engine, call: Instance) -> UserTask | None:
    """The open session of the call, if the commission sits now."""
    tasks = engine.tasks.query().instance(call.id).form_key("commission").list()
    return tasks[0] if tasks else None


def check_decisions(
    call: Instance, candidates: list[Candidate], decisions: Any, *, closing: bool
) -> list[dict[str, Any]]:
    """The decisions, each checked against its dossier, all against the envelope; a closing
    session decides every dossier before it. Raises InvalidInputError naming each field."""
    if not isinstance(decisions, list):
        raise InvalidInputError("les décisions forment une liste", field="decisions")
    by_id = {c.id: c for c in candidates}
    errors: dict[str, list[str]] = {}
    checked, total = [], 0
    for position, decision in enumerate(decisions):
        if not isinstance(decision, Mapping):
            errors[f"decisions.{position}"] = ["une décision est un objet"]
            continue
        dossier, where = decision.get("dossier"), f"decisions.{position}"
        if not isinstance(dossier, str) or dossier not in by_id:
            errors[f"{where}.dossier"] = [
                f"le dossier « {str(dossier)[:60]} » n'est pas soumis à cette séance"
            ]
            continue
        if any(d["dossier"] == dossier for d in checked):
            errors[f"{where}.dossier"] = ["ce dossier a déjà une décision"]
            continue
        problems = _decision_errors(decision, by_id[dossier].requested)
        errors.update({f"{where}.{field}": [message] for field, message in problems.items()})
        if not problems:
            amount = _amount(decision, by_id[dossier].requested)
            total += amount
            checked.append(
                {
                    "dossier": dossier,
                    "decision": decision["decision"],
                    "amount": amount,
                    "motivation": decision["motivation"].strip(),
                }
            )
    if closing and not errors:
        missing = [c.id for c in candidates if not any(d["dossier"] == c.id for d in checked)]
        if missing:
            errors["decisions"] = [f"sans décision : {', '.join(missing)}"]
    envelope = int(call.variables.get("envelope") or 0)
    if total > envelope:
        errors["decisions"] = [
            f"les montants accordés ({amount_fr(total)}) dépassent l'enveloppe de l'appel "
            f"({amount_fr(envelope)})"
        ]
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInputError(first, field=next(iter(errors)), errors=errors)
    return checked


def _decision_errors(decision: Mapping[str, Any], requested: int) -> dict[str, str]:
    problems: dict[str, str] = {}
    outcome = decision.get("decision")
    if outcome not in OUTCOMES:
        problems["decision"] = "retenu, retenu partiellement ou non retenu"
    amount = _amount(decision, requested)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        problems["amount"] = "un montant en euros, entier et positif"
    elif outcome == "accepted" and amount != requested:
        problems["amount"] = f"un dossier retenu reçoit le montant demandé ({amount_fr(requested)})"
    elif outcome == "partial" and not 0 < amount < requested:
        problems["amount"] = (
            f"un financement partiel est compris entre 1 € et le montant demandé "
            f"({amount_fr(requested)}) exclu"
        )
    elif outcome == "refused" and amount:
        problems["amount"] = "un dossier non retenu ne reçoit rien"
    motivation = decision.get("motivation")
    if not isinstance(motivation, str) or not motivation.strip():
        problems["motivation"] = "la motivation est obligatoire"
    elif len(motivation) > MOTIVATION_MAX:
        problems["motivation"] = f"{MOTIVATION_MAX} caractères au plus"
    return problems


def draft_of(call: Instance) -> dict[str, dict[str, Any]]:
    """The session's saved decisions, by dossier."""
    saved = call.variables.get(DRAFT) or {}
    return {d["dossier"]: d for d in saved.get("decisions", [])}


def save_draft(engine: Engine, call: Instance, decisions: Any, *, actor: str) -> Instance:
    """Keep the decisions taken so far (checked, within the envelope) with the call."""
    if session_task(engine, call) is None:
        raise InvalidInputError("la commission ne siège pas pour cet appel", field="decisions")
    checked = check_decisions(call, session_dossiers(engine, call), decisions, closing=False)
    saved_at = engine.clock.now().isoformat()
    draft = {"decisions": checked, "saved_at": saved_at, "saved_by": actor}
    return engine.runtime.update_variables(call.id, lambda _: {DRAFT: draft}, actor=actor)


def _amount(decision: Mapping[str, Any], requested: int) -> Any:
    """The amount granted; left out, it is what the outcome implies."""
    amount = decision.get("amount")
    if amount in (None, ""):
        return {"accepted": requested, "refused": 0}.get(decision.get("decision"), amount)
    return amount


def _requested(variables: Mapping[str, Any]) -> int:
    try:
        return int(variables.get("amount_requested") or 0)
    except (TypeError, ValueError):
        return 0
