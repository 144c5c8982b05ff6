"""`variables.share`: make values of this branch every branch's (see ServiceContext.share)."""

from __future__ import annotations

from typing import Any

from engine import InvalidInputError, ServiceContext


def share_variables(ctx: ServiceContext, names: list[str]) -> dict[str, Any]:
    """Share the named variables of the calling branch with the whole instance; a parallel
    branch that then ends leaves them behind (an answer recorded apart from the main flow)."""
    if not isinstance(names, list) or not names:
        raise InvalidInputError("variables.share needs a list of names", field="names")
    missing = [name for name in names if name not in ctx.data]
    if missing:
        raise InvalidInputError(f"no variable {missing[0]!r} to share", field="names")
    ctx.share({name: ctx.data[name] for name in names})
    return {"shared": names, "at": ctx.now.isoformat()}
