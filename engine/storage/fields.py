"""A field of a JSON column in SQL, as each database reads it.

SQLite's `json_extract` gives a field's value in its own SQL type (NULL, a number or text), so
one expression serves to compare, sort and sum. PostgreSQL reads the column as `jsonb`: `->`
keeps the JSON value (numbers sort as numbers, text, lowered, by the collation), `->>` gives
text, and a list is searched with `@>`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Float, String, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import JSON


class _Field(FunctionElement[Any]):
    inherit_cache = True

    def __init__(self, column: Any, name: str, *more: Any) -> None:
        super().__init__(column, bindparam(None, name, type_=String()), *more)


class field_text(_Field):  # named as the SQL functions it stands for
    """The field as text (None when absent)."""

    type = String()
    name = "field_text"
    inherit_cache = True


class field_number(_Field):
    type = Float()
    name = "field_number"
    inherit_cache = True


class field_sort_key(_Field):
    """The field as it sorts: numbers by value, text without regard to case."""

    type = JSON()
    name = "field_sort_key"
    inherit_cache = True


class field_has(_Field):
    """Whether the field, a list, holds the value."""

    type = Boolean()
    name = "field_has"
    inherit_cache = True

    def __init__(self, column: Any, name: str, value: str | int | float) -> None:
        kind = String() if isinstance(value, str) else Float()
        super().__init__(column, name, bindparam(None, value, type_=kind))


def _parts(element: _Field, compiler: Any, **kw: Any) -> list[str]:
    return [compiler.process(clause, **kw) for clause in element.clauses]


@compiles(field_text, "sqlite")
@compiles(field_number, "sqlite")
def _sqlite_value(element: _Field, compiler: Any, **kw: Any) -> str:
    column, name = _parts(element, compiler, **kw)
    return f"json_extract({column}, '$.' || {name})"


@compiles(field_sort_key, "sqlite")
def _sqlite_sort_key(element: _Field, compiler: Any, **kw: Any) -> str:
    return f"{_sqlite_value(element, compiler, **kw)} COLLATE NOCASE"


@compiles(field_has, "sqlite")
def _sqlite_has(element: _Field, compiler: Any, **kw: Any) -> str:
    column, name, value = _parts(element, compiler, **kw)
    return f"EXISTS (SELECT 1 FROM json_each({column}, '$.' || {name}) WHERE value = {value})"


def _pg_field(element: _Field, compiler: Any, operator: str, **kw: Any) -> str:
    """The field read with `->` (its JSON value) or `->>` (its text)."""
    column, name = _parts(element, compiler, **kw)
    return f"(CAST({column} AS JSONB) {operator} CAST({name} AS TEXT))"


@compiles(field_text, "postgresql")
def _pg_text(element: _Field, compiler: Any, **kw: Any) -> str:
    return _pg_field(element, compiler, "->>", **kw)


@compiles(field_number, "postgresql")
def _pg_number(element: _Field, compiler: Any, **kw: Any) -> str:
    return f"CAST({_pg_text(element, compiler, **kw)} AS DOUBLE PRECISION)"


@compiles(field_sort_key, "postgresql")
def _pg_sort_key(element: _Field, compiler: Any, **kw: Any) -> str:
    value = _pg_field(element, compiler, "->", **kw)
    return (
        f"(CASE WHEN jsonb_typeof({value}) = 'string' "
        f"THEN to_jsonb(lower({value} #>> '{{}}')) ELSE {value} END)"
    )


@compiles(field_has, "postgresql")
def _pg_has(element: _Field, compiler: Any, **kw: Any) -> str:
    column, name, value = _parts(element, compiler, **kw)
    kind = "TEXT" if isinstance(list(element.clauses)[2].type, String) else "NUMERIC"
    return (
        f"(CAST({column} AS JSONB) @> jsonb_build_object(CAST({name} AS TEXT), "
        f"jsonb_build_array(CAST({value} AS {kind}))))"
    )
