"""Demo accounts for a newcomer's first run: one per role, with a shared password."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from engine import ConflictError, Engine, NotFoundError

from .calls import get_call, open_call
from .config import PARIS
from .roles import ADMIN, APPLICANT, COMMISSION, OBSERVER, REVIEWER, STAFF

DEMO_PASSWORD = "concerto-demo"
DEMO_USERS = [
    ("admin", [ADMIN], "Administratrice"),
    ("mission.fact", [STAFF], "Mission Fact (Anact)"),
    ("evaluatrice", [REVIEWER], "Évaluatrice"),
    ("evaluateur", [REVIEWER], "Évaluateur"),
    ("commission", [COMMISSION], "Présidente de la commission"),
    ("porteur", [APPLICANT], "Porteur de projet (PME)"),
    ("relais", [APPLICANT], "Acteur relais territorial"),
    ("cse", [OBSERVER], "Représentant du personnel (CSE)"),
]


def ensure_demo_users(engine: Engine) -> list[tuple[str, str]]:
    """Create the demo accounts that do not exist yet; returns (username, roles) of all."""
    for username, roles, name in DEMO_USERS:
        try:
            engine.identity.create_user(
                username,
                DEMO_PASSWORD,
                roles=roles,
                email=f"{username}@demo.concerto.invalid",
                display_name=name,
            )
        except ConflictError:
            continue
    return [(username, ", ".join(roles)) for username, roles, _ in DEMO_USERS]


DEMO_CALL = "DEMO"


def ensure_demo_call(engine: Engine) -> str:
    """A call like 2020-01 but open now: deadline in six weeks, commission three weeks later."""
    try:
        get_call(engine, DEMO_CALL)
    except NotFoundError:
        today = engine.clock.now().astimezone(PARIS).date()
        deadline = datetime.combine(today + timedelta(weeks=6), time(23, 59, 59), PARIS)
        commission = datetime.combine(today + timedelta(weeks=9), time(9, 30), PARIS)
        open_call(
            engine,
            {
                "reference": DEMO_CALL,
                "title": "Transformation Numérique Concertée (démonstration)",
                "publication_at": engine.clock.now().isoformat(),
                "deposit_deadline": deadline.isoformat(),
                "commission_at": commission.isoformat(),
            },
            actor="admin",
        )
    return DEMO_CALL
