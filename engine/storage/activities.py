"""The activity table: one row per activity instance, kept in step with the instance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from ..activities import ENDED, ActivityChange
from .records import ActivityRecord

_TABLE = ActivityRecord.__table__
_EXISTING = select(_TABLE.c.id, _TABLE.c.task_id, _TABLE.c.state).where(
    _TABLE.c.instance_id == bindparam("instance_id"),
    _TABLE.c.task_id.in_(bindparam("task_ids", expanding=True)),
)
_UPDATE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("_id"))
    .values(
        state=bindparam("state"),
        ended_at=bindparam("ended_at"),
        actor=bindparam("actor"),
        changes=bindparam("changes"),
    )
)


class ActivityStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def write(
        self,
        instance_id: str,
        changes: Sequence[ActivityChange],
        *,
        at: datetime,
        actor: str | None,
        is_new: bool,
    ) -> None:
        """Open a row for each activity instance first seen, close those that ended."""
        if not changes:
            return
        existing = {}
        if not is_new:
            rows = self._connection.execute(
                _EXISTING,
                {"instance_id": instance_id, "task_ids": [c.task_id for c in changes]},
            )
            existing = {row.task_id: row for row in rows}
        added, updated = [], []
        for change in changes:
            ended = change.state in ENDED
            who = actor if ended and change.manual else None
            row = existing.get(change.task_id)
            if row is None:
                if change.state == "cancelled":
                    continue  # cancelled before it ever ran: a branch not taken
                added.append(
                    {
                        "instance_id": instance_id,
                        "task_id": change.task_id,
                        "element_id": change.element_id,
                        "element_type": change.element_type,
                        "element_name": change.element_name,
                        "state": change.state,
                        "started_at": at,
                        "ended_at": at if ended else None,
                        "actor": who,
                        "changes": change.changes,
                    }
                )
            elif row.state != change.state:
                updated.append(
                    {
                        "_id": row.id,
                        "state": change.state,
                        "ended_at": at if ended else None,
                        "actor": who,
                        "changes": change.changes,
                    }
                )
        if added:
            self._connection.execute(insert(_TABLE), added)
        if updated:
            self._connection.execute(_UPDATE, updated)

    def for_instance(self, instance_id: str) -> list[ActivityRecord]:
        query = select(_TABLE).where(_TABLE.c.instance_id == instance_id).order_by(_TABLE.c.id)
        return list(self._connection.execute(query))
