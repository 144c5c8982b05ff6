"""Who may see and act on which dossier and task: the FACT rules, applied by the web layer."""

from __future__ import annotations

from engine.models import Instance, User, UserTask

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
