"""What moving a call's dates will do, shown before it is done: the moments of its schedule
still ahead that move, and who is told by mail (drafts of a new deadline, deposited dossiers
of a new commission date). The same checks as calls.reschedule refuse what it would refuse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from engine import Engine

from .calls import DOSSIER_PROCESS, get_call, new_dates
from .dashboard import schedule


@dataclass(frozen=True)
class Moved:
    label: str
    before: datetime
    after: datetime


@dataclass(frozen=True)
class Told:
    dossier: str
    email: str


@dataclass(frozen=True)
class ReschedulePreview:
    deposit_deadline: datetime
    commission_at: datetime
    moved: list[Moved]
    drafts: list[Told]  # told of the new deadline
    deposited: list[Told]  # told of the new commission date


def preview(
    engine: Engine,
    reference: str,
    *,
    deposit_deadline: datetime | None = None,
    commission_at: datetime | None = None,
) -> ReschedulePreview:
    call = get_call(engine, reference)
    deadline, commission = new_dates(engine, call, deposit_deadline, commission_at)
    now = engine.clock.now()
    after_variables = {
        **call.variables,
        "deposit_deadline": deadline.astimezone(UTC).isoformat(),
        "commission_at": commission.astimezone(UTC).isoformat(),
    }
    after = {m.label: m.at for m in schedule(after_variables, now)}
    moved = [
        Moved(m.label, m.at, after[m.label])
        for m in schedule(call.variables, now)
        if m.label in after and after[m.label] != m.at and not m.done
    ]
    running = (
        engine.runtime.query().process(DOSSIER_PROCESS).business_key_prefix(f"{reference}-")
        .status("running").list()
    )  # fmt: skip
    deadline_moves = deadline != datetime.fromisoformat(call.variables["deposit_deadline"])
    commission_moves = commission != datetime.fromisoformat(call.variables["commission_at"])
    drafts, deposited = [], []
    for dossier in sorted(running, key=lambda d: d.business_key or ""):
        told = Told(dossier.business_key or "", str(dossier.variables.get("holder_email") or ""))
        if dossier.variables.get("deposited_at"):
            if commission_moves:
                deposited.append(told)
        elif deadline_moves:
            drafts.append(told)
    return ReschedulePreview(deadline, commission, moved, drafts, deposited)
