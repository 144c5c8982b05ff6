"""Fluent queries over one index table: filters, then `list`, `page`, `count` or `one`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Self, TypeVar

from sqlalchemy import Select, func, select, true, union_all
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
        self._alternatives: list[Any] = []

    def where(self, *conditions: Any) -> Self:
        self._filters.extend(conditions)
        return self

    def any_of(self, *alternatives: Any) -> Self:
        """Rows meeting one of these conditions, which must exclude each other. Each is read
        on its own, through its own index and in order, and the pages are merged: an OR
        would make the database gather every match before sorting them. (The order must end
        with `id`, by which the merged page is read.)"""
        self._alternatives = list(alternatives)
        return self

    @property
    def _table(self) -> Any:
        return self.record.__table__  # type: ignore[attr-defined]

    def _select(self, *conditions: Any) -> Select[Any]:
        # Rows of the table, not ORM objects: a listing needs no identity map or unit of work.
        columns = [column for column in self._table.c if column.name not in self.unlisted]
        return select(*columns).where(*self._filters, *conditions)

    def _ordered(self, offset: int, limit: int | None) -> Select[Any]:
        if not self._alternatives:
            return self._select().order_by(*self.order_by).offset(offset).limit(limit)
        # Each alternative gives the keys of its first rows; the page is read by those keys.
        enough = None if limit is None else offset + limit
        keys = [column.name for column in self.order_by]
        table = self._table
        parts = [
            select(
                select(*(table.c[key] for key in keys))
                .where(*self._filters, alternative)
                .order_by(*self.order_by)
                .limit(enough)
                .subquery()
            )
            for alternative in self._alternatives
        ]
        merged = union_all(*parts).subquery()
        return (
            self._select()
            .join(merged, merged.c.id == table.c.id)
            .order_by(*(merged.c[key] for key in keys))
            .offset(offset)
            .limit(limit)
        )

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
        query = self._ordered(offset, limit)
        return [self._to_model(row) for row in session.connection().execute(query)]

    def _count(self, session: Session) -> int:
        counts = [  # one statement, whatever the number of alternatives
            select(func.count()).select_from(self._table).where(*self._filters, alternative)
            for alternative in self._alternatives or [true()]
        ]
        query = select(*(count.scalar_subquery() for count in counts))
        return sum(session.connection().execute(query).one())

    def one(self) -> M:
        found = self.page(0, 2)
        if len(found) != 1:
            raise NotFoundError(f"expected one {self.label}, found {len(found)}")
        return found[0]
