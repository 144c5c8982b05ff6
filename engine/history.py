"""HistoryService: the append-only audit of every step."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .commands import CommandExecutor
from .models import Activity, HistoryEntry
from .storage.activities import ActivityStore
from .storage.stores import HistoryStore


class HistoryService:
    def __init__(self, executor: CommandExecutor) -> None:
        self._executor = executor

    def for_instance(self, instance_id: str) -> list[HistoryEntry]:
        def command(session: Session) -> list[HistoryEntry]:
            return [
                HistoryEntry(
                    id=r.id,
                    instance_id=r.instance_id,
                    at=r.at,
                    actor=r.actor,
                    action=r.action,
                    element_id=r.element_id,
                    changes=dict(r.changes or {}),
                )
                for r in HistoryStore(session).for_instance(instance_id)
            ]

        return self._executor.read(command)

    def activities(self, instance_id: str) -> list[Activity]:
        """Every activity instance of the instance, in the order they started: one per run of
        an element (each loop pass, each multi-instance item, each token at a join)."""

        def read(session: Session) -> list[Activity]:
            rows = ActivityStore(session.connection()).for_instance(instance_id)
            return [
                Activity(**{name: getattr(row, name) for name in _ACTIVITY_FIELDS}) for row in rows
            ]

        return self._executor.read(read)


_ACTIVITY_FIELDS = tuple(Activity.__dataclass_fields__)
