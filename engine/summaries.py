"""Instance summaries: the few fields of each instance that lists and figures read.

A process may have a summarizer (`EngineConfig.summaries`): given an instance as a step leaves
it and the form keys of its open user tasks, it returns the fields to keep (strings, numbers,
booleans, or lists of them) and the text the instance is found by. Every step writes the summary
in its own transaction, beside the instance, in a narrow row of its own: a list or a count over
thousands of instances is then SQL over those rows (filters, text search, sort, pages, counts and
sums) and never reads an instance's state or variables.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from .models import Instance
from .query import Query
from .storage.fields import field_has, field_number, field_sort_key, field_text
from .storage.records import SummaryRecord

_TABLE = SummaryRecord.__table__
_INSERT = insert(_TABLE)
_UPDATE = (
    update(_TABLE)
    .where(_TABLE.c.instance_id == bindparam("_id"))
    .values(fields=bindparam("fields"), search=bindparam("search"))
)


@dataclass(frozen=True)
class Summary:
    fields: Mapping[str, Any]
    text: str = ""  # what a search finds the instance by (any part of it, accents and case aside)


# (the instance as the step leaves it, the form keys of its open user tasks) -> its summary
Summarizer = Callable[[Instance, tuple[str, ...]], Summary]


@dataclass(frozen=True)
class SummaryRow:
    instance_id: str
    business_key: str | None
    fields: dict[str, Any]


def searchable(text: str) -> str:
    """Text as searches compare it: without case, accents or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def write_summary(
    connection: Connection, instance: Instance, summary: Summary, *, is_new: bool
) -> None:
    """Store the instance's summary: empty values are left out, so that they sort last."""
    values = {
        "fields": {k: v for k, v in summary.fields.items() if v is not None and v != ""},
        "search": searchable(summary.text),
    }
    if not is_new:
        changed = connection.execute(_UPDATE, {**values, "_id": instance.id}).rowcount
        if changed:
            return
    connection.execute(
        _INSERT,
        {
            **values,
            "instance_id": instance.id,
            "process_id": instance.process_id,
            "business_key": instance.business_key,
        },
    )


class SummaryQuery(Query[SummaryRecord, SummaryRow]):
    """Fluent filter over the summaries of one process's instances."""

    record = SummaryRecord
    order_by: tuple[Any, ...] = (SummaryRecord.business_key, SummaryRecord.instance_id)
    unlisted = ("search",)
    label = "summary"

    def __init__(self, executor: Any, process_id: str) -> None:
        super().__init__(executor, _row)
        self.where(SummaryRecord.process_id == process_id)

    def business_key_prefix(self, prefix: str) -> Self:
        return self.where(SummaryRecord.business_key.startswith(prefix, autoescape=True))

    def business_key_containing(self, text: str) -> Self:
        return self.where(SummaryRecord.business_key.contains(text.strip(), autoescape=True))

    def instances(self, ids: Iterable[str]) -> Self:
        return self.where(SummaryRecord.instance_id.in_(list(ids)))

    def equals(self, name: str, value: str) -> Self:
        """A text field equal to `value`."""
        return self.where(field_text(SummaryRecord.fields, name) == value)

    def one_of(self, name: str, values: Sequence[str]) -> Self:
        return self.where(field_text(SummaryRecord.fields, name).in_(list(values)))

    def present(self, name: str) -> Self:
        return self.where(field_text(SummaryRecord.fields, name).is_not(None))

    def has(self, name: str, value: str | int | float) -> Self:
        """A list field holding `value`."""
        return self.where(field_has(SummaryRecord.fields, name, value))

    def between(self, name: str, low: float | None, high: float | None) -> Self:
        """A number field within the bounds given (an instance without it is left out)."""
        number = field_number(SummaryRecord.fields, name)
        if low is not None:
            self.where(number >= low)
        if high is not None:
            self.where(number <= high)
        return self

    def matching(self, text: str) -> Self:
        """Instances whose search text holds `text`, accents and case aside."""
        wanted = searchable(text)
        return (
            self.where(SummaryRecord.search.contains(wanted, autoescape=True)) if wanted else self
        )

    def sorted_by(self, name: str | None, *, descending: bool = False) -> Self:
        """By a field (numbers as numbers, text without case), instances without it last,
        then by business key; by business key alone if `name` is None."""
        key = SummaryRecord.business_key
        if name is not None:
            key = field_sort_key(SummaryRecord.fields, name)
        self.order_by = (
            (key.desc() if descending else key.asc()).nulls_last(),
            SummaryRecord.business_key,
            SummaryRecord.instance_id,
        )
        return self

    def page_with_count(self, offset: int, limit: int) -> tuple[list[SummaryRow], int]:
        """One page and the number of all matches, counted in the same pass as the page is
        read (a list over thousands of instances scans them once, not twice)."""
        query = self._ordered(offset, limit).add_columns(func.count().over().label("_total"))

        def read(session: Session) -> tuple[list[SummaryRow], int]:
            rows = session.connection().execute(query).all()
            if rows:
                return [_row(row) for row in rows], rows[0]._total
            return [], self._count(session)  # past the end: counted on its own

        return self._executor.read(read)

    def count_by(self, *names: str) -> dict[tuple[Any, ...], int]:
        """The number of instances for each combination of these text fields' values."""
        return {keys: count for keys, count, _ in self.grouped(names)}

    def grouped(
        self, names: Sequence[str], sums: Sequence[str] = ()
    ) -> list[tuple[tuple[Any, ...], int, tuple[float, ...]]]:
        """For each combination of these text fields' values: its key, the number of instances
        and the sums of the `sums` number fields. One pass, however many figures are drawn."""
        keys = [field_text(SummaryRecord.fields, name) for name in names]
        totals = [
            func.coalesce(func.sum(field_number(SummaryRecord.fields, name)), 0) for name in sums
        ]
        query = select(*keys, func.count(), *totals).where(*self._filters).group_by(*keys)
        width = len(keys)

        def read(session: Session) -> list[tuple[tuple[Any, ...], int, tuple[float, ...]]]:
            return [
                (tuple(row[:width]), row[width], tuple(float(t) for t in row[width + 1 :]))
                for row in session.connection().execute(query)
            ]

        return self._executor.read(read)

    def total(self, name: str) -> float:
        """The sum of a number field over the matches (0 without any)."""
        return sum(sums[0] for _, _, sums in self.grouped((), (name,)))


def _row(row: Any) -> SummaryRow:
    return SummaryRow(row.instance_id, row.business_key, dict(row.fields or {}))
