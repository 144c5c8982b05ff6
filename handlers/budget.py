"""`budget.check`: a commission's decisions must fit the call's envelope."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine import InvalidInputError, ServiceContext

DECISIONS = ("accepted", "partial", "refused")


def check_budget(
    ctx: ServiceContext, envelope: int, decisions: Mapping[str, Mapping[str, Any]]
) -> dict[str, int]:
    """Validate each decision and refuse the whole set when it grants more than the envelope."""
    if not isinstance(decisions, Mapping):
        raise InvalidInputError("decisions must map dossier ids to decisions", field="decisions")
    total = 0
    for dossier_id, decision in decisions.items():
        where = f"decisions.{dossier_id}"
        outcome = decision.get("decision") if isinstance(decision, Mapping) else None
        if outcome not in DECISIONS:
            raise InvalidInputError(f"{where}: decision must be one of {DECISIONS}", field=where)
        amount = decision.get("amount", 0)
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise InvalidInputError(f"{where}: amount must be a whole number of euros", field=where)
        if outcome == "refused" and amount:
            raise InvalidInputError(f"{where}: a refused dossier is granted nothing", field=where)
        if outcome != "refused" and amount == 0:
            raise InvalidInputError(f"{where}: a funded dossier needs an amount", field=where)
        total += amount
    if total > envelope:
        raise InvalidInputError(
            f"les montants accordés ({total:,} €) dépassent l'enveloppe ({envelope:,} €)".replace(
                ",", " "
            ),
            field="decisions",
        )
    return {"granted_total": total, "remaining": envelope - total}
