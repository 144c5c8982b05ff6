"""Demo accounts for a newcomer's first run: one per role, with a shared password."""

from __future__ import annotations

from engine import ConflictError, Engine

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
