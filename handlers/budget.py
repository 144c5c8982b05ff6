"""`budget.check`: a commission's decisions must fit the call's envelope."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine import InvalidInputError, ServiceContext

DECISIONS = ("accepted", "partial", "refused")


def check_budget(
    ctx: ServiceContext, envelope: int, decisions: Sequence[Mapping[str, Any]]
) -> dict[str, int]:
    """Check the form of each decision ({dossier, decision, amount, motivation}) and refuse the
    whole set when it grants more than the envelope."""
    if not isinstance(decisions, Sequence) or isinstance(decisions, str):
        raise InvalidInputError("decisions must be a list of decisions", field="decisions")
    total = 0
    for position, decision in enumerate(decisions):
        where = f"decisions[{position}]"
        if not isinstance(decision, Mapping) or not isinstance(decision.get("dossier"), str):
            raise InvalidInputError(f"{where}: a decision names its dossier", field=where)
        outcome = decision.get("decision")
        if outcome not in DECISIONS:
            raise InvalidInputError(f"{where}: decision must be one of {DECISIONS}", field=where)
        amount = decision.get("amount") or 0
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
