"""What the public sees of the FACT calls: the published ones, their text, dates and state.

Pages read calls through here, never through the engine's storage: a call's page is made of its
configuration (the text staff wrote), its dates in Paris time and where it stands now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine import Engine, NotFoundError
from engine.models import Instance

from .calls import CALL_PROCESS
from .config import HOLDER_TYPES
from .deadlines import closing_time

UPCOMING, OPEN, CLOSED = "upcoming", "open", "closed"


@dataclass(frozen=True)
class CallPage:
    reference: str
    title: str
    summary: str
    eligibility: list[str]
    tracks: list[dict[str, Any]]  # id, label, holders (their labels)
    axes: list[dict[str, Any]]
    criteria: list[dict[str, Any]]
    envelope: int
    contact: dict[str, str]
    published_at: datetime
    deadline: datetime
    closes_at: datetime
    commission_at: datetime
    response_delay: str
    state: str

    @property
    def is_open(self) -> bool:
        return self.state == OPEN


def published_calls(engine: Engine) -> list[CallPage]:
    """Every published call, open ones first, each group by its deadline."""
    now = engine.clock.now()
    calls = [_page(c, now) for c in engine.runtime.query().process(CALL_PROCESS).list()]
    shown = [c for c in calls if c.state != UPCOMING]
    return sorted(shown, key=lambda c: (not c.is_open, c.deadline))


def call_page(engine: Engine, reference: str) -> CallPage:
    """One published call (NotFoundError for one not published yet, or unknown)."""
    found = engine.runtime.query().process(CALL_PROCESS).business_key(reference).list()
    page = _page(found[0], engine.clock.now()) if found else None
    if page is None or page.state == UPCOMING:
        raise NotFoundError(f"appel à projets {reference} introuvable")
    return page


def _page(call: Instance, now: datetime) -> CallPage:
    v = call.variables
    published = datetime.fromisoformat(v["publication_at"])
    closes = closing_time(v["deposit_deadline"])
    state = UPCOMING if now < published else OPEN if now < closes else CLOSED
    return CallPage(
        reference=v["call_id"],
        title=v["title"],
        summary=v.get("summary", ""),
        eligibility=list(v.get("eligibility", [])),
        tracks=[
            {**t, "holders": [HOLDER_TYPES.get(h, h) for h in t["holder_types"]]}
            for t in v["tracks"]
        ],
        axes=v["axes"],
        criteria=v["criteria"],
        envelope=v["envelope"],
        contact=v["contact"],
        published_at=published,
        deadline=datetime.fromisoformat(v["deposit_deadline"]),
        closes_at=closes,
        commission_at=datetime.fromisoformat(v["commission_at"]),
        response_delay=v["response_delay"],
        state=state,
    )
