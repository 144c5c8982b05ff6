"""Run one whole FACT call in virtual time on a fresh database, and report what happened."""

from __future__ import annotations

import random
import socket
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from engine import FrozenClock
from handlers.mailsink import read_sink, start_sink

from .. import build_engine
from ..french import PARIS, date_fr
from .bots import STAFF, Bots, make_applicants
from .calls import DOSSIER_PROCESS, deploy, open_call, reschedule
from .config import load_config

MAX_ROUNDS = 1_000_000

CALL_MILESTONES = {  # outbox kinds written by the call process, as milestones
    "call_published": "Publication de l'appel",
    "call_closed": "Clôture des dépôts",
}


@dataclass(frozen=True)
class Extension:
    """A report of the deposit deadline (and of the commission) decided during the call."""

    decided_at: datetime
    deposit_deadline: datetime
    commission_at: datetime


def plan_extension(
    extend_to: datetime | None, extend_on: datetime | None, commission_to: datetime | None
) -> Extension | None:
    """The extension of the seed call's deadline to simulate (naive times are Paris times):
    decided 4 days before the deadline unless said, the commission moved as far as the
    deadline unless said. ValueError in French when it cannot be."""
    if extend_to is None:
        if extend_on or commission_to:
            raise ValueError("--extend-on et --commission-to vont avec --extend-to")
        return None
    seed = load_config({})
    deadline = _paris(extend_to)
    if deadline <= seed["deposit_deadline"]:
        raise ValueError("--extend-to doit repousser la date limite du 14 avril 2020")
    decided = _paris(extend_on) if extend_on else seed["deposit_deadline"] - timedelta(days=4)
    if not seed["publication_at"] < decided < seed["deposit_deadline"]:
        raise ValueError("--extend-on doit tomber pendant la période de dépôt")
    moved = seed["commission_at"] + (deadline - seed["deposit_deadline"])
    commission = _paris(commission_to) if commission_to else moved
    if commission <= deadline:
        raise ValueError("--commission-to doit suivre la nouvelle date limite")
    return Extension(decided, deadline, commission)


def _paris(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)


@dataclass
class SimulationReport:
    applications: int
    seed: int
    timeline: list[dict[str, str]]
    outcomes: dict[str, int]
    envelope: int
    granted: int
    granted_by_outcome: dict[str, int]
    mails: dict[str, int]
    late_notices: int
    virtual_days: float
    wall_seconds: float
    rounds: int
    unfinished: list[str] = field(default_factory=list)
    mails_delivered: dict[str, int] = field(default_factory=dict)  # received by the SMTP server
    # Reminder mails per day sent, reminder (J-N) and the deadline they announce (Paris time).
    reminders: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


Progress = Callable[[float, float], None]  # (virtual seconds done, virtual seconds in all)


def simulate(
    applications: int,
    seed: int,
    *,
    database_url: str | None = None,
    progress: Progress | None = None,
    extension: Extension | None = None,
    files: Mapping[str, Mapping[str, str | bytes]] | None = None,
) -> SimulationReport:
    """Simulate the call 2020-01 with `applications` synthetic applicants (and, if given, a
    report of its deadline decided during the call); `files` replace, by process id, the
    shipped diagrams of a process (a draft version being tried)."""
    if applications < 0:
        raise ValueError("applications must be zero or more")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="concerto-sim-") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'simulation.db'}"
        config = load_config({})
        clock = FrozenClock(config["publication_at"] - timedelta(hours=1))
        port = _free_port()
        sink = start_sink(sink_dir(tmp), port=port)  # every mail really goes over SMTP
        engine = build_engine(
            {
                "DATABASE_URL": url,
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": port,
                "MAIL_FROM": "fact@anact.invalid",
            },
            clock=clock,
        )
        try:
            engine.management.create_schema()
            deploy(engine, files=files)
            call = open_call(engine, {}, actor=STAFF)
            rng = random.Random(seed)
            bots = Bots(
                engine,
                rng,
                make_applicants(
                    rng, applications, config["publication_at"], config["deposit_deadline"]
                ),
            )
            begin = clock.now()
            commission = extension.commission_at if extension else config["commission_at"]
            horizon = (commission + timedelta(days=45) - begin).total_seconds()
            pending = extension
            rounds = 0
            while rounds < MAX_ROUNDS:
                rounds += 1
                now = clock.now()
                engine.timers.fire_due()
                if pending is not None and now >= pending.decided_at:
                    reschedule(
                        engine,
                        "2020-01",
                        deposit_deadline=pending.deposit_deadline,
                        commission_at=pending.commission_at,
                        actor=STAFF,
                    )
                    bots.deadline_moved(pending.deposit_deadline)
                    pending = None
                acted = bots.applicant_actions(now) + bots.withdrawals(now)
                acted += bots.act_on_open_tasks()
                if acted:
                    continue  # others may have work at this same instant
                moments = [m for m in (bots.next_moment(now),) if m is not None]
                if pending is not None:
                    moments.append(max(pending.decided_at, now))
                due = engine.timers.next_due()
                if due is not None:
                    moments.append(max(due, now))  # a timer fires at its due time
                if not moments:
                    break
                clock.set(max(min(moments), now))
                if progress is not None:
                    progress(min((clock.now() - begin).total_seconds(), horizon), horizon)
            while any(engine.outbox.dispatch("simulation", limit=200)):
                pass  # a failed mail waits for its retry: it stays in the outbox, counted below
            report = _report(engine, call.id, applications, seed, bots, begin, rounds)
            delivered = Counter(str(m.message["X-Concerto-Kind"]) for m in read_sink(sink_dir(tmp)))
            report.mails_delivered = dict(sorted(delivered.items()))
        finally:
            engine.close()
            sink.stop()
    report.wall_seconds = round(time.perf_counter() - started, 2)
    return report


def _report(engine, call_id, applications, seed, bots, begin, rounds) -> SimulationReport:  # type: ignore[no-untyped-def]
    dossiers = engine.runtime.query().process(DOSSIER_PROCESS).list()
    outcomes: Counter[str] = Counter()
    granted_by: Counter[str] = Counter()
    unfinished = []
    for dossier in dossiers:
        outcome = dossier.variables.get("outcome", "?")
        if dossier.status != "completed":
            unfinished.append(dossier.business_key)
            outcome = f"{dossier.status}:{outcome}"
        elif outcome in ("accepted", "partial") and not dossier.variables.get("convention_signed"):
            outcome = f"{outcome}:unsigned"
        outcomes[outcome] += 1
        granted_by[outcome] += int(dossier.variables.get("amount_granted") or 0)
    outbox = engine.outbox.list()
    mails = Counter(m.kind for m in outbox if m.topic == "email")
    reminders = Counter(
        (
            m.created_at.astimezone(PARIS).date().isoformat(),
            m.payload["data"]["reminder"]["days"],
            datetime.fromisoformat(m.payload["data"]["reminder"]["deposit_deadline"])
            .astimezone(PARIS)
            .isoformat(),
        )
        for m in outbox
        if m.kind == "deposit_reminder"
    )
    call = engine.runtime.get(call_id)
    timeline = _timeline(engine, call, outbox)
    end = call.ended_at or engine.clock.now()
    return SimulationReport(
        applications=applications,
        seed=seed,
        timeline=timeline,
        outcomes=dict(sorted(outcomes.items())),
        envelope=int(call.variables["envelope"]),
        granted=sum(granted_by.values()),
        granted_by_outcome=dict(sorted(granted_by.items())),
        mails=dict(sorted(mails.items())),
        late_notices=bots.late_notices,
        virtual_days=round((end - begin).total_seconds() / 86400, 2),
        wall_seconds=0.0,
        rounds=rounds,
        unfinished=unfinished,
        reminders=[
            {"date": day, "reminder": f"J-{days}", "deadline": deadline, "mails": count}
            for (day, days, deadline), count in sorted(reminders.items())
        ],
    )


def _timeline(engine, call, outbox) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    events: list[tuple[datetime, str]] = [(call.started_at, "Appel créé")]
    for message in outbox:
        label = CALL_MILESTONES.get(message.kind or "")
        if label and message.instance_id == call.id:
            events.append((message.created_at, label))
    reminders: dict[str, datetime] = {}
    for message in outbox:
        if message.kind == "deposit_reminder":
            reminder = message.payload["data"]["reminder"]
            deadline = date_fr(reminder["deposit_deadline"])
            label = f"Rappel J-{reminder['days']} aux brouillons (date limite du {deadline})"
            reminders.setdefault(label, message.created_at)
    events += [(at, label) for label, at in reminders.items()]
    for entry in engine.history.for_instance(call.id):
        if entry.action == "task_completed":
            events.append((entry.at, "Séance de commission : décisions"))
        elif entry.action == "message_received" and entry.element_id == "call_rescheduled":
            events.append((entry.at, "Date limite prolongée"))
    if call.ended_at:
        events.append((call.ended_at, "Fin du délai de réponse : appel clos"))
    events.sort(key=lambda e: e[0])
    return [{"at": at.astimezone(PARIS).isoformat(), "milestone": label} for at, label in events]


def sink_dir(tmp: str) -> Path:
    return Path(tmp) / "mails"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
