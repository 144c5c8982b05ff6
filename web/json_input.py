"""JSON bodies as the service reads them: strict, so that what is stored is JSON any reader takes.

Python's parser accepts NaN and Infinity, turns 1e400 into infinity, keeps the last of two equal
keys and nests as deep as the interpreter's stack: each would reach storage (SQLite keeps NaN as
text that is no longer JSON, PostgreSQL refuses it with a 500) or the serializer.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 32  # a form's data is a few levels deep; past this it is an attack or a bug
# Past it, JavaScript clients (the forms) change integers; no amount or count comes near.
MAX_SAFE_INTEGER = 2**53


class JSONInputError(ValueError):
    """A body that is not acceptable JSON: `status` 400 when malformed, 422 for numbers that
    JSON cannot carry."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def loads(data: str | bytes) -> Any:
    try:
        value = json.loads(
            data,
            object_pairs_hook=_object,
            parse_constant=_constant,
            parse_float=_float,
            parse_int=_int,
        )
    except RecursionError:
        raise JSONInputError(400, f"JSON imbriqué sur plus de {MAX_DEPTH} niveaux") from None
    except JSONInputError:
        raise
    except (ValueError, UnicodeDecodeError) as exc:
        raise JSONInputError(400, f"le corps n'est pas du JSON valide ({exc})") from None
    if _depth_exceeds(value, MAX_DEPTH):
        raise JSONInputError(400, f"JSON imbriqué sur plus de {MAX_DEPTH} niveaux")
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise JSONInputError(400, f"clé « {twice[:100]} » en double dans un objet JSON")
    return value


def _constant(name: str) -> float:
    raise JSONInputError(422, f"{name} n'est pas un nombre JSON")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONInputError(422, f"nombre hors de l'intervalle représentable : {text[:40]}")
    if abs(value) > MAX_SAFE_INTEGER:
        raise JSONInputError(422, f"nombre hors de l'intervalle accepté : {text[:40]}")
    return value


def _int(text: str) -> int:
    if len(text) > 20:  # before int() reads thousands of digits
        raise JSONInputError(422, f"entier hors de l'intervalle accepté : {text[:40]}…")
    value = int(text)
    if abs(value) > MAX_SAFE_INTEGER:
        raise JSONInputError(422, f"entier hors de l'intervalle accepté : {text}")
    return value


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


class StrictJSONProvider(DefaultJSONProvider):
    """`request.get_json()` reads with the same rules as the API's arguments."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s)
