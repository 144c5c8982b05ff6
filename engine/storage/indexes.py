"""The rows that mirror a waiting instance: its open user tasks, timers and message catches.

Written with SQL expressions rather than ORM objects: a step touches a handful of these rows,
and the unit of work's bookkeeping cost more than the statements themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    String,
    Table,
    bindparam,
    cast,
    delete,
    insert,
    literal_column,
    null,
    select,
    union_all,
    update,
)

from .records import SubscriptionRecord, TimerRecord, UserTaskRecord

Fresh = Mapping[str, Any]


class _Index:
    """One index table and its statements, built once."""

    def __init__(
        self,
        kind: str,
        table: Table,
        key: tuple[str, ...],
        kept: tuple[str, ...] = (),
        refresh: Callable[[Row[Any], Fresh], dict[str, Any]] | None = None,
    ) -> None:
        self.kind = kind
        self.key = key  # what identifies a row of one instance across steps
        self.refresh = refresh  # the kept columns' new values, if an existing row must change
        self.id_type = table.c.id.type.python_type
        # Every index answers in one shape, so that one query reads the three of them.
        shape = [
            literal_column(f"'{kind}'").label("kind"),
            cast(table.c.id, String(36)).label("row_id"),
            *((table.c[key[n]] if n < len(key) else null()).label(f"k{n}") for n in range(4)),
            *((table.c[name] if name in kept else null()).label(name) for name in _KEPT),
        ]
        self.existing = select(*shape).where(table.c.instance_id == bindparam("instance_id"))
        self.delete = delete(table).where(table.c.id.in_(bindparam("ids", expanding=True)))
        self.update = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({name: bindparam(name) for name in kept})
        )
        self.insert = insert(table)


_KEPT = ("assignee", "due_at")


def _refresh_task(existing: Row[Any], fresh: Fresh) -> dict[str, Any]:
    # Claims live only in the index, so an existing row keeps its claim; a due time stays
    # once its escalation timer has fired (the task is then overdue, not undated).
    wanted = {"assignee": fresh["assignee"], "due_at": fresh["due_at"] or existing.due_at}
    changed = any(getattr(existing, name) != value for name, value in wanted.items())
    return wanted if changed else {}


def _refresh_timer(existing: Row[Any], fresh: Fresh) -> dict[str, Any]:
    # A timer due anew (a cycle's next occurrence) is free at once: the claim that fired the
    # previous occurrence must not hold this one until its lease ends.
    if existing.due_at == fresh["due_at"]:
        return {}
    return {"due_at": fresh["due_at"], "locked_by": None, "locked_until": None}


_TASKS = _Index("task", UserTaskRecord.__table__, ("id",), _KEPT, _refresh_task)
_TIMERS = _Index(
    "timer",
    TimerRecord.__table__,
    ("task_id",),
    ("due_at", "locked_by", "locked_until"),
    _refresh_timer,
)
_SUBSCRIPTIONS = _Index(
    "subscription",
    SubscriptionRecord.__table__,
    ("task_id", "message_name", "correlation", "kind"),
)
_INDEXES = (_TASKS, _TIMERS, _SUBSCRIPTIONS)
_EXISTING = union_all(*(index.existing for index in _INDEXES))
_BY_KIND = {index.kind: index for index in _INDEXES}


class IndexStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def sync(
        self,
        instance_id: str,
        *,
        tasks: Sequence[Fresh],
        timers: Sequence[Fresh],
        subscriptions: Sequence[Fresh],
        is_new: bool,
    ) -> tuple[list[Fresh], list[Fresh]]:
        """Make the rows match the instance, keeping the stable ones (and their claims and
        leases). Returns the user tasks that just opened and the catches that just opened."""
        existing: dict[str, dict[tuple[Any, ...], Row[Any]]] = {i.kind: {} for i in _INDEXES}
        if not is_new:
            for row in self._connection.execute(_EXISTING, {"instance_id": instance_id}):
                existing[row.kind][tuple(row)[2 : 2 + len(_BY_KIND[row.kind].key)]] = row
        opened = self._sync(_TASKS, instance_id, tasks, existing["task"])
        self._sync(_TIMERS, instance_id, timers, existing["timer"])
        caught = self._sync(_SUBSCRIPTIONS, instance_id, subscriptions, existing["subscription"])
        return opened, caught

    def _sync(
        self,
        index: _Index,
        instance_id: str,
        rows: Sequence[Fresh],
        existing: dict[tuple[Any, ...], Row[Any]],
    ) -> list[Fresh]:
        connection = self._connection
        fresh = {tuple(row[name] for name in index.key): row for row in rows}
        gone = [index.id_type(row.row_id) for key, row in existing.items() if key not in fresh]
        if gone:  # before inserting: a re-keyed row must not collide with its old self
            connection.execute(index.delete, {"ids": gone})
        for key, row in existing.items():
            changes = index.refresh(row, fresh[key]) if index.refresh and key in fresh else {}
            if changes:
                connection.execute(index.update, {**changes, "_id": index.id_type(row.row_id)})
        added = [row for key, row in fresh.items() if key not in existing]
        if added:
            connection.execute(index.insert, [{**row, "instance_id": instance_id} for row in added])
        return added
