"""The deposit deadline: a deposit is on time until the end of the second the call shows.

"Mardi 14 avril 2020 à 23 h 59 min 59 s" accepts every instant before 00:00:00.000 on the 15th
(Paris time); the diagrams' deadline timers read `end_of_second(deposit_deadline)` alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine import ConflictError
from engine.dates import end_of_second

from ..french import datetime_fr


def closing_time(deadline: str) -> datetime:
    """When deposits close: the end of the deadline's second (23:59:59 → 00:00:00.000)."""
    return datetime.fromisoformat(end_of_second(deadline))


def too_late(deadline: str) -> ConflictError:
    return ConflictError(
        "la date limite de dépôt est passée "
        f"({datetime_fr(deadline, seconds=True)}, heure de Paris) : le dossier n'a pas été déposé"
    )


def check_on_time(variables: Mapping[str, Any], now: datetime) -> None:
    """Refuse a deposit at or after the closing time of the dossier's deadline."""
    deadline = variables["deposit_deadline"]
    if now >= closing_time(deadline):
        raise too_late(deadline)
