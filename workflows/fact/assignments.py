"""The same reviewers named on many dossiers at once, from the staff's list of dossiers.

Every dossier ticked is checked before any is written (the reviewers known, none the holder
nor in conflict with it), so that a refusal leaves them all as they were; the dossiers that no
longer wait for their reviewers are left alone and named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine import Engine, InvalidInputError
from engine.models import UserTask

from .dossiers import get_dossier
from .forms import complete_task
from .reviewers import check_assignment


@dataclass(frozen=True)
class BulkAssignment:
    assigned: list[str]
    not_waiting: list[str]  # already assigned, or past that step


def assign_many(
    engine: Engine, keys: Sequence[str], data: Mapping[str, Any], *, actor: str
) -> BulkAssignment:
    """Complete the assignment of each dossier waiting for it with `data` (reviewers and,
    optionally, the day reviews are due)."""
    waiting: list[tuple[str, UserTask]] = []
    not_waiting = []
    for key in dict.fromkeys(keys):
        dossier = get_dossier(engine, key)
        tasks = engine.tasks.query().business_key(key).form_key("assignment").list()
        if not tasks:
            not_waiting.append(key)
            continue
        try:
            check_assignment(engine, dossier, data)
        except InvalidInputError as exc:
            raise InvalidInputError(f"dossier {key} : {exc}", field="reviewers") from None
        waiting.append((key, tasks[0]))
    for _, task in waiting:
        complete_task(engine, task.id, dict(data), actor=actor)
    return BulkAssignment([key for key, _ in waiting], not_waiting)
