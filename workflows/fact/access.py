"""Who may see and act on which dossier and task: the FACT rules, applied by the web layer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from engine.models import HistoryEntry, Instance, User, UserTask

from .reviews import STATUS, WITHDRAWN
from .roles import ADMIN, COMMISSION, MANAGERS, OBSERVER, READERS, REVIEWER, STAFF, lanes_for


def has_role(user: User, *roles: str) -> bool:
    return ADMIN in user.roles or bool(set(roles) & set(user.roles))


def observes_only(user: User) -> bool:
    """Staff representatives read the call's figures and diagrams: no applicant's data, no
    reviewer's name."""
    return OBSERVER in user.roles and not has_role(user, *MANAGERS, COMMISSION, REVIEWER)


# What an observer reads of a dossier: where it stands in the call, and its figures.
OBSERVED = frozenset(
    {
        "dossier_id",
        "call_id",
        "call_title",
        "track",
        "axes",
        "deposit_deadline",
        "deposited_at",
        "commission_at",
        "response_delay",
        "eligible",
        "outcome",
        "amount_requested",
        "amount_granted",
    }
)


def _observed(user: User, dossier: Instance) -> bool:
    return observes_only(user) and dossier.variables.get("holder_user") != user.username


def may_read_dossier(user: User, dossier: Instance) -> bool:
    if has_role(user, *READERS, COMMISSION):
        return True
    if dossier.variables.get("holder_user") == user.username:
        return True
    return is_dossier_reviewer(user, dossier)


# What the CSE said is for the Mission Fact, reviewers and commission: the holder learns that
# the CSE answered (`cse_answered_at`), not what. The commission's message (`commission`) holds
# every dossier's decision of the call: the holder keeps their own (`decision`, `motivation`).
HIDDEN_FROM_HOLDER = frozenset({"cse_confirmation", "commission"})
# The evaluation is for the Mission Fact and the commission; a reviewer sees their own review
# only; the holder and the observers see nothing of it, not even who reviews.
EVALUATION = frozenset(
    {
        "reviewers",
        "former_reviewers",
        "reviews",
        "review",
        "reviewer",
        "review_drafts",
        STATUS,
        "score",
        "synthesis",
        "valid_reviews",
        "consensus",
        "consensus_reviewers",
        "revised_reviews",
        "revised_review",
        "consensus_reviewer",
    }
)


def active_reviewers(variables: Mapping[str, Any]) -> list[str]:
    """The reviewers named on a dossier, but those the Mission Fact withdrew."""
    status = variables.get(STATUS) or {}
    return [str(n) for n in variables.get("reviewers") or [] if status.get(n) != WITHDRAWN]


def is_dossier_reviewer(user: User, dossier: Instance) -> bool:
    """A reviewer named on the dossier, unless the Mission Fact withdrew them."""
    return REVIEWER in user.roles and user.username in active_reviewers(dossier.variables)


def reads_as_holder(user: User, dossier: Instance) -> bool:
    """The user reads this dossier as its holder only (not as staff, reviewer, commission)."""
    return not (has_role(user, *READERS, COMMISSION) or is_dossier_reviewer(user, dossier))


def sees_evaluation(user: User) -> bool:
    """Staff, admins and the commission read every review of every dossier."""
    return has_role(user, *MANAGERS, COMMISSION)


# The Mission Fact's private notes on a dossier (annotations.py): for staff alone.
STAFF_ONLY = frozenset({"annotations"})


def _hidden(user: User, dossier: Instance) -> frozenset[str]:
    staff_only = frozenset() if has_role(user, *MANAGERS) else STAFF_ONLY
    if sees_evaluation(user):
        return staff_only
    if reads_as_holder(user, dossier):
        return HIDDEN_FROM_HOLDER | EVALUATION | STAFF_ONLY
    return EVALUATION | STAFF_ONLY


def _own_review(user: User, variables: dict[str, Any]) -> dict[str, Any]:
    """What a reviewer keeps of the evaluation: their own name and review."""
    reviewers = variables.get("reviewers") or []
    if user.username not in reviewers:
        return {}
    own: dict[str, Any] = {"reviewers": [user.username]}
    reviews = variables.get("reviews")
    position = reviewers.index(user.username)
    if isinstance(reviews, list) and position < len(reviews):
        own["reviews"] = [reviews[position]]
    return own


def as_seen_by(user: User, dossier: Instance) -> Instance:
    """The dossier as this reader may see it."""
    if _observed(user, dossier):
        kept = {k: v for k, v in dossier.variables.items() if k in OBSERVED}
        return replace(dossier, variables=kept)
    hidden = _hidden(user, dossier)
    if not hidden:
        return dossier
    kept = {k: v for k, v in dossier.variables.items() if k not in hidden}
    if is_dossier_reviewer(user, dossier):
        kept.update(_own_review(user, dossier.variables))
    return replace(dossier, variables=kept)


def history_seen_by(
    user: User, dossier: Instance, entries: list[HistoryEntry]
) -> list[HistoryEntry]:
    """A dossier's history as this reader may see it: the changes each step made, without the
    hidden variables, and without the names of reviewers other than the reader (an observer's:
    only what an observer reads of the dossier, and nobody's name)."""
    observed = _observed(user, dossier)
    hidden = _hidden(user, dossier)
    if not (observed or hidden):
        return entries

    def shown(name: str) -> bool:
        return name in OBSERVED if observed else name not in hidden

    v = dossier.variables
    named = [*(v.get("reviewers") or []), *(v.get("former_reviewers") or [])]
    anonymous = set(named) - {user.username}

    def kept(changes: dict[str, Any]) -> dict[str, Any]:  # {"set": {...}, "removed": [...]}
        return {
            "set": {k: v for k, v in changes.get("set", {}).items() if shown(k)},
            "removed": [k for k in changes.get("removed", []) if shown(k)],
        }

    return [
        replace(
            entry,
            actor=None if observed or entry.actor in anonymous else entry.actor,
            changes=kept(entry.changes) if entry.changes else entry.changes,
        )
        for entry in entries
    ]


# What the commission weighs and decides, before and after its session, is not for applicants
# and reviewers: each holder reads their own decision on their dossier.
DELIBERATIONS = frozenset({"decisions", "commission_draft", "budget", "decisions_note"})


def call_as_seen_by(user: User, call: Instance) -> Instance:
    """A call as this reader may see it."""
    if has_role(user, *READERS, COMMISSION):
        return call
    kept = {k: v for k, v in call.variables.items() if k not in DELIBERATIONS}
    return replace(call, variables=kept)


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
