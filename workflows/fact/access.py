"""Who may see and act on which dossier and task: the FACT rules, applied by the web layer."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine.models import HistoryEntry, Instance, User, UserTask

from .roles import ADMIN, COMMISSION, OBSERVER, READERS, REVIEWER, STAFF, lanes_for


def has_role(user: User, *roles: str) -> bool:
    return ADMIN in user.roles or bool(set(roles) & set(user.roles))


def may_read_dossier(user: User, dossier: Instance) -> bool:
    if has_role(user, *READERS, COMMISSION):
        return True
    variables = dossier.variables
    if variables.get("holder_user") == user.username:
        return True
    return REVIEWER in user.roles and user.username in (variables.get("reviewers") or [])


# What the CSE said is for the Mission Fact, reviewers and commission: the holder learns that
# the CSE answered (`cse_answered_at`), not what.
HIDDEN_FROM_HOLDER = frozenset({"cse_confirmation"})


def reads_as_holder(user: User, dossier: Instance) -> bool:
    """The user reads this dossier as its holder only (not as staff, reviewer, commission)."""
    variables = dossier.variables
    reviewer = REVIEWER in user.roles and user.username in (variables.get("reviewers") or [])
    return not (has_role(user, *READERS, COMMISSION) or reviewer)


def as_seen_by(user: User, dossier: Instance) -> Instance:
    """The dossier as this reader may see it."""
    if not reads_as_holder(user, dossier):
        return dossier
    kept = {k: v for k, v in dossier.variables.items() if k not in HIDDEN_FROM_HOLDER}
    return replace(dossier, variables=kept)


def history_seen_by(
    user: User, dossier: Instance, entries: list[HistoryEntry]
) -> list[HistoryEntry]:
    """A dossier's history as this reader may see it (the changes each step made)."""
    if not reads_as_holder(user, dossier):
        return entries

    def kept(changes: dict[str, Any]) -> dict[str, Any]:  # {"set": {...}, "removed": [...]}
        return {
            "set": {k: v for k, v in changes.get("set", {}).items() if k not in HIDDEN_FROM_HOLDER},
            "removed": [k for k in changes.get("removed", []) if k not in HIDDEN_FROM_HOLDER],
        }

    return [replace(e, changes=kept(e.changes)) if e.changes else e for e in entries]


def may_see_task(user: User, task: UserTask) -> bool:
    if has_role(user, STAFF):
        return True
    if user.username in (task.assignee, task.claimed_by):
        return True
    unassigned = task.assignee is None and task.claimed_by is None
    return unassigned and task.lane in lanes_for(user.roles)


def may_act_on_task(user: User, task: UserTask) -> bool:
    """Observers read; everyone else acts on the tasks they may see."""
    if set(user.roles) == {OBSERVER}:
        return False
    return may_see_task(user, task)
