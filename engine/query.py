"""Fluent queries over one index table: filters, then `list`, `page`, `count` or `one`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Self, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .commands import CommandExecutor
from .errors import NotFoundError

R = TypeVar("R")  # the record (table) queried
M = TypeVar("M")  # the frozen value returned


class Query(Generic[R, M]):
    record: type[R]
    order_by: tuple[Any, ...]
    unlisted: tuple[str, ...] = ()  # columns a listing never reads
    label = "item"

    def __init__(self, executor: CommandExecutor, to_model: Callable[[Any], M]) -> None:
        self._executor = executor
        self._to_model = to_model
        self._filters: list[Any] = []

    def where(self, *conditions: Any) -> Self:
        self._filters.extend(conditions)
        return self

    def _select(self) -> Select[Any]:
        # Rows of the table, not ORM objects: a listing needs no identity map or unit of work.
        table = self.record.__table__  # type: ignore[attr-defined]
        columns = [column for column in table.c if column.name not in self.unlisted]
        return select(*columns).where(*self._filters)

    def list(self) -> list[M]:
        return self.page(0, None)

    def page(self, offset: int, limit: int | None) -> list[M]:
        return self._executor.read(lambda s: self._items(s, offset, limit))

    def count(self) -> int:
        return self._executor.read(self._count)

    def page_with_count(self, offset: int, limit: int) -> tuple[list[M], int]:
        """One page and the number of all matches, read together. A page that shows the end
        of the matches tells their number itself, so the count query runs only for full pages
        (or pages past the end)."""

        def read(session: Session) -> tuple[list[M], int]:
            items = self._items(session, offset, limit)
            if len(items) < limit and (items or not offset):
                return items, offset + len(items)
            return items, self._count(session)

        return self._executor.read(read)

    def _items(self, session: Session, offset: int, limit: int | None) -> list[M]:
        query = self._select().order_by(*self.order_by).offset(offset).limit(limit)
        return [self._to_model(row) for row in session.connection().execute(query)]

    def _count(self, session: Session) -> int:
        query = select(func.count()).select_from(self._select().subquery())
        return int(session.scalar(query) or 0)

    def one(self) -> M:
        found = self.page(0, 2)
        if len(found) != 1:
            raise NotFoundError(f"expected one {self.label}, found {len(found)}")
        return found[0]
