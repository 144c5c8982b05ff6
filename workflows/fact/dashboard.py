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

# The order staff read states in: from the draft to the decision, then the ways out.
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
    "Classé sans suite",
    "Non déposé",
    "Annulé",
    "Clos",
)
GRANTED_STAGES = ("Retenu", "Retenu en partie")


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
    """Counted and summed in SQL over the dossiers' summaries: no dossier is read."""
    call = get_call(engine, reference)
    now = engine.clock.now()

    dossiers = engine.runtime.summaries(DOSSIER_PROCESS).business_key_prefix(f"{reference}-")
    groups = dossiers.grouped(
        ("stage", "kind", "deposit_day"), ("amount_requested", "amount_granted")
    )
    counted: Counter[str] = Counter()
    kinds: dict[str, str] = {}
    days: Counter[date] = Counter()
    requested = granted = 0.0
    for (stage, kind, day), count, (asked, given) in groups:
        counted[stage] += count
        kinds[stage] = kind
        if day:  # deposited
            days[date.fromisoformat(day)] += count
            requested += asked
        if stage in GRANTED_STAGES:
            granted += given
    overdue = (
        engine.tasks.query()
        .process(DOSSIER_PROCESS)
        .business_key_prefix(f"{reference}-")
        .form_key("review")
        .due_before(now)
    )
    return CallDashboard(
        call=call,
        dossiers=sum(counted.values()),
        stages=[StageCount(s, kinds[s], counted[s]) for s in _ordered(counted)],
        deposits_per_day=_per_day(days),
        requested=int(requested),
        granted=int(granted),
        envelope=int(call.variables.get("envelope") or 0),
        reviews_overdue=overdue.count(),
        incidents_open=_incidents(engine, call, reference),
        schedule=schedule(call.variables, now),
    )


def _incidents(engine: Engine, call: Instance, reference: str) -> int:
    """Open incidents of the call and of its dossiers."""
    keys = {call.id}
    incidents = [i for i in engine.management.incidents() if i.instance_id]
    if incidents:
        found = engine.runtime.summaries(DOSSIER_PROCESS).business_key_prefix(f"{reference}-")
        ids = {i.instance_id for i in incidents}
        keys |= {row.instance_id for row in found.instances(ids).list()}
    return sum(1 for i in incidents if i.instance_id in keys)


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


def _per_day(days: Counter[date]) -> list[tuple[date, int]]:
    """Deposits of each day (Paris time) from the first to the last, days without any too."""
    if not days:
        return []
    first, last = min(days), max(days)
    return [
        (first + timedelta(n), days[first + timedelta(n)]) for n in range((last - first).days + 1)
    ]
