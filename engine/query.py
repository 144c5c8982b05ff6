"""Fluent queries over one index table: filters, then `list`, `page`, `count` or `one`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Self, TypeVar

from sqlalchemy import Select, func, select

from .commands import CommandExecutor
from .errors import NotFoundError

R = TypeVar("R")  # the record (table) queried
M = TypeVar("M")  # the frozen value returned


class Query(Generic[R, M]):
    record: type[R]
    order_by: tuple[Any, ...]
    label = "item"

    def __init__(self, executor: CommandExecutor, to_model: Callable[[R], M]) -> None:
        self._executor = executor
        self._to_model = to_model
        self._filters: list[Any] = []

    def where(self, *conditions: Any) -> Self:
        self._filters.extend(conditions)
        return self

    def _select(self) -> Select[tuple[R]]:
        return select(self.record).where(*self._filters)

    def list(self) -> list[M]:
        return self.page(0, None)

    def page(self, offset: int, limit: int | None) -> list[M]:
        query = self._select().order_by(*self.order_by).offset(offset).limit(limit)
        return self._executor.read(lambda s: [self._to_model(r) for r in s.scalars(query)])

    def count(self) -> int:
        query = select(func.count()).select_from(self._select().subquery())
        return self._executor.read(lambda s: int(s.scalar(query) or 0))

    def one(self) -> M:
        found = self.page(0, 2)
        if len(found) != 1:
            raise NotFoundError(f"expected one {self.label}, found {len(found)}")
        return found[0]
