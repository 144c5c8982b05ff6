"""`variables.share`: the named values of the calling branch, shared with the instance."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import InvalidInputError, ServiceContext
from handlers.variables import share_variables

NOW = datetime(2020, 3, 2, 9, 0, tzinfo=UTC)


def context(**data: object) -> ServiceContext:
    return ServiceContext("i", "fact_dossier", "2020-01-0001", "share", data, NOW)


def test_the_named_values_are_shared_and_no_other() -> None:
    ctx = context(answer={"informed": True}, at="2020-03-02", other=1)
    result = share_variables(ctx, ["answer", "at"])
    assert ctx.shared == {"answer": {"informed": True}, "at": "2020-03-02"}
    assert result == {"shared": ["answer", "at"], "at": NOW.isoformat()}


@pytest.mark.parametrize("names", [[], "answer", ["answer", "missing"]])
def test_nothing_is_shared_from_a_bad_list(names: object) -> None:
    ctx = context(answer=1)
    with pytest.raises(InvalidInputError) as refused:
        share_variables(ctx, names)  # type: ignore[arg-type]
    assert refused.value.field == "names" and ctx.shared == {}
