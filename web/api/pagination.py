"""Pagination of engine queries: counted in SQL, fetched one page at a time."""

from __future__ import annotations

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
