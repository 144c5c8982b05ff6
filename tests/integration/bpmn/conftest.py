"""A FACT call on a fresh database, driven through the public engine and workflows API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine import Engine, EngineConfig, FrozenClock
from engine.models import Instance
from workflows import SERVICES, SUMMARIES
from workflows.fact import calls, dossiers
from workflows.fact.bots import attach_pieces, deposit_form
from workflows.fact.mails import render_mail

PARIS = ZoneInfo("Europe/Paris")
PUBLISHED = datetime(2020, 2, 19, 8, 0, 1, tzinfo=UTC)  # 09:00:01 Paris (winter time)
DEADLINE = datetime(2020, 4, 14, 21, 59, 59, tzinfo=UTC)  # 23:59:59 Paris (summer time)
COMMISSION = datetime(2020, 5, 5, 7, 30, tzinfo=UTC)  # 09:30 Paris
CLOSING = DEADLINE + timedelta(seconds=1)  # 15 April 2020 00:00:00 Paris: deposits close


def paris(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PARIS)


def text(message: Any) -> str:
    """A mail's text part on one line (the text part wraps at 76 columns)."""
    return " ".join(render_mail(message.payload).text.split())


def subject(message: Any) -> str:
    return render_mail(message.payload).subject


class FactCall:
    """Test driver: the staff, reviewers, commission and applicants of one call."""

    def __init__(self, engine: Engine, clock: FrozenClock) -> None:
        self.engine = engine
        self.clock = clock
        self.count = 0

    def at(self, moment: datetime) -> list[Any]:
        """Move time to `moment` and fire what came due, as the worker would."""
        self.clock.set(moment)
        return self.engine.timers.fire_due()

    def draft(self, track: str = "entreprise") -> str:
        self.count += 1
        dossier = dossiers.create_draft(
            self.engine,
            "2020-01",
            holder_user=f"holder{self.count}",
            holder_email=f"holder{self.count}@example.org",
            track=track,
            actor=f"holder{self.count}",
        )
        attach_pieces(self.engine, dossier.business_key or "", actor=f"holder{self.count}")
        return dossier.business_key or ""

    def deposit(self, dossier_id: str, **overrides: Any) -> Instance:
        data = {**deposit_form(self.count), **overrides}
        holder = self.variables(dossier_id)["holder_user"]
        return dossiers.deposit(self.engine, dossier_id, data, actor=holder)

    def variables(self, dossier_id: str) -> dict[str, Any]:
        return dossiers.get_dossier(self.engine, dossier_id).variables

    def complete(self, dossier_id: str, form_key: str, data: dict[str, Any], actor: str) -> None:
        task = dossiers.open_task(self.engine, dossier_id, form_key)
        self.engine.tasks.complete(task.id, data, actor=actor)

    def decide_eligibility(
        self, dossier_id: str, eligible: bool | None = None, reason: str = ""
    ) -> None:
        variables = self.variables(dossier_id)
        verdict = variables["precheck_eligible"] if eligible is None else eligible
        self.complete(
            dossier_id,
            "eligibility",
            {"eligible": verdict, "eligibility_reason": reason or variables["precheck_reason"]},
            "staff",
        )

    def review(self, dossier_id: str, reviewers: list[str], score: int = 4) -> None:
        criteria = self.variables(dossier_id)["criteria"]
        self.review_with(dossier_id, {r: [score] * len(criteria) for r in reviewers})

    def review_with(self, dossier_id: str, scores: dict[str, list[int]]) -> None:
        """Staff assign the reviewers named, who give these scores (in the criteria's order)."""
        self.complete(dossier_id, "assignment", {"reviewers": list(scores)}, "staff")
        criteria = self.variables(dossier_id)["criteria"]
        for reviewer, given in scores.items():
            task = (
                self.engine.tasks.query().business_key(dossier_id).form_key("review")
                .assignee(reviewer).one()
            )  # fmt: skip
            review = {
                "conflict_of_interest": False,
                "scores": dict(zip(criteria, given, strict=True)),
                "comments": {c: f"Avis de {reviewer}" for c in criteria},
            }
            self.engine.tasks.complete(task.id, {"review": review}, actor=reviewer)

    def to_commission(self, dossier_id: str, **deposit: Any) -> None:
        self.deposit(dossier_id, **deposit)
        self.decide_eligibility(dossier_id)
        self.review(dossier_id, ["rev1", "rev2"])

    def commission(self, decisions: dict[str, dict[str, Any]]) -> None:
        """The session decides {dossier: {decision, amount}}, each with a motivation."""
        self.at(COMMISSION + timedelta(seconds=1))
        task = self.engine.tasks.query().process("fact_call").form_key("commission").one()
        listed = [
            {"dossier": d, "motivation": f"Motivation pour {d}.", **decision}
            for d, decision in decisions.items()
        ]
        self.engine.tasks.complete(task.id, {"decisions": listed}, actor="president")

    def mails(self, kind: str, to: str | None = None) -> list[Any]:
        return [m for m in self.engine.outbox.list(kind=kind) if to is None or m.recipient == to]


OpenCall = Callable[..., FactCall]


@pytest.fixture
def open_fact(database_url: str) -> Iterator[OpenCall]:
    """Opens a call 2020-01 with the configuration given (the seed's otherwise) on a fresh
    database, the clock one day before its publication, then just after it."""
    engines: list[Engine] = []

    def open_call(**config: Any) -> FactCall:
        assert not engines, "one call per test database"
        published = datetime.fromisoformat(config.get("publication_at", PUBLISHED.isoformat()))
        clock = FrozenClock(published - timedelta(days=1))
        engine = Engine(
            EngineConfig(
                database_url=database_url, clock=clock, services=SERVICES, summaries=SUMMARIES
            )
        )
        engines.append(engine)
        engine.management.create_schema()
        calls.deploy(engine)
        calls.open_call(engine, config, actor="staff")
        driver = FactCall(engine, clock)
        driver.at(published + timedelta(seconds=1))
        return driver

    yield open_call
    for engine in engines:
        engine.close()


@pytest.fixture
def fact(open_fact: OpenCall) -> FactCall:
    return open_fact()
