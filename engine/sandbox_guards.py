"""The functions RestrictedPython's rewritten code calls: `x[k]` becomes `_getitem_(x, k)`,
`x += y` becomes `x = _inplacevar_("+=", x, y)`, and (engine.sandbox's policy) `a * b` becomes
`_mul_(a, b)`. Objects reach scripts only from task data, host functions and guarded attributes,
so plain operations suffice here."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr_raise,
)

_INPLACE_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "@=": operator.imatmul,
    "<<=": operator.ilshift, ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior,
    "^=": operator.ixor,
}  # fmt: skip


def _getitem(obj: Any, key: Any) -> Any:
    # Plain access suffices: objects come only from data, host functions and guarded attributes.
    return obj[key]


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    # RestrictedPython rewrites `x += y` on a name into `x = _inplacevar_("+=", x, y)`.
    try:
        return _INPLACE_OPERATORS[op](target, value)
    except KeyError:
        raise TypeError(f"unsupported augmented assignment {op!r}") from None


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    # RestrictedPython routes calls using *args / **kwargs through _apply_.
    return func(*args, **kwargs)


GUARDS: dict[str, Any] = {
    # safer_getattr with getattr's semantics: plain safer_getattr turns `x.typo` into None, so a
    # misspelt attribute in a gateway condition would silently be falsy instead of an error.
    "_getattr_": safer_getattr_raise,
    "_getitem_": _getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_apply_": _apply,
    "_mul_": operator.mul,
    "_loop_": None,  # loaded at the top of every while body, see _SandboxPolicy.visit_While
}
