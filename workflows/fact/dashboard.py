"""A call at a glance, as the Mission Fact follows it: dossiers by state, deposits per day, money
requested and granted against the envelope, reviews overdue, incidents, and the call's schedule
(publication, reminders, closing, commission, response deadline) with what is still ahead.

Figures only: no applicant's or reviewer's name, so observers read it too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from engine import Engine
from engine.dates import at_wall_time, parse_datetime, shift
from engine.models import Instance

from ..french import PARIS
from .calls import DOSSIER_PROCESS, get_call
from .status import statuses

# The order staff read states in: from the draft to the decision, then the ways out.
GRANTED = ("accepted", "partial")
STAGES = (
    "Brouillon",
    "À corriger",
    "Déposé",
    "En instruction",
    "Retenu",
    "Retenu en partie",
    "Non retenu",
    "Non éligible",
    "Retiré",
    "Non déposé",
)


@dataclass(frozen=True)
class StageCount:
    stage: str
    kind: str
    count: int


@dataclass(frozen=True)
class Milestone:
    label: str
    at: datetime
    done: bool


@dataclass(frozen=True)
class CallDashboard:
    call: Instance
    dossiers: int
    stages: list[StageCount]
    deposits_per_day: list[tuple[date, int]]
    requested: int
    granted: int
    envelope: int
    reviews_overdue: int
    incidents_open: int
    schedule: list[Milestone]

    @property
    def remaining(self) -> int:
        return self.envelope - self.granted

    @property
    def deposited(self) -> int:
        return sum(count for _, count in self.deposits_per_day)


def call_dashboard(engine: Engine, reference: str) -> CallDashboard:
    call = get_call(engine, reference)
    now = engine.clock.now()
    found = engine.runtime.query().process(DOSSIER_PROCESS).business_key_prefix(f"{reference}-")
    dossiers = found.list()
    tasks = engine.tasks.query().process(DOSSIER_PROCESS).list()
    mine = {d.business_key for d in dossiers}
    tasks = [t for t in tasks if t.business_key in mine]
    counted: Counter[str] = Counter()
    kinds: dict[str, str] = {}
    for _, status in statuses(dossiers, tasks):
        counted[status.stage] += 1
        kinds[status.stage] = status.kind
    ids = {d.id for d in dossiers} | {call.id}
    values = [d.variables for d in dossiers]
    return CallDashboard(
        call=call,
        dossiers=len(dossiers),
        stages=[StageCount(s, kinds[s], counted[s]) for s in _ordered(counted)],
        deposits_per_day=_per_day(v.get("deposited_at") for v in values),
        requested=sum(_amount(v, "amount_requested") for v in values if v.get("deposited_at")),
        granted=sum(_amount(v, "amount_granted") for v in values if v.get("outcome") in GRANTED),
        envelope=int(call.variables.get("envelope") or 0),
        reviews_overdue=sum(1 for t in tasks if t.form_key == "review" and _late(t.due_at, now)),
        incidents_open=sum(1 for i in engine.management.incidents() if i.instance_id in ids),
        schedule=schedule(call.variables, now),
    )


def schedule(variables: dict[str, Any], now: datetime) -> list[Milestone]:
    """The call's moments in order, each done or still ahead."""
    deadline = parse_datetime(variables["deposit_deadline"])
    commission = parse_datetime(variables["commission_at"])
    response_delay = variables.get("response_delay") or "P1M"
    moments = [("Publication", parse_datetime(variables["publication_at"]))]
    for days in sorted(set(variables.get("reminder_days") or ()), reverse=True):
        day = shift(deadline, f"-P{int(days)}D", PARIS)
        reminder = at_wall_time(day, variables.get("reminder_time") or "09:00", PARIS)
        moments.append((f"Rappel J-{days}", reminder))
    moments += [
        ("Clôture des dépôts", deadline),
        ("Séance de la commission", commission),
        ("Date limite de réponse", shift(commission, response_delay, PARIS)),
    ]
    return [Milestone(label, at, at <= now) for label, at in sorted(moments, key=lambda m: m[1])]


def _ordered(counted: Counter[str]) -> list[str]:
    known = [stage for stage in STAGES if counted[stage]]
    return known + sorted(stage for stage in counted if stage not in STAGES)


def _per_day(moments: Any) -> list[tuple[date, int]]:
    """Deposits of each day (Paris time) from the first to the last, days without any too."""
    days = Counter(parse_datetime(m).astimezone(PARIS).date() for m in moments if m)
    if not days:
        return []
    first, last = min(days), max(days)
    return [
        (first + timedelta(n), days[first + timedelta(n)]) for n in range((last - first).days + 1)
    ]


def _amount(variables: dict[str, Any], name: str) -> int:
    try:
        return int(variables.get(name) or 0)
    except (TypeError, ValueError):
        return 0


def _late(due: datetime | None, now: datetime) -> bool:
    return due is not None and due < now
