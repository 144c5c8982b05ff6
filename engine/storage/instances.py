"""The instance row: read and written with prebuilt statements, version-checked on update.

Every step reads and writes one such row; building the statements once (and not going through
the ORM's unit of work) keeps that cost to the SQL itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from ..errors import ConflictError, NotFoundError
from .records import InstanceRecord, ProcessVersionRecord
from .stores import VersionRef


@dataclass
class InstanceRow:
    id: str
    process_id: str
    version_id: int
    business_key: str | None
    status: str
    state: str
    variables: dict[str, Any]
    started_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    started_by: str | None
    revision: int = 1


_TABLE = InstanceRecord.__table__
_VERSIONS = ProcessVersionRecord.__table__
_SELECT = select(_TABLE).where(_TABLE.c.id == bindparam("instance_id"))
# A step needs the row and the key of its version's spec: one query for both.
_SELECT_FOR_STEP = (
    select(_TABLE, _VERSIONS.c.checksum.label("_checksum"))
    .join(_VERSIONS, _VERSIONS.c.id == _TABLE.c.version_id)
    .where(_TABLE.c.id == bindparam("instance_id"))
)
_INSERT = insert(_TABLE)
# Optimistic concurrency: the update applies only to the revision that was read.
_UPDATE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("_id"), _TABLE.c.revision == bindparam("_revision"))
    .values(
        state=bindparam("state"),
        variables=bindparam("variables"),
        status=bindparam("status"),
        updated_at=bindparam("updated_at"),
        ended_at=bindparam("ended_at"),
        revision=bindparam("revision"),
    )
)
_CHANGING = ("state", "variables", "status", "updated_at", "ended_at")


class InstanceStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def get(self, instance_id: str) -> InstanceRow:
        row = self._connection.execute(_SELECT, {"instance_id": str(instance_id)}).first()
        if row is None:
            raise NotFoundError(f"instance {instance_id} not found")
        return InstanceRow(**row._mapping)

    def get_for_step(self, instance_id: str) -> tuple[InstanceRow, VersionRef]:
        """The row and its version's spec key."""
        found = self._connection.execute(_SELECT_FOR_STEP, {"instance_id": str(instance_id)})
        values = found.mappings().first()
        if values is None:
            raise NotFoundError(f"instance {instance_id} not found")
        row = InstanceRow(**{k: v for k, v in values.items() if k != "_checksum"})
        return row, VersionRef(row.version_id, row.process_id, values["_checksum"])

    def add(self, row: InstanceRow) -> None:
        self._connection.execute(_INSERT, dict(vars(row)))  # (asdict would deep-copy)

    def update(self, row: InstanceRow) -> None:
        """Write the changing columns; refused if another step wrote the row since it was read."""
        values = {name: getattr(row, name) for name in _CHANGING}
        result = self._connection.execute(
            _UPDATE,
            {**values, "_id": row.id, "_revision": row.revision, "revision": row.revision + 1},
        )
        if result.rowcount != 1:
            raise ConflictError("the instance changed concurrently; retry")
        row.revision += 1
