"""Who may do what in a FACT call: roles, and which lane of the diagrams each role works in."""

from __future__ import annotations

from collections.abc import Iterable

ADMIN, STAFF, REVIEWER, COMMISSION, APPLICANT, OBSERVER = (
    "admin",
    "staff",
    "reviewer",
    "commission",
    "applicant",
    "observer",  # staff representatives (CSE): read-only
)
ROLES = (ADMIN, STAFF, REVIEWER, COMMISSION, APPLICANT, OBSERVER)

LANE_ROLES = {
    "Porteur de projet": APPLICANT,
    "Mission Fact": STAFF,
    "Évaluateurs": REVIEWER,
    "Commission": COMMISSION,
    "Approbation": ADMIN,  # who accepts a new version of a process (bpmn/changes)
}

# Who sees every dossier and instance (read); who manages calls, processes and incidents.
READERS = (ADMIN, STAFF, OBSERVER)
MANAGERS = (ADMIN, STAFF)


def lanes_for(roles: Iterable[str]) -> list[str]:
    """The lanes whose unassigned tasks these roles may take (admins act as staff)."""
    granted = set(roles)
    if ADMIN in granted:
        granted.add(STAFF)
    return [lane for lane, role in LANE_ROLES.items() if role in granted]
