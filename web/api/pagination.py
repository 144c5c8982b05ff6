"""Pagination of engine queries: counted in SQL, fetched one page at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Page

MAX_OFFSET = 2**31 - 1


class CountedPage(Page):
    """Pages over an engine query: one page and the count of all matches, read together."""

    def __init__(self, collection, page_params):  # type: ignore[no-untyped-def]
        self.collection = collection
        self.page_params = page_params
        first = page_params.first_item
        if first > MAX_OFFSET:  # beyond any table, and beyond what databases take as OFFSET
            self._items, page_params.item_count = [], collection.count()
        else:
            self._items, page_params.item_count = collection.page_with_count(
                first, page_params.page_size
            )

    @property
    def items(self):  # type: ignore[no-untyped-def]
        return self._items


class SeenBy:
    """A query whose items are shown through `view` (what a reader may see of each)."""

    def __init__(self, query: Any, view: Callable[[Any], Any]) -> None:
        self._query = query
        self._view = view

    def count(self) -> int:
        return self._query.count()

    def page_with_count(self, offset: int, limit: int) -> tuple[list[Any], int]:
        items, count = self._query.page_with_count(offset, limit)
        return [self._view(item) for item in items], count
