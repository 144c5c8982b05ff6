"""Pagination of engine queries: counted in SQL, fetched one page at a time."""

from __future__ import annotations

from flask_smorest import Page

MAX_OFFSET = 2**31 - 1


class CountedPage(Page):
    """Pages over an engine query: counted in SQL, fetched one page at a time."""

    @property
    def item_count(self) -> int:
        return self.collection.count()

    @property
    def items(self):  # type: ignore[no-untyped-def]
        first = self.page_params.first_item
        if first > MAX_OFFSET:  # beyond any table, and beyond what databases take as OFFSET
            return []
        return self.collection.page(first, self.page_params.page_size)
