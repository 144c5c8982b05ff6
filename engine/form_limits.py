"""What a deployed form may hold: patterns matched by RE2, in time linear in the answer (a
pattern that would backtrack catastrophically in Python's `re`, `^(a+)+$`, cannot freeze the
server on a crafted answer; what RE2 cannot run, back-references and lookarounds, is refused at
deploy), and a bounded nesting."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Mapping
from typing import Any

import re2
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from .errors import DeploymentError

MAX_DEPTH = 32  # nesting of a form's JSON: groups in groups, far deeper than any real form

_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False


# Patterns are matched by RE2, in time linear in the answer: a pattern that would backtrack
# catastrophically in Python's `re` (`^(a+)+$`) cannot freeze the server on a crafted answer.
@functools.lru_cache(maxsize=1024)
def compiled(pattern: str) -> Any:
    try:
        return re2.compile(pattern, _RE2_OPTIONS)
    except re2.error as exc:
        raise DeploymentError(
            f"formulaire invalide : motif {pattern[:80]!r} non pris en charge ({exc}) ; les "
            "références arrière et les assertions avant ou arrière ne sont pas permises",
            field="files",
        ) from exc


def _re2_pattern(
    validator: Any, pattern: str, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_DATE_PREFIX = re2.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date_bound(before: bool) -> Any:
    """`formatMinimum`/`formatMaximum` on the YYYY-MM-DD start of a date or datetime answer (a
    malformed one is left to `pattern`): ISO dates of four-digit years compare as text."""

    def check(validator: Any, bound: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "string") or not _DATE_PREFIX.search(instance):
            return
        day = instance[:10]
        if (day < bound) if before else (day > bound):
            yield ValidationError(f"{instance!r} is {'before' if before else 'after'} {bound}")

    return check


def _finite_number(checker: Any, instance: Any) -> bool:
    # NaN passes every `minimum` and `maximum` (comparisons are false), and neither NaN nor an
    # infinity can be stored as JSON or printed as an amount.
    return Draft202012Validator.TYPE_CHECKER.is_type(instance, "number") and math.isfinite(instance)


# Draft 2020-12, with `pattern` matched by RE2, date bounds, and numbers finite.
FormValidator = validators.extend(
    Draft202012Validator,
    {
        "pattern": _re2_pattern,
        "formatMinimum": _date_bound(before=True),
        "formatMaximum": _date_bound(before=False),
    },
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("number", _finite_number),
)


def check_patterns(schema: Any) -> None:
    """Compile every pattern of a derived schema (DeploymentError for one RE2 cannot run)."""
    for pattern in _patterns(schema):
        compiled(pattern)


def _patterns(schema: Any) -> list[str]:
    if isinstance(schema, Mapping):
        found = [schema["pattern"]] if isinstance(schema.get("pattern"), str) else []
        return found + [p for v in schema.values() for p in _patterns(v)]
    if isinstance(schema, list):
        return [p for v in schema for p in _patterns(v)]
    return []


def check_depth(value: Any, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise DeploymentError(
            f"formulaire invalide : imbriqué sur plus de {MAX_DEPTH} niveaux", field="files"
        )
    children = value.values() if isinstance(value, Mapping) else value
    if isinstance(value, Mapping | list):
        for child in children:
            check_depth(child, depth + 1)
