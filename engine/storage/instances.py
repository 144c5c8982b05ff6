"""The instance row: read and written with prebuilt statements, version-checked on update.

Every step reads and writes one such row; building the statements once (and not going through
the ORM's unit of work) keeps that cost to the SQL itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from ..errors import ConcurrencyError, NotFoundError
from ..models import Instance
from .records import InstanceRecord, ProcessVersionRecord, UserTaskRecord
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
_TASKS = UserTaskRecord.__table__
# A step needs the row and the key of its version's spec: one query for both (and, to complete
# a task, the task's row too).
_FOR_STEP = select(_TABLE, _VERSIONS.c.checksum.label("_checksum")).join(
    _VERSIONS, _VERSIONS.c.id == _TABLE.c.version_id
)
_SELECT_FOR_STEP = _FOR_STEP.where(_TABLE.c.id == bindparam("instance_id"))
_SELECT_FOR_TASK = (
    _FOR_STEP.add_columns(*(column.label(f"_task_{column.name}") for column in _TASKS.c))
    .join(_TASKS, _TASKS.c.instance_id == _TABLE.c.id)
    .where(_TASKS.c.id == bindparam("task_id"))
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
_CHANGING = ("state", "variables", "status", "updated_at", "ended_at", "version_id")


def _for_step(values: Mapping[str, Any]) -> tuple[InstanceRow, VersionRef]:
    row = InstanceRow(**{name: values[name] for name in _COLUMNS})
    return row, VersionRef(row.version_id, row.process_id, values["_checksum"])


_COLUMNS = tuple(column.name for column in _TABLE.c)


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
        return _for_step(values)

    def get_for_task(self, task_id: str) -> tuple[dict[str, Any], InstanceRow, VersionRef]:
        """An open task's row (by column name), its instance's row and version's spec key."""
        found = self._connection.execute(_SELECT_FOR_TASK, {"task_id": str(task_id)})
        values = found.mappings().first()
        if values is None:
            raise NotFoundError(f"task {task_id} not found or no longer open")
        task = {k.removeprefix("_task_"): v for k, v in values.items() if k.startswith("_task_")}
        return task, *_for_step(values)

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
            raise ConcurrencyError("the instance changed concurrently; retry")
        row.revision += 1


def to_instance(record: InstanceRecord | InstanceRow | Row[Any]) -> Instance:
    """The frozen value services return, from a row of the instance table."""
    return Instance(
        id=record.id,
        process_id=record.process_id,
        version_id=record.version_id,
        business_key=record.business_key,
        status=record.status,
        variables=dict(record.variables or {}),
        started_at=record.started_at,
        updated_at=record.updated_at,
        ended_at=record.ended_at,
        revision=record.revision,
    )
