"""Messages sent before their receiver waits: kept for a while, delivered when a catch opens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select

from .records import BufferedMessageRecord

_TABLE = BufferedMessageRecord.__table__
_EXPIRED = delete(_TABLE).where(_TABLE.c.expires_at <= bindparam("now"))
_OLDEST = (
    select(_TABLE.c.id, _TABLE.c.payload)
    .where(
        _TABLE.c.message_name == bindparam("name"),
        _TABLE.c.expires_at > bindparam("now"),
    )
    .order_by(_TABLE.c.id)
    .limit(1)
)
_TAKE = delete(_TABLE).where(_TABLE.c.id == bindparam("id"))


class MessageBuffer:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def keep(
        self, name: str, correlation: str, payload: Any, *, now: datetime, until: datetime
    ) -> None:
        self._connection.execute(_EXPIRED, {"now": now})
        self._connection.execute(
            insert(_TABLE).values(
                message_name=name,
                correlation=correlation,
                payload={"value": payload},
                created_at=now,
                expires_at=until,
            )
        )

    def take(self, name: str, correlation: str, *, now: datetime) -> tuple[bool, Any]:
        """The oldest live message for a catch of `name` with these keys (a catch with no keys
        takes any), removed from the buffer: (found, payload)."""
        query = _OLDEST
        if correlation != "{}":
            query = query.where(_TABLE.c.correlation == correlation)
        row = self._connection.execute(query, {"name": name, "now": now}).first()
        if row is None:
            return False, None
        self._connection.execute(_TAKE, {"id": row.id})
        return True, row.payload["value"]
